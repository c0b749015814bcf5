"""Order specs and the bulk writer shared by the business-line generators.

Generators build plain specs in memory from a seeded random stream (deterministic for a given
seed and load date); the writer inserts only the orders whose number is not there yet, with
their bundles, lines, promotions, payments, shipments, invoices, serials and warranty cards,
all by bulk_create.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from aftersales.core.money import round_fen
from aftersales.demo.company import TZ
from aftersales.sales.models import (
    Bundle,
    Invoice,
    Lot,
    Order,
    OrderLine,
    OrderSource,
    Payment,
    Promotion,
    SerialNumber,
    Shipment,
    WarrantyCard,
)

ZERO = Decimal("0.00")


@dataclass
class LineSpec:
    sku: str
    quantity: int
    unit_price: Decimal
    points: int = 0
    bundle: str | None = None
    gift: bool = False
    declared_gift_price: Decimal | None = None
    no_return_confirmed: bool = False
    # (serial, lot_no or None, production date)
    serials: list[tuple[str, str | None, date]] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass
class OrderSpec:
    number: str
    business_line: str
    channel: str
    customer: str  # customer code
    placed_at: datetime
    dealer: str | None = None  # dealer code
    paid_at: datetime | None = None
    shipping_fee: Decimal = ZERO
    receiver_name: str = ""
    receiver_phone: str = ""
    receiver_address: str = ""
    note: str = ""
    lines: list[LineSpec] = field(default_factory=list)
    bundles: list[tuple[str, str, bool]] = field(default_factory=list)  # code, name, promo
    promotions: list[dict] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)
    shipments: list[dict] = field(default_factory=list)
    invoices: list[dict] = field(default_factory=list)
    # {number, serial, dealer, sold_on, returned_on}
    warranty_cards: list[dict] = field(default_factory=list)

    @property
    def goods(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        discount = sum((p["discount"] for p in self.promotions
                        if p["kind"] == "threshold_discount"), ZERO)
        return round_fen(self.goods - discount + self.shipping_fee)


@dataclass
class LotSpec:
    sku: str
    lot_no: str
    production_date: date
    quantity: int
    factory: str | None = None


def make_lots(today: date, rnd: random.Random, skus: list[tuple[str, str, str | None, int]],
              months: int = 21) -> dict[str, list[LotSpec]]:
    """Monthly production lots for each (sku, short code, factory code, lot size), oldest first."""
    lots: dict[str, list[LotSpec]] = {}
    for sku, short, factory, size in skus:
        out = []
        for m in range(months, -1, -1):
            year, month = today.year, today.month - m
            while month <= 0:
                year, month = year - 1, month + 12
            made = date(year, month, 1) + timedelta(days=rnd.randint(2, 20))
            if made >= today:
                continue
            out.append(LotSpec(sku, f"{short}-{year % 100:02d}{month:02d}", made,
                               size * rnd.randint(8, 12) // 10, factory))
        lots[sku] = out
    return lots


def pick_lot(lots: list[LotSpec], placed: date, rnd: random.Random) -> LotSpec:
    """One of the last three lots made at least five days before the sale."""
    made = [lot for lot in lots if lot.production_date <= placed - timedelta(days=5)]
    return rnd.choice(made[-3:] or lots[:1])


def at(day_time: datetime, rnd: random.Random, min_hours: float, max_hours: float) -> datetime:
    return day_time + timedelta(minutes=rnd.randint(int(min_hours * 60), int(max_hours * 60)))


def tracking(carrier: str, rnd: random.Random) -> str:
    prefix = {"顺丰速运": "SF", "京东物流": "JDV", "中通快递": "7", "圆通速递": "YT",
              "韵达快递": "43", "EMS": "98", "德邦物流": "DPK", "顺丰快运": "SF"}.get(carrier, "")
    return f"{prefix}{rnd.randrange(10**11, 10**12)}" if prefix else ""


def write_orders(specs: list[OrderSpec], lots: dict[str, list[LotSpec]], customers: dict,
                 dealers: dict, products: dict) -> int:
    """Insert the orders (and everything hanging off them) that are not there yet."""
    _ensure_lots(lots, products)
    lot_by_key = {(lot.product_id, lot.lot_no): lot for lot in
                  Lot.objects.filter(product__sku__in=list(lots))}
    existing = set(Order.objects.filter(number__in=[s.number for s in specs])
                   .values_list("number", flat=True))
    todo = [s for s in specs if s.number not in existing]
    if not todo:
        return 0
    orders = Order.objects.bulk_create([
        Order(number=s.number, business_line=s.business_line, channel=s.channel,
              customer=customers[s.customer], dealer=dealers[s.dealer] if s.dealer else None,
              placed_at=s.placed_at, paid_at=s.paid_at, shipping_fee=s.shipping_fee,
              total=s.total, receiver_name=s.receiver_name, receiver_phone=s.receiver_phone,
              receiver_address=s.receiver_address, note=s.note, source=OrderSource.DEMO)
        for s in todo])
    by_number = {o.number: o for o in orders}

    bundles = Bundle.objects.bulk_create([
        Bundle(order=by_number[s.number], code=code, name=name, promotional=promo)
        for s in todo for code, name, promo in s.bundles])
    bundle_by = {(b.order.number, b.code): b for b in bundles}

    line_objs, line_specs = [], []
    for s in todo:
        for no, ls in enumerate(s.lines, 1):
            product = products[ls.sku]
            line_objs.append(OrderLine(
                order=by_number[s.number], line_no=no, product=product, sku=product.sku,
                name=product.name, quantity=ls.quantity, unit_price=ls.unit_price,
                points=ls.points, bundle=bundle_by.get((s.number, ls.bundle)), gift=ls.gift,
                declared_gift_price=ls.declared_gift_price,
                no_return_confirmed=ls.no_return_confirmed))
            line_specs.append(ls)
    lines = OrderLine.objects.bulk_create(line_objs)

    Promotion.objects.bulk_create([Promotion(order=by_number[s.number], **p)
                                   for s in todo for p in s.promotions])
    Payment.objects.bulk_create([Payment(order=by_number[s.number], **p)
                                 for s in todo for p in s.payments])
    Shipment.objects.bulk_create([Shipment(order=by_number[s.number], **p)
                                  for s in todo for p in s.shipments])
    Invoice.objects.bulk_create([Invoice(order=by_number[s.number], **p)
                                 for s in todo for p in s.invoices])

    serial_objs = []
    for line, ls in zip(lines, line_specs, strict=True):
        for serial, lot_no, made in ls.serials:
            serial_objs.append(SerialNumber(
                serial=serial, product=line.product, order_line=line, production_date=made,
                lot=lot_by_key.get((line.product.pk, lot_no)) if lot_no else None))
    taken = set(SerialNumber.objects.filter(serial__in=[s.serial for s in serial_objs])
                .values_list("serial", flat=True))
    serials = SerialNumber.objects.bulk_create([s for s in serial_objs if s.serial not in taken])
    serial_by = {s.serial: s for s in serials}

    WarrantyCard.objects.bulk_create([
        WarrantyCard(order=by_number[s.number], number=c["number"],
                     serial=serial_by.get(c["serial"]), dealer=dealers[c["dealer"]],
                     sold_on=c["sold_on"], returned_on=c["returned_on"])
        for s in todo for c in s.warranty_cards])
    return len(todo)


def _ensure_lots(lots: dict[str, list[LotSpec]], products: dict) -> None:
    from aftersales.parties.models import OutsourcedFactory

    factories = {f.code: f for f in OutsourcedFactory.objects.all()}
    existing = set(Lot.objects.filter(product__sku__in=list(lots))
                   .values_list("product__sku", "lot_no"))
    Lot.objects.bulk_create([
        Lot(product=products[sku], lot_no=lot.lot_no, production_date=lot.production_date,
            quantity=lot.quantity, factory=factories.get(lot.factory) if lot.factory else None)
        for sku, items in lots.items() for lot in items if (sku, lot.lot_no) not in existing])


def local_date(dt: datetime) -> date:
    return dt.astimezone(TZ).date()
