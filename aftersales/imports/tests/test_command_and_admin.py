"""`aftersales import …`, the upload page 导入数据 (/settings/data/imports/, the
administrator's) and the read-only import runs in the admin."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from aftersales.imports.models import ImportRun, ImportStatus
from aftersales.sales.models import Order

from .conftest import order_rows, write_csv

pytestmark = pytest.mark.django_db


def test_command_prints_the_summary(tmp_path, catalog, capsys):
    path = write_csv(tmp_path / "orders.csv", order_rows(), encoding="gbk")
    call_command("import", "orders", str(path), "--encoding", "gbk")
    out = capsys.readouterr().out
    assert "2 created, 0 updated, 0 unchanged" in out
    assert Order.objects.count() == 2


def test_command_lists_errors_and_exits_2(tmp_path, catalog, capsys):
    rows = order_rows()
    rows[2][10] = "-2"
    path = write_csv(tmp_path / "orders.csv", rows)
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "orders", str(path))
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "orders.csv:3:数量: must be greater than zero: -2" in err
    assert "nothing was imported" in err
    assert not Order.objects.exists()


def test_command_dry_run(tmp_path, catalog, capsys):
    call_command("import", "orders", str(write_csv(tmp_path / "o.csv", order_rows())),
                 "--dry-run")
    assert "dry run" in capsys.readouterr().out
    assert not Order.objects.exists()


@pytest.fixture
def staff(client, django_user_model):
    """A superuser without a password hash (hashing costs ~1 s per test)."""
    admin = django_user_model.objects.create_superuser("admin", password=None)
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload(client, name, content, **data):
    return client.post(reverse("administration:import_list"), {
        "kind": "orders", "file": SimpleUploadedFile(name, content), "encoding": "", **data})


def test_upload_page_imports_and_shows_the_summary(tmp_path, catalog, staff):
    content = write_csv(tmp_path / "orders.csv", order_rows(), encoding="gbk").read_bytes()
    response = upload(staff, "orders.csv", content)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-summary"' in page and "2 created" in page
    assert Order.objects.count() == 2
    run = ImportRun.objects.get()
    assert (run.status, run.actor.username, run.encoding) == (ImportStatus.SUCCEEDED, "admin",
                                                              "gb18030")


def test_upload_page_shows_the_errors_table_for_a_bad_file(tmp_path, catalog, staff):
    rows = order_rows()
    rows[3][1] = "昨天"
    content = write_csv(tmp_path / "bad.csv", rows).read_bytes()
    response = upload(staff, "bad.csv", content)
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="import-errors"' in page
    assert '<td>bad.csv</td><td class="num">4</td><td>下单时间</td>' in page
    assert not Order.objects.exists()


def test_upload_page_rejects_an_unknown_encoding_in_the_form(tmp_path, catalog, staff):
    content = write_csv(tmp_path / "o.csv", order_rows()).read_bytes()
    response = upload(staff, "o.csv", content, encoding="nope")
    assert response.status_code == 422
    assert "Unknown encoding" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_import_runs_are_read_only_and_linked_to_the_upload_page(staff, django_user_model):
    page = staff.get(reverse("admin:imports_importrun_changelist")).content.decode()
    # one upload page: the product's, linked from the admin's list of runs
    assert reverse("administration:import_list") in page
    assert staff.get(reverse("admin:imports_importrun_add")).status_code == 403
    # a staff user who is not a superuser never reaches the admin (administration/site.py)
    user = django_user_model.objects.create_user("clerk", password=None, is_staff=True)
    staff.force_login(user)
    response = staff.get(reverse("admin:imports_importrun_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_reference_data_admin_lists_and_searches(tmp_path, staff, catalog):
    from aftersales.imports.services import import_file

    import_file(kind="orders", source=write_csv(tmp_path / "o.csv", order_rows()),
                file_name="o.csv")
    # an order is found by phone, SKU or tracking number; its lines are inline on its page
    for query in ("13900000000", "P-1", "SF001"):
        page = staff.get(reverse("admin:sales_order_changelist"), {"q": query})
        assert page.status_code == 200
        assert ("SO-1" in page.content.decode()) == (query != "13900000000")
    order = Order.objects.get(number="SO-1")
    detail = staff.get(reverse("admin:sales_order_change", args=[order.pk])).content.decode()
    assert "净水器A" in detail and "SF001" in detail and "1900.00" in detail
    for name in ("parties_customer", "catalog_product", "sales_serialnumber", "parties_dealer",
                 "catalog_category", "sales_warrantycard", "imports_importchange"):
        assert staff.get(reverse(f"admin:{name}_changelist"), {"q": "1"}).status_code == 200


def test_a_rejected_run_shows_its_errors_in_the_admin(tmp_path, catalog, staff):
    rows = order_rows()
    rows[3][1] = "<script>"
    upload(staff, "bad.csv", write_csv(tmp_path / "bad.csv", rows).read_bytes())
    run = ImportRun.objects.get()
    page = staff.get(reverse("admin:imports_importrun_change", args=[run.pk])).content.decode()
    assert "<td>4</td><td>下单时间</td>" in page
    assert "&lt;script&gt;" in page and "<script>'" not in page
