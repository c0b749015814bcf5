"""Numbered forms (issue 11 item 8): numbers per kind and year, unique under concurrent writers,
given back when the action fails; a form prints as a PDF whose text is Chinese and carries the
number."""

import io
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.db import connection, connections, transaction

from aftersales.documents.models import NumberSequence
from aftersales.documents.numbers import next_number
from aftersales.documents.printing import pdf_response, qr_data_uri, render_pdf

SHANGHAI = ZoneInfo("Asia/Shanghai")


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.django_db
def test_numbers_count_per_kind_and_year_in_beijing_time():
    with transaction.atomic():
        assert next_number("rma", "RMA", at=datetime(2026, 3, 1, tzinfo=SHANGHAI)) == \
            "RMA-2026-000001"
        assert next_number("rma", "RMA", at=datetime(2026, 3, 1, tzinfo=SHANGHAI)) == \
            "RMA-2026-000002"
        assert next_number("receipt", "RCV", at=datetime(2026, 3, 1, tzinfo=SHANGHAI)) == \
            "RCV-2026-000001"
        # 2026-12-31 17:00 UTC is already 2027 in Beijing.
        assert next_number("rma", "RMA", at=datetime(2026, 12, 31, 17, 0, tzinfo=ZoneInfo("UTC"))
                           ) == "RMA-2027-000001"


@pytest.mark.django_db
def test_a_failed_action_gives_its_number_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number("rma", "RMA")
        raise RuntimeError("the receipt was refused")
    with transaction.atomic():
        assert next_number("rma", "RMA").endswith("-000001")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs real concurrent connections: DATABASE_URL=postgres://…")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_share_a_number():
    barrier = threading.Barrier(6)
    got: list[str] = []

    def take():
        try:
            barrier.wait(timeout=10)
            for _i in range(5):
                with transaction.atomic():
                    got.append(next_number("refund", "RF"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(got) == 30 and len(set(got)) == 30
    assert NumberSequence.objects.get(kind="refund").last == 30


def test_a_form_prints_in_chinese_with_its_number_and_signatures():
    pdf = render_pdf("documents/tests/sample_form.html", {
        "company": {"name": "杭州示例泵业有限公司", "address": "杭州市余杭区"},
        "form_title": "退货处理单", "number": "RPF-2026-000007",
        "qr": qr_data_uri("RPF-2026-000007"),
        "signatures": [{"label": "外协厂负责人", "name": "王建国",
                        "at": datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)},
                       {"label": "品质跟单", "name": "", "at": None}],
        "rows": [("客户", "宁波水务"), ("数量", "12")],
    })
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in ("杭州示例泵业有限公司", "退货处理单", "RPF-2026-000007", "宁波水务",
                     "外协厂负责人", "王建国", "品质跟单"):
        assert expected in text, expected


def test_the_download_is_a_private_pdf():
    response = pdf_response(b"%PDF-1.7 x", filename="RMA-2026-000001.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="RMA-2026-000001.pdf"'
    assert "no-store" in response["Cache-Control"]


def test_the_qr_code_is_inline_svg():
    assert qr_data_uri("RMA-2026-000001").startswith("data:image/svg+xml;base64,")
