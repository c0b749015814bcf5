"""Orders of the business lines: outsourced manufacturing (外协 S2/S3), electronics modules
(S8/S11) and machinery dealers (农机 S10) — lots, serial numbers, bank transfers, dealer
orders, installation dates and 三包 warranty cards (S10.4: due back within 20 days of sale)."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from aftersales.core.choices import BusinessLine, PaymentMethod, SalesChannel
from aftersales.core.money import round_fen
from aftersales.demo.company import FREIGHT, HUIZHOU_PLANT, days_back, local_dt
from aftersales.demo.orders import (
    LineSpec,
    LotSpec,
    OrderSpec,
    at,
    local_date,
    make_lots,
    pick_lot,
    tracking,
)

N_OUTSOURCED = 60
N_ELECTRONICS = 55
N_DEALER_ORDERS = 26
N_RETAIL = 48

# sku -> (short code, factory, monthly lot size, quantity range, serialized)
OUTSOURCED_ITEMS = {
    "WX-PU-001": ("PU001", "WX-F01", 400, (5, 40), True),
    "WX-PU-002": ("PU002", "WX-F02", 120, (2, 12), True),
    "WX-PU-003": ("PU003", "WX-F01", 150, (3, 20), True),
    "WX-VA-001": ("VA001", "WX-F02", 1500, (50, 300), False),
    "WX-VA-002": ("VA002", "WX-F02", 1200, (30, 200), False),
    "WX-MO-001": ("MO001", "WX-F01", 300, (5, 30), True),
    "WX-MO-002": ("MO002", "WX-F01", 500, (10, 40), True),
}
ELECTRONICS_ITEMS = {
    "DZ-CM-001": ("CM13", 50000, (5, 50)), "DZ-CM-002": ("AVM", 8000, (2, 10)),
    "DZ-CM-003": ("CM5", 60000, (5, 60)), "DZ-SM-001": ("FP306", 40000, (5, 40)),
    "DZ-SM-002": ("TOF8", 15000, (2, 20)), "DZ-LN-001": ("LN6P", 120000, (10, 100)),
    "DZ-LN-002": ("LNW", 50000, (5, 50)), "DZ-FPC-001": ("FPC13", 200000, (20, 200)),
    "DZ-DM-001": ("DM24", 30000, (5, 40)),
}
SERIAL_SAMPLE = 20  # traceable units per electronics line (laser-marked codes read at shipment)
MACHINES = {
    "NJ-TR-001": ("HH504", 60), "NJ-TR-002": ("HH904", 30), "NJ-HV-001": ("LZ6", 20),
    "NJ-HV-002": ("YZ3", 15), "NJ-IM-001": ("LF435", 80), "NJ-IM-002": ("BFY6", 60),
    "NJ-IM-003": ("GQN200", 100),
}


def all_lots(today: date, rnd: random.Random) -> dict[str, list[LotSpec]]:
    skus = [(sku, short, factory, size)
            for sku, (short, factory, size, _q, _s) in OUTSOURCED_ITEMS.items()]
    skus += [(sku, short, None, size) for sku, (short, size, _q) in ELECTRONICS_ITEMS.items()]
    skus += [(sku, short, None, size) for sku, (short, size) in MACHINES.items()]
    return make_lots(today, rnd, skus)


def _bank(spec: OrderSpec, rnd: random.Random, paid_at: datetime, amount: Decimal) -> None:
    spec.payments.append(dict(method=PaymentMethod.BANK_TRANSFER, amount=amount,
                              paid_at=paid_at,
                              reference=f"对公转账 {rnd.randrange(10**13, 10**14)}"))


def _vat_invoice(spec: OrderSpec, rnd: random.Random, title: str) -> None:
    spec.invoices.append(dict(number=f"44{rnd.randrange(10**17, 10**18)}",
                              issued_on=local_date(spec.placed_at) + timedelta(days=3),
                              amount=spec.total, title=title))


def _freight(spec: OrderSpec, rnd: random.Random, start: datetime, now: datetime) -> None:
    carrier = rnd.choice(FREIGHT)
    shipped = at(start, rnd, 24, 24 * 8)
    if shipped > now:
        return
    signed = at(shipped, rnd, 24, 24 * 4)
    spec.shipments.append(dict(carrier=carrier, tracking_no=tracking(carrier, rnd),
                               shipped_at=shipped, signed_at=signed if signed <= now else None))


def _business_orders(prefix: str, start_no: int, line: str, n: int, customer_prefix: str,
                     items: dict, today: date, now: datetime, rnd: random.Random,
                     customers: dict, products: dict, lots: dict, serial_fn) -> list:
    buyers = sorted(c for c in customers if c.startswith(customer_prefix))
    days = sorted(days_back(today, rnd, 2) for _ in range(n))
    specs = []
    for i, day in enumerate(days):
        customer = customers[rnd.choice(buyers)]
        placed = local_dt(day, rnd, 8, 18)
        spec = OrderSpec(number=f"{prefix}-{start_no + i}", business_line=line,
                         channel=SalesChannel.B2B, customer=customer.code, placed_at=placed,
                         receiver_name=customer.name, receiver_phone=customer.phone,
                         receiver_address=customer.address,
                         note=f"合同号 HT{day:%Y%m}{i + 1:03d}")
        for sku in rnd.sample(sorted(items), rnd.choices([1, 2, 3], [50, 35, 15])[0]):
            low, high = items[sku][-2] if prefix == "WX" else items[sku][2]
            step = 1 if prefix == "WX" else 100
            qty = rnd.randint(low, high) * step
            price = round_fen(products[sku].list_price * Decimal(rnd.choice(
                ["0.85", "0.88", "0.90", "0.92", "0.95", "1.00"])))
            lot = pick_lot(lots[sku], day, rnd)
            ls = LineSpec(sku, qty, price)
            ls.serials = serial_fn(sku, lot, qty, spec.number, len(spec.lines) + 1)
            spec.lines.append(ls)
        spec.note += "；批次 " + "、".join(
            sorted({s[1] for ls in spec.lines for s in ls.serials if s[1]})) if any(
            ls.serials for ls in spec.lines) else ""
        # Monthly settlement by bank transfer (月结 30 天); recent orders may be unpaid yet.
        paid = at(placed, rnd, 24 * 5, 24 * 35)
        if paid <= now:
            spec.paid_at = paid
            _bank(spec, rnd, paid, spec.total)
        _freight(spec, rnd, placed, now)
        _vat_invoice(spec, rnd, customer.company)
        specs.append(spec)
    return specs


def outsourced_orders(today, now, rnd, customers, products, lots) -> list[OrderSpec]:
    def serials(sku, lot, qty, number, line_no):
        if not OUTSOURCED_ITEMS[sku][4]:
            return []
        return [(f"{lot.lot_no}-{number[3:]}{line_no}{k:03d}", lot.lot_no, lot.production_date)
                for k in range(1, qty + 1)]

    specs = _business_orders("WX", 300001, BusinessLine.OUTSOURCED, N_OUTSOURCED, "BZ-W",
                             OUTSOURCED_ITEMS, today, now, rnd, customers, products, lots,
                             serials)
    for spec in specs:
        spec.note += f"；发货地：{HUIZHOU_PLANT}"
    return specs


def electronics_orders(today, now, rnd, customers, products, lots) -> list[OrderSpec]:
    def serials(sku, lot, qty, number, line_no):
        if not sku.startswith(("DZ-CM", "DZ-SM")):
            return []
        return [(f"{lot.lot_no}{number[3:]}{line_no}{k:04d}", lot.lot_no, lot.production_date)
                for k in range(1, min(qty, SERIAL_SAMPLE) + 1)]

    return _business_orders("DZ", 400001, BusinessLine.ELECTRONICS, N_ELECTRONICS, "BZ-E",
                            ELECTRONICS_ITEMS, today, now, rnd, customers, products, lots,
                            serials)


def machinery_orders(today, now, rnd, customers, products, dealers, lots) -> list[OrderSpec]:
    """Dealer stock orders (paid before delivery, S10.3) and retail sales to farmers with
    installation and a warranty card each (S10.4): most cards come back within 20 days, some
    late, some never."""
    tractors = ["NJ-TR-001", "NJ-TR-002", "NJ-HV-001", "NJ-HV-002"]
    implements = ["NJ-IM-001", "NJ-IM-002", "NJ-IM-003"]
    events = [("dealer", days_back(today, rnd, 2)) for _ in range(N_DEALER_ORDERS)]
    events += [("retail", days_back(today, rnd, 1)) for _ in range(N_RETAIL)]
    events.sort(key=lambda e: (e[1], e[0]))
    seq = {sku: 0 for sku in MACHINES}
    specs, retail_no = [], 0

    def units(sku, qty, day):
        lot = pick_lot(lots[sku], day, rnd)
        out = []
        for _ in range(qty):
            seq[sku] += 1
            out.append((f"{MACHINES[sku][0]}-{lot.lot_no[-4:]}-{seq[sku]:04d}", lot.lot_no,
                        lot.production_date))
        return out

    for i, (kind, day) in enumerate(events):
        placed = local_dt(day, rnd, 8, 18)
        number = f"NJ-{500001 + i}"
        if kind == "dealer":
            code = sorted(dealers)[rnd.randrange(len(dealers))]
            dealer = dealers[code]
            spec = OrderSpec(number=number, business_line=BusinessLine.MACHINERY,
                             channel=SalesChannel.DEALER, customer=f"NJ-{code}", dealer=code,
                             placed_at=placed, receiver_name=dealer.contact,
                             receiver_phone=dealer.phone, receiver_address=dealer.address,
                             note="经销商订货；《销售发货清单》已签字回传")
            for sku in rnd.sample(tractors + implements, rnd.choice([1, 2])):
                qty = rnd.randint(1, 3 if sku in tractors else 6)
                ls = LineSpec(sku, qty, round_fen(products[sku].list_price * Decimal("0.85")))
                ls.serials = units(sku, qty, day)
                spec.lines.append(ls)
            spec.paid_at = at(placed, rnd, 1, 48)  # 先款后货 (S10.3)
            _bank(spec, rnd, spec.paid_at, spec.total)
            _freight(spec, rnd, spec.paid_at, now)
            _vat_invoice(spec, rnd, dealer.name)
        else:
            farmers = sorted(c for c in customers if c.startswith("NJ-F"))
            farmer = customers[rnd.choice(farmers)]
            code = farmer.dealer.code
            spec = OrderSpec(number=number, business_line=BusinessLine.MACHINERY,
                             channel=SalesChannel.DEALER, customer=farmer.code, dealer=code,
                             placed_at=placed, paid_at=placed, receiver_name=farmer.name,
                             receiver_phone=farmer.phone, receiver_address=farmer.address,
                             note=rnd.choice(["", "申请农机购置补贴", "分期付款已结清"]))
            skus = [rnd.choice(tractors)] + ([rnd.choice(implements)] if rnd.random() < 0.3
                                             else [])
            for sku in skus:
                ls = LineSpec(sku, 1, round_fen(products[sku].list_price
                                                * Decimal(rnd.choice(["0.95", "0.98", "1.00"]))))
                ls.serials = units(sku, 1, day)
                spec.lines.append(ls)
            method = rnd.choice([PaymentMethod.BANK_TRANSFER, PaymentMethod.CASH,
                                 PaymentMethod.WECHAT_PAY])
            spec.payments.append(dict(method=method, amount=spec.total, paid_at=placed))
            delivered = at(placed, rnd, 4, 48)
            installed = at(delivered, rnd, 2, 30)
            if delivered <= now:
                spec.shipments.append(dict(
                    carrier="经销商送货", shipped_at=delivered, signed_at=delivered,
                    installed_at=installed if installed <= now else None))
            _vat_invoice(spec, rnd, farmer.name)
            for ls in spec.lines:
                for serial, _lot, _made in ls.serials:
                    retail_no += 1
                    spec.warranty_cards.append(dict(
                        number=f"SBK-{serial}", serial=serial, dealer=code, sold_on=day,
                        returned_on=_card_returned(today, day, retail_no, rnd)))
        specs.append(spec)
    return specs


def _card_returned(today: date, sold: date, n: int, rnd: random.Random) -> date | None:
    """三包回执卡 (S10.4): mostly back within 20 days; every 6th late, every 8th never."""
    age = (today - sold).days
    if n % 8 == 3:
        return None
    if n % 6 == 1 and age > 45:
        return sold + timedelta(days=rnd.randint(21, 45))
    back = sold + timedelta(days=rnd.randint(2, 19))
    return back if back <= today else None
