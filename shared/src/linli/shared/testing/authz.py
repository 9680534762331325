"""The authorisation matrix: every operation of a service's OpenAPI document (and every page rule)
called as every role of community A, on resources of community A and of community B, compared with
the service's declared policy (``<service>/access_policy.toml``, one row per operation).

The policy's rows say ``who`` may call (roles, or ``"anyone"`` for callers without a token too) and
``"owner"`` (only the person the resource belongs to, none of the matrix's callers), ``everywhere``
(roles allowed in every community, e.g. the suite's admin), ``own_only`` (roles allowed on their own
rows only, so either answer is right in community A, a denial in B), ``unseeded`` (the demo data
holds no such row: a denial where the row says allowed is not counted), ``body`` (fields of a valid
body, ``"{param}"`` naming that community's row), and
``community``: ``"own"`` (only what belongs to one of the caller's communities), ``"any"`` (a public
read across communities) or ``"none"`` (the operation is about the caller, not a community).

A call counts as *denied* when it is answered 401, 403 or 404 and *allowed* otherwise (2xx, 3xx,
409 and the input errors 400/415/422 all mean the operation went past its access check). Requests
are built from the OpenAPI document: path and query values name rows of the demo data of the
community under test (:data:`RESOURCES`), JSON bodies hold the schema's required fields with
plausible values, the community and ids of that community.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import text

from linli.shared.localtime import LOCAL_TZ

ROLES = ("anonymous", "diner", "volunteer", "team_lead", "staff", "manager", "admin")
DENIED = frozenset({401, 403, 404})
METHODS = ("get", "post", "put", "patch", "delete")
MISSING_ID = 987654321

# path/query parameter -> SQL naming one of a community's rows (``:c`` is the community's id)
RESOURCES: dict[str, dict[str, str]] = {
    "canteen": {
        "dish_id": "select id from canteen_dish where community_id = :c order by id",
        "set_meal_id": "select id from canteen_set_meal where community_id = :c order by id",
        "item_id": "select id from canteen_retail_item where community_id = :c order by id",
        "meal_service_id": "select id from canteen_meal_service where community_id = :c order by service_date desc, id",
        "order_id": "select id from canteen_order where community_id = :c order by id",
        "pickup_ref": "select pickup_ref from canteen_order where community_id = :c order by id",
        "payment_id": "select id from canteen_payment where community_id = :c order by id",
        "diner_id": "select diner_id from canteen_diner where community_id = :c order by id",
        "entry_id": "select id from canteen_waste_entry where community_id = :c order by id desc",
        "feedback_id": "select id from canteen_feedback where community_id = :c order by id",
        "ref": "select ref from canteen_feedback where community_id = :c order by id",
        "survey_id": "select id from canteen_survey where community_id = :c order by id",
        "answer_id": "select a.id from canteen_survey_answer a join canteen_survey_response r on r.id = a.response_id"
                     " join canteen_survey s on s.id = r.survey_id where s.community_id = :c order by a.id",
    },
    "hub": {
        "account_id": "select s.account_id from staff_member s where s.community_id = :c and s.account_id is not null"
                      " order by s.id",
        "household_id": "select id from household where community_id = :c order by id",
        "team_id": "select id from team where community_id = :c order by id",
        "room_id": "select id from room where community_id = :c order by id",
        "booking_id": "select id from booking where community_id = :c order by id",
        "round_id": "select id from booking_round where community_id = :c order by id",
        "session_id": "select id from activity_session where community_id = :c order by id",
        "registration_id": "select id from activity_registration where community_id = :c order by id",
        "shift_id": "select id from volunteer_shift where community_id = :c order by id",
        "assignment_id": "select a.id from volunteer_shift_assignment a join volunteer_shift s on s.id = a.shift_id"
                         " where s.community_id = :c order by a.id",
        "swap_id": "select id from volunteer_shift_swap where community_id = :c order by id",
        "hours_id": "select id from volunteer_hours where community_id = :c order by id",
        "volunteer_id": "select id from volunteer where community_id = :c order by id",
        "to_volunteer_id": "select id from volunteer where community_id = :c order by id desc",
        "visit_id": "select id from visit where community_id = :c order by id",
        "staff_id": "select id from staff_member where community_id = :c order by id",
        "a_staff_id": "select id from staff_member where community_id = :c order by id",
        "b_staff_id": "select id from staff_member where community_id = :c order by id desc",
        "cell_a_id": "select id from roster_cell where community_id = :c order by id",
        "cell_b_id": "select id from roster_cell where community_id = :c order by id desc",
    },
    "cases": {
        "case_id": "select id from \"case\" where community_id = :c order by id",
        "invitation_id": "select i.id from case_invitation i join \"case\" k on k.id = i.case_id"
                         " where k.community_id = :c order by i.id",
        "action_id": "select a.id from case_action a join \"case\" k on k.id = a.case_id where k.community_id = :c"
                     " order by a.id",
        "slot_id": "select id from appointment_slot where community_id = :c order by starts_at desc",
        "appointment_id": "select id from appointment where community_id = :c order by id",
        "document_id": "select d.id from appointment_document d join appointment a on a.id = d.appointment_id"
                       " where a.community_id = :c order by d.id",
        "poll_id": "select id from poll where community_id = :c order by id",
        "option_id": "select o.id from poll_option o join poll p on p.id = o.poll_id where p.community_id = :c"
                     " order by o.id",
    },
}


@dataclass(frozen=True)
class Rule:
    who: frozenset[str]  # roles allowed; "anonymous" when anyone may
    community: str  # own | any | none
    everywhere: frozenset[str] = frozenset()  # roles allowed in every community (e.g. the suite's admin)
    body: dict[str, Any] | None = None  # fields of a valid body ("{param}": that community's row)
    own_only: frozenset[str] = frozenset()  # roles allowed on what is their own only: either answer in A
    unseeded: bool = False  # the demo data has no such row: only the denials are checked

    def allows(self, role: str, own_community: bool) -> bool:
        if role not in self.who:
            return False
        return own_community or self.community != "own" or role in self.everywhere


def load_policy(path: Path) -> dict[str, dict[str, Rule]]:
    """``{"operations": {"GET /api/x": Rule}, "pages": {...}}`` from a service's access_policy.toml."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    groups = {name: data.get(name, {}) for name in ("operations", "pages")}
    signed_in = frozenset(ROLES[1:])
    policy: dict[str, dict[str, Rule]] = {}
    for group, rows in groups.items():
        policy[group] = {}
        for key, row in rows.items():
            who = row["who"]
            if who == "anyone":
                roles = frozenset(ROLES)
            elif who == "owner":  # only the person the resource is about: no role of the matrix
                roles = frozenset()
            elif who == "signed-in":
                roles = signed_in
            else:
                unknown = set(who) - set(ROLES)
                if unknown:
                    raise ValueError(f"{path}: {key}: unknown roles {sorted(unknown)}")
                roles = frozenset(who) | {"admin"}  # admin passes every role check
            if row.get("community") not in ("own", "any", "none"):
                raise ValueError(f"{path}: {key}: community must be own, any or none")
            policy[group][key] = Rule(roles, row["community"], frozenset(row.get("everywhere", ())),
                                      row.get("body"), frozenset(row.get("own_only", ())),
                                      bool(row.get("unseeded", False)))
    return policy


# --- requests built from the OpenAPI document -----------------------------------------------------


class Resources:
    """Ids of a community's rows, looked up once per parameter and community."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.queries = RESOURCES[app.config["LINLI_SERVICE"]]
        self.cache: dict[tuple[str, str], Any] = {}
        self.unresolved: set[str] = set()

    def get(self, name: str, community: str) -> Any:
        key = (name, community)
        if key not in self.cache:
            value = None
            if name in self.queries:
                with self.app.app_context():
                    db = self.app.extensions["linli"].db
                    value = db.session.execute(text(self.queries[name]), {"c": community}).scalar()
                    db.session.remove()
            if value is None:
                self.unresolved.add(name)
            self.cache[key] = value
        return self.cache[key]

    def knows(self, name: str) -> bool:
        return name in self.queries


def _now() -> dt.datetime:
    return dt.datetime.now(LOCAL_TZ).replace(microsecond=0)


def _monday() -> dt.date:
    today = _now().date()
    return today - dt.timedelta(days=today.weekday())


def value_for(name: str, schema: dict[str, Any], community: str, resources: Resources,
              components: dict[str, Any]) -> Any:
    """A plausible value of one field or parameter, with the community's ids where it names one."""
    schema = _deref(schema, components)
    if name in ("community_id", "community"):
        return community
    if name == "communities":
        return [community]
    if resources.knows(name):
        return resources.get(name, community) or MISSING_ID
    if name.endswith("_ids") and resources.knows(name[:-1]):
        return [resources.get(name[:-1], community) or MISSING_ID]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if "enum" in schema:
        return next(v for v in schema["enum"] if v is not None)
    now = _now()
    if schema.get("format") == "date-time":
        later = ("ends", "closes", "end", "due", "to")
        hours = 26 if any(part in name for part in later) else 25
        if "cutoff" in name:
            hours = 24
        return (now + dt.timedelta(hours=hours)).isoformat()
    if schema.get("format") == "date":
        if name in ("monday",):
            return _monday().isoformat()
        if name in ("date_from", "start_date", "starts_on", "opens_on", "start"):
            return now.date().isoformat()
        if name in ("date_to", "ends_on", "closes_on", "end"):
            return (now.date() + dt.timedelta(days=7)).isoformat()
        return (now.date() + dt.timedelta(days=1)).isoformat()
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return max(float(schema.get("minimum", 1)), 1.0)
    if kind == "boolean":
        return True
    if kind == "array":
        item = value_for(name.rstrip("s"), schema.get("items", {}), community, resources, components)
        return [item] * max(int(schema.get("minItems", 1)), 1)
    if kind == "object" or "properties" in schema:
        return body_for(schema, community, resources, components)
    length = max(int(schema.get("minLength", 1)), 4)
    return "matrix"[: max(length, 1)] + ("x" * max(length - 6, 0))


def body_for(schema: dict[str, Any], community: str, resources: Resources, components: dict[str, Any]) -> dict[str, Any]:
    schema = _deref(schema, components)
    properties = schema.get("properties", {})
    body = {}
    for name in schema.get("required", []):
        body[name] = value_for(name, properties.get(name, {}), community, resources, components)
    for name in properties:  # optional fields that scope the request to a community
        if name not in body and name in ("community_id", "communities"):
            body[name] = value_for(name, properties[name], community, resources, components)
    return body


def _deref(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _deref(schema["allOf"][0], components)
    if "anyOf" in schema or "oneOf" in schema:
        options = [s for s in schema.get("anyOf", schema.get("oneOf", [])) if s.get("type") != "null"]
        if options:
            return _deref(options[0], components)
    return schema


@dataclass(frozen=True)
class Call:
    key: str  # "METHOD /path/template" as the policy names it
    method: str
    url: str
    body: dict[str, Any] | None
    files: bool = False


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any], list[dict[str, Any]]]]:
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                parameters = list(item.get("parameters", [])) + list(operation.get("parameters", []))
                yield f"{method.upper()} {path}", method, path, operation, parameters


def _fill(value: Any, community: str, resources: Resources) -> Any:
    """A policy row's example body with ``"{param}"`` replaced by that community's row."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        name = value[1:-1]
        return community if name == "community_id" else (resources.get(name, community) or MISSING_ID)
    if isinstance(value, dict):
        return {k: _fill(v, community, resources) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, community, resources) for v in value]
    return value


def build_call(key: str, method: str, path: str, operation: dict[str, Any], parameters: list[dict[str, Any]],
               community: str, resources: Resources, components: dict[str, Any],
               example: dict[str, Any] | None = None) -> Call:
    url = path
    query: dict[str, Any] = {}
    for parameter in parameters:
        name, schema = parameter["name"], parameter.get("schema", {})
        if parameter["in"] == "path":
            value = value_for(name, schema, community, resources, components)
            if path.startswith("/api/communities/") and name == "code":
                value = _catalogue_code(resources.app, community)
            url = url.replace("{" + name + "}", str(value))
        elif parameter["in"] == "query" and (parameter.get("required") or name in ("community_id", "community")):
            query[name] = value_for(name, schema, community, resources, components)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    body, files = None, False
    content = (operation.get("requestBody") or {}).get("content", {})
    if "application/json" in content:
        body = body_for(content["application/json"].get("schema", {}), community, resources, components)
        body.update(_fill(example or {}, community, resources))
    elif "multipart/form-data" in content:
        files = True
    return Call(key, method, url, body, files)


def _catalogue_code(app: Flask, community: str) -> str:
    with app.app_context():
        items = app.test_client().get(f"/api/communities/{community}/service-items").get_json()
    first = items[0] if isinstance(items, list) and items else {}
    return str(first.get("code", "none"))


def send(client: Any, call: Call, headers: dict[str, str]) -> int:
    kwargs: dict[str, Any] = {"headers": headers}
    if call.body is not None:
        kwargs["json"] = call.body
    if call.files:
        import io

        kwargs["data"] = {"file": (io.BytesIO(b"%PDF-1.4 matrix"), "matrix.pdf")}
        kwargs["content_type"] = "multipart/form-data"
    try:
        status: int = client.open(call.url, method=call.method.upper(), **kwargs).status_code
        return status
    except Exception as error:  # a crash is a finding of its own (a 500), reported with the others
        raise AssertionError(f"{call.key} ({call.url}) crashed: {error!r}") from error


@dataclass
class Finding:
    key: str
    role: str
    community: str  # "A" or "B"
    status: int
    expected: str  # "allow" | "deny"
    target: str = ""  # the community whose resources were asked for


def run_matrix(app: Flask, policy: dict[str, Rule], token_for: Callable[[str, str], str | None],
               community_a: str, community_b: str, log: list[Finding] | None = None) -> tuple[int, list[Finding], list[str], Resources]:
    """Call every operation as every role of ``community_a`` on both communities' resources.

    Returns the number of calls, the calls whose answer differs from the policy, the operations the
    policy has no row for, and the resource look-ups (which ones named no row)."""
    client = app.test_client()
    doc = client.get("/openapi.json").get_json()
    components = doc.get("components", {}).get("schemas", {})
    resources = Resources(app)
    findings: list[Finding] = []
    missing: list[str] = []
    calls = 0
    for key, method, path, operation, parameters in operations(doc):
        rule = policy.get(key)
        if rule is None:
            missing.append(key)
            continue
        for label, community in (("A", community_a), ("B", community_b)):
            call = build_call(key, method, path, operation, parameters, community, resources, components, rule.body)
            for role in ROLES:
                token = token_for(role, community_a)
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                status = send(client, call, headers)
                calls += 1
                allowed = status not in DENIED
                expected = rule.allows(role, label == "A")
                if label == "A" and role in rule.own_only:
                    expected = allowed  # their own registration, say: allowed; someone else's: not
                if rule.unseeded and expected and not allowed:
                    expected = allowed  # no such row to reach: only what must be refused is checked
                if allowed != expected:
                    findings.append(Finding(key, role, label, status, "allow" if expected else "deny", community))
                elif log is not None:
                    log.append(Finding(key, role, label, status, "allow" if expected else "deny", community))
    return calls, findings, missing, resources
