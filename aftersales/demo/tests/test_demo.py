"""The demo company (issue 2 item 6): idempotent load, all five business lines, one user per
role, the S4.1 price list, S10.4 warranty cards, `demo logins`."""

from datetime import timedelta
from decimal import Decimal
from functools import partial
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import RequestFactory

from aftersales.accounts.models import User
from aftersales.accounts.roles import ROLE_DEPARTMENT, Role
from aftersales.catalog.models import PartPrice
from aftersales.core.choices import BusinessLine
from aftersales.demo import services
from aftersales.demo.company import DEMO_PASSWORD
from aftersales.demo.tests.fixtures import TODAY
from aftersales.parties.models import Dealer, OutsourcedFactory
from aftersales.sales.models import Order, OrderSource, Payment, WarrantyCard

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_company")]

APPS = ("accounts", "parties", "catalog", "sales", "cases")


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # Logging in as every role checks 25 passwords: a fast hasher keeps the test quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts() -> dict[str, int]:
    # The cases app's case-related rows: the demo cases are keyed (demo-<n>); the SLA sweep at
    # load time is covered with a fixed load date in test_demo_cases.
    return {f"{label}.{model.__name__}": model.objects.count()
            for label in APPS for model in apps.get_app_config(label).get_models()
            if label != "cases" or model.__name__ in ("Case", "CaseLine", "CaseNumberSequence")}


def run(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_loading_again_changes_nothing_and_if_empty_is_a_no_op(demo_company, monkeypatch):
    # given the demo company (its load created the orders and played the cases), and a command
    # whose load day is the demo's; the policy app's own tests cover its loader
    assert demo_company["created_orders"] >= 300 and demo_company["cases"]["created"] >= 40
    monkeypatch.setattr(services, "demo_load", partial(services.demo_load, today=TODAY))
    policy_calls, loads = [], []
    monkeypatch.setattr(services, "_load_policies", lambda: policy_calls.append(1) or [])
    real_load = services._load
    monkeypatch.setattr(services, "_load", lambda **kw: loads.append(1) or real_load(**kw))
    first = counts()
    assert first["sales.Order"] == demo_company["created_orders"]
    assert first["cases.Case"] == demo_company["cases"]["created"]
    # when --if-empty, then again without it
    run("load", "--if-empty")
    # then nothing was even attempted
    assert counts() == first and not loads and not policy_calls
    out = run("load")
    assert counts() == first and len(loads) == 1
    assert " 0 " in out  # the summary line: no new orders, no new cases
    again = services.demo_load(if_empty=False, policies=False)
    assert again["created_orders"] == 0 and again["cases"]["created"] == 0
    assert len(policy_calls) == 1  # policies come with the demo, not on the --if-empty no-op


def test_five_business_lines_over_the_last_18_months():
    orders = Order.objects.all()
    assert set(orders.values_list("business_line", flat=True)) == set(BusinessLine.values)
    assert not orders.exclude(source=OrderSource.DEMO).exists()
    prefixes = {BusinessLine.ONLINE_SHOP: "WS-", BusinessLine.MEMBER_STORE: "HY-",
                BusinessLine.OUTSOURCED: "WX-", BusinessLine.ELECTRONICS: "DZ-",
                BusinessLine.MACHINERY: "NJ-"}
    for line, prefix in prefixes.items():
        assert orders.filter(business_line=line).count() >= 40
        assert not orders.filter(business_line=line).exclude(number__startswith=prefix).exists()
    oldest = min(o.placed_at.date() for o in orders)
    newest = max(o.placed_at.date() for o in orders)
    assert TODAY - timedelta(days=18 * 31) <= oldest and newest < TODAY
    # Money adds up: what was paid is the order total.
    for order in orders.filter(paid_at__isnull=False).prefetch_related("payments"):
        assert sum(p.amount for p in order.payments.all()) == order.total, order.number
    methods = set(Payment.objects.values_list("method", flat=True))
    assert {"wechat_pay", "alipay", "card", "coupon", "points", "balance",
            "bank_transfer"} <= methods
    assert OutsourcedFactory.objects.count() == 2
    assert Dealer.objects.values("region").distinct().count() == 3


def test_member_store_has_the_s4_1_price_list_and_promotional_bundles():
    prices = {p.name: (p.price, p.unit) for p in PartPrice.objects.filter(
        valid_to=None, code__startswith="CZT-")}
    assert prices["密封圈"] == (Decimal("1.50"), "个")
    assert prices["分流器(龙头)"] == (Decimal("180.00"), "个")
    assert prices["水管"] == (Decimal("10.00"), "米")
    assert prices["龙头切换器配件组"] == (Decimal("20.00"), "组")
    assert prices["电控板"] == (Decimal("140.00"), "个")
    assert len(prices) == 10
    member = Order.objects.filter(business_line=BusinessLine.MEMBER_STORE)
    assert member.filter(bundles__promotional=True).exists()
    assert member.filter(lines__name="三七葡萄籽胶囊").exists()


def test_warranty_cards_include_on_time_late_and_never_returned():
    cards = list(WarrantyCard.objects.all())
    on_time = [c for c in cards if c.returned_on and c.returned_on <= c.sold_on + timedelta(20)]
    late = [c for c in cards if c.returned_on and c.returned_on > c.sold_on + timedelta(20)]
    never = [c for c in cards if c.returned_on is None and c.sold_on < TODAY - timedelta(20)]
    assert len(on_time) > len(late) + len(never) > 0
    assert late and never
    assert all(c.dealer_id and c.serial_id for c in cards)


def test_every_role_has_a_user_who_can_log_in(client):
    for role in Role.values:
        user = User.objects.filter(groups__name=role).first()
        assert user is not None, role
        request = RequestFactory().post("/accounts/login/")
        assert client.login(request=request, username=user.username,
                            password=DEMO_PASSWORD), role
        client.logout()
        if role in ROLE_DEPARTMENT:
            assert user.department.code == ROLE_DEPARTMENT[role], role
            assert user.is_staff
        if role == Role.DEALER:
            assert user.dealer is not None and not user.is_staff
        if role == Role.FACTORY:
            assert user.factory is not None and not user.is_staff
    admin = User.objects.get(groups__name=Role.ADMIN)
    assert admin.is_superuser and admin.is_staff
    assert User.objects.get(username="kefu").department.supervisor.username == "kefu_zhuguan"


def test_logins_lists_every_role():
    out = run("logins")
    for role in Role.values:
        assert f"({role})" in out
    assert DEMO_PASSWORD in out and "kefu" in out
