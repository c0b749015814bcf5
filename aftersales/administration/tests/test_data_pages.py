"""The reference data pages (/settings/data/): who opens which page, search, paging and the
Excel export, forms that refuse bad input in Chinese and change nothing, the change log row of
an edit, the masked customer phone and its recorded reveal, an order's page, and the import page
(all-or-nothing, the bad row listed)."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.accounts.models import SettingsAction, SettingsChange
from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.administration.data_services import (
    customer_contact_reveal,
    data_import,
    reference_save,
)
from aftersales.cases.models import Case
from aftersales.cases.tests import factories as f
from aftersales.catalog.models import PartPrice
from aftersales.core.errors import PermissionDenied
from aftersales.imports.models import ImportRun, ImportStatus
from aftersales.parties.models import Customer, Dealer, Region, Supplier
from aftersales.sales.models import Order

pytestmark = pytest.mark.django_db


def login(client, *roles, **kw):
    user = UserFactory(roles=list(roles), **kw)
    client.force_login(user)
    return user


def text(response) -> str:
    return response.content.decode()


def table(response) -> str:
    """The list's table only (the search box and the language switch repeat the query)."""
    page = text(response)
    start = page.find("<tbody>", page.find('id="data-rows"'))
    return page[start:page.find("</table>", start)] if 'id="data-rows"' in page else ""


def workbook_values(response) -> list:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [c.value for row in book.active.iter_rows() for c in row if c.value is not None]


# Each page, a role that may open it and one that may not (the administrator opens all).
PAGES = [
    ("/settings/data/customers/", Role.CUSTOMER_SERVICE, Role.QUALITY),
    ("/settings/data/customers/export.xlsx", Role.CS_SUPERVISOR, Role.SALES_ASSISTANT),
    ("/settings/data/orders/", Role.SALES_ASSISTANT, Role.WAREHOUSE),
    ("/settings/data/orders/export.xlsx", Role.CUSTOMER_SERVICE, Role.QUALITY),
    ("/settings/data/dealers/", Role.SALES_SPECIALIST, Role.CUSTOMER_SERVICE),
    ("/settings/data/suppliers/", Role.QUALITY, Role.SALES_SPECIALIST),
    ("/settings/data/factories/", Role.QUALITY_FOLLOWER, Role.FINANCE),
    ("/settings/data/products/", Role.QUALITY_SUPERVISOR, Role.CUSTOMER_SERVICE),
    ("/settings/data/part-prices/", Role.QUALITY, Role.REPAIR_TECHNICIAN),
    ("/settings/data/dealers/new/", Role.ADMIN, Role.SALES_SUPERVISOR),
    ("/settings/data/imports/", Role.ADMIN, Role.SALES_ASSISTANT),
]


@pytest.mark.parametrize(("url", "allowed", "denied"), PAGES)
def test_each_page_answers_its_readers_and_refuses_the_others(client, url, allowed, denied):
    assert client.get(url).status_code == 302  # to the login
    login(client, denied)
    assert client.get(url).status_code == 403
    login(client, allowed)
    assert client.get(url).status_code == 200
    login(client, Role.ADMIN)
    assert client.get(url).status_code == 200


def test_a_reader_sees_no_edit_button_and_may_not_post(client):
    dealer = Dealer.objects.create(code="D-1", name="华东经销商", region=Region.EAST)
    login(client, Role.SALES_SUPERVISOR)
    page = text(client.get(f"/settings/data/dealers/{dealer.pk}/"))
    assert "华东经销商" in page and 'id="data-edit"' not in page
    assert client.post(f"/settings/data/dealers/{dealer.pk}/edit/",
                       {"code": "D-1", "name": "改名", "region": "east"}).status_code == 403
    assert Dealer.objects.get().name == "华东经销商"


def test_customers_search_by_phone_and_the_phone_is_masked(client):
    f.customer(code="C-A", name="张三", phone="13812341234")
    f.customer(code="C-B", name="李四", phone="13900000000")
    login(client, Role.CUSTOMER_SERVICE)
    page = table(client.get("/settings/data/customers/?q=13812341234"))
    assert "张三" in page and "李四" not in page
    assert "138****1234" in page and "13812341234" not in page


def test_paging_and_sorting_keep_the_search(client):
    for n in range(25):
        Supplier.objects.create(code=f"S{n:03d}", name=f"供应商{n}")
    Supplier.objects.create(code="X-1", name="别家")
    login(client, Role.QUALITY)
    first = table(client.get("/settings/data/suppliers/?q=供应商"))
    assert first.count("<tr>") == 20 and "别家" not in first
    assert "S000" in first and "S024" not in first
    second = table(client.get("/settings/data/suppliers/?q=供应商&page=2"))
    assert "S024" in second and "S000" not in second and second.count("<tr>") == 5
    desc = table(client.get("/settings/data/suppliers/?q=供应商&sort=-code"))
    assert desc.index("S024") < desc.index("S023")


def test_dealers_filter_by_region_and_active(client):
    Dealer.objects.create(code="D-E", name="华东店", region=Region.EAST)
    Dealer.objects.create(code="D-S", name="华南店", region=Region.SOUTH)
    Dealer.objects.create(code="D-X", name="华东旧店", region=Region.EAST, active=False)
    login(client, Role.SALES_SPECIALIST)
    page = table(client.get("/settings/data/dealers/?region=east&active=1"))
    assert "华东店" in page and "华南店" not in page and "华东旧店" not in page


def test_the_export_follows_the_search_and_masks_phones(client):
    f.customer(code="C-A", name="张三", phone="13812341234")
    f.customer(code="C-B", name="李四", phone="13900000000")
    login(client, Role.CUSTOMER_SERVICE)
    response = client.get("/settings/data/customers/export.xlsx?q=张")
    assert response.status_code == 200
    # named as the list is titled, not by a code
    assert "filename*=utf-8''%E5%AE%A2%E6%88%B7-" in response["Content-Disposition"]
    cells = [str(v) for v in workbook_values(response)]
    assert "C-A" in cells and "C-B" not in cells
    assert "138****1234" in cells and "13812341234" not in cells


def test_orders_export_has_the_orders_of_the_range(client):
    inside, outside = f.order(), f.order()
    login(client, Role.SALES_ASSISTANT)
    values = workbook_values(client.get(f"/settings/data/orders/export.xlsx?q={inside.number}"))
    assert inside.number in values and outside.number not in values


def test_a_bad_form_changes_nothing_and_says_why_in_chinese(client):
    Dealer.objects.create(code="D-1", name="华东经销商", region=Region.EAST)
    login(client, Role.ADMIN)
    response = client.post("/settings/data/dealers/new/", {"code": "D-1", "name": "",
                                                           "region": "east", "active": "on"})
    assert response.status_code == 422
    page = text(response)
    assert "此项必填" in page
    assert "已存在" in page  # the taken code
    assert Dealer.objects.count() == 1 and not SettingsChange.objects.exists()


def test_creating_and_editing_record_who_changed_what(client):
    admin = login(client, Role.ADMIN)
    response = client.post("/settings/data/suppliers/new/", {"code": "S-1", "name": "富士康",
                                                             "active": "on"})
    supplier = Supplier.objects.get(code="S-1")
    assert response.status_code == 302
    response = client.post(f"/settings/data/suppliers/{supplier.pk}/edit/",
                           {"code": "S-IGNORED", "name": "鸿海", "phone": "0755-1234",
                            "active": "on"})
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert (supplier.code, supplier.name) == ("S-1", "鸿海")  # the code is kept
    created, changed = SettingsChange.objects.order_by("pk")
    assert (created.action, created.actor, created.target) == (
        SettingsAction.DATA_CREATE, admin, "supplier S-1")
    assert changed.action == SettingsAction.DATA_UPDATE
    assert changed.changes == {"name": ["富士康", "鸿海"], "phone": ["", "0755-1234"]}
    log = text(client.get("/settings/audit/"))
    assert "新建基础资料" in log and "修改基础资料" in log and "supplier S-1" in log


def test_deactivate_instead_of_delete(client):
    dealer = Dealer.objects.create(code="D-1", name="华东经销商", region=Region.EAST)
    login(client, Role.ADMIN)
    client.post(f"/settings/data/dealers/{dealer.pk}/deactivate/")
    dealer.refresh_from_db()
    assert dealer.active is False
    assert SettingsChange.objects.get().changes == {"active": [True, False]}


def test_a_deactivated_dealer_is_no_longer_offered_but_stays_where_it_was_chosen(client):
    Dealer.objects.create(code="D-1", name="华东经销商", region=Region.EAST)
    gone = Dealer.objects.create(code="D-2", name="华东旧店", region=Region.EAST)
    customer = f.customer(code="C-1", name="张三")
    Customer.objects.filter(pk=customer.pk).update(dealer=gone)
    Dealer.objects.filter(pk=gone.pk).update(active=False)
    login(client, Role.ADMIN)
    # a new customer or a new dealer user is offered the active dealer only
    for url in ("/settings/data/customers/new/", "/settings/users/new/"):
        page = text(client.get(url))
        assert "华东经销商" in page and "华东旧店" not in page, url
    # the customer who already has the deactivated dealer keeps it on their form
    page = text(client.get(f"/settings/data/customers/{customer.pk}/edit/"))
    assert f'value="{gone.pk}" selected' in page


def test_a_part_price_ending_before_it_starts_is_refused(client):
    login(client, Role.ADMIN)
    response = client.post("/settings/data/part-prices/new/", {
        "code": "P-1", "name": "电机", "unit": "个", "price": "12.50",
        "valid_from": "2026-05-01", "valid_to": "2026-04-01"})
    assert response.status_code == 422 and "结束日期早于开始日期" in text(response)
    assert not PartPrice.objects.exists()
    response = client.post("/settings/data/part-prices/new/", {
        "code": "P-1", "name": "电机", "unit": "个", "price": "12.50",
        "valid_from": "2026-05-01"})
    assert response.status_code == 302 and PartPrice.objects.get().name == "电机"


def test_a_customer_contact_reveal_is_recorded(client):
    customer = f.customer(code="C-A", name="张三", phone="13812341234")
    agent = login(client, Role.CUSTOMER_SERVICE)
    page = text(client.get(f"/settings/data/customers/{customer.pk}/"))
    assert "138****1234" in page and "13812341234" not in page and "contact-reveal" in page
    assert not SettingsChange.objects.exists()  # opening the page records nothing
    page = text(client.post(f"/settings/data/customers/{customer.pk}/contact/"))
    assert "13812341234" in page
    row = SettingsChange.objects.get()
    assert (row.action, row.actor, row.target) == (SettingsAction.CONTACT_REVEAL, agent,
                                                   "customer C-A")
    # a supervisor who does not talk to customers reads the customer masked, nothing more
    login(client, Role.QUALITY_SUPERVISOR)
    page = text(client.get(f"/settings/data/customers/{customer.pk}/"))
    assert "138****1234" in page and "contact-reveal" not in page
    assert client.post(f"/settings/data/customers/{customer.pk}/contact/").status_code == 403
    assert SettingsChange.objects.count() == 1
    login(client, Role.ADMIN)
    assert "查看客户完整联系方式" in text(client.get("/settings/audit/"))


def test_the_order_page_shows_lines_payments_and_cases(client):

    order = f.order()
    case = Case.objects.create(number="AS-2026-000777", kind="return", order=order,
                               customer=order.customer, business_line=order.business_line,
                               state="submitted", state_entered_at=timezone.now())
    login(client, Role.CUSTOMER_SERVICE)
    page = text(client.get(f"/settings/data/orders/{order.pk}/"))
    assert order.number in page and 'id="order-lines"' in page and 'id="order-payments"' in page
    assert f'href="/cases/{case.number}/"' in page
    assert order.lines.get().sku in page
    login(client, Role.QUALITY)
    assert client.get(f"/settings/data/orders/{order.pk}/").status_code == 403


ORDERS_CSV = ("订单号,下单时间,客户编号,客户姓名,客户电话,SKU,数量,单价\n"
              "SO-1,2026-03-01 10:20,C-1,张三,13800000000,P-1,1,100\n"
              "SO-2,昨天,C-2,李四,13900000000,P-1,1,100\n")


def _upload(client, content: str, **data):
    return client.post("/settings/data/imports/", {
        "kind": "orders", "file": SimpleUploadedFile("orders.csv", content.encode()),
        "encoding": "", **data})


def test_an_import_with_one_bad_row_writes_nothing_and_lists_the_row(client):
    f.product(sku="P-1")
    login(client, Role.ADMIN)
    response = _upload(client, ORDERS_CSV)
    assert response.status_code == 422
    page = text(response)
    assert 'id="import-errors"' in page and "<td class=\"num\">3</td><td>下单时间</td>" in page
    assert not Order.objects.exists() and not Customer.objects.exists()
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    assert "下单时间" in text(client.get(f"/settings/data/imports/{run.pk}/"))


def test_an_import_dry_run_writes_nothing_then_the_import_writes(client):
    f.product(sku="P-1")
    login(client, Role.ADMIN)
    good = ORDERS_CSV.replace("昨天", "2026-03-02")
    response = _upload(client, good, dry_run="on")
    assert response.status_code == 200 and not Order.objects.exists()
    assert ImportRun.objects.get().status == ImportStatus.CHECKED
    response = _upload(client, good)
    assert response.status_code == 200 and Order.objects.count() == 2
    page = text(client.get("/settings/data/imports/"))
    assert page.count("orders.csv") == 2


def test_the_services_check_the_user_again():

    customer = f.customer(code="C-A")
    reader = UserFactory(roles=[Role.SALES_SUPERVISOR])
    with pytest.raises(PermissionDenied):
        reference_save(actor=reader, kind="dealers",
                       data={"code": "D-1", "name": "华东", "region": "east"})
    with pytest.raises(PermissionDenied):  # orders are read-only, even for the administrator
        reference_save(actor=UserFactory(roles=[Role.ADMIN]), kind="orders", data={})
    with pytest.raises(PermissionDenied):
        customer_contact_reveal(actor=UserFactory(roles=[Role.QUALITY_SUPERVISOR]),
                                customer=customer)
    with pytest.raises(PermissionDenied):
        data_import(actor=reader, kind="orders",
                    upload=SimpleUploadedFile("orders.csv", ORDERS_CSV.encode()))
    assert not Dealer.objects.exists() and not SettingsChange.objects.exists()
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("url", ["/settings/data/products/", "/settings/data/customers/",
                                 "/settings/data/orders/", "/settings/data/dealers/"])
def test_a_list_page_costs_the_same_queries_for_few_and_many_rows(client, url):

    login(client, Role.ADMIN)
    dealer = Dealer.objects.create(code="D-1", name="华东经销商", region=Region.EAST)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    f.order(buyer=f.customer(dealer=dealer))
    few = queries()
    for _n in range(6):
        f.order(buyer=f.customer(dealer=dealer))
    assert queries() == few
