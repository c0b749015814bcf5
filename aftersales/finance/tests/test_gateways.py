"""Payments that pay exactly once (issue 11 item 5 "Bad input"): the same payment retried under
the same key, a gateway outage and its retry, replayed and forged provider notifications, the
providers' limits — WeChat Pay and Alipay through their SDKs against local stubs."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.test import Client

from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from aftersales.finance import services as fs
from aftersales.finance.errors import FinanceErrorCode
from aftersales.finance.models import PaymentStatus, RefundPayment, RefundStatus
from aftersales.finance.tests import stubs
from aftersales.finance.tests.helpers import inspected_case, mixed_order
from aftersales.sales.models import Payment


def approved(order, agent, warehouse, finance, **kw):
    case = inspected_case(order, agent, warehouse)
    refund = fs.refund_create(case=case, actor=agent, **kw)
    return fs.refund_approve(refund=refund, actor=finance)


def test_the_same_payment_retried_under_the_same_key_pays_once(
        policies, clock, agent, warehouse, finance, wechat):
    order = mixed_order(methods=[("wechat_pay", "650.00", {"reference": "4200009"})])
    refund = approved(order, agent, warehouse, finance)
    line = refund.lines.get()
    first = fs.refund_pay(refund=refund, line=line, actor=finance, idempotency_key="click-1")
    again = fs.refund_pay(refund=refund, line=line, actor=finance, idempotency_key="click-1")
    assert first.pk == again.pk and again.status == PaymentStatus.SUCCEEDED
    assert len(wechat.requests) == 1 and len(wechat.refunds) == 1
    # another key for a share already paid is refused, the key for another line too
    with pytest.raises(Conflict) as exc:
        fs.refund_pay(refund=refund, line=line, actor=finance, idempotency_key="click-2")
    assert exc.value.code == FinanceErrorCode.LINE_PAID
    assert RefundPayment.objects.filter(refund=refund).count() == 1


def test_an_outage_leaves_the_payment_pending_and_the_retry_sends_the_same_number(
        policies, clock, agent, warehouse, finance, wechat):
    order = mixed_order(methods=[("wechat_pay", "650.00", {"reference": "4200009"})])
    refund = approved(order, agent, warehouse, finance)
    line = refund.lines.get()
    wechat.fail_next = 1
    p = fs.refund_pay(refund=refund, line=line, actor=finance, idempotency_key="k")
    assert p.status == PaymentStatus.PENDING
    p2 = fs.refund_pay(refund=refund, line=line, actor=finance, idempotency_key="k")
    assert p2.pk == p.pk and p2.status == PaymentStatus.SUCCEEDED
    numbers = [r["body"]["out_refund_no"] for r in wechat.requests]
    assert numbers == [p.number, p.number] and len(wechat.refunds) == 1


def test_wechat_processing_then_signed_notification_settles_once(
        policies, clock, agent, warehouse, finance, wechat):
    wechat.status = "PROCESSING"  # "accepted" is not "refunded" (PAY-7)
    order = mixed_order(methods=[("wechat_pay", "650.00", {"reference": "4200009"})])
    refund = approved(order, agent, warehouse, finance)
    p = fs.refund_pay(refund=refund, line=refund.lines.get(), actor=finance,
                      idempotency_key="k")
    assert p.status == PaymentStatus.PENDING and p.reference.startswith("5030")
    refund.refresh_from_db()
    assert refund.status == RefundStatus.APPROVED

    headers, body = stubs.wechat_notification(wechat.keys, out_refund_no=p.number)
    client = Client()
    r = client.post("/finance/callbacks/wechat_pay/", body, content_type="application/json",
                    **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    assert r.status_code == 204
    p.refresh_from_db()
    refund.refresh_from_db()
    assert p.status == PaymentStatus.SUCCEEDED and refund.status == RefundStatus.PAID
    assert refund.case.facts["refund_paid"]["record"] == refund.number
    # a replay changes nothing
    r = client.post("/finance/callbacks/wechat_pay/", body, content_type="application/json",
                    **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    assert r.status_code == 204
    assert RefundPayment.objects.get(pk=p.pk).completed_at == p.completed_at


def test_wechat_callbacks_with_a_bad_signature_or_an_unknown_refund_are_refused(
        policies, clock, agent, warehouse, finance, wechat):
    wechat.status = "PROCESSING"
    order = mixed_order(methods=[("wechat_pay", "650.00", {"reference": "4200009"})])
    refund = approved(order, agent, warehouse, finance)
    p = fs.refund_pay(refund=refund, line=refund.lines.get(), actor=finance,
                      idempotency_key="k")
    headers, body = stubs.wechat_notification(wechat.keys, out_refund_no=p.number)
    forged = dict(headers, **stubs.wechat_headers(wechat.keys, body.decode(),
                                                  key=stubs.rsa_pair()[0]))
    with pytest.raises(PermissionDenied) as exc:
        fs.refund_notification(gateway_code="wechat_pay", headers=forged, body=body)
    assert exc.value.code == FinanceErrorCode.BAD_SIGNATURE
    # a body changed after signing
    with pytest.raises(PermissionDenied):
        fs.refund_notification(gateway_code="wechat_pay", headers=headers,
                               body=body.replace(b"REFUND", b"REFUNX"))
    # a resource encrypted with another APIv3 key does not decrypt
    h2, b2 = stubs.wechat_notification(wechat.keys, out_refund_no=p.number,
                                       apiv3_key="x" * 32)
    with pytest.raises(PermissionDenied):
        fs.refund_notification(gateway_code="wechat_pay", headers=h2, body=b2)
    # a genuine notification for a refund we never sent
    h3, b3 = stubs.wechat_notification(wechat.keys, out_refund_no="RP-2026-999999")
    with pytest.raises(NotFound) as exc:
        fs.refund_notification(gateway_code="wechat_pay", headers=h3, body=b3)
    assert exc.value.code == FinanceErrorCode.UNKNOWN_REFUND
    r = Client().post("/finance/callbacks/wechat_pay/", b3, content_type="application/json",
                      **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in h3.items()})
    assert r.status_code == 404
    p.refresh_from_db()
    assert p.status == PaymentStatus.PENDING  # nothing changed


def test_a_wechat_answer_signed_by_someone_else_is_not_trusted(
        policies, clock, agent, warehouse, finance, wechat):
    wechat.bad_signature = True
    order = mixed_order(methods=[("wechat_pay", "650.00", {"reference": "4200009"})])
    refund = approved(order, agent, warehouse, finance)
    p = fs.refund_pay(refund=refund, line=refund.lines.get(), actor=finance,
                      idempotency_key="k")
    assert p.status == PaymentStatus.PENDING  # unknown outcome: settled by query or callback


def test_alipay_refunds_once_and_verifies_its_rsa2_notifications(
        policies, clock, agent, warehouse, finance, alipay):
    order = mixed_order(methods=[("alipay", "650.00", {"reference": "2026112322001400001"})])
    refund = approved(order, agent, warehouse, finance)
    line = refund.lines.get()
    p = fs.refund_pay(refund=refund, line=line, actor=finance, idempotency_key="k")
    assert p.status == PaymentStatus.SUCCEEDED
    req = alipay.requests[0]
    assert req["method"] == "alipay.trade.refund" and req["merchant_signature_ok"]
    assert req["biz"]["refund_amount"] == "650.00" and req["biz"]["out_request_no"] == p.number
    assert req["biz"]["trade_no"] == "2026112322001400001"
    fs.refund_pay(refund=refund, line=line, actor=finance, idempotency_key="k")
    assert len(alipay.requests) == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.PAID

    good = stubs.alipay_notification(alipay.keys, out_biz_no=p.number, refund_fee="650.00")
    form = "application/x-www-form-urlencoded"  # as Alipay posts it
    r = Client().post("/finance/callbacks/alipay/", urlencode(good), content_type=form)
    assert r.status_code == 200 and r.content == b"success"
    bad = stubs.alipay_notification(alipay.keys, out_biz_no=p.number, key=stubs.rsa_pair()[0])
    r = Client().post("/finance/callbacks/alipay/", urlencode(bad), content_type=form)
    assert r.status_code == 403 and r.content == b"fail"
    tampered = dict(good, refund_fee="6500.00")
    with pytest.raises(PermissionDenied):
        fs.refund_notification(gateway_code="alipay", headers={}, body=b"", form=tampered)
    unknown = stubs.alipay_notification(alipay.keys, out_biz_no="RP-2026-424242")
    with pytest.raises(NotFound):
        fs.refund_notification(gateway_code="alipay", headers={}, body=b"", form=unknown)


def test_alipay_refusal_fails_the_payment_and_a_new_try_is_allowed(
        policies, clock, agent, warehouse, finance, alipay):
    alipay.status = "40004"
    order = mixed_order(methods=[("alipay", "650.00", {})])
    refund = approved(order, agent, warehouse, finance)
    line = refund.lines.get()
    with pytest.raises(Conflict) as exc:
        fs.refund_pay(refund=refund, line=line, actor=finance, idempotency_key="k1")
    assert exc.value.code == FinanceErrorCode.GATEWAY_REFUSED
    assert RefundPayment.objects.get(idempotency_key="k1").status == PaymentStatus.FAILED
    alipay.status = "10000"
    p = fs.refund_pay(refund=refund, line=line, actor=finance, idempotency_key="k2")
    assert p.status == PaymentStatus.SUCCEEDED


def test_the_365_day_window_and_the_50_partial_refunds(
        policies, clock, agent, warehouse, finance, wechat):
    order = mixed_order(methods=[("wechat_pay", "650.00", {"reference": "4200009"})])
    refund = approved(order, agent, warehouse, finance)
    line = refund.lines.get()
    Payment.objects.filter(order=order).update(paid_at=clock() - timedelta(days=366))
    with pytest.raises(ValidationError) as exc:
        fs.refund_pay(refund=refund, line=line, actor=finance, idempotency_key="k")
    assert exc.value.code == FinanceErrorCode.REFUND_WINDOW_PASSED
    Payment.objects.filter(order=order).update(paid_at=clock() - timedelta(days=365))
    assert fs.refund_pay(refund=refund, line=line, actor=finance,
                         idempotency_key="k").status == PaymentStatus.SUCCEEDED


def test_at_most_50_partial_refunds_per_order(policies, clock, agent, warehouse, finance,
                                               wechat, monkeypatch):
    order = mixed_order(methods=[("wechat_pay", "650.00", {"reference": "4200009"})])
    case = inspected_case(order, agent, warehouse)
    # the policy's limit, lowered for the test the way a company would edit it
    from aftersales.finance import rules
    from aftersales.finance.services import payments

    real = payments.refund_rules

    def lowered(c):
        r = real(c)
        return rules.RefundRules(approval_limits=r.approval_limits,
                                 due_after_receipt=r.due_after_receipt,
                                 breach_after_receipt=r.breach_after_receipt,
                                 gateways={"wechat_pay": {"max_partial_refunds": 2}})

    monkeypatch.setattr(payments, "refund_rules", lowered)
    for i in range(3):
        refund = fs.refund_create(case=case, actor=agent, amount="10.00", reason=f"部分{i}")
        refund = fs.refund_approve(refund=refund, actor=finance)
        if i < 2:
            fs.refund_pay(refund=refund, line=refund.lines.get(), actor=finance,
                          idempotency_key=f"k{i}")
    with pytest.raises(ValidationError) as exc:
        fs.refund_pay(refund=refund, line=refund.lines.get(), actor=finance,
                      idempotency_key="k2")
    assert exc.value.code == FinanceErrorCode.TOO_MANY_PARTIALS
    assert "50" not in str(exc.value.message) and "2" in str(exc.value.message)


def test_the_shipped_policies_carry_the_provider_limits(policies, clock, agent, warehouse):
    order = mixed_order(methods=[("wechat_pay", "650.00", {})])
    case = inspected_case(order, agent, warehouse)
    r = fs.refund_rules(case)
    assert r.gateways["wechat_pay"] == {"refund_window_days": 365, "max_partial_refunds": 50}
    assert r.approval_limits == {"finance": Decimal("5000.00"), "management": None}


def test_only_finance_pays_and_only_an_approved_refund(
        policies, clock, agent, warehouse, finance):
    order = mixed_order(methods=[("cash", "650.00", {})])
    case = inspected_case(order, agent, warehouse)
    refund = fs.refund_create(case=case, actor=agent)
    with pytest.raises(Conflict):
        fs.refund_pay(refund=refund, line=refund.lines.get(), actor=finance,
                      idempotency_key="k", reference="现金 001")
    fs.refund_approve(refund=refund, actor=finance)
    with pytest.raises(PermissionDenied):
        fs.refund_pay(refund=refund, line=refund.lines.get(), actor=agent,
                      idempotency_key="k", reference="现金 001")
    p = fs.refund_pay(refund=refund, line=refund.lines.get(), actor=finance,
                      idempotency_key="k", reference="现金 001")
    assert p.reference == "现金 001"
