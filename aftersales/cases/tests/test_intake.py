"""Intake (S1.1, S1.2), idempotency and bad input: a clear message, nothing stored."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.cases import services as s
from aftersales.cases.models import Attachment, Case, CaseEvent, CaseLine
from aftersales.cases.tests import factories as f
from aftersales.core.errors import ValidationError

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def test_case_numbers_are_readable_and_consecutive(policies, clock, agent):
    order = f.order()
    a = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                    lines=[{"line_no": 1, "quantity": 1}])
    b = s.case_open(kind="consult", channel="chat", actor=agent, business_line="online_shop")
    assert re.fullmatch(r"AS-2026-\d{6}", a.number)
    assert int(b.number[-6:]) == int(a.number[-6:]) + 1


def test_the_same_idempotency_key_returns_the_first_case(policies, clock, agent):
    order = f.order()
    kwargs = dict(kind="return", channel="api", actor=agent, order=order,
                  lines=[{"line_no": 1, "quantity": 1}], idempotency_key="req-42")
    first = s.case_open(**kwargs)
    again = s.case_open(**kwargs)
    assert again.pk == first.pk and first.created and not again.created
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1


def test_only_an_enquiry_may_come_without_an_order(policies, clock, agent):
    with pytest.raises(ValidationError) as err:
        s.case_open(kind="return", channel="phone", actor=agent, business_line="online_shop")
    assert "order" in err.value.fields
    assert Case.objects.count() == 0


def test_a_return_opened_without_verification_cannot_be_evaluated(policies, clock, agent):
    # S1.2: without a verified order the case can't get to a solution
    order = f.order()
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       lines=[{"line_no": 1, "quantity": 1}])
    with pytest.raises(ValidationError):
        s.case_evaluate(case=case, actor=agent)
    with pytest.raises(ValidationError):
        s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_verify(case=case, actor=agent, order=order, phone=order.customer.phone)
    case = s.case_transition(case=case, actor=agent, transition="verify")
    assert case.state == "verified"


def test_verification_with_someone_elses_phone_fails_like_an_unknown_order(
        policies, clock, agent):
    order = f.order()
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       lines=[{"line_no": 1, "quantity": 1}])
    with pytest.raises(ValidationError) as wrong_phone:
        s.case_verify(case=case, actor=agent, order=order, phone="13999999999")
    with pytest.raises(ValidationError) as no_order:
        s.case_verify(case=case, actor=agent, order=None, phone=order.customer.phone)
    assert str(wrong_phone.value) == str(no_order.value)
    case.refresh_from_db()
    assert case.verified_at is None


@pytest.mark.parametrize("quantity", [0, 3])
def test_a_line_quantity_above_what_was_bought_is_refused(policies, clock, agent, quantity):
    order = f.order(lines=[(f.product(), 2, "10.00")])
    with pytest.raises(ValidationError) as err:
        s.case_open(kind="return", channel="phone", actor=agent, order=order,
                    lines=[{"line_no": 1, "quantity": quantity}])
    assert "lines[0].quantity" in err.value.fields
    assert not Case.objects.exists() and not CaseLine.objects.exists()


def test_the_same_line_twice_may_not_add_up_to_more_than_bought(policies, clock, agent):
    order = f.order(lines=[(f.product(), 2, "10.00")])
    with pytest.raises(ValidationError):
        s.case_open(kind="return", channel="phone", actor=agent, order=order,
                    lines=[{"line_no": 1, "quantity": 2}, {"line_no": 1, "quantity": 1}])


@pytest.fixture
def open_case(policies, clock, agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order = f.order()
    return s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       lines=[{"line_no": 1, "quantity": 1}])


def test_a_photo_is_stored_with_the_type_read_from_its_bytes(open_case, agent):
    att = s.attachment_add(case=open_case, actor=agent,
                           upload=SimpleUploadedFile("IMG_1.jpeg", JPEG))
    assert (att.content_type, att.kind, att.size) == ("image/jpeg", "photo", len(JPEG))
    open_case.refresh_from_db()
    assert "photos" in open_case.evidence


def test_a_jpg_name_with_exe_bytes_is_refused_and_nothing_is_stored(open_case, agent, tmp_path):
    with pytest.raises(ValidationError) as err:
        s.attachment_add(case=open_case, actor=agent, upload=SimpleUploadedFile("photo.jpg", EXE))
    assert err.value.code == "file_type_not_allowed"
    assert not Attachment.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_a_jpg_name_with_pdf_bytes_is_kept_as_what_it_is(open_case, agent):
    att = s.attachment_add(case=open_case, actor=agent, upload=SimpleUploadedFile("photo.jpg", PDF))
    assert (att.content_type, att.kind) == ("application/pdf", "document")
    assert att.file.name.endswith(".pdf")


def test_a_file_over_the_size_limit_is_refused(open_case, agent, settings):
    settings.CASE_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as err:
        s.attachment_add(case=open_case, actor=agent,
                         upload=SimpleUploadedFile("big.jpg", JPEG + b"\x00" * 2048))
    assert err.value.code == "file_too_large"
    assert not Attachment.objects.exists()
