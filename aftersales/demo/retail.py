"""Orders of the consumer-facing lines: the online shop (网店, S1/S5-S7/S9) and the 春芝堂
member store (S4): coupons, 满减 and 包邮 promotions, gifts, bundles (套餐) incl. a limited-time
promotional bundle, payments by WeChat Pay/Alipay/card/points/balance."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from aftersales.core.choices import BusinessLine, PaymentMethod, SalesChannel
from aftersales.core.money import round_fen
from aftersales.demo.company import CARRIERS, days_back, local_dt
from aftersales.demo.orders import ZERO, LineSpec, OrderSpec, at, tracking

N_ONLINE = 160
N_MEMBER = 100

# sku -> (weight, max quantity)
ONLINE_ITEMS = {
    "WS-AP-001": (10, 3), "WS-AP-002": (5, 1), "WS-AP-003": (6, 2), "WS-AP-004": (3, 2),
    "WS-SH-001": (6, 1), "WS-SH-002": (4, 1), "WS-SA-001": (4, 1), "WS-SA-002": (5, 1),
    "WS-MW-001": (3, 1), "WS-VC-001": (3, 1), "WS-EF-001": (3, 1), "WS-CO-001": (6, 2),
    "WS-CO-002": (7, 3), "WS-TE-001": (3, 2), "WS-TE-002": (4, 2), "WS-FF-001": (4, 2),
}
NOTES = ["", "", "", "", "请尽快发货", "送人的，不要放发货单", "工作日送货", "请用顺丰",
         "放快递柜即可", "包装结实一点"]


def _money_payments(rnd: random.Random, amount: Decimal, paid_at: datetime,
                    methods: list[tuple[str, int]]) -> dict:
    method = rnd.choices([m for m, _ in methods], [w for _, w in methods])[0]
    return dict(method=method, amount=amount, paid_at=paid_at,
                reference=f"{method[:2].upper()}{rnd.randrange(10**15, 10**16)}")


def _ship(spec: OrderSpec, rnd: random.Random, now: datetime, carrier: str | None = None,
          install: bool = False) -> None:
    carrier = carrier or rnd.choice(CARRIERS)
    shipped = at(spec.paid_at or spec.placed_at, rnd, 3, 40)
    if shipped > now:
        return
    signed = at(shipped, rnd, 20, 96)
    installed = at(signed, rnd, 4, 72) if install else None
    spec.shipments.append(dict(
        carrier=carrier, tracking_no=tracking(carrier, rnd), shipped_at=shipped,
        signed_at=signed if signed <= now else None,
        installed_at=installed if installed and installed <= now else None))


def online_orders(today: date, now: datetime, rnd: random.Random, customers: dict,
                  products: dict) -> list[OrderSpec]:
    consumers = sorted(c for c in customers if c.startswith("WS-C"))
    days = sorted(days_back(today, rnd) for _ in range(N_ONLINE))
    skus = list(ONLINE_ITEMS)
    weights = [ONLINE_ITEMS[s][0] for s in skus]
    specs = []
    for i, day in enumerate(days):
        customer = customers[rnd.choice(consumers)]
        placed = local_dt(day, rnd)
        spec = OrderSpec(number=f"WS-{100001 + i}", business_line=BusinessLine.ONLINE_SHOP,
                         channel=SalesChannel.ONLINE, customer=customer.code, placed_at=placed,
                         paid_at=at(placed, rnd, 0.02, 0.3), receiver_name=customer.name,
                         receiver_phone=customer.phone, receiver_address=customer.address,
                         note=rnd.choice(NOTES))
        chosen = []
        for _ in range(rnd.choices([1, 2, 3], [55, 32, 13])[0]):
            sku = rnd.choices(skus, weights)[0]
            if sku not in chosen:
                chosen.append(sku)
        for sku in chosen:
            price = products[sku].list_price
            if rnd.random() < 0.3:  # 活动价
                price = round_fen(price * Decimal("0.9"))
            spec.lines.append(LineSpec(sku, rnd.randint(1, ONLINE_ITEMS[sku][1]), price,
                                       no_return_confirmed=sku == "WS-AP-004"))
        goods = spec.goods
        # 满减: 满300减30 / 满500减60 over all lines (promotion allocation, PAY rules).
        if goods >= 500 and rnd.random() < 0.5:
            spec.promotions.append(dict(kind="threshold_discount", threshold=Decimal("500.00"),
                                        discount=Decimal("60.00"),
                                        line_numbers=list(range(len(spec.lines)))))
        elif goods >= 300 and rnd.random() < 0.5:
            spec.promotions.append(dict(kind="threshold_discount", threshold=Decimal("300.00"),
                                        discount=Decimal("30.00"),
                                        line_numbers=list(range(len(spec.lines)))))
        # 满99包邮, otherwise 10 yuan shipping.
        if goods >= 99:
            spec.promotions.append(dict(kind="free_shipping", threshold=Decimal("99.00"),
                                        standard_fee=Decimal("10.00")))
        else:
            spec.shipping_fee = Decimal("10.00")
        # 满399赠帆布袋: a gift line with its declared price (B7 gifts).
        if goods >= 399 and rnd.random() < 0.5:
            spec.promotions.append(dict(kind="gift", threshold=Decimal("399.00"),
                                        line_numbers=[len(spec.lines)]))
            spec.lines.append(LineSpec("WS-GF-001", 1, ZERO, gift=True,
                                       declared_gift_price=Decimal("29.00")))
        total = spec.total
        if rnd.random() < 0.25 and total > 50:
            coupon = Decimal(rnd.choice(["10.00", "20.00"]))
            spec.payments.append(dict(method=PaymentMethod.COUPON, amount=coupon,
                                      coupon_code=f"QJ{rnd.randrange(10**7, 10**8)}",
                                      paid_at=spec.paid_at))
            total -= coupon
        spec.payments.append(_money_payments(rnd, total, spec.paid_at, [
            (PaymentMethod.WECHAT_PAY, 45), (PaymentMethod.ALIPAY, 40), (PaymentMethod.CARD, 15)]))
        _ship(spec, rnd, now)
        if rnd.random() < 0.3:
            spec.invoices.append(dict(number=f"26{rnd.randrange(10**17, 10**18)}",
                                      issued_on=(spec.paid_at + timedelta(days=1)).date(),
                                      amount=spec.total, title=customer.name))
        specs.append(spec)
    return specs


MEMBER_ITEMS = {
    "CZT-SJ-001": (4, 1), "CZT-SJ-002": (4, 1), "CZT-JH-001": (5, 1), "CZT-GJ-001": (5, 1),
    "CZT-GJ-002": (4, 1), "CZT-LX-001": (8, 3), "CZT-LX-002": (6, 2), "CZT-BJ-001": (12, 6),
    "CZT-BJ-002": (6, 3), "CZT-BJ-003": (5, 3), "CZT-HZ-001": (6, 2), "CZT-HZ-002": (6, 2),
    "CZT-TC-001": (3, 1),
}
PROMO_BUNDLES = ["618限时促销套餐", "双十一限时促销套餐", "春节限时焕新套餐"]


def member_orders(today: date, now: datetime, rnd: random.Random, customers: dict,
                  products: dict) -> list[OrderSpec]:
    members = sorted(c for c in customers if c.startswith("HY-M"))
    days = sorted(days_back(today, rnd) for _ in range(N_MEMBER))
    skus = list(MEMBER_ITEMS)
    weights = [MEMBER_ITEMS[s][0] for s in skus]
    specs = []
    for i, day in enumerate(days):
        customer = customers[rnd.choice(members)]
        placed = local_dt(day, rnd, 9, 21)
        offline = rnd.random() < 0.3
        spec = OrderSpec(number=f"HY-{200001 + i}", business_line=BusinessLine.MEMBER_STORE,
                         channel=SalesChannel.OFFLINE if offline else SalesChannel.ONLINE,
                         customer=customer.code, placed_at=placed,
                         paid_at=at(placed, rnd, 0.02, 0.5), receiver_name=customer.name,
                         receiver_phone=customer.phone, receiver_address=customer.address,
                         note="门店下单" if offline else "")

        def line(sku, qty, price=None, bundle=None, spec=spec):
            p = products[sku]
            spec.lines.append(LineSpec(sku, qty, p.list_price if price is None else price,
                                       points=p.points, bundle=bundle))

        kind = rnd.random()
        if kind < 0.22:  # 家庭净水套餐: machine + two filters, equal points/price swaps (S4.2)
            spec.bundles.append(("TC-JS", "家庭净水套餐", False))
            line(rnd.choice(["CZT-SJ-001", "CZT-SJ-002"]), 1, bundle="TC-JS")
            line("CZT-LX-001", 2, Decimal("268.00"), bundle="TC-JS")
        elif kind < 0.32:  # a limited-time promotional bundle: not exchangeable (S4.2)
            name = rnd.choice(PROMO_BUNDLES)
            spec.bundles.append(("TC-XS", name, True))
            line("CZT-BJ-001", 3, Decimal("150.00"), bundle="TC-XS")
            line("CZT-HZ-001", 1, Decimal("148.00"), bundle="TC-XS")
        else:
            chosen = []
            for _ in range(rnd.choices([1, 2, 3], [50, 35, 15])[0]):
                sku = rnd.choices(skus, weights)[0]
                if sku not in chosen:
                    chosen.append(sku)
            for sku in chosen:
                line(sku, rnd.randint(1, MEMBER_ITEMS[sku][1]))
        if spec.goods < 199 and not offline:
            spec.shipping_fee = Decimal("12.00")
        total = spec.total
        # Points (100 积分 = 1 元) and account balance pay part of it; the rest in money.
        if rnd.random() < 0.3 and customer.points_balance >= 500:
            pts = min(customer.points_balance, rnd.choice([500, 1000, 2000, 3000]))
            pts = min(pts, int(total * 100) // 2)
            value = round_fen(Decimal(pts) / 100)
            spec.payments.append(dict(method=PaymentMethod.POINTS, amount=value, points=pts,
                                      paid_at=spec.paid_at))
            total -= value
        if rnd.random() < 0.2:
            part = min(total, Decimal(rnd.choice([100, 200, 500])))
            spec.payments.append(dict(method=PaymentMethod.BALANCE, amount=part,
                                      paid_at=spec.paid_at))
            total -= part
        if total > 0:
            methods = ([(PaymentMethod.WECHAT_PAY, 50), (PaymentMethod.CARD, 30),
                        (PaymentMethod.CASH, 20)] if offline else
                       [(PaymentMethod.WECHAT_PAY, 60), (PaymentMethod.ALIPAY, 40)])
            spec.payments.append(_money_payments(rnd, total, spec.paid_at, methods))
        machine = any(ls.sku.startswith("CZT-SJ") for ls in spec.lines)
        if not offline or machine:  # 水机送货上门并安装
            _ship(spec, rnd, now, carrier="春芝堂送装" if machine else None, install=machine)
        if rnd.random() < 0.15:
            spec.invoices.append(dict(number=f"26{rnd.randrange(10**17, 10**18)}",
                                      issued_on=(spec.paid_at + timedelta(days=2)).date(),
                                      amount=spec.total, title=customer.name))
        specs.append(spec)
    return specs


# Orders of the refund stories (issue 11): paid by card or bank transfer plus a coupon and
# points, which the refund pays back through the manual gateway and in kind (WeChat Pay and
# Alipay need merchant credentials the demo does not have). (days before the load, sku, qty)
REFUND_ORDER_PREFIX = "WS-1009"
EXCHANGE_ORDER_PREFIX = "HY-2009"
MONEY_STORY_PREFIXES = (REFUND_ORDER_PREFIX, EXCHANGE_ORDER_PREFIX)
REFUND_ORDERS = [(7, "WS-AP-001", 2), (8, "WS-SH-001", 1), (10, "WS-CO-002", 2),
                 (13, "WS-SH-002", 1), (16, "WS-AP-003", 2), (20, "WS-AP-002", 1),
                 (26, "WS-SH-001", 1), (28, "WS-CO-001", 2), (50, "WS-SA-002", 1),
                 (11, "WS-TE-001", 2), (4, "WS-FF-001", 2), (8, "WS-SA-001", 1)]


def refund_orders(today: date, now: datetime, rnd: random.Random, customers: dict,
                  products: dict) -> list[OrderSpec]:
    """`WS-1009nn`: one line each, a 20-yuan coupon, 1000 points (10 yuan) and the rest by
    card or bank transfer; shipped and signed for."""
    consumers = sorted(c for c in customers if c.startswith("WS-C"))
    specs = []
    for i, (days, sku, qty) in enumerate(REFUND_ORDERS):
        customer = customers[consumers[(7 * i + 3) % len(consumers)]]
        placed = local_dt(today - timedelta(days=days), rnd, 9, 20)
        spec = OrderSpec(number=f"{REFUND_ORDER_PREFIX}{i + 1:02d}",
                         business_line=BusinessLine.ONLINE_SHOP, channel=SalesChannel.ONLINE,
                         customer=customer.code, placed_at=placed,
                         paid_at=at(placed, rnd, 0.02, 0.3), receiver_name=customer.name,
                         receiver_phone=customer.phone, receiver_address=customer.address)
        spec.lines.append(LineSpec(sku, qty, products[sku].list_price))
        if spec.goods >= 99:
            spec.promotions.append(dict(kind="free_shipping", threshold=Decimal("99.00"),
                                        standard_fee=Decimal("10.00")))
        else:
            spec.shipping_fee = Decimal("10.00")
        coupon, points = Decimal("20.00"), 1000
        spec.payments.append(dict(method=PaymentMethod.COUPON, amount=coupon,
                                  coupon_code=f"QJ{rnd.randrange(10**7, 10**8)}",
                                  paid_at=spec.paid_at))
        spec.payments.append(dict(method=PaymentMethod.POINTS, amount=Decimal("10.00"),
                                  points=points, paid_at=spec.paid_at))
        method = PaymentMethod.CARD if i % 2 == 0 else PaymentMethod.BANK_TRANSFER
        spec.payments.append(dict(method=method, amount=spec.total - coupon - Decimal("10.00"),
                                  paid_at=spec.paid_at,
                                  reference=f"{method[:2].upper()}{rnd.randrange(10**15, 10**16)}"))
        shipped = at(spec.paid_at, rnd, 3, 20)
        spec.shipments.append(dict(carrier="顺丰速运", tracking_no=tracking("顺丰速运", rnd),
                                   shipped_at=shipped, signed_at=at(shipped, rnd, 20, 40)))
        specs.append(spec)
    return specs


# Orders of the member-store exchange and return stories (S4.2-S4.3, S4.6): bought in the
# last two weeks, within the 7 days an exchange or return is open; paid with points and cash
# or card at the till.
EXCHANGE_ORDERS = [(8, "CZT-BJ-003", 2), (6, "CZT-BJ-003", 2), (9, "CZT-BJ-003", 1),
                   (13, "CZT-BJ-003", 2), (11, "CZT-BJ-001", 1), (10, "CZT-GJ-001", 1)]


def exchange_orders(today: date, now: datetime, rnd: random.Random, customers: dict,
                    products: dict) -> list[OrderSpec]:
    """`HY-2009nn`: one line each, 2000 points (20 yuan) and the rest in cash or
    by card, delivered."""
    members = sorted(c for c in customers if c.startswith("HY-M"))
    specs = []
    for i, (days, sku, qty) in enumerate(EXCHANGE_ORDERS):
        customer = customers[members[(5 * i + 2) % len(members)]]
        placed = local_dt(today - timedelta(days=days), rnd, 9, 20)
        spec = OrderSpec(number=f"{EXCHANGE_ORDER_PREFIX}{i + 1:02d}",
                         business_line=BusinessLine.MEMBER_STORE, channel=SalesChannel.ONLINE,
                         customer=customer.code, placed_at=placed,
                         paid_at=at(placed, rnd, 0.02, 0.3), receiver_name=customer.name,
                         receiver_phone=customer.phone, receiver_address=customer.address)
        product = products[sku]
        spec.lines.append(LineSpec(sku, qty, product.list_price, points=product.points))
        if spec.goods < 199:
            spec.shipping_fee = Decimal("12.00")
        spec.payments.append(dict(method=PaymentMethod.POINTS, amount=Decimal("20.00"),
                                  points=2000, paid_at=spec.paid_at))
        method = PaymentMethod.CASH if i % 2 == 0 else PaymentMethod.CARD
        spec.payments.append(dict(method=method, amount=spec.total - Decimal("20.00"),
                                  paid_at=spec.paid_at,
                                  reference=f"{method[:2].upper()}{rnd.randrange(10**15, 10**16)}"))
        shipped = at(spec.paid_at, rnd, 3, 20)
        spec.shipments.append(dict(carrier="中通快递", tracking_no=tracking("中通快递", rnd),
                                   shipped_at=shipped, signed_at=at(shipped, rnd, 20, 40)))
        specs.append(spec)
    return specs
