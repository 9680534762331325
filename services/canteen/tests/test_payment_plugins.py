"""The payment_providers hook: a community plugin adds a provider and replaces a built-in one,
only in the community that enabled it."""

import pytest

from linli.canteen import hookimpl
from linli.canteen.app import create_app
from linli.canteen.payments.base import BasePaymentProvider

COMMUNITIES = """
[communities.north-bund]
name_zh = "北外滩"
name_en = "North Bund"
plugins = []

[communities.fenglin-huiyuan]
name_zh = "枫林·汇园"
name_en = "Fenglin Huiyuan"
plugins = ["vouchers"]
"""


class VoucherProvider(BasePaymentProvider):
    """A neighbourhood voucher (邻里券) worth up to 5 yuan, accepted at once."""

    identifier = "voucher"
    name_zh, name_en = "邻里券", "Neighbourhood voucher"

    def max_amount(self, ctx):
        return 500

    def execute(self, payment, ctx):
        payment.state = "succeeded"


class NoCash(BasePaymentProvider):
    identifier = "cash"

    def is_available(self, community):
        return False  # this meal point takes no cash


class Vouchers:
    @hookimpl
    def payment_providers(self, community):
        return [VoucherProvider(), NoCash()]


@pytest.fixture
def app(service_app, tmp_path):
    communities = tmp_path / "communities.toml"
    communities.write_text(COMMUNITIES, encoding="utf-8")
    return service_app("canteen", create_app, LINLI_COMMUNITIES_FILE=str(communities),
                       LINLI_EXTRA_PLUGINS=[("vouchers", Vouchers())])


def test_payment_providers_of_a_community_plugin_add_and_replace_only_where_enabled(app, client, auth, payable_order, order_ref):
    north, fenglin = payable_order(1880), payable_order(1880, community_id="fenglin-huiyuan")
    offered = {cid: [p["identifier"] for p in client.get(f"/api/orders/{oid}/payments?ref={order_ref(oid)}").json["providers"]]
               for cid, oid in (("north-bund", north), ("fenglin-huiyuan", fenglin))}
    assert "cash" in offered["north-bund"] and "voucher" not in offered["north-bund"]
    assert "voucher" in offered["fenglin-huiyuan"] and "cash" not in offered["fenglin-huiyuan"]
    assert "subsidy" not in offered["north-bund"]  # no subsidy settings in this communities file

    voucher = client.post(f"/api/orders/{fenglin}/payments?ref={order_ref(fenglin)}", json={"provider": "voucher"})
    assert voucher.status_code == 201 and voucher.json["amount_fen"] == 500 and voucher.json["state"] == "succeeded"
    assert client.get(f"/api/orders/{fenglin}/payments?ref={order_ref(fenglin)}").json["owed_fen"] == 1380
    cash = client.post(f"/api/orders/{fenglin}/payments?ref={order_ref(fenglin)}", json={"provider": "cash"})
    assert cash.status_code == 422 and cash.json["code"] == "unknown_provider"
    elsewhere = client.post(f"/api/orders/{north}/payments?ref={order_ref(north)}", json={"provider": "voucher"})
    assert elsewhere.status_code == 422 and elsewhere.json["code"] == "unknown_provider"
