"""The statutory baseline (cn-consumer-law): each law rule at its edges (REGULATIONS-CN.md)."""

import copy

import pytest

from .helpers import decide, line, option, reason, request, resolutions

LAW = "cn-consumer-law"


@pytest.fixture
def law(policies, calendar):
    return lambda data, name=LAW: decide(policies, calendar, name, data)


# ------------------------------------------------------------------ B7-10 / CC-201..203
@pytest.mark.parametrize(
    ("asked_at", "allowed"),
    [("2025-03-10T23:59:00+08:00", True),    # day 7 after signing 03-03, 23:59
     ("2025-03-11T00:01:00+08:00", False)],  # day 8, 00:01
)
def test_b7_10_window_day_7_at_2359_vs_day_8_at_0001(law, asked_at, allowed):
    d = law(request(asked_at=asked_at))
    assert d["allowed"] is allowed
    assert reason(d, "B7-10")["passed"] is allowed
    if not allowed:
        assert d["options"] == [] and "2025-03-10" in reason(d, "B7-10")["message"]["en"]


def test_b7_10_counts_from_the_day_after_signing_even_late_at_night(law):
    # signed 23:50 on 03-03: day 1 is 03-04, so 03-10 is still day 7 (CC-201)
    d = law(request(order={"signed_at": "2025-03-03T23:50:00+08:00"},
                    asked_at="2025-03-10T22:00:00+08:00"))
    assert d["allowed"]


def test_cc_203_window_ending_on_a_statutory_holiday_rolls_to_next_working_day(
        law, policies, calendar):
    # signed 2025-09-24: the 7th day is 10-01 (国庆, holiday until 10-08) → legal: 10-09
    data = request(order={"placed_at": "2025-09-20T10:00:00+08:00",
                          "paid_at": "2025-09-20T10:00:00+08:00",
                          "signed_at": "2025-09-24T10:00:00+08:00"},
                   asked_at="2025-10-09T20:00:00+08:00")
    legal = law(data)
    assert legal["allowed"] and "2025-10-09" in reason(legal, "B7-10")["message"]["en"]
    assert "2025-10-01 was not a working day" in reason(legal, "B7-10")["message"]["en"]
    late = law(dict(data, asked_at="2025-10-10T00:01:00+08:00"))
    assert not late["allowed"]
    # the platforms' natural-day reading (settings.day_count: natural) ends on 10-01
    natural_doc = copy.deepcopy(policies[LAW])
    natural_doc["settings"]["day_count"] = "natural"
    from aftersales.policy.engine import evaluate
    natural = evaluate(dict(data, asked_at="2025-10-02T09:00:00+08:00"), natural_doc,
                       calendar=calendar, version_label="x")
    assert not natural["allowed"] and "2025-10-01" in reason(natural, "B7-10")["message"]["en"]


def test_cc_203_adjusted_saturday_is_a_working_day_so_no_roll(law):
    # signed 2025-10-04: day 7 is Sat 10-11, a 调休 working day → the window ends that day
    data = request(order={"placed_at": "2025-10-01T10:00:00+08:00",
                          "paid_at": "2025-10-01T10:00:00+08:00",
                          "signed_at": "2025-10-04T10:00:00+08:00"},
                   asked_at="2025-10-11T23:00:00+08:00")
    assert law(data)["allowed"]
    assert not law(dict(data, asked_at="2025-10-12T09:00:00+08:00"))["allowed"]


def test_cc_203_window_ending_on_a_sunday_rolls_to_monday(law):
    # signed 2025-03-09 (Sun) → day 7 is Sun 03-16 → legal: Mon 03-17
    data = request(order={"signed_at": "2025-03-09T10:00:00+08:00"},
                   asked_at="2025-03-17T23:00:00+08:00")
    assert law(data)["allowed"]


def test_b7_10_unknown_signing_time_says_so(law):
    d = law(request(order={"signed_at": None}))
    r = reason(d, "B7-10")
    assert r["passed"] is False and r.get("unknown") and not d["allowed"]


def test_b7_10_offline_sales_are_not_remote_sales(law):
    d = law(request(order={"channel": "offline"}, asked_at="2025-04-30T10:00:00+08:00"))
    assert "B7-10" not in [r["rule"] for r in d["reasons"]]


# ------------------------------------------------------------------ B7-6, B7-7, B7-8/9
@pytest.mark.parametrize("tag", ["custom_made", "perishable", "digital_opened", "periodical"])
def test_b7_6_statutory_exclusions(law, tag):
    d = law(request(order={"lines": [line(tags=[tag])]}))
    assert not d["allowed"] and reason(d, "B7-6")["passed"] is False


def test_b7_7_excluded_only_with_checkout_confirmation(law):
    confirmed = law(request(order={"lines": [line(tags=["no_return_confirmed_at_checkout"])]}))
    assert not confirmed["allowed"] and reason(confirmed, "B7-7")["passed"] is False
    unconfirmed = law(request(order={"lines": [line(category="cosmetics")]},
                              items=[{"line": 0, "condition": {"seal_intact": True}}]))
    assert unconfirmed["allowed"] and reason(unconfirmed, "B7-7")["passed"]


@pytest.mark.parametrize(
    ("category", "condition", "rule", "ok"),
    [("health_food", {"seal_intact": True}, "B7-9-seal", True),
     ("health_food", {"seal_intact": False}, "B7-9-seal", False),
     ("cosmetics", {"seal_intact": False}, "B7-9-seal", False),
     ("mobile_phone", {"activated": False, "data_traces": False}, "B7-9-electronics", True),
     ("mobile_phone", {"activated": True}, "B7-9-electronics", False),
     ("small_appliance", {"data_traces": True}, "B7-9-electronics", False),
     ("apparel", {"tags_attached": False}, "B7-9-labels", False),
     ("apparel", {"tags_attached": True, "packaging_intact": False}, "B7-9-labels", True),
     ("household", {"all_parts_present": False}, "B7-8", False)],
)
def test_b7_8_9_intact_by_category(law, category, condition, rule, ok):
    d = law(request(order={"lines": [line(category=category)]},
                    items=[{"line": 0, "condition": condition}]))
    assert reason(d, rule)["passed"] is ok
    assert d["allowed"] is ok


def test_b7_8_opened_packaging_alone_keeps_goods_intact(law):
    # TL-19 / SPC-3: opening to inspect does not break 完好
    d = law(request(items=[{"line": 0, "condition": {"packaging_intact": False,
                                                     "tags_attached": True}}]))
    assert d["allowed"]


# ------------------------------------------------------------------ XF-24 quality, non-三包
def test_xf_24_quality_return_within_7_days_seller_pays_shipping(law):
    d = law(request(reason="quality"))
    assert resolutions(d) == ["return", "exchange", "repair"]
    assert reason(d, "XF-24-7d")["passed"]
    assert all(o["shipping_paid_by"] == "company" for o in d["options"])


def test_xf_24_after_7_days_exchange_or_repair(law):
    d = law(request(reason="quality", asked_at="2025-03-11T09:00:00+08:00"))
    assert resolutions(d) == ["exchange", "repair"]
    assert reason(d, "XF-24-7d")["passed"] is False


# ------------------------------------------------------------------ 三包 ladder SB / TL-18
def _fridge(**kw):
    data = request(reason="quality", kind=kw.pop("kind", "return"),
                   order={"lines": [line(category="refrigerator", unit_price="3000.00")],
                          "payments": [{"method": "alipay", "amount": "3000.00"}]})
    data.update(kw)
    return data


@pytest.mark.parametrize(
    ("asked_at", "rule", "offered"),
    [("2025-03-10T23:59:00+08:00", "SB-9", ["return", "exchange", "repair"]),   # day 7
     ("2025-03-11T00:01:00+08:00", "SB-10", ["exchange", "repair"]),             # day 8
     ("2025-03-18T23:00:00+08:00", "SB-10", ["exchange", "repair"]),             # day 15
     ("2025-03-19T09:00:00+08:00", "SB-8", ["repair"]),                          # day 16
     ("2026-03-03T20:00:00+08:00", "SB-8", ["repair"]),                          # 12 months
     ("2026-03-04T09:00:00+08:00", "SB-8-expired", ["paid_repair"])],
)
def test_sb_9_10_8_ladder_edges(law, asked_at, rule, offered):
    d = law(_fridge(asked_at=asked_at))
    assert sorted(resolutions(d)) == sorted(offered)
    assert reason(d, "TL-18")["passed"]
    assert reason(d, rule)["passed"] is (rule != "SB-8-expired")


def test_tl_18_counts_from_installation_when_the_seller_installs(law):
    data = _fridge(asked_at="2025-03-12T10:00:00+08:00")
    data["order"]["installed_at"] = "2025-03-06T10:00:00+08:00"
    d = law(data)
    assert "return" in resolutions(d)  # day 6 after installation, day 9 after signing
    assert "installed" in reason(d, "TL-18")["message"]["en"]


def test_sb_8_repair_time_is_not_counted(law):
    # 12 months from 2025-03-03 end 2026-03-03; 30 days in repair push the end to 2026-04-02
    data = _fridge(kind="repair", asked_at="2026-04-02T10:00:00+08:00",
                   history={"repairs": [{"fault": "no_cooling", "sent_at": "2025-06-01",
                                         "returned_at": "2025-07-01", "fixed": True}]})
    assert resolutions(law(data)) == ["repair"]
    data["asked_at"] = "2026-04-03T10:00:00+08:00"
    assert resolutions(law(data)) == ["paid_repair"]


def test_sb_14_period_restarts_after_an_exchange(law):
    data = _fridge(kind="repair", asked_at="2026-05-01T10:00:00+08:00",
                   history={"exchanges": [{"at": "2025-09-01"}]})
    d = law(data)
    assert resolutions(d) == ["repair"]
    assert "2025-09-01" in reason(d, "TL-18")["message"]["en"]


def test_sb_11_two_repairs_still_failing_gives_exchange_or_return(law):
    one = {"fault": "no_cooling", "sent_at": "2025-04-01", "returned_at": "2025-04-05",
           "fixed": False}
    two = dict(one, sent_at="2025-05-01", returned_at="2025-05-04", fault="noise")
    once = law(_fridge(kind="repair", asked_at="2025-06-01T10:00:00+08:00",
                       history={"repairs": [one]}))
    assert resolutions(once) == ["repair"] and reason(once, "SB-11")["passed"] is False
    twice = law(_fridge(kind="repair", asked_at="2025-06-01T10:00:00+08:00",
                        history={"repairs": [one, two]}))
    # default reading: any two repairs (SB-11 ambiguity, configurable same_fault)
    assert resolutions(twice) == ["repair", "exchange", "return"]
    assert reason(twice, "SB-11")["passed"]


def test_sb_12_repair_longer_than_90_days_gives_exchange(law):
    rep = {"fault": "x", "sent_at": "2025-04-01", "returned_at": None}
    d90 = law(_fridge(kind="repair", asked_at="2025-06-30T10:00:00+08:00",
                      history={"repairs": [rep]}))  # 90 days
    assert "exchange" not in resolutions(d90) and reason(d90, "SB-12")["passed"] is False
    d91 = law(_fridge(kind="repair", asked_at="2025-07-01T10:00:00+08:00",
                      history={"repairs": [rep]}))
    assert "exchange" in resolutions(d91) and reason(d91, "SB-12")["passed"]


def test_ph_13_phone_exchanged_twice_may_be_returned(law):
    data = request(reason="quality", kind="repair", asked_at="2025-08-01T10:00:00+08:00",
                   order={"lines": [line(category="mobile_phone", unit_price="3000.00")]},
                   history={"exchanges": [{"at": "2025-04-01"}, {"at": "2025-06-01"}]})
    d = law(data)
    assert "return" in resolutions(d) and reason(d, "PH-13")["passed"]


@pytest.mark.parametrize(("cause", "rule"), [("misuse", "SB-X1"), ("liquid", "SB-X1"),
                                             ("unauthorised_repair", "SB-X2"),
                                             ("force_majeure", "SB-X5")])
def test_sb_x_voiding_causes_leave_paid_repair(law, cause, rule):
    d = law(_fridge(kind="repair", asked_at="2025-03-05T10:00:00+08:00", damage_cause=cause))
    assert resolutions(d) == ["paid_repair"]
    assert reason(d, rule)["passed"] is False
    assert option(d, "paid_repair")["shipping_paid_by"] == "customer"


# ------------------------------------------------------------------ PAY / money
def _order_with(lines, payments, promotions=(), **kw):
    return {"lines": lines, "payments": payments, "promotions": list(promotions), **kw}


def test_pay_1_b7_14_mixed_payment_split_per_method_b7_15_points_in_kind(law):
    order = _order_with([line(unit_price="400.00")],
                        [{"method": "wechat_pay", "amount": "300.00"},
                         {"method": "points", "amount": "50.00", "points": 5000},
                         {"method": "coupon", "amount": "50.00", "reference": "CPN-9"}])
    d = law(request(order=order))
    refund = option(d, "return")["refund"]
    assert refund == {"total": "300.00", "by_method": [{"method": "wechat_pay",
                                                        "amount": "300.00"}],
                      "points": 5000, "coupons_restored": ["CPN-9"]}


def test_b7_17_threshold_discount_lost_reprices_kept_goods(law):
    # 满500减100 over two lines 300 + 280 = 580 → paid 480; return the 300 one:
    # kept 280 < 500 → discount lost: refund 300 - 100 = 200
    order = _order_with([line(unit_price="300.00"), line(sku="Y", unit_price="280.00")],
                        [{"method": "alipay", "amount": "480.00"}],
                        [{"kind": "threshold_discount", "threshold": "500.00",
                          "discount": "100.00", "lines": [0, 1]}])
    d = law(request(order=order))
    assert option(d, "return")["refund"]["total"] == "200.00"
    assert reason(d, "B7-17")["passed"]
    # returning both refunds what was paid
    both = law(request(order=order, items=[{"line": 0}, {"line": 1}]))
    assert option(both, "return")["refund"]["total"] == "480.00"


def test_b7_17_discount_kept_when_the_rest_still_qualifies(law):
    order = _order_with([line(unit_price="600.00"), line(sku="Y", unit_price="50.00")],
                        [{"method": "alipay", "amount": "550.00"}],
                        [{"kind": "threshold_discount", "threshold": "500.00",
                          "discount": "100.00"}])
    d = law(request(order=order, items=[{"line": 1}]))
    assert option(d, "return")["refund"]["total"] == "50.00"


def test_b7_18_lost_free_shipping_is_deducted_on_a_partial_no_reason_return(law):
    order = _order_with([line(unit_price="60.00"), line(sku="Y", unit_price="40.00")],
                        [{"method": "wechat_pay", "amount": "100.00"}],
                        [{"kind": "free_shipping", "threshold": "88.00",
                          "standard_fee": "10.00"}])
    d = law(request(order=order))
    assert option(d, "return")["refund"]["total"] == "50.00"
    assert reason(d, "B7-18")["passed"]
    # a quality return keeps the free shipping (the seller pays transport, XF-24)
    q = law(request(order=order, reason="quality"))
    assert option(q, "return")["refund"]["total"] == "60.00"
    # the whole order back: nothing deducted
    full = law(request(order=order, items=[{"line": 0}, {"line": 1}]))
    assert option(full, "return")["refund"]["total"] == "100.00"


def test_b7_12_gift_not_returned_costs_its_declared_price(law):
    order = _order_with([line(unit_price="200.00"),
                         line(sku="GIFT", name="赠品杯", unit_price="0.00", gift=True,
                              declared_gift_price="15.00")],
                        [{"method": "card", "amount": "200.00"}])
    kept = law(request(order=order))
    assert option(kept, "return")["refund"]["total"] == "185.00"
    assert reason(kept, "B7-12")["passed"]
    back = law(request(order=order, items=[{"line": 0}, {"line": 1}]))
    assert option(back, "return")["refund"]["total"] == "200.00"


def test_pay_refund_of_outbound_shipping_when_the_seller_pays(law):
    order = _order_with([line(unit_price="90.00")], [{"method": "alipay", "amount": "100.00"}],
                        shipping_fee="10.00")
    assert option(law(request(order=order)), "return")["refund"]["total"] == "90.00"
    q = law(request(order=order, reason="quality"))
    assert option(q, "return")["refund"]["total"] == "100.00"


def test_pay_4_no_reason_return_shipping_on_the_customer(law):
    assert option(law(request()), "return")["shipping_paid_by"] == "customer"


def test_b7_13_refund_within_7_days_of_receipt(law):
    d = law(request(received_at="2025-03-12T15:00:00+08:00"))
    assert option(d, "return")["deadlines"]["refund_by"] == "2025-03-19T23:59:59+08:00"
    # not received yet: no refund_by yet
    assert "refund_by" not in option(law(request()), "return")["deadlines"]


def test_decision_is_deterministic_and_json_serialisable(law):
    import json
    a, b = law(request(reason="quality")), law(request(reason="quality"))
    assert json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)


def test_unknown_dates_are_said_not_guessed(law):
    # no delivery, installation, invoice or order date: TL-18 says so and treats it as
    # outside the period (PC-9: the customer can still prove the date)
    data = _fridge(kind="repair")
    for key in ("signed_at", "placed_at", "paid_at"):
        data["order"][key] = None
    d = law(data)
    assert reason(d, "TL-18").get("unknown") is True
    assert resolutions(d) == ["paid_repair"]


def test_a_year_without_calendar_data_is_an_error_naming_the_year(policies):
    from aftersales.calendars.calendar import CalendarYearMissing
    from aftersales.policy.engine import evaluate

    from .conftest import build_calendar

    cal_2025_only = build_calendar(years=[2025])
    data = request(order={"placed_at": "2025-12-27T10:00:00+08:00",
                          "paid_at": "2025-12-27T10:00:00+08:00",
                          "signed_at": "2025-12-28T10:00:00+08:00"},
                   asked_at="2025-12-30T10:00:00+08:00")
    # the 7th day (2026-01-04) must be checked for CC-203 → 2026 has no data here
    with pytest.raises(CalendarYearMissing) as exc:
        evaluate(data, policies[LAW], calendar=cal_2025_only, version_label="x")
    assert exc.value.year == 2026


def test_evaluate_accepts_a_compiled_policy_and_a_parsed_request(policies, calendar):
    from aftersales.policy.engine import compile_document, evaluate, parse_request

    compiled = compile_document(policies[LAW])
    a = evaluate(parse_request(request()), compiled, calendar=calendar, version_label="x")
    b = evaluate(request(), policies[LAW], calendar=calendar, version_label="x")
    assert a == b and a["policy"]["name"] == LAW


def test_b7_15_a_coupon_comes_back_only_with_the_whole_order(law):
    order = _order_with([line(unit_price="200.00"), line(sku="Y", unit_price="200.00")],
                        [{"method": "alipay", "amount": "350.00"},
                         {"method": "coupon", "amount": "50.00", "reference": "CPN-1"}])
    part = option(law(request(order=order)), "return")["refund"]
    assert part["coupons_restored"] == [] and part["total"] == "175.00"
    whole = option(law(request(order=order, items=[{"line": 0}, {"line": 1}])), "return")
    assert whole["refund"]["coupons_restored"] == ["CPN-1"]
    assert whole["refund"]["total"] == "350.00"


def test_sb_8_main_parts_have_a_longer_period_per_category(law):
    # refrigerator: whole unit 12 months, main parts 36 months (category data, [S])
    data = _fridge(kind="repair", asked_at="2027-03-03T10:00:00+08:00")
    assert resolutions(law(data)) == ["paid_repair"]
    data["main_part"] = True
    d = law(data)
    assert resolutions(d) == ["repair"] and "36 months" in reason(d, "SB-8")["message"]["en"]
