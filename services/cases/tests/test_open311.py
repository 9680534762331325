"""Open311 GeoReport v2: every endpoint in JSON and XML validates against the standard's JSON schemas
(open311/schema-validation, copied into open311_schemas/); errors are in Open311's format; a posted
request becomes a case whose status follows the case."""

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7

from linli.cases.casework.models import Case
from linli.cases.extensions import db
from linli.cases.open311 import service as open311

SCHEMAS = Path(__file__).parent / "open311_schemas"
BASE = "/open311/v2"
NB = "jurisdiction_id=north-bund"


def schema(name):
    return json.loads((SCHEMAS / name).read_text())


REGISTRY = Registry().with_resources([(name, DRAFT7.create_resource(schema(name)))
                                      for name in ("request.json", "service.json")])


def validate(document, name):
    Draft7Validator(schema(name), registry=REGISTRY).validate(document)


def _types(prop):
    options = prop.get("anyOf", [prop])
    return {o.get("type") for o in options}


def _value(text, prop):
    types = _types(prop)
    if text in (None, "") and "null" in types:
        return None
    if "boolean" in types:
        assert text in ("true", "false"), text
        return text == "true"
    if "integer" in types:
        return int(text)
    if "number" in types:
        return float(text)
    return text or ""


def from_xml(body, name):
    """An Open311 XML answer as the JSON document the schema describes (types read from the schema)."""
    root = ET.fromstring(body)
    item_schema = {"services.json": "service.json", "requests.json": "request.json"}.get(name)
    if name == "service-definition.json":
        props = schema(name)["properties"]["attributes"]["items"]["properties"]
        attributes = []
        for attribute in root.find("attributes"):
            entry = {}
            for child in attribute:
                if child.tag == "values":
                    entry["values"] = [{v.tag: v.text for v in value} for value in child]
                else:
                    entry[child.tag] = _value(child.text, props[child.tag])
            attributes.append(entry)
        return {"service_code": root.findtext("service_code"), "attributes": attributes}
    props = schema(item_schema)["properties"]
    return [{child.tag: _value(child.text, props.get(child.tag, {"type": "string"})) for child in item}
            for item in root]


def both(client, path, name, query=""):
    """GET in JSON and XML; both validate; the XML says the same as the JSON."""
    as_json = client.get(f"{BASE}/{path}.json?{NB}{query}")
    as_xml = client.get(f"{BASE}/{path}.xml?{NB}{query}")
    assert as_json.status_code == 200 and as_xml.status_code == 200, as_json.get_data(as_text=True)
    assert as_json.mimetype == "application/json" and as_xml.mimetype == "text/xml"
    validate(as_json.json, name)
    converted = from_xml(as_xml.data, name)
    validate(converted, name)
    assert converted == as_json.json
    return as_json.json


@pytest.fixture
def key(app):
    with app.app_context():
        return open311.create_api_key("north-bund", "test client")


def post(client, fmt="json", **form):
    return client.post(f"{BASE}/requests.{fmt}", data={"jurisdiction_id": "north-bund", **form})


def count_cases(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Case))


def test_every_endpoint_in_json_and_xml_validates(app, client, auth, key):
    services = both(client, "services", "services.json")
    assert {"report-ebike-charging", "report-facilities"} <= {s["service_code"] for s in services}
    definition = both(client, "services/report-ebike-charging", "service-definition.json")
    assert [a["code"] for a in definition["attributes"]] == ["building", "urgency", "households"]

    created = post(client, service_code="report-ebike-charging", lat="31.2554", long="121.5050",
                   address_string="东海小区3号楼", description="楼道里有电瓶车飞线充电\n每天晚上都有",
                   email="resident@example.org", media_url="https://example.org/photo.jpg",
                   **{"attribute[urgency]": "urgent", "attribute[households]": "12", "api_key": key})
    assert created.status_code == 200, created.get_data(as_text=True)
    [answer] = created.json
    assert set(answer) >= {"service_request_id", "token"}
    created_xml = post(client, "xml", service_code="report-facilities", address_string="5号楼", api_key=key)
    xml_answer = ET.fromstring(created_xml.data).find("request")
    assert xml_answer.findtext("service_request_id") and xml_answer.findtext("token")

    requests = both(client, "requests", "requests.json")
    assert {r["service_request_id"] for r in requests} == {answer["service_request_id"],
                                                           xml_answer.findtext("service_request_id")}
    one = both(client, f"requests/{answer['service_request_id']}", "requests.json")
    assert one[0]["status"] == "open" and one[0]["service_code"] == "report-ebike-charging"
    assert one[0]["lat"] == 31.2554 and one[0]["status_notes"] == "我们收到了您的反映。"
    assert one[0]["description"].startswith("楼道里有电瓶车飞线充电")
    token = client.get(f"{BASE}/tokens/{answer['token']}.json?{NB}").json
    assert token == [{"service_request_id": answer["service_request_id"], "token": answer["token"]}]
    token_xml = ET.fromstring(client.get(f"{BASE}/tokens/{answer['token']}.xml?{NB}").data)
    assert token_xml.find("request").findtext("token") == answer["token"]

    # the request is a case the committee handles; its status follows the case
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == answer["service_request_id"]))
        assert (case.source, case.category, case.title) == ("open311", "safety", "楼道里有电瓶车飞线充电")
        case_id = case.id
    staff = auth("staff")
    client.post(f"/api/cases/{case_id}/take-up", json={}, headers=staff)
    english = client.get(f"{BASE}/requests/{answer['service_request_id']}.json?{NB}&lang=en").json[0]
    assert english["status_notes"].startswith("The residents' committee has taken up the case")
    with app.app_context():
        db.session.get(Case, case_id).state = "closed"
        db.session.commit()
    closed = both(client, "requests", "requests.json", "&status=closed")
    assert [r["service_request_id"] for r in closed] == [answer["service_request_id"]]
    assert [r["status"] for r in both(client, "requests", "requests.json",
                                      "&service_code=report-facilities")] == ["open"]
    listed = client.get(f"{BASE}/requests.json?{NB}&service_request_id={answer['service_request_id']},NB-0")
    assert len(listed.json) == 1
    assert client.get(f"{BASE}/requests.json?{NB}&start_date=2099-01-01T00:00:00Z").json == []
    assert client.get(f"{BASE}/discovery.json").json["endpoints"][0]["url"].endswith("/open311/v2/")


def test_cases_from_other_services_are_not_listed(app, client, key):
    with app.app_context():
        from linli.cases.casework.service import open_case_from_event

        open_case_from_event(event_id="e1", community_id="north-bund", title="3号楼502 独居老人家里漏水",
                             category="facilities", description="")
        db.session.commit()
    assert client.get(f"{BASE}/requests.json?{NB}").json == []


def error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    if response.mimetype == "text/xml":
        element = ET.fromstring(response.data).find("error")
        body = [{"code": int(element.findtext("code")), "description": element.findtext("description")}]
    else:
        assert response.mimetype == "application/json"
        body = response.json
    assert len(body) == 1 and body[0]["code"] == status and body[0]["description"]
    return body[0]["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_posts_are_open311_errors_and_open_nothing(app, client, key, fmt):
    good = {"service_code": "report-facilities", "address_string": "5号楼"}
    assert "service_code" in error(post(client, fmt, **{**good, "service_code": "report-ufo", "api_key": key}), 404)
    assert "location" in error(post(client, fmt, service_code="report-facilities", api_key=key), 400)
    assert "api_key" in error(post(client, fmt, **good), 403)
    assert "api_key" in error(post(client, fmt, **good, api_key="o311_guessed"), 403)
    assert "lat" in error(post(client, fmt, service_code="report-facilities", lat="31.2", api_key=key), 400)
    assert "lat" in error(post(client, fmt, **good, lat="north", long="1", api_key=key), 400)
    assert "urgency" in error(post(client, fmt, **good, api_key=key, **{"attribute[urgency]": "yesterday"}), 400)
    assert "colour" in error(post(client, fmt, **good, api_key=key, **{"attribute[colour]": "red"}), 400)
    assert "media_url" in error(post(client, fmt, **good, api_key=key, media_url="javascript:alert(1)"), 400)
    assert "4000" in error(post(client, fmt, **good, api_key=key, description="长" * 4001), 400)
    missing = client.post(f"{BASE}/requests.{fmt}", data={**good, "api_key": key})
    assert "jurisdiction_id" in error(missing, 400)
    # a key of one jurisdiction does not post in another
    other = client.post(f"{BASE}/requests.{fmt}", data={**good, "api_key": key, "jurisdiction_id": "fenglin-huiyuan"})
    error(other, 403)
    assert count_cases(app) == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_reads_are_open311_errors(client, fmt):
    error(client.get(f"{BASE}/services.{fmt}"), 400)
    error(client.get(f"{BASE}/services.{fmt}?jurisdiction_id=atlantis"), 404)
    error(client.get(f"{BASE}/services/report-ufo.{fmt}?{NB}"), 404)
    error(client.get(f"{BASE}/requests/NB-2026-999999.{fmt}?{NB}"), 404)
    error(client.get(f"{BASE}/tokens/nope.{fmt}?{NB}"), 404)
    error(client.get(f"{BASE}/requests.{fmt}?{NB}&status=pending"), 400)
    error(client.get(f"{BASE}/requests.{fmt}?{NB}&start_date=yesterday"), 400)
    error(client.get(f"{BASE}/requests.{fmt}?{NB}&service_code=report-ufo"), 404)
