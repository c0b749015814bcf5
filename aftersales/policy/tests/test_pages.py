"""Policy pages (issue 3 item 1, 7): list, versions+diff, editor with validation and simulation,
the agent's evaluate page (options, amounts, deadlines, reasons)."""

import pytest
from django.utils import translation

from aftersales.policy.models import EvaluationLog, PolicyVersion
from aftersales.policy.selectors import order_for_request, request_from_order
from aftersales.policy.services import policy_evaluate

from .conftest import NO_APPAREL, draft_text


def test_list_and_detail_show_versions(client, agent):
    client.force_login(agent)
    page = client.get("/policy/").content.decode()
    assert "online-shop" in page and "machinery-dealer" in page
    detail = client.get("/policy/online-shop/").content.decode()
    assert "v1" in detail and "cn-consumer-law" in detail


def test_pages_need_login(client):
    assert client.get("/policy/").status_code == 302
    assert client.get("/policy/evaluate/").status_code == 302


def test_edit_needs_the_admin_role(client, agent):
    client.force_login(agent)
    assert client.get("/policy/online-shop/edit/").status_code == 403


def test_edit_validate_shows_problem_with_path(client, admin):
    client.force_login(admin)
    text = draft_text("online-shop", extra_rules=[{"id": "TEST-x", "kind": "teleport"}])
    page = client.post("/policy/online-shop/edit/", {
        "text": text, "effective_from": "2026-12-01", "comment": "", "action": "validate"})
    body = page.content.decode()
    assert page.status_code == 200 and "teleport" in body and ".kind" in body
    assert 'value="save"' not in body


def test_edit_validate_shows_diff_and_simulation_then_save(client, admin, sample_request):
    policy_evaluate(data=sample_request, actor=None, channel="api")
    client.force_login(admin)
    text = draft_text("online-shop", version="2026-12-01", extra_rules=[NO_APPAREL])
    form = {"text": text, "effective_from": "2026-12-01", "comment": "no apparel returns"}
    page = client.post("/policy/online-shop/edit/", {**form, "action": "validate"})
    body = page.content.decode()
    assert page.context["validated"] is True
    assert "TEST-no-apparel" in body  # in the diff and in the simulation table
    assert page.context["simulation"]["changed"] == 1
    assert 'value="save"' in body
    saved = client.post("/policy/online-shop/edit/", {**form, "action": "save"})
    assert saved.status_code == 302
    v2 = PolicyVersion.objects.get(policy__name="online-shop", number=2)
    assert (v2.author, v2.comment, str(v2.effective_from)) == (
        admin, "no apparel returns", "2026-12-01")
    assert "+- id: TEST-no-apparel" in v2.diff_from_previous.replace("  ", "")
    detail = client.get("/policy/online-shop/?version=2").content.decode()
    assert "TEST-no-apparel" in detail


def test_request_from_order_is_a_valid_policy_request(shop_order):
    from aftersales.policy import engine

    order = order_for_request(number=shop_order.number)
    data = request_from_order(order, kind="return", reason="no_reason",
                              items=[{"line": 0, "quantity": 1, "condition": {"unused": True}}])
    assert data["policy"] == "online-shop"
    assert data["order"]["lines"][0]["category"] == "apparel"
    assert data["order"]["payments"] == [{"method": "wechat_pay", "amount": "300.00",
                                          "points": None,
                                          "paid_at": "2025-03-01T10:01:00+08:00"}]
    assert data["order"]["signed_at"] == "2025-03-03T14:00:00+08:00"
    engine.parse_request(data)  # raises if not a valid request


def test_evaluate_page_finds_the_order_and_shows_options_and_reasons(client, agent, shop_order):
    client.force_login(agent)
    found = client.get("/policy/evaluate/", {"q": "H2B-100"}).content.decode()
    assert "SO-H2B-100" in found
    form = client.get("/policy/evaluate/", {"order": "SO-H2B-100"})
    assert form.status_code == 200 and "衬衫" in form.content.decode()
    with translation.override("en"):
        page = client.post("/policy/evaluate/?order=SO-H2B-100", {
            "order": "SO-H2B-100", "kind": "return", "reason": "no_reason",
            "asked_at": "2025-03-06T10:00", "line0_include": "on", "line0_quantity": "1",
            "line0_unused": "on", "line0_packaging_intact": "on", "line0_tags_attached": "on",
            "line0_all_parts_present": "on", "line0_seal_intact": "on",
        }, headers={"accept-language": "en"})
    assert page.status_code == 200, page.content[:500]
    decision = page.context["decision"]
    body = page.content.decode()
    assert decision["allowed"] is True
    assert decision["options"][0]["resolution"] in body  # the code, beside its label
    assert str(decision["options"][0]["resolution_label"]) in body
    for reason in decision["reasons"]:
        assert reason["rule"] in body
    assert decision["reasons"][0]["text"] == decision["reasons"][0]["message"]["en"]
    log = EvaluationLog.objects.get()
    assert (log.channel, log.actor, log.order_number) == ("page", agent, "SO-H2B-100")


@pytest.mark.parametrize("url", ["/policy/nope/", "/policy/nope/edit/",
                                 "/policy/online-shop/?version=9"])
def test_unknown_policy_is_404(client, admin, url):
    client.force_login(admin)
    assert client.get(url).status_code == 404


def test_a_dealer_may_not_read_the_policy_pages(db, client):
    from aftersales.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(username="h2b-dealer", roles=["dealer"]))
    assert client.get("/policy/").status_code == 403
    assert client.get("/policy/online-shop/").status_code == 403
    assert client.get("/policy/evaluate/").status_code == 200
