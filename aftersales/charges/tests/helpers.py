"""Builders for the charges tests."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pypdf

from aftersales.cases import services as cs
from aftersales.cases.models import Case
from aftersales.cases.tests import factories as f
from aftersales.catalog.models import Category, PartPrice, Product
from aftersales.finance.services.points import points_record

# S4.1 零件/材料费用, read in order (yuan).
PRICES = [("P-SEAL", "密封圈", "个", "1.50"), ("P-DIV", "分流器(龙头)", "个", "180.00"),
          ("P-HOSE", "水管", "米", "10.00"), ("P-SWITCH", "龙头切换器配件组", "组", "20.00"),
          ("P-CAP", "密封盖", "个", "10.00"), ("P-LID", "旋盖", "个", "15.00"),
          ("P-HANDLE", "出水手柄", "个", "280.00"), ("P-PACK", "包装及印刷品", "个", "210.00"),
          ("P-WRENCH", "电池盖扳手", "个", "3.00"), ("P-BOARD", "电控板", "个", "140.00")]


def price_list() -> dict[str, PartPrice]:
    rows = {}
    for code, name, unit, price in PRICES:
        rows[code] = PartPrice.objects.create(code=code, name=name, unit=unit,
                                              price=Decimal(price), valid_from=date(2025, 1, 1))
    # An older price that no longer applies.
    PartPrice.objects.create(code="P-BOARD", name="电控板", unit="个", price=Decimal("120.00"),
                             valid_from=date(2024, 1, 1), valid_to=date(2024, 12, 31))
    return rows


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def member_product(sku: str, price: str, points: int) -> Product:
    cat, _ = Category.objects.get_or_create(code="health_food", defaults={"name": "保健食品"})
    return Product.objects.create(sku=sku, name=f"商品{sku}", category=cat,
                                  list_price=Decimal(price), points=points)


def member_exchange(*, agent, warehouse, old_price: str, old_points: int, new_price: str,
                    new_points: int, quantity: int = 1, to: str = "collecting") -> Case:
    """A member-store exchange (S4.2-S4.3) walked to the cashier's step ("collecting")."""
    prod = member_product(f"CZT-OLD-{old_price}", old_price, old_points)
    order = f.order(business_line="member_store", lines=[(prod, quantity, old_price)])
    line = order.lines.get()
    line.points = old_points
    line.save(update_fields=["points"])
    # The goods wanted must be in the catalogue: its price and points are the ones used.
    Product.objects.filter(sku="CZT-NEW").delete()
    Product.objects.create(sku="CZT-NEW", name="灵芝孢子粉胶囊", category=prod.category,
                           list_price=Decimal(new_price), points=new_points)
    # The member's points balance (finance's ledger): enough for a points difference.
    points_record(customer=order.customer, delta=1000, kind="earn", reason="购物积分")
    case = cs.case_open(
        kind="exchange", channel="phone", actor=agent, order=order,
        verify_phone=order.customer.phone, reason="other", description="想换别的",
        lines=[{"line_no": 1, "quantity": quantity,
                "condition": {"unused": True, "packaging_intact": True, "seal_intact": True,
                              "tags_attached": True, "all_parts_present": True}}],
        exchange_for=[{"sku": "CZT-NEW", "name": "灵芝孢子粉胶囊", "unit_price": new_price,
                       "points": new_points, "quantity": quantity}])
    if to == "open":
        return case
    case = cs.case_evaluate(case=case, actor=agent)
    case = cs.case_transition(case=case, actor=agent, transition="tell_rules")
    case = cs.case_record_fact(case=case, actor=agent, fact="exchange_application",
                               data={"form": "换货申请"})
    case = cs.case_transition(case=case, actor=agent, transition="submit_application")
    options = case.decision["options"]
    assert any(o["resolution"] == "exchange" for o in options), case.decision
    index = next(i for i, o in enumerate(options) if o["resolution"] == "exchange")
    case = cs.case_accept_option(case=case, actor=agent, option=index)
    case = cs.case_note_record(case=case, actor=agent, fact="rma_issued", record="RMA-TEST-1")
    if case.state == "application_review":
        case = cs.case_transition(case=case, actor=agent, transition="approve_application")
    case = cs.case_note_record(case=case, actor=warehouse, fact="goods_received",
                               record="RCV-TEST-1")
    case.refresh_from_db()
    return case
