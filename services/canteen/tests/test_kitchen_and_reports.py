"""Kitchen queue (paid orders, moves, cheap polling with ETag) and reports (sales, covers, takings, CSV)."""

import csv
import io

import pytest

from linli.canteen.orders.testing import FUTURE_DAY, make_menu


@pytest.fixture
def ids(app):
    with app.app_context():
        return make_menu(portions=20, set_meal_limit=10, retail_stock=5)


def place(client, ids, *lines, headers=None, **extra):
    response = client.post("/api/orders", headers=headers or {}, json={
        "community_id": "north-bund", "meal_service_id": ids["meal_service"], "lines": list(lines), **extra})
    assert response.status_code == 201, response.json
    return response.json


def pay_cash(client, auth, order_id):
    response = client.post(f"/api/orders/{order_id}/payments", json={"provider": "cash"}, headers=auth("staff"))
    assert response.status_code in (200, 201), response.json


def test_kitchen_queue_shows_paid_orders_and_polls_with_etag(app, client, auth, ids):
    staff = auth("staff")
    paid = place(client, ids, {"kind": "dish", "dish_id": ids["pork"], "portion": "half"})
    unpaid = place(client, ids, {"kind": "dish", "dish_id": ids["rice"]})
    pay_cash(client, auth, paid["id"])
    url = f"/api/kitchen/queue?community_id=north-bund&date={FUTURE_DAY}&meal_service_id={ids['meal_service']}"
    first = client.get(url, headers=staff)
    assert first.status_code == 200
    assert [o["id"] for o in first.json["orders"]] == [paid["id"]] and first.json["counts"] == {"paid": 1}
    etag = first.headers["ETag"]
    assert client.get(url, headers={**staff, "If-None-Match": etag}).status_code == 304

    moved = client.post(f"/api/kitchen/orders/{paid['id']}/advance", json={"state": "preparing"},
                         headers=staff)
    assert moved.status_code == 200 and moved.json["state"] == "preparing" and moved.json["preparing_at"]
    changed = client.get(url, headers={**staff, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.json["counts"] == {"preparing": 1}
    assert changed.headers["ETag"] != etag

    assert client.post(f"/api/kitchen/orders/{paid['id']}/advance", json={"state": "ready"},
                       headers=staff).json["state"] == "ready"
    collected = client.post("/api/kitchen/collect", json={"pickup_ref": paid["pickup_ref"]}, headers=staff)
    assert collected.status_code == 200 and collected.json["state"] == "collected"
    assert client.get(url, headers=staff).json["orders"] == []
    assert len(client.get(url + "&include_collected=true", headers=staff).json["orders"]) == 1

    back = client.post(f"/api/kitchen/orders/{paid['id']}/advance", json={"state": "preparing"},
                       headers=staff)
    assert back.status_code == 409 and back.json["code"] == "invalid_transition"
    not_paid = client.post(f"/api/kitchen/orders/{unpaid['id']}/advance", json={"state": "ready"},
                           headers=staff)
    assert not_paid.status_code == 409 and not_paid.json["code"] == "invalid_transition"


def test_kitchen_is_for_staff_of_the_community(app, client, auth, ids):
    url = "/api/kitchen/queue?community_id=north-bund"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=auth("diner")).json["code"] == "missing_role"
    other = client.get(url, headers=auth("staff", communities=["fenglin-huiyuan"]))
    assert other.status_code == 403 and other.json["code"] == "wrong_community"


def test_reports_sales_per_portion_covers_and_takings_with_csv(app, client, auth, ids):
    half = {"kind": "dish", "dish_id": ids["pork"], "portion": "half"}
    full = {"kind": "dish", "dish_id": ids["pork"]}
    set_meal = {"kind": "set_meal", "set_meal_id": ids["set_meal"], "choices": [ids["pork"], ids["greens"], ids["egg"]]}
    orders = [place(client, ids, half, set_meal), place(client, ids, {**half, "quantity": 2}, full),
              place(client, ids, full, mode="takeaway")]
    unpaid = place(client, ids, {**full, "quantity": 5})  # never paid: not in any report
    for order in orders:
        pay_cash(client, auth, order["id"])
    staff = auth("manager")
    query = f"community_id=north-bund&date_from={FUTURE_DAY}&date_to={FUTURE_DAY}"

    sales = client.get(f"/api/reports/sales?{query}", headers=staff)
    assert sales.status_code == 200
    pork = next(d for d in sales.json["dishes"] if d["dish_id"] == ids["pork"])
    assert (pork["half"], pork["full"], pork["half_in_set_meals"]) == (3, 2, 1)
    assert pork["half_uptake"] == 0.6
    assert pork["revenue_fen"] == 3 * 900 + 2 * 1600
    items = sales.json["items"]
    assert [(i["kind"], i["quantity"], i["revenue_fen"]) for i in items] == [("set_meal", 1, 1500)]

    covers = client.get(f"/api/reports/covers?{query}", headers=staff).json
    assert [(c["meal_kind"], c["covers"], c["takeaway"]) for c in covers] == [("lunch", 3, 1)]
    total = sum(o["total_fen"] for o in orders)
    assert covers[0]["revenue_fen"] == total != total + unpaid["total_fen"]

    takings = client.get(f"/api/reports/takings?{query}", headers=staff)
    assert takings.status_code == 200
    # takings count by the day money moved (today), so ask for today's window
    import datetime as dt

    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    takings = client.get(f"/api/reports/takings?community_id=north-bund&date_from={today}&date_to={today}",
                         headers=staff).json
    assert takings == [{"method": "cash", "amount_fen": total}]

    exported = client.get(f"/api/reports/sales?{query}&format=csv", headers=staff)
    assert exported.mimetype == "text/csv" and "attachment" in exported.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    pork_row = next(r for r in rows if r["kind"] == "dish" and r["item_id"] == str(ids["pork"]))
    assert (pork_row["name_zh"], pork_row["half"], pork_row["full"], pork_row["half_uptake"]) == ("红烧肉", "3", "2", "0.6")
    covers_csv = client.get(f"/api/reports/covers?{query}&format=csv", headers=staff).data.decode("utf-8-sig")
    assert covers_csv.splitlines()[0] == "service_date,meal_service_id,meal_kind,covers,takeaway,revenue_fen"

    assert client.get(f"/api/reports/sales?{query}", headers=auth("diner")).status_code == 403
    bad = client.get(f"/api/reports/sales?community_id=north-bund&date_from={FUTURE_DAY}&date_to=2030-01-01",
                     headers=staff)
    assert bad.status_code == 422


def test_order_state_machine_one_table_every_caller_reads():
    from linli.canteen.kitchen.service import TRANSITIONS
    from linli.canteen.orders.models import Order
    from linli.canteen.orders.states import ORDER_STATES, OrderState, can_move, invalid_transition

    assert TRANSITIONS == {"preparing": ("paid",), "ready": ("paid", "preparing"),
                           "collected": ("paid", "preparing", "ready")}
    assert not can_move("collected", "preparing") and can_move("cancelled", "refunded")
    assert not can_move("expired", "paid") and set(ORDER_STATES) == {s.value for s in OrderState}
    problem = invalid_transition("ready", "preparing")
    assert (problem.status, problem.code) == (409, "invalid_transition")
    check = next(c for c in Order.__table__.constraints if getattr(c, "name", "") and "state_known" in str(c.name))
    assert all(f"'{s}'" in str(check.sqltext) for s in ORDER_STATES)
