"""The defect Pareto (S8.3, S11.10; issue 12 item 1) against hand-computed figures: returned
quantities ranked per supplier, lot and product with the cumulative share and the defect rate
against the lot size or the quantity delivered; kept by the summary refresh."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aftersales.cases.models import CaseLine
from aftersales.cases.tests import factories as f
from aftersales.parties.models import OutsourcedFactory, Supplier
from aftersales.reports.models import DefectFact
from aftersales.reports.registry import report_get_for_user
from aftersales.reports.services import summaries_refresh
from aftersales.reports.tests.conftest import at, make_case, touch
from aftersales.sales.models import Lot, SerialNumber

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


@pytest.fixture
def history(db):
    """Supplier A's pump (lot L1 of 100 made by factory F) comes back 3 + 2 units; supplier
    B's valve 1 unit; 10 pumps and 4 valves were delivered in November."""
    sup_a = Supplier.objects.create(code="A", name="甲供应商")
    sup_b = Supplier.objects.create(code="B", name="乙供应商")
    factory = OutsourcedFactory.objects.create(code="F", name="外协一厂")
    pump = f.product(category="pump", name="水泵", model="QJ-200", supplier=sup_a)
    valve = f.product(category="valve", name="阀门", model="V-1", supplier=sup_b)
    lot = Lot.objects.create(product=pump, lot_no="L1", production_date=dt.date(2026, 9, 1),
                             quantity=100, factory=factory)
    SerialNumber.objects.create(serial="P-0001", product=pump, lot=lot)
    order = f.order(lines=[(pump, 10, "800.00"), (valve, 4, "120.00")],
                    signed_at=at(2026, 11, 3, 12))
    pump_line, valve_line = order.lines.order_by("line_no")
    cases = []
    for opened, line, qty, serial, defect in (
            (at(2026, 11, 5, 9), pump_line, 3, "P-0001", "漏水"),
            (at(2026, 11, 6, 9), pump_line, 2, "", "漏水"),
            (at(2026, 11, 7, 9), valve_line, 1, "", "卡死")):
        case = make_case(opened=opened, business_line="outsourced")
        case = touch(case, defect_category=defect, reason="quality")
        CaseLine.objects.create(case=case, order_line=line, quantity=qty, serial=serial)
        cases.append(case)
    summaries_refresh()
    return {"lot": lot, "pump": pump, "valve": valve, "factory": factory, "cases": cases}


def run(user, **params):
    report = report_get_for_user(user=user, name="defect_pareto")
    return report.run(user=user, params={**NOVEMBER, **params})[1]


def test_suppliers_ranked_with_the_cumulative_share(history, make_user):
    result = run(make_user("quality_supervisor"), group_by="supplier")
    assert [(r["group"], r["cases"], r["quantity"], r["share"], r["cumulative"])
            for r in result.main.rows] == [("甲供应商", 2, 5, 0.8333, 0.8333),
                                            ("乙供应商", 1, 1, 0.1667, 1.0)]
    assert result.chart.series[1]["data"] == [0.8333, 1.0]  # the Pareto line


def test_the_defect_rate_of_a_lot_and_of_a_product(history, make_user):
    user = make_user("quality")
    lots = run(user, group_by="lot").main.rows
    # 3 units traced to L1 by their serial (of 100 made); 3 without a known lot
    assert [(r["group"], r["quantity"], r["base"], r["rate"]) for r in lots] == [
        ("L1", 3, 100, 0.03), ("未知", 3, None, None)]
    products = {r["group_value"]: r for r in run(user, group_by="product").main.rows}
    assert (products[history["pump"].pk]["quantity"], products[history["pump"].pk]["rate"]) == \
        (5, 0.5)
    assert products[history["valve"].pk]["rate"] == 0.25
    # the unit's lot names its factory; the other lines' factory is not known
    factories = run(user, group_by="factory").main.rows
    assert [(r["group"], r["quantity"]) for r in factories] == [("外协一厂", 3), ("未知", 3)]


def test_a_changed_defect_moves_on_the_next_refresh(history, make_user):
    touch(history["cases"][2], defect_category="漏水")
    summaries_refresh()
    rows = run(make_user("quality"), group_by="defect").main.rows
    assert [(r["group"], r["quantity"], r["cases"]) for r in rows] == [("漏水", 6, 3)]
    assert DefectFact.objects.count() == 3
