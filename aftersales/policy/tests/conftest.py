"""Shared setup: the shipped policies are loaded by migrate (post_migrate), so every test DB has
the six of them at version 1."""

import copy
import shutil
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from aftersales.accounts.tests.factories import UserFactory

from .samples import SAMPLE_REQUEST

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def sample_request():
    return copy.deepcopy(SAMPLE_REQUEST)


@pytest.fixture
def agent(db):
    return UserFactory(username="h2b-agent", roles=["customer_service"])


@pytest.fixture
def admin(db):
    return UserFactory(username="h2b-admin", roles=["admin"])


@pytest.fixture
def policies_copy(tmp_path, settings):
    """A writable copy of the shipped policies/ directory."""
    target = tmp_path / "policies"
    shutil.copytree(settings.PROJECT_DIR / "policies", target)
    return target


@pytest.fixture
def shop_order(db):
    """An online-shop order: one shirt paid by WeChat Pay, signed for on 3 March 2025."""
    from aftersales.catalog.models import Category, Product
    from aftersales.parties.models import Customer
    from aftersales.sales.models import Order, OrderLine, Payment, Shipment

    category, _ = Category.objects.get_or_create(code="apparel", defaults={"name": "服装"})
    product = Product.objects.create(sku="H2B-SHIRT", name="衬衫", category=category,
                                     list_price=Decimal("300.00"))
    customer = Customer.objects.create(code="H2B-C1", name="张三", phone="13800000000")
    order = Order.objects.create(
        number="SO-H2B-100", business_line="online_shop", channel="online", customer=customer,
        placed_at=datetime(2025, 3, 1, 10, 0, tzinfo=SHANGHAI),
        paid_at=datetime(2025, 3, 1, 10, 1, tzinfo=SHANGHAI), total=Decimal("300.00"))
    OrderLine.objects.create(order=order, line_no=1, product=product, sku=product.sku,
                             name=product.name, quantity=1, unit_price=Decimal("300.00"))
    Payment.objects.create(order=order, method="wechat_pay", amount=Decimal("300.00"),
                           paid_at=order.paid_at)
    Shipment.objects.create(order=order, carrier="SF", tracking_no="SF1",
                            shipped_at=datetime(2025, 3, 2, 9, 0, tzinfo=SHANGHAI),
                            signed_at=datetime(2025, 3, 3, 14, 0, tzinfo=SHANGHAI))
    return order


SHIPPED = ["cn-consumer-law", "online-shop", "member-store", "outsourced-manufacturer",
           "electronics-rework", "machinery-dealer"]


def draft_text(name: str, *, version: str | None = None, effective_from: str | None = None,
               extra_rules: list[dict] | None = None) -> str:
    """The newest version of ``name`` as YAML, with a new label/date and rules appended."""
    import yaml

    from aftersales.policy.models import PolicyVersion

    latest = PolicyVersion.objects.filter(policy__name=name).order_by("-number").first()
    doc = dict(latest.document)
    if version:
        doc["version"] = version
    if effective_from:
        doc["effective_from"] = effective_from
    if extra_rules:
        doc["rules"] = list(doc.get("rules") or []) + extra_rules
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


# A rule that refuses every apparel line (changes the sample request's decision).
NO_APPAREL = {"id": "TEST-no-apparel", "kind": "exclusion", "params": {"categories": ["apparel"]},
              "source": "test"}
