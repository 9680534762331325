# Linli: `make run` serves the whole suite on SQLite at http://127.0.0.1:$(PORT);
# `make test` runs every test on SQLite and PostgreSQL. Both set up what they need first.

PORT ?= 8000
PYTEST_WORKERS ?= 3
SERVICES := canteen hub cases
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
RUN := $(UV) run --frozen

export LINLI_VAR_DIR ?= $(CURDIR)/var
export LINLI_COMMUNITIES_FILE ?= $(CURDIR)/communities.toml

.PHONY: help setup migrate seed run test test-faults lint test-tools bench-tools bench bench-all clean plugin backup restore

help:
	@echo "make run    - set up, migrate, load demo data and serve the suite on http://127.0.0.1:$(PORT)"
	@echo "make test   - set up and run all tests (SQLite and PostgreSQL), lint included"
	@echo "make lint   - ruff, the import contracts and mypy (strict on the shared library)"
	@echo "make test-faults - the fault drill alone, FAULT_SECONDS of load (default 45), with its figures"
	@echo "make backup - back up every service's database into var/backups/<UTC stamp>/ (KEEP=n prunes)"
	@echo "make restore [FROM=<folder>] - restore the latest (or that) backup; the current state is kept first"
	@echo "make bench  - the order benchmark on PostgreSQL (wrk): full stack vs plain SQL, menu, RSS, round trips, profile"
	@echo "make bench-all - also the cases, waste and visits benchmarks (query plans printed)"
	@echo "make plugin NAME=my-plugin SERVICE=canteen|hub|cases [COMMUNITY=id] - a new community plugin in plugins/"

setup:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen --quiet

migrate: setup
	@for s in $(SERVICES); do echo "migrating $$s"; $(RUN) flask --app linli.$$s.app db upgrade || exit 1; done

seed: migrate
	@for s in $(SERVICES); do $(RUN) flask --app linli.$$s.app linli seed-demo || { \
	  echo "make: the $$s demo data could not be seeded (the reason is above); nothing of it was written." >&2; \
	  echo "      Fix the cause and run the command again; 'make clean' starts over from empty databases." >&2; \
	  exit 1; }; done

run: seed
	@echo ""
	@$(RUN) python deploy/suite_pages.py http://127.0.0.1:$(PORT)
	@echo "  sign in with the demo accounts printed above (password linli-demo)"
	@echo "  a staff token for the APIs: $(RUN) flask --app linli.cases.app linli token --sub demo-staff --role staff --community north-bund --community fenglin-huiyuan"
	@echo ""
	LINLI_PORT=$(PORT) $(RUN) honcho -f deploy/Procfile.dev -d . start

lint: setup
	$(RUN) ruff check .
	$(RUN) lint-imports
	$(RUN) mypy

test-tools:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "wenquanyi" || ! command -v nginx >/dev/null; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium, a CJK font and nginx for the browser and gateway tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei nginx-light >/dev/null; \
	  else echo "missing: install Debian's chromium, fonts-wqy-microhei and nginx-light (those tests will skip)"; fi; \
	fi

# the benchmarks' load generator (Debian's wrk); py-spy comes from PyPI through `uv tool run` when profiling
bench-tools:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's wrk for the benchmarks"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "missing: install Debian's wrk (the benchmark falls back to its slower Python driver)"; fi; \
	fi

# PostgreSQL at LINLI_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres); BENCH_ARGS passes options
bench: setup bench-tools
	$(RUN) python tests/load/orders.py $(BENCH_ARGS)

bench-all: bench
	$(RUN) python tests/load/cases.py
	$(RUN) python tests/load/waste.py
	$(RUN) python tests/load/visits.py

test: setup lint test-tools
	$(RUN) pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# the fault drill (tests/faults): orders under load on a private PostgreSQL cluster while gunicorn
# workers are killed and the server crashes; prints its figures. `make test` runs it too, with 30 s.
FAULT_SECONDS ?= 45
test-faults: setup
	LINLI_FAULT_SECONDS=$(FAULT_SECONDS) $(RUN) pytest -q -s -p no:cacheprovider tests/faults --engines postgresql $(PYTEST_ARGS)

# backups of the databases the services are configured with (LINLI_*_DATABASE_URL, else var/*.db)
backup: setup
	$(RUN) python -m linli.shared.backup backup $(if $(KEEP),--keep $(KEEP))

restore: setup
	$(RUN) python -m linli.shared.backup restore $(or $(FROM),latest)

# a working community plugin in plugins/$(NAME): entry point, example hook, passing test, README;
# added to the workspace and the lock; COMMUNITY=<id> also enables it there in communities.toml
plugin: setup
	@if [ -z "$(NAME)" ] || [ -z "$(SERVICE)" ]; then \
	  echo "usage: make plugin NAME=my-plugin SERVICE=canteen|hub|cases [COMMUNITY=north-bund]"; exit 2; fi
	$(RUN) python -m linli.shared.scaffold $(NAME) $(SERVICE) $(if $(COMMUNITY),--community $(COMMUNITY) --enable)
	$(UV) lock --quiet
	$(UV) sync --frozen --quiet
	@echo "next: edit plugins/$(NAME)/src, then: $(RUN) pytest -q plugins/$(NAME) --engines sqlite (docs/plugins/tutorial.md)"

clean:
	rm -rf var test-artifacts .pytest_cache
