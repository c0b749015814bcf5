"""Reference data for case tests: a customer, a product, an order with lines."""

from datetime import datetime
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from aftersales.catalog.models import Category, Product
from aftersales.parties.models import Customer
from aftersales.sales.models import Order, OrderLine, Payment, Shipment

SHANGHAI = ZoneInfo("Asia/Shanghai")
_n = count(1)


def customer(**kw) -> Customer:
    n = next(_n)
    defaults = {"code": f"C{n:05d}", "name": f"顾客{n}", "phone": f"1380000{n:04d}",
                "email": f"c{n}@example.com"}
    return Customer.objects.create(**{**defaults, **kw})


def product(*, category: str = "apparel", **kw) -> Product:
    n = next(_n)
    cat, _ = Category.objects.get_or_create(code=category, defaults={"name": category})
    defaults = {"sku": f"SKU-{n}", "name": f"商品{n}", "category": cat,
                "list_price": Decimal("300.00")}
    return Product.objects.create(**{**defaults, **kw})


def order(*, business_line: str = "online_shop", buyer: Customer | None = None,
          placed_at: datetime | None = None, lines: list[tuple[Product, int, str]] | None = None,
          channel: str = "online", signed_at: datetime | None = None, **kw) -> Order:
    n = next(_n)
    buyer = buyer or customer()
    placed_at = placed_at or datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
    o = Order.objects.create(number=f"SO-{n:06d}", business_line=business_line,
                             channel=channel, customer=buyer, placed_at=placed_at,
                             paid_at=placed_at, receiver_phone=buyer.phone, **kw)
    total = Decimal(0)
    for i, (prod, qty, price) in enumerate(lines or [(product(), 2, "300.00")], start=1):
        OrderLine.objects.create(order=o, line_no=i, product=prod, sku=prod.sku, name=prod.name,
                                 quantity=qty, unit_price=Decimal(price))
        total += Decimal(price) * qty
    Payment.objects.create(order=o, method="wechat_pay", amount=total, paid_at=placed_at)
    Shipment.objects.create(order=o, carrier="SF", tracking_no=f"SF{n}", shipped_at=placed_at,
                            signed_at=signed_at or placed_at)
    o.total = total
    o.save(update_fields=["total"])
    return o
