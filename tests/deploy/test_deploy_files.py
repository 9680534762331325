"""Static checks of the deployment files: compose, nginx, gunicorn, Kubernetes, Procfile.

None of these needs Docker, a cluster or network: the compose file is validated against the
Compose specification schema vendored in check-jsonschema, manifests are parsed with PyYAML.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE_FILE = ROOT / "docker-compose.yml"
SERVICES = ("canteen", "hub", "cases")


def _compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else str(command)


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def _linli_service(service: dict) -> str | None:
    """Which Linli service a compose service runs code of (linli.<name>.app), if any."""
    match = re.search(r"linli\.(canteen|hub|cases)\.app", _command(service))
    return match.group(1) if match else None


def _k8s_documents() -> list[tuple[Path, dict]]:
    documents = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text()):
            if document is not None:
                documents.append((path, document))
    return documents


def _k8s_objects(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for _, doc in _k8s_documents() if doc["kind"] == kind}


def _load_gunicorn_conf(name: str = "linli_gunicorn_conf"):
    spec = importlib.util.spec_from_file_location(name, DEPLOY / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- docker-compose.yml ------------------------------------------------------------------


def test_compose_file_validates_against_the_compose_spec():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE_FILE),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_every_process_of_every_service():
    services = _compose()["services"]
    for name in SERVICES:
        assert "gunicorn" in _command(services[name])
        assert f"linli.{name}.app:create_app()" in _command(services[name])
        assert _command(services[f"{name}-migrate"]).endswith("db upgrade")
        assert _command(services[f"{name}-relay"]).endswith("linli relay")
        assert "linli tick --loop" in _command(services[f"{name}-tick"])
    assert services["postgres"]["image"].startswith("postgres:16")
    assert any(port.endswith(":80") and "8000" in port for port in services["nginx"]["ports"])


def test_compose_web_services_and_gateway_have_health_checks():
    services = _compose()["services"]
    web = [
        name
        for name, service in services.items()
        if "gunicorn" in _command(service) or str(service.get("image", "")).startswith("nginx")
    ]
    assert set(web) >= {*SERVICES, "nginx"}
    for name in web:
        test = services[name].get("healthcheck", {}).get("test")
        assert test, f"{name} has no healthcheck"
        assert "/healthz" in " ".join(test if isinstance(test, list) else [test]), name


def test_compose_processes_that_use_a_database_have_their_own_url():
    services = _compose()["services"]
    users = {name: _linli_service(service) for name, service in services.items()}
    users = {name: linli for name, linli in users.items() if linli}
    # apps, relays, ticks and migrations: 4 per service
    assert sorted(users.values()) == sorted(SERVICES * 4)
    for name, linli in users.items():
        env = _environment(services[name])
        key = f"LINLI_{linli.upper()}_DATABASE_URL"
        assert key in env, f"{name} lacks {key}"
        assert env[key].startswith("postgresql+psycopg://"), name
        assert env[key].endswith(f"@postgres:5432/linli_{linli}"), name
        # independence: no process gets another service's database
        others = {f"LINLI_{other.upper()}_DATABASE_URL" for other in SERVICES if other != linli}
        assert not others & env.keys(), name
        assert env["LINLI_EVENT_SECRET"], name
        assert json.loads(env["LINLI_EVENT_SUBSCRIBERS"]) == {
            s: f"http://{s}:8000" for s in SERVICES
        }
        if linli in {"canteen", "cases"}:
            assert env["LINLI_JWKS_URL"] == "http://hub:8000/.well-known/jwks.json"


def test_compose_start_order():
    services = _compose()["services"]
    for name, service in services.items():
        linli = _linli_service(service)
        if linli is None or name.endswith("-migrate"):
            continue
        depends = service["depends_on"]
        assert depends[f"{linli}-migrate"]["condition"] == "service_completed_successfully"
    for name in SERVICES:
        assert services[f"{name}-migrate"]["depends_on"]["postgres"]["condition"] == (
            "service_healthy"
        )
        assert services["nginx"]["depends_on"][name]["condition"] == "service_healthy"


def test_postgres_init_script_creates_the_three_databases():
    services = _compose()["services"]
    assert "./deploy/postgres:/docker-entrypoint-initdb.d:ro" in services["postgres"]["volumes"]
    scripts = list((DEPLOY / "postgres").glob("*.sh")) + list((DEPLOY / "postgres").glob("*.sql"))
    assert scripts
    text = "\n".join(script.read_text() for script in scripts)
    assert "CREATE DATABASE" in text
    assert re.search(r"for service in canteen hub cases", text) or all(
        f"linli_{name}" in text for name in SERVICES
    )


# --- Dockerfile --------------------------------------------------------------------------


def test_dockerfile_builds_one_non_root_image_from_the_lock_file():
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim", text, re.M)
    assert "uv sync --frozen --no-dev" in text
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and not users[-1].startswith(("root", "0"))
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert ".venv" in ignore and "var" in ignore


# --- Kubernetes --------------------------------------------------------------------------


def test_every_k8s_manifest_parses_and_names_itself():
    documents = _k8s_documents()
    assert len(documents) > 10
    for path, document in documents:
        assert document.get("apiVersion"), path.name
        assert document.get("kind"), path.name
        assert document.get("metadata", {}).get("name"), f"{path.name}: {document['kind']}"


def test_kustomization_lists_every_manifest():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert kustomization["kind"] == "Kustomization"
    listed = set(kustomization["resources"])
    present = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")
def test_kustomize_builds():
    result = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    kinds = [doc["kind"] for doc in yaml.safe_load_all(result.stdout) if doc]
    assert kinds.count("HorizontalPodAutoscaler") == 3


def _containers(pod_spec: dict) -> list[dict]:
    return pod_spec.get("initContainers", []) + pod_spec["containers"]


def test_web_deployments_have_probes_and_resources():
    deployments = _k8s_objects("Deployment")
    for name in SERVICES:
        deployment = deployments[name]
        template = deployment["spec"]["template"]
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= template["metadata"]["labels"].items()
        (web,) = template["spec"]["containers"]
        assert "gunicorn" in web["command"]
        assert f"linli.{name}.app:create_app()" in web["command"]
        ports = {port["name"]: port["containerPort"] for port in web["ports"]}
        assert ports == {"http": 8000}
        assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
        for probe in ("readinessProbe", "livenessProbe"):
            assert web[probe]["httpGet"]["port"] in {"http", 8000}
        assert web["resources"]["requests"]["cpu"]
        assert web["resources"]["limits"]["memory"]
        # migrations before the web container starts
        (migrate,) = template["spec"]["initContainers"]
        assert migrate["command"][-2:] == ["db", "upgrade"]


def test_every_container_gets_config_and_its_own_secret():
    for _, document in _k8s_documents():
        if document["kind"] == "Deployment":
            pod_spec = document["spec"]["template"]["spec"]
        elif document["kind"] == "CronJob":
            pod_spec = document["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        else:
            continue
        for container in _containers(pod_spec):
            if container["image"] != "linli":
                continue  # e.g. redis: not one of ours
            (linli,) = re.findall(
                r"linli\.(canteen|hub|cases)\.app", " ".join(container["command"])
            )
            sources = {
                (kind, ref["name"]) for item in container["envFrom"] for kind, ref in item.items()
            }
            assert sources == {
                ("configMapRef", "linli-config"),
                ("secretRef", "linli-shared"),
                ("secretRef", f"linli-{linli}"),
            }, document["metadata"]["name"]


def test_secrets_hold_each_service_database_url():
    secrets = _k8s_objects("Secret")
    assert "LINLI_EVENT_SECRET" in secrets["linli-shared"]["stringData"]
    for name in SERVICES:
        data = secrets[f"linli-{name}"]["stringData"]
        assert data[f"LINLI_{name.upper()}_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert data[f"LINLI_{name.upper()}_DATABASE_URL"].endswith(f"/linli_{name}")
    config = _k8s_objects("ConfigMap")
    assert "communities.toml" in config["linli-communities"]["data"]
    assert config["linli-config"]["data"]["LINLI_JWT_ISSUER"] == "linli-hub"


def test_services_hpas_relays_and_cronjobs_per_service():
    services = _k8s_objects("Service")
    hpas = _k8s_objects("HorizontalPodAutoscaler")
    deployments = _k8s_objects("Deployment")
    cronjobs = _k8s_objects("CronJob")
    hpa_kinds = {
        doc["apiVersion"] for _, doc in _k8s_documents() if doc["kind"] == "HorizontalPodAutoscaler"
    }
    assert hpa_kinds == {"autoscaling/v2"}
    for name in SERVICES:
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert services[name]["spec"]["selector"].items() <= labels.items()
        assert services[name]["spec"]["ports"][0]["port"] == 8000

        targets = [hpa for hpa in hpas.values() if hpa["spec"]["scaleTargetRef"]["name"] == name]
        assert len(targets) == 1, f"no HPA for {name}"
        (metric,) = targets[0]["spec"]["metrics"]
        assert metric["resource"]["name"] == "cpu"
        assert metric["resource"]["target"]["averageUtilization"] == 70

        relay = deployments[f"{name}-relay"]["spec"]["template"]["spec"]["containers"][0]
        assert relay["command"][-2:] == ["linli", "relay"]

        cronjob = cronjobs[f"{name}-tick"]["spec"]
        assert cronjob["schedule"] == "* * * * *"
        tick = cronjob["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
        assert tick["command"][-2:] == ["linli", "tick"]


def test_ingress_routes_the_three_prefixes_with_rewrite():
    ingresses = _k8s_objects("Ingress")
    routed = {}
    for ingress in ingresses.values():
        annotations = ingress["metadata"]["annotations"]
        assert annotations["nginx.ingress.kubernetes.io/rewrite-target"] == "/$2"
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]["name"]
                routed[path["path"]] = backend
                prefix = annotations["nginx.ingress.kubernetes.io/x-forwarded-prefix"]
                assert prefix == f"/{backend}"
    assert routed == {f"/{name}(/|$)(.*)": name for name in SERVICES}


# --- nginx -------------------------------------------------------------------------------


def _nginx_conf() -> str:
    return (DEPLOY / "nginx.conf").read_text()


def test_nginx_routes_the_three_prefixes_and_strips_them():
    text = _nginx_conf()
    for name in SERVICES:
        assert re.search(rf"upstream {name} \{{\s*server {name}:8000;", text), name
        location = re.search(rf"location /{name}/ \{{(.*?)\}}", text, re.S)
        assert location, name
        # a URI part on proxy_pass ("/") replaces the matched prefix: /canteen/x -> /x
        assert re.search(rf"proxy_pass http://{name}/;", location.group(1)), name
        assert re.search(rf"~\^/{name}/\s+/{name};", text), f"X-Forwarded-Prefix for {name}"
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Request-ID"):
        assert f"proxy_set_header {header} " in text
    assert re.search(r'""\s+\$request_id;', text)  # a request id when the caller sent none
    assert "location = /healthz" in text
    assert re.search(r"client_max_body_size \d+[mk];", text)
    assert re.search(r"gzip_types[^;]*application/json", text)


def _local_nginx_conf(tmp_path: Path, listen: int, upstreams: dict[str, int]) -> Path:
    """deploy/nginx.conf as it is, except where it listens, where the services are, and where it
    keeps its pid and temp files (all under ``tmp_path``)."""
    text = _nginx_conf().replace("listen 80 ", f"listen 127.0.0.1:{listen} ")
    for name in SERVICES:
        text = text.replace(f"server {name}:8000;", f"server 127.0.0.1:{upstreams[name]};")
    text = text.replace("pid /tmp/nginx.pid;", f"pid {tmp_path}/nginx.pid;")
    text = re.sub(r"(\w+_temp_path) /tmp/", rf"\1 {tmp_path}/", text)
    if os.geteuid() == 0:  # workers would run as nobody, who cannot write under tmp_path
        text = "user root;\n" + text
    path = tmp_path / "nginx.conf"
    path.write_text(text)
    return path


@pytest.mark.skipif(shutil.which("nginx") is None and os.environ.get("CI") != "true", reason="nginx not installed")
def test_nginx_accepts_the_configuration(tmp_path):
    conf = _local_nginx_conf(tmp_path, 18080, {name: 19000 + n for n, name in enumerate(SERVICES, start=1)})
    result = subprocess.run(["nginx", "-t", "-q", "-c", str(conf)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def gateway(service_app, live_server, tmp_path):
    """nginx with deploy/nginx.conf in front of the three services, each under gunicorn."""
    from linli.canteen.app import create_app as canteen_app
    from linli.cases.app import create_app as cases_app
    from linli.hub.app import create_app as hub_app
    from linli.shared.testing.live import free_port

    makers = {"canteen": canteen_app, "hub": hub_app, "cases": cases_app}
    ports = {}
    for name in SERVICES:
        server = live_server(service_app(name, makers[name]), workers=1, threads=4, env={"LINLI_PROXY_HOPS": "1"})
        ports[name] = int(server.url.rsplit(":", 1)[1])
    listen = free_port()
    conf = _local_nginx_conf(tmp_path, listen, ports)
    process = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{listen}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{url}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None:
                    pytest.fail(f"nginx stopped: {process.stderr.read()}")
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.engines("sqlite")
@pytest.mark.live
@pytest.mark.skipif(shutil.which("nginx") is None and os.environ.get("CI") != "true", reason="nginx not installed")
def test_the_gateway_routes_each_prefix_to_its_service(gateway):
    assert requests.get(f"{gateway}/healthz", timeout=5).json() == {"status": "ok", "service": "gateway"}
    for name in SERVICES:
        health = requests.get(f"{gateway}/{name}/healthz", headers={"X-Request-ID": f"req-{name}"}, timeout=5)
        assert health.status_code == 200 and health.json()["service"] == name
        assert health.headers["X-Request-ID"] == f"req-{name}"
        spec = requests.get(f"{gateway}/{name}/openapi.json", headers={"Accept-Encoding": "gzip"}, timeout=5)
        assert spec.status_code == 200 and spec.headers["Content-Encoding"] == "gzip"
        assert spec.json()["openapi"].startswith("3.")
        bare = requests.get(f"{gateway}/{name}", allow_redirects=False, timeout=5)
        assert bare.status_code == 308 and bare.headers["Location"] == f"/{name}/"
    assert requests.get(f"{gateway}/healthz", timeout=5).headers["X-Request-ID"]  # made when none was sent
    # the apps build their links under the prefix nginx stripped
    login = requests.get(f"{gateway}/hub/login", timeout=5)
    assert login.status_code == 200 and 'action="/hub/login"' in login.text
    # request bodies pass through; problems keep their type
    refused = requests.post(f"{gateway}/hub/api/auth/token", json={"username": "nobody", "password": "x" * 10},
                            timeout=5)
    assert refused.status_code == 401 and refused.headers["Content-Type"] == "application/problem+json"
    outside = requests.get(f"{gateway}/elsewhere", timeout=5)
    assert outside.status_code == 404 and outside.json()["status"] == 404


@pytest.mark.engines("sqlite")
@pytest.mark.live
@pytest.mark.skipif(shutil.which("nginx") is None and os.environ.get("CI") != "true", reason="nginx not installed")
def test_the_gateway_refuses_oversized_requests_as_problem_json(gateway):
    """Issue 16 items 5 and 6: what nginx refuses itself is problem+json too, never its HTML page."""
    refusals = {
        413: requests.post(f"{gateway}/canteen/api/orders", data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                           headers={"Content-Type": "application/json"}, timeout=10),
        414: requests.get(f"{gateway}/canteen/api/orders?" + "q=" + "x" * 20_000, timeout=10),
        431: requests.get(f"{gateway}/hub/healthz", headers={"X-Big": "x" * 20_000}, timeout=10),
    }
    for status, response in refusals.items():
        assert response.status_code == status, (status, response.text[:300])
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == status and response.json()["code"]
    # a body just under the limit reaches the app, which answers it with its own problem
    under = requests.post(f"{gateway}/canteen/api/orders", data=b"{" + b" " * (900 * 1024) + b"}",
                          headers={"Content-Type": "application/json"}, timeout=10)
    assert under.status_code == 422 and under.headers["Content-Type"] == "application/problem+json"


def test_gunicorn_answers_its_own_refusals_as_problem_json(tmp_path):
    """Over gunicorn's request-line or header limits (no app involved) the answer is problem+json."""
    from linli.shared.testing.live import free_port

    port = free_port()
    env = {**os.environ, "PORT": str(port), "GUNICORN_BIND_HOST": "127.0.0.1", "GUNICORN_WORKERS": "1",
           "LINLI_VAR_DIR": str(tmp_path), "LINLI_CASES_DATABASE_URL": f"sqlite:///{tmp_path}/cases.db",
           "LINLI_COMMUNITIES_FILE": str(ROOT / "communities.toml")}
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py"),
                                "linli.cases.app:create_app()"], env=env, cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(f"{url}/healthz", timeout=5)
                break
            except requests.RequestException:
                assert process.poll() is None, "gunicorn stopped"
                time.sleep(0.2)
        long_line = requests.get(f"{url}/healthz?" + "q=" + "x" * 5000, timeout=10)
        big_header = requests.get(f"{url}/healthz", headers={"X-Big": "x" * 9000}, timeout=10)
        for response, status in ((long_line, 414), (big_header, 431)):
            assert response.status_code == status
            assert response.headers["Content-Type"] == "application/problem+json"
            assert response.json()["code"] in ("uri_too_long", "headers_too_large")
    finally:
        process.terminate()
        process.wait(timeout=15)


# --- gunicorn ----------------------------------------------------------------------------


def test_gunicorn_conf_uses_gthread_and_reads_the_environment(monkeypatch):
    for key in ("GUNICORN_WORKERS", "GUNICORN_THREADS", "PORT", "GUNICORN_BIND"):
        monkeypatch.delenv(key, raising=False)
    conf = _load_gunicorn_conf()
    assert conf.worker_class == "gthread"
    assert conf.preload_app is False
    assert conf.bind == "0.0.0.0:8000"
    assert conf.threads == 4
    assert 1 <= conf.workers <= 8
    assert conf.max_requests > 0 and conf.max_requests_jitter > 0
    assert callable(conf.post_fork)

    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "8")
    monkeypatch.setenv("PORT", "8123")
    conf = _load_gunicorn_conf("linli_gunicorn_conf_env")
    assert (conf.workers, conf.threads, conf.bind) == (3, 8, "0.0.0.0:8123")


def test_gunicorn_accepts_every_setting_in_the_file():
    from gunicorn.config import Config

    conf = _load_gunicorn_conf()
    config = Config()
    settings = {
        key: value
        for key, value in vars(conf).items()
        if key in config.settings and not key.startswith("_")
    }
    assert {"worker_class", "workers", "threads", "bind", "post_fork"} <= settings.keys()
    for key, value in settings.items():
        config.set(key, value)  # runs gunicorn's validator for the setting
    assert config.worker_class_str == "gthread"


def test_post_fork_does_nothing_without_preloading():
    conf = _load_gunicorn_conf()

    class Server:
        class cfg:  # mimics gunicorn's Arbiter.cfg
            preload_app = False

        app = None

    assert conf.post_fork(Server(), worker=None) is None


# --- Procfile ----------------------------------------------------------------------------


def test_procfile_runs_the_services_on_8001_to_8003_and_their_relays():
    from honcho.environ import parse, parse_procfile

    processes = parse_procfile((DEPLOY / "Procfile").read_text()).processes
    for port, name in enumerate(SERVICES, start=8001):
        command = processes[name]
        assert f"PORT={port} " in command
        assert "gunicorn -c deploy/gunicorn.conf.py" in command
        assert f"linli.{name}.app:create_app()" in command
        assert processes[f"{name}_relay"].endswith(f"flask --app linli.{name}.app linli relay")
    env = parse((DEPLOY / "procfile.env").read_text())
    assert json.loads(env["LINLI_EVENT_SUBSCRIBERS"]) == {
        name: f"http://127.0.0.1:{port}" for port, name in enumerate(SERVICES, start=8001)
    }


def test_compose_hub_counts_sign_ins_in_redis():
    services = _compose()["services"]
    assert services["redis"]["image"].startswith("redis:") and services["redis"]["healthcheck"]["test"]
    assert _environment(services["hub"])["LINLI_RATELIMIT_STORAGE_URI"].startswith("redis://redis:6379")
    assert services["hub"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_k8s_hub_counts_sign_ins_in_redis():
    deployments = _k8s_objects("Deployment")
    (web,) = deployments["hub"]["spec"]["template"]["spec"]["containers"]
    env = {item["name"]: item.get("value") for item in web.get("env", [])}
    assert env["LINLI_RATELIMIT_STORAGE_URI"] == "redis://redis:6379/0"
    (redis,) = deployments["redis"]["spec"]["template"]["spec"]["containers"]
    assert redis["image"].startswith("redis:") and redis["readinessProbe"] and redis["resources"]["limits"]
    assert "redis" in _k8s_objects("Service")
