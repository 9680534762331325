import json

import structlog

from linli.shared.observability import REQUEST_ID_HEADER


def test_health_ready_metrics(client):
    assert client.get("/healthz").json == {"status": "ok", "service": "cases"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["database"] == "ok"
    client.get("/api/communities/north-bund/service-items")
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'linli_http_requests_total{endpoint="/api/communities/<community_id>/service-items"' in metrics


def test_readyz_fails_when_the_database_is_gone(service_app, tmp_path):
    from linli.cases.app import create_app

    app = service_app("cases", create_app, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/x.db")
    with app.app_context():
        app.extensions["linli"].db.engine.dispose()
    (tmp_path / "missing" / "dir").rmdir()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["code"] == "not_ready"


def test_request_id_is_echoed_and_logged(app, client):
    app.config["LINLI_ACCESS_LOG"] = True
    with structlog.testing.capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        response = client.get("/healthz", headers={REQUEST_ID_HEADER: "abc123"})
    assert response.headers[REQUEST_ID_HEADER] == "abc123"
    access = [entry for entry in logs if entry["event"] == "request"]
    assert access[-1]["request_id"] == "abc123" and access[-1]["status"] == 200
    assert access[-1]["service"] == "cases"


def test_logs_are_json_lines():
    from linli.shared.observability import configure_logging

    configure_logging("INFO")
    rendered = structlog.processors.JSONRenderer(ensure_ascii=False)(None, "info", {"event": "食堂", "n": 1})
    assert json.loads(rendered) == {"event": "食堂", "n": 1}
