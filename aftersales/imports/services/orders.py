"""Orders file: one row per order line, order-level columns repeated (issue 2 item 5).

Orders are keyed on the order number. Unknown customer codes are created from the
customer_name/customer_phone columns when given (shop exports carry them), otherwise they are
an error. SKUs and dealer codes must exist. A changed order is updated in place: its fields,
its lines (matched by line number), payments and shipment.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from aftersales.catalog.models import Product
from aftersales.core.bulk import bulk_insert
from aftersales.core.choices import BusinessLine, PaymentMethod, SalesChannel
from aftersales.core.money import ZERO, fmt
from aftersales.imports.columns import ORDER_COLUMNS, ORDER_LEVEL
from aftersales.imports.models import ImportKind
from aftersales.imports.reading import (
    choice_table,
    parse_bool,
    parse_choice,
    parse_datetime,
    parse_int,
    parse_money,
    text,
)
from aftersales.imports.services.base import (
    Importer,
    content_hash,
    diff,
    padded,
    short_hash,
)
from aftersales.parties.models import Customer, CustomerKind, Dealer
from aftersales.sales.models import Order, OrderLine, OrderSource, Payment, Shipment

BUSINESS_LINES = choice_table(BusinessLine, {
    "网店": "online_shop", "会员积分商城": "member_store", "会员商城": "member_store",
    "外协": "outsourced", "客退返修": "electronics", "电子": "electronics",
    "农机": "machinery", "农机三包": "machinery"})
CHANNELS = choice_table(SalesChannel, {"线上": "online", "线下": "offline", "门店": "offline",
                                       "经销商": "dealer", "企业": "b2b"})
METHODS = choice_table(PaymentMethod, {
    "微信": "wechat_pay", "微信支付": "wechat_pay", "支付宝": "alipay", "银行卡": "card",
    "对公转账": "bank_transfer", "现金": "cash", "余额": "balance", "优惠券": "coupon",
    "积分": "points"})
DEFAULT_LINE = BusinessLine.ONLINE_SHOP
DEFAULT_CHANNEL = SalesChannel.ONLINE


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


@dataclass
class PendingOrder:
    number: str
    row: int
    raw: dict[str, str]
    fields: dict[str, Any]
    payments: list[list[Any]]
    shipment: list[Any] | None
    customer_name: str
    customer_phone: str
    lines: list[dict[str, Any]] = field(default_factory=list)
    raw_lines: list[tuple] = field(default_factory=list)
    bad: bool = False


class OrderImporter(Importer):
    kind = ImportKind.ORDERS
    columns = ORDER_COLUMNS

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.current: PendingOrder | None = None
        self.batch: list[PendingOrder] = []
        # Repeats of an order number: inside the pending batch by fingerprint, across batches
        # through the database: orders this run inserted (pk above the largest at the start)
        # or met (a bitmap over the older pks, 1 bit per order in the table), so memory stays
        # flat in the file size.
        self.pending: dict[str, tuple[int, int]] = {}  # number -> (fingerprint, first row)
        self.first_new_pk: int | None = None
        self.met = bytearray()
        self.products: dict[str, tuple[int, str, int]] = {}
        self.dealers: dict[str, int] = {}
        self.lines_written = 0

    # ---- parsing ------------------------------------------------------------------------
    def feed(self, row_no: int, cells: list[Any]) -> None:
        self.rows += 1
        r = self.cells(cells)
        number = text(r["order_number"])
        if not number:
            self.error(row_no, "order_number", _("the order number is empty"))
            return
        current = self.current
        if current is not None and current.number == number:
            for name in ORDER_LEVEL:
                if name in r:
                    value = text(r[name])
                    if value and value != current.raw[name]:
                        self.error(row_no, name, _(
                            "order %(number)s: differs from row %(row)d (%(first)r ≠ %(this)r)")
                            % {"number": number, "row": current.row,
                               "first": current.raw[name], "this": value})
                        current.bad = True
        else:
            self.close_order()
            current = self.current = self.start_order(row_no, number, r)
        self.add_line(current, row_no, r)

    def start_order(self, row_no: int, number: str, r: dict[str, Any]) -> PendingOrder:
        self.limited(row_no, "order_number", number, Order, "number")
        raw = {name: text(r[name]) if name in r else "" for name in ORDER_LEVEL}
        errors_before = len(self.errors)
        f = self.field
        fields: dict[str, Any] = {
            "placed_at": f(row_no, "placed_at", lambda: parse_datetime(r["placed_at"], self.tz)),
            "customer_code": raw["customer_code"],
            "business_line": f(row_no, "business_line", lambda: parse_choice(
                raw["business_line"], BUSINESS_LINES, blank=DEFAULT_LINE)),
            "channel": f(row_no, "channel", lambda: parse_choice(
                raw["channel"], CHANNELS, blank=DEFAULT_CHANNEL)),
            "dealer_code": raw["dealer_code"],
            "paid_at": f(row_no, "paid_at", lambda: parse_datetime(r.get("paid_at"), self.tz)),
            "shipping_fee": f(row_no, "shipping_fee",
                              lambda: parse_money(raw["shipping_fee"], blank=ZERO)),
            "total": f(row_no, "total", lambda: parse_money(raw["total"])),
        }
        for name in ("receiver_name", "receiver_phone", "receiver_address"):
            fields[name] = self.limited(row_no, name, raw[name], Order, name)
        fields["note"] = raw["note"]
        for name in ("shipping_fee", "total"):
            self.amount_fits(row_no, name, fields[name], Order, name)
        if fields["placed_at"] is None and len(self.errors) == errors_before:
            self.error(row_no, "placed_at", _("the order time is empty"))
        if not raw["customer_code"]:
            self.error(row_no, "customer_code", _("the customer code is empty"))
        payments = self.parse_payments(row_no, raw, fields) or []
        shipment = None
        if any(raw[n] for n in ("carrier", "tracking_no", "shipped_at", "signed_at",
                                "installed_at")):
            shipment = [raw["carrier"][:40], raw["tracking_no"][:60]] + [
                _iso(f(row_no, n, lambda n=n: parse_datetime(r.get(n), self.tz)))
                for n in ("shipped_at", "signed_at", "installed_at")]
        order = PendingOrder(number=number, row=row_no, raw=raw, fields=fields,
                             payments=payments, shipment=shipment,
                             customer_name=raw["customer_name"],
                             customer_phone=raw["customer_phone"])
        order.bad = len(self.errors) > errors_before
        return order

    def parse_payments(self, row_no: int, raw: dict[str, str], fields: dict) -> list | None:
        paid_at = _iso(fields["paid_at"])
        payments = []
        if raw["payments"]:
            for part in raw["payments"].replace("；", ";").split(";"):
                if not part.strip():
                    continue
                method, sep, amount = part.replace("：", ":").partition(":")
                try:
                    method = parse_choice(method.strip(), METHODS, blank="")
                    if not sep or not method:
                        raise ValueError(_("write payments as method:amount;method:amount"))
                    if method == PaymentMethod.POINTS:
                        payments.append([method, fmt(ZERO), parse_int(amount, blank=0),
                                         paid_at, ""])
                    else:
                        payments.append([method, fmt(parse_money(amount, blank=ZERO)), None,
                                         paid_at, ""])
                except ValueError as exc:
                    self.error(row_no, "payments", str(exc))
                    return None
        elif raw["payment_method"]:
            f = self.field
            method = f(row_no, "payment_method",
                       lambda: parse_choice(raw["payment_method"], METHODS, blank=""))
            amount = f(row_no, "payment_amount", lambda: parse_money(raw["payment_amount"]))
            if method:
                payments.append([method, fmt(amount) if amount is not None else None, None,
                                 paid_at, raw["payment_reference"][:80]])
        return payments

    def add_line(self, order: PendingOrder, row_no: int, r: dict[str, Any]) -> None:
        errors_before = len(self.errors)
        f = self.field
        sku = text(r["sku"])
        if not sku:
            self.error(row_no, "sku", _("the SKU is empty"))
        line = {
            "row": row_no,
            "line_no": f(row_no, "line_no", lambda: parse_int(
                r.get("line_no"), blank=len(order.lines) + 1, positive=True)),
            "sku": sku,
            "name": self.limited(row_no, "product_name", text(r.get("product_name")),
                                 OrderLine, "name"),
            "quantity": f(row_no, "quantity", lambda: parse_int(r["quantity"], positive=True)),
            "unit_price": f(row_no, "unit_price", lambda: parse_money(r["unit_price"])),
            "points": f(row_no, "points", lambda: parse_int(r.get("points"))),
            "gift": f(row_no, "gift", lambda: parse_bool(r.get("gift"))),
            "declared_gift_price": f(row_no, "declared_gift_price",
                                     lambda: parse_money(r.get("declared_gift_price"))),
        }
        for name in ("unit_price", "declared_gift_price"):
            self.amount_fits(row_no, name, line[name], OrderLine, name)
        if line["quantity"] is None and len(self.errors) == errors_before:
            self.error(row_no, "quantity", _("the quantity is empty"))
        if line["unit_price"] is None and len(self.errors) == errors_before:
            self.error(row_no, "unit_price", _("the unit price is empty"))
        if any(other["line_no"] == line["line_no"] for other in order.lines):
            self.error(row_no, "line_no", _("order %(number)s has line %(line)s twice")
                       % {"number": order.number, "line": line["line_no"]})
        if len(self.errors) > errors_before:
            order.bad = True
        order.lines.append(line)
        order.raw_lines.append(tuple(text(r.get(n)) for n in (
            "line_no", "sku", "product_name", "quantity", "unit_price", "points", "gift",
            "declared_gift_price")))

    def close_order(self) -> None:
        order, self.current = self.current, None
        if order is None:
            return
        fingerprint = short_hash([*order.raw.values(), *(c for ln in order.raw_lines for c in ln)])
        seen = self.pending.get(order.number)
        if seen is not None:
            if seen[0] != fingerprint:
                self.error(order.row, "order_number", _(
                    "order %(number)s appears again with other content (first at row %(row)d); "
                    "the lines of one order must be on consecutive rows")
                    % {"number": order.number, "row": seen[1]})
            return  # an identical repeat changes nothing
        self.pending[order.number] = (fingerprint, order.row)
        if not order.bad and order.fields["total"] is None:
            total = sum((ln["unit_price"] * ln["quantity"] for ln in order.lines),
                        order.fields["shipping_fee"])
            before = len(self.errors)
            self.amount_fits(order.row, "total", total, Order, "total")
            order.bad = len(self.errors) > before
        if order.bad:
            return
        self.batch.append(order)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def finish(self) -> None:
        self.close_order()
        self.flush()

    # ---- resolving and writing ----------------------------------------------------------
    def flush(self) -> None:
        batch, self.batch = self.batch, []
        self.pending = {}
        if not batch:
            return
        customers = self.resolve(batch)
        if self.errors:
            return  # keep validating, never write once the file is known to be bad
        self.write(batch, customers)
        if self.progress:
            self.progress(self.rows)

    def resolve(self, batch: list[PendingOrder]) -> dict[str, int]:
        """Look up SKUs, customers and dealers of a batch; unknown ones are errors."""
        wanted = {ln["sku"] for o in batch for ln in o.lines} - self.products.keys()
        for pk, sku, name, points in Product.objects.filter(sku__in=padded(wanted)).values_list(
                "pk", "sku", "name", "points"):
            self.products[sku] = (pk, name, points)
        dealer_codes = {o.fields["dealer_code"] for o in batch if o.fields["dealer_code"]}
        dealer_codes -= self.dealers.keys()
        self.dealers.update(Dealer.objects.filter(code__in=padded(dealer_codes))
                            .values_list("code", "pk"))
        codes = {o.fields["customer_code"] for o in batch}
        customers = dict(Customer.objects.filter(code__in=padded(codes)).values_list("code",
                                                                                   "pk"))
        new_customers: dict[str, Customer] = {}
        for order in batch:
            for line in order.lines:
                if line["sku"] not in self.products:
                    self.error(line["row"], "sku", _("unknown SKU %(sku)r") % {"sku": line["sku"]})
            code = order.fields["dealer_code"]
            if code and code not in self.dealers:
                self.error(order.row, "dealer_code", _("unknown dealer code %(code)r")
                           % {"code": code})
            code = order.fields["customer_code"]
            if code in customers or code in new_customers:
                continue
            if not order.customer_name:
                self.error(order.row, "customer_code", _(
                    "unknown customer code %(code)r (give customer_name to create it)")
                    % {"code": code})
                continue
            self.limited(order.row, "customer_code", code, Customer, "code")
            new_customers[code] = Customer(code=code, kind=CustomerKind.CONSUMER,
                                           name=order.customer_name[:120],
                                           phone=order.customer_phone[:30])
        if new_customers and not self.errors:
            customers.update((c.code, c.pk) for c in bulk_insert(Customer,
                                                                 new_customers.values()))
        return customers

    def content(self, order: PendingOrder) -> dict[str, Any]:
        """The normalized content of an order: what the hash and the change record are of."""
        f = order.fields
        lines = []
        amount = ZERO
        for line in sorted(order.lines, key=lambda ln: ln["line_no"]):
            _pk, name, points = self.products[line["sku"]]
            declared = line["declared_gift_price"]
            lines.append([line["line_no"], line["sku"], line["name"] or name, line["quantity"],
                          fmt(line["unit_price"]),
                          points if line["points"] is None else line["points"],
                          bool(line["gift"]), fmt(declared) if declared is not None else None])
            amount += line["unit_price"] * line["quantity"]
        total = f["total"] if f["total"] is not None else amount + f["shipping_fee"]
        payments = [[p[0], p[1] if p[1] is not None else fmt(total), *p[2:]]
                    for p in order.payments]
        return {
            "order": {
                "business_line": f["business_line"], "channel": f["channel"],
                "customer": f["customer_code"], "dealer": f["dealer_code"] or None,
                "placed_at": _iso(f["placed_at"]), "paid_at": _iso(f["paid_at"]),
                "shipping_fee": fmt(f["shipping_fee"]), "total": fmt(total),
                "receiver_name": f["receiver_name"], "receiver_phone": f["receiver_phone"],
                "receiver_address": f["receiver_address"], "note": f["note"],
            },
            "lines": lines,
            "payments": payments,
            "shipment": order.shipment,
        }

    def write(self, batch: list[PendingOrder], customers: dict[str, int]) -> None:
        existing = {number: (pk, stored) for number, pk, stored in Order.objects.filter(
            number__in=padded(o.number for o in batch)).values_list("number", "pk",
                                                                    "content_hash")}
        if self.first_new_pk is None:
            self.first_new_pk = Order.objects.aggregate(last=Max("pk"))["last"] or 0
            self.met = bytearray((self.first_new_pk >> 3) + 1)
        new: list[tuple[PendingOrder, dict, str]] = []
        for order in batch:
            content = self.content(order)
            digest = content_hash(content)
            if order.number not in existing:
                new.append((order, content, digest))
                continue
            pk, stored = existing[order.number]
            if pk > self.first_new_pk or self.met[pk >> 3] >> (pk & 7) & 1:
                if stored != digest:
                    self.error(order.row, "order_number", _(
                        "order %(number)s appears earlier in the file with other content; the "
                        "lines of one order must be on consecutive rows")
                        % {"number": order.number})
                continue  # an identical repeat changes nothing
            self.met[pk >> 3] |= 1 << (pk & 7)
            before = None
            if not stored:  # entered by hand or by an older import: compare the content itself
                before = order_snapshot(Order.objects.get(pk=pk))
                stored = content_hash(before)
            if stored == digest:
                self.unchanged += 1
                continue
            self.update(pk, order, content, digest, customers, before)
        if new:
            self.insert_new(new, customers)
        self.flush_changes()

    def order_object(self, order: PendingOrder, content: dict, digest: str,
                     customers: dict[str, int]) -> Order:
        c = content["order"]
        f = order.fields
        return Order(
            number=order.number, business_line=c["business_line"], channel=c["channel"],
            customer_id=customers[c["customer"]],
            dealer_id=self.dealers.get(c["dealer"]) if c["dealer"] else None,
            placed_at=f["placed_at"], paid_at=f["paid_at"], shipping_fee=f["shipping_fee"],
            total=Decimal(c["total"]), receiver_name=c["receiver_name"],
            receiver_phone=c["receiver_phone"], receiver_address=c["receiver_address"],
            note=c["note"], source=OrderSource.IMPORT, content_hash=digest)

    def line_object(self, order_id: int, line: list) -> OrderLine:
        line_no, sku, name, quantity, price, points, gift, declared = line
        return OrderLine(order_id=order_id, line_no=line_no, product_id=self.products[sku][0],
                         sku=sku, name=name, quantity=quantity, unit_price=Decimal(price),
                         points=points, gift=gift,
                         declared_gift_price=Decimal(declared) if declared else None)

    @staticmethod
    def payment_object(order_id: int, p: list) -> Payment:
        return Payment(order_id=order_id, method=p[0], amount=Decimal(p[1]), points=p[2],
                       paid_at=datetime.fromisoformat(p[3]) if p[3] else None, reference=p[4])

    @staticmethod
    def shipment_object(order_id: int, s: list) -> Shipment:
        def dt(v: str | None) -> datetime | None:
            return datetime.fromisoformat(v) if v else None
        return Shipment(order_id=order_id, carrier=s[0], tracking_no=s[1], shipped_at=dt(s[2]),
                        signed_at=dt(s[3]), installed_at=dt(s[4]))

    def insert_new(self, new: list[tuple[PendingOrder, dict, str]],
                   customers: dict[str, int]) -> None:
        orders = bulk_insert(Order, [self.order_object(order, content, digest, customers)
                                     for order, content, digest in new])
        lines, payments, shipments = [], [], []
        for saved, (_order, content, _digest) in zip(orders, new, strict=True):
            lines += [self.line_object(saved.pk, line) for line in content["lines"]]
            payments += [self.payment_object(saved.pk, p) for p in content["payments"]]
            if content["shipment"]:
                shipments.append(self.shipment_object(saved.pk, content["shipment"]))
        bulk_insert(OrderLine, lines)
        bulk_insert(Payment, payments)
        bulk_insert(Shipment, shipments)
        self.created += len(new)
        self.lines_written += len(lines)

    def update(self, pk: int, order: PendingOrder, content: dict, digest: str,
               customers: dict[str, int], before: dict | None) -> None:
        current = Order.objects.get(pk=pk)
        before = before or order_snapshot(current)
        fresh = self.order_object(order, content, digest, customers)
        names = ["business_line", "channel", "customer_id", "dealer_id", "placed_at", "paid_at",
                 "shipping_fee", "total", "receiver_name", "receiver_phone", "receiver_address",
                 "note", "content_hash"]
        for name in names:
            setattr(current, name, getattr(fresh, name))
        current.save(update_fields=[*names, "updated_at"])
        try:
            with transaction.atomic():
                self.replace_children(pk, content)
        except ProtectedError as exc:
            self.error(order.row, "order_number", _(
                "order %(number)s: a line or payment to remove is still used by %(what)s")
                % {"number": order.number, "what": ", ".join(
                    sorted({str(o._meta.verbose_name) for o in exc.protected_objects}))})
            return
        self.updated += 1
        sections_before, sections_after = {}, {}
        for key in ("order", "lines", "payments", "shipment"):
            if key == "order":
                b, a = diff(before["order"], content["order"])
                if b or a:
                    sections_before[key], sections_after[key] = b, a
            elif before[key] != content[key]:
                sections_before[key], sections_after[key] = before[key], content[key]
        self.record_change(order.number, sections_before, sections_after)

    def replace_children(self, pk: int, content: dict) -> None:
        """Lines matched by line number (kept rows keep their id), payments and shipment."""
        existing = {ln.line_no: ln for ln in OrderLine.objects.filter(order_id=pk)}
        wanted = {ln[0]: ln for ln in content["lines"]}
        OrderLine.objects.filter(order_id=pk).exclude(line_no__in=wanted).delete()
        changed, created = [], []
        for line_no, line in wanted.items():
            fresh = self.line_object(pk, line)
            if line_no in existing:
                kept = existing[line_no]
                fresh.pk = kept.pk
                changed.append(fresh)
            else:
                created.append(fresh)
        OrderLine.objects.bulk_update(changed, ["product", "sku", "name", "quantity",
                                                "unit_price", "points", "gift",
                                                "declared_gift_price"])
        bulk_insert(OrderLine, created)
        Payment.objects.filter(order_id=pk).delete()
        bulk_insert(Payment, [self.payment_object(pk, p) for p in content["payments"]])
        Shipment.objects.filter(order_id=pk).delete()
        if content["shipment"]:
            self.shipment_object(pk, content["shipment"]).save()


def order_snapshot(order: Order) -> dict[str, Any]:
    """The same normalized content as OrderImporter.content, read from the database."""
    customer = Customer.objects.values_list("code", flat=True).get(pk=order.customer_id)
    dealer = (Dealer.objects.values_list("code", flat=True).get(pk=order.dealer_id)
              if order.dealer_id else None)
    shipment = order.shipments.order_by("pk").first()
    return {
        "order": {
            "business_line": order.business_line, "channel": order.channel,
            "customer": customer, "dealer": dealer,
            "placed_at": _iso(order.placed_at), "paid_at": _iso(order.paid_at),
            "shipping_fee": fmt(order.shipping_fee), "total": fmt(order.total),
            "receiver_name": order.receiver_name, "receiver_phone": order.receiver_phone,
            "receiver_address": order.receiver_address, "note": order.note,
        },
        "lines": [[ln.line_no, ln.sku, ln.name, ln.quantity, fmt(ln.unit_price), ln.points,
                   ln.gift, fmt(ln.declared_gift_price) if ln.declared_gift_price is not None
                   else None] for ln in order.lines.order_by("line_no")],
        "payments": [[p.method, fmt(p.amount), p.points, _iso(p.paid_at), p.reference]
                     for p in order.payments.order_by("pk")],
        "shipment": [shipment.carrier, shipment.tracking_no, _iso(shipment.shipped_at),
                     _iso(shipment.signed_at), _iso(shipment.installed_at)]
        if shipment else None,
    }
