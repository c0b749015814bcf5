"""Policy corrections (issue 10 item 11), each at its edges: S9.2's window covers returns and is
never stricter than B7-10; a repair still in progress counts up to the request; the member
store's agreement replaces XF-24's fallback after 7 days (三包 goods keep SB/TL-18); settings
are only what code reads."""

from datetime import date, timedelta

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.policy.engine import (
    PolicyDocumentError,
    compile_document,
    evaluate,
    load_document,
    merge_documents,
    validate_document,
)
from aftersales.policy.engine.document import RETIRED_SETTINGS, Settings

from .conftest import POLICIES
from .helpers import decide, line, reason, request, resolutions

PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def run(policies, calendar):
    return lambda name, data: decide(policies, calendar, name, data)


def _at(day: date, time: str = "10:00") -> str:
    return f"{day.isoformat()}T{time}:00+08:00"


def applied(decision, rule_id):
    return any(r["rule"] == rule_id for r in decision["reasons"])


# ================================================================== S9.2 and B7-10
def _return(placed, signed, asked, kind="return", channel="online"):
    return request(kind=kind, asked_at=asked,
                   order={"placed_at": placed, "paid_at": placed, "signed_at": signed,
                          "channel": channel},
                   items=[{"line": 0, "condition": {"unused": True, "all_parts_present": True,
                                                    "tags_attached": True}}])


# Placed Fri 09-26, signed Sat 09-27 (2025): B7-10's 7th day 10-04 is in the National Day
# holiday, so it ends Thu 10-09 (CC-203); S9.2's 7 working days after 09-26 are 09-28 (调休
# Sunday), 09-29, 09-30, 10-09, 10-10, 10-11 (调休 Saturday), 10-13 → it ends Mon 10-13.
@pytest.mark.parametrize(("asked_at", "b7_10", "s9_2"), [
    ("2025-10-09T23:59:00+08:00", True, True),
    ("2025-10-10T00:01:00+08:00", False, True),    # beyond the law, inside the company's rule
    ("2025-10-13T23:59:00+08:00", False, True),
    ("2025-10-14T00:01:00+08:00", False, False),
])
def test_s9_2_return_within_7_working_days_is_allowed_beyond_b7_10(run, asked_at, b7_10, s9_2):
    # given a no-reason return asked at asked_at
    d = run("online-shop", _return("2025-09-26T10:00:00+08:00", "2025-09-27T10:00:00+08:00",
                                   asked_at))
    # then each window says whether it runs, and the return is allowed while either does
    assert reason(d, "B7-10")["passed"] is b7_10
    assert reason(d, "S9.2-window")["passed"] is s9_2
    assert d["allowed"] is (b7_10 or s9_2)
    assert ("return" in resolutions(d)) is (b7_10 or s9_2)


# Placed Sat 03-01, signed Mon 03-10 (slow delivery): S9.2 ends 03-11, B7-10 ends 03-17.
@pytest.mark.parametrize(("asked_at", "b7_10", "s9_2"), [
    ("2025-03-11T23:59:00+08:00", True, True),
    ("2025-03-12T00:01:00+08:00", True, False),    # S9.2 over: the law's 7 days still run
    ("2025-03-17T23:59:00+08:00", True, False),
    ("2025-03-18T00:01:00+08:00", False, False),
])
def test_s9_2_never_takes_away_the_b7_10_return(run, asked_at, b7_10, s9_2):
    d = run("online-shop", _return("2025-03-01T10:00:00+08:00", "2025-03-10T10:00:00+08:00",
                                   asked_at))
    assert reason(d, "B7-10")["passed"] is b7_10
    assert reason(d, "S9.2-window")["passed"] is s9_2
    assert d["allowed"] is (b7_10 or s9_2)


def test_s9_2_exchange_is_not_rescued_by_the_law_s_return_window(run):
    # given the slow delivery above and an exchange on 03-12: S9.2 is over; B7-10 is about
    # returns, so it neither applies nor keeps the exchange open
    d = run("online-shop", _return("2025-03-01T10:00:00+08:00", "2025-03-10T10:00:00+08:00",
                                   "2025-03-12T10:00:00+08:00", kind="exchange"))
    assert not d["allowed"] and reason(d, "S9.2-window")["passed"] is False
    assert not applied(d, "B7-10")


@pytest.mark.parametrize(("asked_at", "ok"), [("2025-03-11T23:59:00+08:00", True),
                                              ("2025-03-12T00:01:00+08:00", False)])
def test_s9_2_governs_an_offline_no_reason_return_alone(run, asked_at, ok):
    # given an offline sale (no 7-day statutory return: B7-10 is for remote sales)
    d = run("online-shop", _return("2025-03-01T10:00:00+08:00", "2025-03-10T10:00:00+08:00",
                                   asked_at, channel="offline"))
    assert not applied(d, "B7-10")
    assert reason(d, "S9.2-window")["passed"] is ok and d["allowed"] is ok


@PROPERTY
@given(placed=st.integers(0, 700), delivery=st.integers(0, 12), asked=st.integers(0, 30))
def test_online_shop_returns_are_the_law_s_or_s9_2_s_never_fewer(policies, calendar, placed,
                                                                 delivery, asked):
    # given any purchase in 2025-2026, a delivery up to 12 days later and a no-reason return
    # asked up to 30 days after delivery
    placed_on = date(2025, 1, 1) + timedelta(days=placed)
    signed_on = placed_on + timedelta(days=delivery)
    asked_on = signed_on + timedelta(days=asked)
    if asked_on > date(2026, 12, 10):  # the working-day calendar ends with 2026
        return
    data = _return(_at(placed_on), _at(signed_on, "15:00"), _at(asked_on, "23:30"))
    # when both the law and the shop decide
    law = evaluate(data, policies["cn-consumer-law"], calendar=calendar)
    shop = evaluate(data, policies["online-shop"], calendar=calendar)
    # then the shop allows what the law allows, and also what S9.2's 7 working days allow
    in_s9_2 = asked_on <= calendar.add_working_days(placed_on, 7)
    assert shop["allowed"] is (law["allowed"] or in_s9_2)
    assert reason(shop, "S9.2-window")["passed"] is in_s9_2
    assert reason(shop, "B7-10")["passed"] is reason(law, "B7-10")["passed"]


# ================================================================== repairs in progress
def _tractor(asked_at, repairs):
    return request(kind="repair", reason="quality", asked_at=asked_at,
                   order={"channel": "dealer", "invoice_date": "2025-03-01",
                          "placed_at": "2025-03-01T10:00:00+08:00",
                          "payments": [{"method": "bank_transfer", "amount": "80000.00"}],
                          "lines": [line(name="拖拉机", category="tractor",
                                         unit_price="80000.00")]},
                   history={"warranty_card_returned_at": "2025-03-15", "repairs": repairs})


# Sent Thu 04-03 (2025): the 30th working day after it is 05-20 (清明, 劳动节, 调休 04-27).
@pytest.mark.parametrize("returned_at", [None, "2025-06-30"])
@pytest.mark.parametrize(("asked_at", "over"), [("2025-05-20T23:59:00+08:00", False),
                                                ("2025-05-21T00:01:00+08:00", True)])
def test_nj10_a_repair_still_in_progress_counts_up_to_the_request(run, returned_at, asked_at,
                                                                 over):
    # given a repair not back when the farmer asks (no returned_at, or back only later)
    repair = {"fault": "engine", "sent_at": "2025-04-03", "returned_at": returned_at}
    d = run("machinery-dealer", _tractor(asked_at, [repair]))
    # then it counts from the send-in day to the day of asking: exchange after 30 working days
    assert reason(d, "NJ10-30wd")["passed"] is over
    assert ("exchange" in resolutions(d)) is over
    message = reason(d, "NJ10-30wd")["message"]
    assert "still in repair on " + asked_at[:10] in message["en"]
    assert "仍在维修" in message["zh"]


@pytest.mark.parametrize(("returned_at", "over"), [("2025-05-20", False), ("2025-05-21", True)])
def test_nj10_a_finished_repair_counts_to_its_return(run, returned_at, over):
    d = run("machinery-dealer", _tractor("2025-07-01T10:00:00+08:00", [
        {"fault": "engine", "sent_at": "2025-04-03", "returned_at": returned_at}]))
    assert reason(d, "NJ10-30wd")["passed"] is over
    assert "still in repair" not in reason(d, "NJ10-30wd")["message"]["en"]


def test_a_repair_sent_after_the_request_does_not_count(run):
    d = run("machinery-dealer", _tractor("2025-05-21T10:00:00+08:00", [
        {"fault": "engine", "sent_at": "2025-05-22"}]))
    assert not applied(d, "NJ10-30wd") and "exchange" not in resolutions(d)
    assert reason(d, "NJ10-repeat")["passed"] is False


@PROPERTY
@given(sent=st.integers(0, 500), asked=st.integers(0, 120), back=st.integers(1, 200))
def test_an_open_repair_is_the_same_as_one_back_after_the_request(policies, calendar, sent,
                                                                  asked, back):
    # given a repair sent on any day and a request `asked` days later
    sent_on = date(2025, 3, 5) + timedelta(days=sent)
    asked_on = sent_on + timedelta(days=asked)
    later = asked_on + timedelta(days=back)
    if later.year > 2026:
        return
    open_ = _tractor(_at(asked_on), [{"fault": "engine", "sent_at": sent_on.isoformat()}])
    back_later = _tractor(_at(asked_on), [{"fault": "engine", "sent_at": sent_on.isoformat(),
                                           "returned_at": later.isoformat()}])
    d = evaluate(open_, policies["machinery-dealer"], calendar=calendar)
    # then both decide alike, and NJ10-30wd passes exactly after 30 working days
    assert d == evaluate(back_later, policies["machinery-dealer"], calendar=calendar)
    if applied(d, "NJ10-30wd"):
        over = calendar.working_days_between(sent_on, asked_on) > 30
        assert reason(d, "NJ10-30wd")["passed"] is over


def _fridge(asked_at, repairs):
    return request(kind="repair", reason="quality", asked_at=asked_at,
                   order={"lines": [line(category="refrigerator", unit_price="3000.00")],
                          "payments": [{"method": "wechat_pay", "amount": "3000.00"}]},
                   history={"repairs": repairs})


@pytest.mark.parametrize("returned_at", [None, "2026-05-01"])
def test_tl_18_time_in_a_repair_still_in_progress_is_not_counted(run, returned_at):
    # given a fridge signed 2025-03-03 (12 months end 2026-03-03) in repair since 2026-02-01
    repair = {"fault": "no_cooling", "sent_at": "2026-02-01", "returned_at": returned_at}
    # when the customer asks on 2026-04-09: 67 days past, 67 days in repair up to the request
    d = run("cn-consumer-law", _fridge("2026-04-09T10:00:00+08:00", [repair]))
    assert resolutions(d) == ["repair"] and reason(d, "SB-8")["passed"]
    assert "67 repair days not counted" in reason(d, "TL-18")["message"]["en"]
    late = run("cn-consumer-law", _fridge("2026-04-10T10:00:00+08:00", [repair]))
    # the next day, 68 days in repair push the end to 2026-05-10: still within
    assert resolutions(late) == ["repair"]
    assert resolutions(run("cn-consumer-law", _fridge("2026-04-09T10:00:00+08:00", []))) == [
        "paid_repair"]


# ================================================================== XF-24 and the agreement
def _member(kind, asked_at, category="water_machine", **kw):
    data = request(kind=kind, reason="quality", asked_at=asked_at,
                   order={"payments": [{"method": "wechat_pay", "amount": "2000.00"}],
                          "lines": [line(name="净水机", category=category,
                                         unit_price="2000.00")]})
    data.update(kw)
    return data


# Signed 2025-03-03: XF-24's 7 days end 03-10.
@pytest.mark.parametrize("kind", ["return", "exchange", "repair"])
@pytest.mark.parametrize(("asked_at", "first_7_days"), [("2025-03-10T23:59:00+08:00", True),
                                                        ("2025-03-11T00:01:00+08:00", False)])
def test_xf_24_fallback_adds_no_exchange_the_member_store_agreement_does_not_give(
        run, kind, asked_at, first_7_days):
    # given a water machine with a quality problem at the member store
    d = run("member-store", _member(kind, asked_at))
    law = run("cn-consumer-law", _member(kind, asked_at))
    if first_7_days:
        # then within 7 days of receipt the law's fallback stands: return, exchange or repair
        assert sorted(resolutions(d)) == ["exchange", "repair", "return"]
        assert reason(d, "XF-24-7d")["passed"]
    else:
        # after them the agreement decides: repair within the year (S4.4), no exchange/return,
        # where the law alone (no agreement) would give an exchange
        assert resolutions(d) == ["repair"]
        assert reason(d, "XF-24-agreed")["message"]["en"].startswith("more than 7 days")
        assert reason(d, "S4.4-warranty")["passed"]
        assert "exchange" in resolutions(law) and applied(law, "XF-24-after")


@pytest.mark.parametrize(("asked_at", "offered"), [("2026-03-01T23:59:00+08:00", ["repair"]),
                                                   ("2026-03-02T00:01:00+08:00",
                                                    ["paid_repair"])])
def test_member_store_exchange_request_after_the_year_is_a_paid_repair(run, asked_at, offered):
    # ordered 2025-03-01: the year's warranty ends 2026-03-01
    d = run("member-store", _member("exchange", asked_at))
    assert resolutions(d) == offered


def test_member_store_return_or_exchange_after_two_repairs_of_the_same_fault(run):
    rep = {"fault": "leak", "sent_at": "2025-04-01", "returned_at": "2025-04-03"}
    once = run("member-store", _member("exchange", "2025-05-01T10:00:00+08:00",
                                       history={"repairs": [rep]}))
    assert resolutions(once) == ["repair"] and reason(once, "S4.6-repairs")["passed"] is False
    twice = run("member-store", _member("exchange", "2025-05-01T10:00:00+08:00", history={
        "repairs": [rep, dict(rep, sent_at="2025-04-10", returned_at="2025-04-12")]}))
    assert set(resolutions(twice)) == {"exchange", "return", "repair"}
    assert reason(twice, "S4.6-repairs")["passed"]


def test_member_store_listed_incident_gives_return_or_exchange(run):
    d = run("member-store", _member("return", "2025-05-01T10:00:00+08:00",
                                    evidence=["injury_report"]))
    assert {"return", "exchange"} <= set(resolutions(d)) and reason(d, "S4.6-incident")["passed"]


def test_member_store_consumable_after_7_days_is_a_paid_repair(run):
    d = run("member-store", _member("exchange", "2025-03-11T10:00:00+08:00",
                                    category="filter"))
    assert resolutions(d) == ["paid_repair"] and reason(d, "S4.4-consumables")["passed"] is False


# Signed 2025-03-03: SB-9 (7 days) ends 03-10, SB-10 (15 days) 03-18, SB-8 12 months.
@pytest.mark.parametrize("asked_at", ["2025-03-10T23:59:00+08:00", "2025-03-11T00:01:00+08:00",
                                      "2025-03-18T23:59:00+08:00", "2025-03-19T00:01:00+08:00",
                                      "2026-03-04T10:00:00+08:00"])
@pytest.mark.parametrize("kind", ["return", "exchange"])
def test_sanbao_goods_at_the_member_store_keep_the_statutory_ladder(run, asked_at, kind):
    # given a microwave (三包 catalogue) sold by the member store
    d = run("member-store", _member(kind, asked_at, category="microwave"))
    law = run("cn-consumer-law", _member(kind, asked_at, category="microwave"))
    # then the agreement neither replaces nor shortens the 三包 ladder
    assert set(resolutions(d)) == set(resolutions(law))
    assert not applied(d, "XF-24") and reason(d, "TL-18")["passed"]
    if asked_at < "2025-03-19":
        assert "exchange" in resolutions(d)


@PROPERTY
@given(day=st.integers(0, 420), kind=st.sampled_from(["return", "exchange", "repair"]),
       category=st.sampled_from(["water_machine", "cookware", "household", "microwave",
                                 "refrigerator"]))
def test_member_store_exchanges_are_the_agreement_s_and_the_law_s_minimum(
        policies, calendar, day, kind, category):
    asked_on = date(2025, 3, 3) + timedelta(days=day)
    data = _member(kind, _at(asked_on, "23:00"), category=category)
    d = evaluate(data, policies["member-store"], calendar=calendar)
    law = evaluate(data, policies["cn-consumer-law"], calendar=calendar)
    if category in ("microwave", "refrigerator"):
        # 三包: never fewer remedies than the statute
        assert set(resolutions(law)) <= set(resolutions(d))
    else:
        # no repairs, no incident: an exchange or return only in XF-24's first 7 days
        assert ("exchange" in resolutions(d)) is (day <= 7)
        assert ("return" in resolutions(d)) is (day <= 7)


# ================================================================== settings
def test_every_shipped_setting_is_declared():
    # given the settings each shipped policy file names
    declared = set(Settings.model_fields)
    for path in sorted(POLICIES.glob("*.yaml")):
        if path.name.endswith(".workflow.yaml"):
            continue
        own = yaml.safe_load(path.read_text("utf-8")).get("settings") or {}
        # then each is a setting code reads (declared), none retired
        assert set(own) <= declared, (path.name, set(own) - declared)


@pytest.mark.parametrize("key", ["agent_maxgoodwill", "dya_count", "nested"])
def test_an_unknown_setting_is_an_error_naming_it(key):
    with pytest.raises(PolicyDocumentError, match=rf"settings\.{key}"):
        load_document(f"name: x\nsettings: {{{key}: 1}}\nrules: []\n", source="x.yaml")
    parent = {"name": "p", "rules": []}
    child = {"name": "c", "extends": "p", "settings": {key: 1}}
    validate_document(child, source="c.yaml")  # a child alone: structure only
    with pytest.raises(PolicyDocumentError, match=rf"settings\.{key}"):
        validate_document(merge_documents(parent, child), source="c.yaml")


@pytest.mark.parametrize("key", sorted(RETIRED_SETTINGS))
def test_a_retired_setting_is_refused_in_a_new_document(key):
    with pytest.raises(PolicyDocumentError, match=rf"settings\.{key}.*No longer a setting"):
        load_document(f"name: x\nextends: p\nsettings: {{{key}: 1}}\n", source="x.yaml")


def test_a_stored_version_with_retired_settings_still_decides(calendar, policies):
    # given the online shop as stored before the settings were pruned
    old = merge_documents(policies["cn-consumer-law"], {
        "name": "online-shop", "extends": "cn-consumer-law",
        "settings": {"agent_max_goodwill": "50.00", "review_working_days": 3},
        "rules": [r for r in policies["online-shop"]["rules"]
                  if r["id"] not in {r2["id"] for r2 in policies["cn-consumer-law"]["rules"]}]})
    # then it validates as a merged document and decides like today's
    validate_document(old, source="online-shop v1")
    assert "agent_max_goodwill" not in compile_document(old).settings.model_dump()
    assert evaluate(request(), old, calendar=calendar)["allowed"]


@pytest.mark.parametrize("other", ["NOPE", "X", "W"])  # unknown, not a window, itself
def test_window_alternatives_name_another_window_rule(other):
    text = f"""
name: x
rules:
  - {{id: W, kind: window, params: {{from: [signed], length: 7, alternatives: [{other}]}}}}
  - {{id: X, kind: exclusion, params: {{tags: [custom_made]}}}}
"""
    with pytest.raises(PolicyDocumentError, match=r"rules\[0\]\.params\.alternatives\[0\]"):
        load_document(text, source="x.yaml")
