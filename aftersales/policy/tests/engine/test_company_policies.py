"""Company policies: each seed rule (S2..S11) at its edges."""

import pytest

from .helpers import decide, line, option, reason, request, resolutions


@pytest.fixture
def run(policies, calendar):
    return lambda name, data: decide(policies, calendar, name, data)


# ================================================================== member-store (S4)
def _caps(qty=2, bought=3, new_points=120, **kw):
    data = request(kind="exchange", asked_at="2025-03-20T10:00:00+08:00",
                   order={"channel": "offline", "payments": [{"method": "cash",
                                                              "amount": "297.00"}],
                          "lines": [line(name="三七葡萄籽胶囊", category="health_food",
                                         unit_price="99.00", points=120, quantity=bought)]},
                   items=[{"line": 0, "quantity": qty,
                           "condition": {"packaging_intact": True, "unused": True}}],
                   exchange_for=[{"sku": "CAPS-2", "unit_price": "99.00", "points": new_points,
                                  "quantity": qty}])
    data.update(kw)
    return data


def test_s4_2_limit_two_bottles_of_sanqi_capsules_pass_three_fail(run):
    two = run("member-store", _caps(qty=2))
    assert two["allowed"] and reason(two, "S4.2-limit")["passed"]
    three = run("member-store", _caps(qty=3))
    assert not three["allowed"] and reason(three, "S4.2-limit")["passed"] is False


@pytest.mark.parametrize(("new_points", "ok"), [(170, True), (171, False), (70, True),
                                                (69, False)])
def test_s4_2_points_difference_50_passes_51_fails(run, new_points, ok):
    # one bottle of 120 points for goods of new_points: |diff| 50 passes, 51 fails
    d = run("member-store", _caps(qty=1, new_points=new_points))
    assert reason(d, "S4.2-points")["passed"] is ok
    assert d["allowed"] is ok


@pytest.mark.parametrize(("asked_at", "ok"), [("2025-04-30T23:59:00+08:00", True),
                                              ("2025-05-01T00:01:00+08:00", False)])
def test_s4_2_window_60_days_from_order_creation(run, asked_at, ok):
    # order created 03-01: day 60 is 04-30
    d = run("member-store", _caps(qty=1, asked_at=asked_at))
    assert reason(d, "S4.2-window")["passed"] is ok and d["allowed"] is ok


def test_s4_2_packaging_must_be_intact_for_resale(run):
    data = _caps(qty=1)
    data["items"][0]["condition"]["packaging_intact"] = False
    d = run("member-store", data)
    assert not d["allowed"] and reason(d, "S4.2-condition")["passed"] is False


@pytest.mark.parametrize("category", ["cookware", "water_machine", "air_purifier", "cosmetics"])
def test_s4_2_pots_water_machines_purifiers_cosmetics_not_exchangeable(run, category):
    data = _caps(qty=1)
    data["order"]["lines"][0]["category"] = category
    d = run("member-store", data)
    assert not d["allowed"] and reason(d, "S4.2-categories")["passed"] is False


def test_s4_2_limited_time_promotional_bundle_not_exchangeable(run):
    data = _caps(qty=1)
    data["order"]["lines"][0]["tags"] = ["promo_bundle"]
    d = run("member-store", data)
    assert not d["allowed"] and reason(d, "S4.2-promo")["passed"] is False


@pytest.mark.parametrize(("new_price", "pays"), [("129.00", "30.00"), ("79.00", "0.00"),
                                                 ("99.00", "0.00")])
def test_s4_2_difference_more_not_refunded_less_paid(run, new_price, pays):
    data = _caps(qty=1)
    data["exchange_for"][0]["unit_price"] = new_price
    d = run("member-store", data)
    opt = option(d, "exchange")
    assert opt["customer_pays"] == pays and opt["refund"]["total"] == "0.00"
    assert opt["shipping_paid_by"] == "customer"  # S4.2: both ways on the member
    assert reason(d, "S4.2-difference")["passed"] and reason(d, "S4-shipping")["passed"]


def test_s4_2_bundle_equal_points_and_price_swap_has_no_difference(run):
    data = _caps(qty=1)
    data["order"]["lines"][0]["bundle"] = "SET-1"
    d = run("member-store", data)
    assert option(d, "exchange")["customer_pays"] == "0.00"
    assert reason(d, "S4.2-difference-bundle")["passed"]


def _water_machine(**kw):
    data = request(kind="repair", reason="quality", asked_at="2025-06-01T10:00:00+08:00",
                   order={"channel": "offline",
                          "payments": [{"method": "wechat_pay", "amount": "2000.00"}],
                          "lines": [line(name="净水机", category="water_machine",
                                         unit_price="2000.00")]})
    data.update(kw)
    return data


def test_s4_4_warranty_repair_one_year_from_order_company_pays_shipping(run):
    d = run("member-store", _water_machine())
    assert "repair" in resolutions(d) and reason(d, "S4.4-warranty")["passed"]
    assert option(d, "repair")["shipping_paid_by"] == "company"
    late = run("member-store", _water_machine(asked_at="2026-03-02T10:00:00+08:00"))
    assert resolutions(late) == ["paid_repair"] and reason(late, "S4.4-expired")["passed"] is False


def test_s4_4_consumable_filters_are_not_under_warranty(run):
    data = _water_machine()
    data["order"]["lines"][0]["category"] = "filter"
    d = run("member-store", data)
    assert resolutions(d) == ["paid_repair"] and reason(d, "S4.4-consumables")["passed"] is False


def test_s4_4_proof_of_purchase_required(run):
    data = _water_machine()
    data["order"]["number"] = None
    d = run("member-store", data)
    assert "repair" not in resolutions(d) and reason(d, "S4.4-proof")["passed"] is False


def test_s4_1_paid_repair_quote_from_the_parts_price_list(run):
    d = run("member-store", _water_machine(
        damage_cause="misuse",
        repair_parts=[{"part": "密封圈", "quantity": 2}, {"part": "水管", "quantity": "1.5"},
                      {"part": "电控板", "quantity": 1}]))
    opt = option(d, "paid_repair")
    # 2 × 1.50 + 1.5 m × 10.00 + 140.00
    assert opt["customer_pays"] == "158.00"
    assert [q["unit"] for q in opt["quote"]["lines"]] == ["个", "米", "个"]
    unknown = run("member-store", _water_machine(damage_cause="misuse",
                                                 repair_parts=[{"part": "镜子"}]))
    assert option(unknown, "paid_repair")["quote_required"] is True
    assert reason(unknown, "S4.1-quote")["passed"] is False


def test_s4_5_health_food_returned_only_for_proven_allergy(run):
    base = request(kind="return", order={"channel": "offline", "lines": [
        line(name="三七葡萄籽胶囊", category="health_food", unit_price="99.00")],
        "payments": [{"method": "cash", "amount": "99.00"}]})
    no_reason = run("member-store", base)
    assert not no_reason["allowed"] and reason(no_reason, "S4.5")["passed"] is False
    allergy = run("member-store", dict(base, reason="allergy"))
    assert not allergy["allowed"] and reason(allergy, "S4.5-evidence")["passed"] is False
    proven = run("member-store", dict(base, reason="allergy", evidence=["medical_certificate"]))
    assert proven["allowed"] and option(proven, "return")["refund"]["total"] == "99.00"


def test_s4_6_same_problem_repaired_twice_return_or_exchange(run):
    rep = {"fault": "leak", "sent_at": "2025-04-01", "returned_at": "2025-04-03", "fixed": True}
    once = run("member-store", _water_machine(history={"repairs": [rep]}))
    assert "return" not in resolutions(once)
    other = dict(rep, fault="noise", sent_at="2025-05-01", returned_at="2025-05-02")
    different = run("member-store", _water_machine(history={"repairs": [rep, other]}))
    assert reason(different, "S4.6-repairs")["passed"] is False
    same = dict(rep, sent_at="2025-05-01", returned_at="2025-05-02")
    twice = run("member-store", _water_machine(history={"repairs": [rep, same]}))
    assert {"return", "exchange"} <= set(resolutions(twice))
    assert reason(twice, "S4.6-repairs")["passed"]


@pytest.mark.parametrize("changes", [{"evidence": ["complaint_record"]},
                                     {"evidence": ["injury_report"]},
                                     {"reason": "damaged_in_transit"}])
def test_s4_6_fright_injury_or_transit_damage_allows_return(run, changes):
    data = _water_machine(kind="return", asked_at="2025-05-20T10:00:00+08:00")
    data.update(changes)
    d = run("member-store", data)
    assert "return" in resolutions(d) and reason(d, "S4.6-incident")["passed"]


# ================================================================== online-shop (S9, S6, S7)
def _exchange(asked_at, placed="2025-10-09T10:00:00+08:00"):
    return request(kind="exchange", asked_at=asked_at,
                   order={"placed_at": placed, "paid_at": placed,
                          "signed_at": "2025-10-10T10:00:00+08:00"},
                   items=[{"line": 0, "condition": {"unused": True, "all_parts_present": True}}])


@pytest.mark.parametrize(("asked_at", "ok"), [("2025-10-17T23:59:00+08:00", True),
                                              ("2025-10-18T00:01:00+08:00", False)])
def test_s9_2_seven_working_days_count_the_adjusted_saturday(run, asked_at, ok):
    # placed Thu 10-09; working days 10-10, Sat 10-11 (调休), 10-13..10-17 → the 7th is 10-17
    d = run("online-shop", _exchange(asked_at))
    assert reason(d, "S9.2-window")["passed"] is ok and d["allowed"] is ok


def test_s9_1_used_goods_not_exchangeable(run):
    data = _exchange("2025-10-13T10:00:00+08:00")
    data["items"][0]["condition"]["unused"] = False
    d = run("online-shop", data)
    assert not d["allowed"] and reason(d, "S9.1")["passed"] is False


def test_s9_3_s9_5_s9_2_deadlines_on_working_days(run):
    # asked Fri 2025-09-26: Sun 09-28 is a 调休 working day: 09-28, 09-29, 09-30 → 09-30
    d = run("online-shop", request(asked_at="2025-09-26T10:00:00+08:00",
                                   order={"placed_at": "2025-09-20T10:00:00+08:00",
                                          "paid_at": "2025-09-20T10:00:00+08:00",
                                          "signed_at": "2025-09-22T10:00:00+08:00"}))
    dl = option(d, "return")["deadlines"]
    assert reason(d, "S9-deadlines")["passed"]
    assert dl["decide_by"] == "2025-09-30T23:59:59+08:00"
    # 15 working days: 09-28, 29, 30, then the holiday to 10-08, 10-09, 10, 11 (Sat), 13..17,
    # 20..23 → 10-23
    assert dl["complete_by"] == "2025-10-23T23:59:59+08:00"
    assert dl["refund_by"] == dl["complete_by"]  # not received yet: the end-to-end cap
    received = run("online-shop", request(asked_at="2025-03-04T10:00:00+08:00",
                                          received_at="2025-03-06T10:00:00+08:00"))
    # S9.5: 7 working days after receipt Thu 03-06 → 03-17; B7-13 7 days → 03-13 (earlier)
    assert option(received, "return")["deadlines"]["refund_by"] == "2025-03-13T23:59:59+08:00"


def test_s6_1_same_quality_problem_twice_full_refund(run):
    rep = {"fault": "seam", "sent_at": "2025-03-20", "returned_at": "2025-03-25"}
    d = run("online-shop", request(kind="repair", reason="quality",
                                   asked_at="2025-04-20T10:00:00+08:00",
                                   history={"repairs": [rep, dict(rep, sent_at="2025-04-01",
                                                                  returned_at="2025-04-05")]}))
    assert "return" in resolutions(d) and reason(d, "S6.1-repeat")["passed"]
    assert option(d, "return")["refund"]["total"] == "300.00"


def test_s7_3_quality_refund_needs_an_inspection_report(run):
    d = run("online-shop", request(reason="quality"))
    assert reason(d, "S7.3-quality")["passed"] is False
    assert option(d, "return")["evidence_required"] == ["inspection_report"]
    ok = run("online-shop", request(reason="quality", evidence=["inspection_report"]))
    assert reason(ok, "S7.3-quality")["passed"] and "evidence_required" not in ok["options"][0]


def test_s7_3_service_refund_needs_the_complaint_record(run):
    d = run("online-shop", request(kind="refund_only", reason="other"))
    assert reason(d, "S7.3-service")["passed"] is False
    assert option(d, "refund_only")["evidence_required"] == ["complaint_record"]


def test_s9_4_customer_pays_return_shipping_unless_company_caused(run):
    assert option(run("online-shop", request()), "return")["shipping_paid_by"] == "customer"
    wrong = run("online-shop", request(reason="wrong_item"))
    assert option(wrong, "return")["shipping_paid_by"] == "company"


# ================================================================== outsourced (S2, S3)
def _b2b(**kw):
    data = request(kind="return", reason="quality",
                   order={"channel": "b2b", "customer": {"type": "business"},
                          "payments": [{"method": "bank_transfer", "amount": "3000.00"}],
                          "lines": [line(name="水泵", category="pump", unit_price="300.00",
                                         quantity=10)]},
                   items=[{"line": 0, "quantity": 4}])
    data.update(kw)
    return data


def test_s2_2_quality_caused_return_accepted_factory_pays(run):
    d = run("outsourced-manufacturer", _b2b())
    assert reason(d, "S2.2")["passed"] and "return" in resolutions(d)
    assert option(d, "return")["refund"]["total"] == "1200.00"
    assert option(d, "return")["shipping_paid_by"] == "company"
    assert reason(d, "S2.2-shipping")["passed"] and reason(d, "S2-refund")["passed"]


def test_s2_2_other_causes_become_chargeable_repair(run):
    d = run("outsourced-manufacturer", _b2b(reason="other"))
    assert resolutions(d) == ["paid_repair"] and reason(d, "S2.2")["passed"] is False
    assert option(d, "paid_repair")["quote_required"] is True
    assert reason(d, "S2.2-quote")["passed"] is False  # quoted first, then confirmed


def test_s2_3_local_repair_preferred_and_charged_to_the_factory(run):
    d = run("outsourced-manufacturer", _b2b(kind="repair"))
    first = d["options"][0]
    assert first["resolution"] == "repair" and first["site"] == "local"
    assert first["cost_charged_to"] == "responsible_factory"


def test_s3_4_quality_exception_report_within_24_hours(run):
    d = run("outsourced-manufacturer", _b2b(asked_at="2025-03-08T10:00:00+08:00"))
    assert d["options"][0]["deadlines"]["decide_by"] == "2025-03-09T10:00:00+08:00"


# ================================================================== electronics (S8, S11)
def _module(**kw):
    data = request(kind="repair", reason="quality", asked_at="2026-03-01T10:00:00+08:00",
                   order={"channel": "b2b", "placed_at": "2025-03-01T10:00:00+08:00",
                          "signed_at": None, "paid_at": None,
                          "lines": [line(name="摄像头模组", category="camera_module",
                                         unit_price="20.00", quantity=500,
                                         production_date="2024-10-01")]},
                   items=[{"line": 0, "quantity": 150}])
    data.update(kw)
    return data


@pytest.mark.parametrize(("asked_at", "offered"), [("2026-03-01T23:00:00+08:00", ["repair"]),
                                                   ("2026-03-02T09:00:00+08:00",
                                                    ["paid_repair"])])
def test_s8_2_twelve_months_from_the_sale_date(run, asked_at, offered):
    d = run("electronics-rework", _module(asked_at=asked_at))
    assert resolutions(d) == offered
    if offered == ["repair"]:
        assert reason(d, "S8.2")["passed"]
        assert reason(d, "S8-shipping")["passed"]
        assert option(d, "repair")["shipping_paid_by"] == "company"
    else:
        assert reason(d, "S8.2-expired")["passed"] is False
        assert reason(d, "S8.2-quote")["passed"] is False
        assert option(d, "paid_repair")["shipping_paid_by"] == "customer"


def test_s8_2_production_date_plus_18_months_without_a_sale_date(run):
    data = _module(asked_at="2026-04-01T10:00:00+08:00")
    data["order"]["placed_at"] = None
    d = run("electronics-rework", data)  # produced 2024-10-01 → until 2026-04-01
    assert resolutions(d) == ["repair"] and "production" in reason(d, "S8.2-warranty")[
        "message"]["en"]
    data["asked_at"] = "2026-04-02T10:00:00+08:00"
    assert resolutions(run("electronics-rework", data)) == ["paid_repair"]


def test_s8_2_human_cause_paid_repair_quoted_first(run):
    d = run("electronics-rework", _module(asked_at="2025-06-01T10:00:00+08:00",
                                          damage_cause="misuse"))
    assert resolutions(d) == ["paid_repair"] and reason(d, "S8.2-cause")["passed"] is False
    assert option(d, "paid_repair")["quote_required"] is True
    assert option(d, "paid_repair")["shipping_paid_by"] == "customer"


@pytest.mark.parametrize(("quantity", "key_account", "tags", "route"),
                         [(200, False, [], "after_sales_repair"),
                          (201, False, [], "production"),
                          (5, True, [], "rnd"),
                          (5, False, ["key_product"], "rnd")])
def test_s11_1_s8_3_routing_by_lot_quantity_and_key_accounts(run, quantity, key_account, tags,
                                                             route):
    data = _module(asked_at="2025-06-01T10:00:00+08:00", items=[{"line": 0,
                                                                 "quantity": quantity}])
    data["order"]["customer"] = {"type": "business", "key_account": key_account}
    data["order"]["lines"][0]["tags"] = tags
    d = run("electronics-rework", data)
    assert d["options"][0]["route"] == route
    assert route in reason(d, "S11.1-route")["message"]["en"]


def test_s11_3_on_site_confirmation_within_3_working_days(run):
    d = run("electronics-rework", _module(asked_at="2025-04-30T10:00:00+08:00"))
    # 04-30 → working days 05-06, 05-07, 05-08 (劳动节 05-01..05-05)
    assert d["options"][0]["deadlines"]["decide_by"] == "2025-05-08T23:59:59+08:00"


# ================================================================== machinery (S10, NJ10)
def _tractor(card="2025-03-15", **kw):
    data = request(kind="repair", reason="quality", asked_at="2025-06-01T10:00:00+08:00",
                   order={"channel": "dealer", "invoice_date": "2025-03-01",
                          "placed_at": "2025-03-01T10:00:00+08:00",
                          "payments": [{"method": "bank_transfer", "amount": "80000.00"}],
                          "lines": [line(name="拖拉机", category="tractor",
                                         unit_price="80000.00")]},
                   history={"warranty_card_returned_at": card})
    data.update(kw)
    return data


@pytest.mark.parametrize(("card", "ok"), [("2025-03-21", True), ("2025-03-22", False),
                                          (None, False)])
def test_s10_4_warranty_card_within_20_days_of_sale(run, card, ok):
    d = run("machinery-dealer", _tractor(card=card))
    assert reason(d, "S10.4")["passed"] is ok
    assert resolutions(d) == (["repair"] if ok else ["paid_repair"])


def test_s10_4_card_still_due_is_not_held_against_the_farmer(run):
    d = run("machinery-dealer", _tractor(card=None, asked_at="2025-03-10T10:00:00+08:00"))
    assert reason(d, "S10.4")["passed"] and resolutions(d) == ["repair"]


def test_nj10_24_warranty_from_the_invoice_date(run):
    ok = run("machinery-dealer", _tractor(asked_at="2026-03-01T20:00:00+08:00"))
    assert resolutions(ok) == ["repair"] and reason(ok, "NJ10-24-whole")["passed"]
    assert "invoice" in reason(ok, "NJ10-24")["message"]["en"]
    late = run("machinery-dealer", _tractor(asked_at="2026-03-02T09:00:00+08:00"))
    assert resolutions(late) == ["paid_repair"]
    assert reason(late, "NJ10-24-expired")["passed"] is False


def test_nj10_same_problem_after_two_repairs_replacement(run):
    rep = {"fault": "hydraulic", "sent_at": "2025-04-01", "returned_at": "2025-04-03"}
    d = run("machinery-dealer", _tractor(history={
        "warranty_card_returned_at": "2025-03-15",
        "repairs": [rep, dict(rep, sent_at="2025-05-01", returned_at="2025-05-03")]}))
    assert "exchange" in resolutions(d) and reason(d, "NJ10-repeat")["passed"]


@pytest.mark.parametrize(("asked_at", "ok"), [("2025-05-20T10:00:00+08:00", False),
                                              ("2025-05-21T10:00:00+08:00", True)])
def test_nj10_more_than_30_working_days_unrepaired_allows_exchange(run, asked_at, ok):
    # sent Thu 04-03; 清明 04-04..04-06, the 调休 Sunday 04-27 works, 劳动节 05-01..05-05:
    # the 30th working day after 04-03 is 05-20, so 05-21 is more than 30
    d = run("machinery-dealer", _tractor(asked_at=asked_at, history={
        "warranty_card_returned_at": "2025-03-15",
        "repairs": [{"fault": "engine", "sent_at": "2025-04-03"}]}))
    assert reason(d, "NJ10-30wd")["passed"] is ok
    assert ("exchange" in resolutions(d)) is ok


def test_nj10_repair_within_30_working_days_of_receipt(run):
    d = run("machinery-dealer", _tractor(received_at="2025-04-03T10:00:00+08:00",
                                         asked_at="2025-04-03T11:00:00+08:00"))
    assert option(d, "repair")["deadlines"]["repair_by"] == "2025-05-20T23:59:59+08:00"
    assert reason(d, "NJ10-deadlines")["passed"]


def test_nj10_24_main_parts_period_longer_than_the_whole_machine(run):
    whole = run("machinery-dealer", _tractor(asked_at="2026-06-01T10:00:00+08:00"))
    assert resolutions(whole) == ["paid_repair"]
    main = run("machinery-dealer", _tractor(asked_at="2026-06-01T10:00:00+08:00", main_part=True))
    assert resolutions(main) == ["repair"] and reason(main, "NJ10-24-whole")["passed"]
