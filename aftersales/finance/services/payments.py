"""Paying an approved refund, one line (one original payment method) at a time, through its
gateway — exactly once: a payment retried under the same idempotency key (a double click, a
gateway retry) is the same payment, a line has at most one payment in flight or done, and a
replayed provider notification changes nothing the second time.

A remote gateway (WeChat Pay, Alipay) is asked outside the database transaction: the payment
is saved first with the number the provider sees (out_refund_no), so a retry after a timeout
sends the same number again and the provider refunds once; the answer or the signed
notification settles it. Manual and in-kind payments settle in one transaction.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.cases.services import case_note_record
from aftersales.cases.services.common import notify_customer
from aftersales.core.choices import PaymentMethod
from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from aftersales.core.money import ZERO, fmt, yuan
from aftersales.documents.numbers import next_number
from aftersales.finance import gateways
from aftersales.finance.errors import FinanceErrorCode
from aftersales.finance.models import (
    PaymentStatus,
    PointsKind,
    Refund,
    RefundLine,
    RefundPayment,
    RefundRoute,
    RefundStatus,
    RestoredCoupon,
)
from aftersales.finance.services.points import points_record
from aftersales.finance.services.refunds import order_paid, refund_rules
from aftersales.sales.models import Payment

# S7.2 "finance pays"; the cashier hands out cash.
PAYER_ROLES = (Role.FINANCE, Role.CASHIER)
KEY_MAX = 100


def _original_payment(line: RefundLine) -> Payment | None:
    order = line.refund.order
    if line.method == PaymentMethod.COUPON:
        return order_paid(order)[2].get(line.coupon_code)
    return (Payment.objects.filter(order=order, method=line.method)
            .order_by("-amount", "pk").first())


def _check_limits(line: RefundLine, gateway, original: Payment | None) -> None:
    """PAY-7: the provider refunds only within its window after the payment, and at most so
    many partial refunds per order (the policy's refunds.gateways.<method>)."""
    limits = refund_rules(line.refund.case).gateways.get(gateway.limits_key) or {}
    window = limits.get("refund_window_days")
    if window and original is not None and original.paid_at is not None \
            and timezone.now() > original.paid_at + timedelta(days=window):
        raise ValidationError(
            _("%(method)s refunds only within %(days)d days of the payment (paid %(paid)s); "
              "refund by another route with the customer's consent.")
            % {"method": PaymentMethod(line.method).label, "days": window,
               "paid": timezone.localtime(original.paid_at).strftime("%Y-%m-%d")},
            code=FinanceErrorCode.REFUND_WINDOW_PASSED, fields={"method": _("window passed")})
    most = limits.get("max_partial_refunds")
    if most:
        done = (RefundPayment.objects.filter(
            refund__order=line.refund.order, gateway=gateway.key,
            status__in=(PaymentStatus.PENDING, PaymentStatus.SUCCEEDED))
            .exclude(line=line).count())
        if done >= most:
            raise ValidationError(
                _("%(method)s takes at most %(n)d refunds per order; refund by another route "
                  "with the customer's consent.")
                % {"method": PaymentMethod(line.method).label, "n": most},
                code=FinanceErrorCode.TOO_MANY_PARTIALS, fields={"method": _("limit reached")})


def _gateway(line: RefundLine):
    return gateways.gateway_for(line.method, original_route=line.route == RefundRoute.ORIGINAL)


def refund_pay(*, refund: Refund, line: RefundLine | int, actor, idempotency_key: str,
               reference: str = "") -> RefundPayment:
    """Pay one line of an approved refund through its gateway. The same key returns the same
    payment (sent again to the provider if its outcome is still unknown)."""
    payment, send = _payment_open(refund=refund, line=line, actor=actor,
                                  idempotency_key=idempotency_key, reference=reference)
    if not send:
        return payment
    gateway = gateways.gateway(payment.gateway)
    original = _original_payment(payment.line)
    request = gateways.RefundRequest(
        payment_number=payment.number, amount=payment.amount,
        original_amount=original.amount if original else payment.amount,
        original_reference=original.reference if original else "",
        order_number=refund.order.number if refund.order_id else "",
        reason=refund.reason or _("Refund %(number)s") % {"number": refund.number},
        reference=payment.reference)
    try:
        result = gateway.refund(request)
    except gateways.NotConfigured as exc:
        _payment_settle(payment=payment, status=PaymentStatus.FAILED,
                        failure=_("The gateway is not configured: %(missing)s")
                        % {"missing": exc})
        raise Conflict(_("%(gateway)s is not configured; ask the administrator.")
                       % {"gateway": PaymentMethod(payment.method).label},
                       code=FinanceErrorCode.GATEWAY_UNAVAILABLE) from None
    except gateways.GatewayError as exc:
        if exc.retry:  # outcome unknown: stays pending; the same key sends it again
            return RefundPayment.objects.get(pk=payment.pk)
        _payment_settle(payment=payment, status=PaymentStatus.FAILED, failure=str(exc),
                        data=exc.data)
        raise Conflict(_("The provider refused the refund: %(why)s") % {"why": exc},
                       code=FinanceErrorCode.GATEWAY_REFUSED) from None
    return _payment_settle(payment=payment, status=result.status, reference=result.reference,
                           provider_status=result.provider_status, data=result.data)


@transaction.atomic
def _payment_open(*, refund: Refund, line: RefundLine | int, actor, idempotency_key: str,
                  reference: str) -> tuple[RefundPayment, bool]:
    """The payment for this key: the one recorded before (send again only a remote one still
    pending), or a new one. Returns (payment, whether to ask the gateway)."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_role(*PAYER_ROLES):
        raise PermissionDenied(_("Only finance records refund payments."))
    key = (idempotency_key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise ValidationError(_("Each payment needs an idempotency key (up to 100 characters)."),
                              fields={"idempotency_key": _("required")})
    refund = (Refund.objects.select_for_update(of=("self",)).select_related("case", "order")
              .get(pk=refund.pk))
    line_pk = line.pk if isinstance(line, RefundLine) else int(line)
    found = RefundPayment.objects.filter(idempotency_key=key).select_related("line").first()
    if found is not None:
        if found.line_id != line_pk:
            raise ValidationError(_("This idempotency key was used for another payment."),
                                  code=FinanceErrorCode.KEY_REUSED,
                                  fields={"idempotency_key": _("used before")})
        gateway = gateways.gateway(found.gateway)
        return found, gateway.remote and found.status == PaymentStatus.PENDING
    try:
        line = refund.lines.get(pk=line_pk)
    except RefundLine.DoesNotExist:
        raise NotFound(_("No such line on this refund."), fields={"line": _("not found")}) \
            from None
    live = line.payments.filter(status__in=(PaymentStatus.PENDING, PaymentStatus.SUCCEEDED))
    if live.exists():
        p = live.first()
        raise Conflict(_("This share is paid already (%(number)s, %(status)s).")
                       % {"number": p.number, "status": p.get_status_display()},
                       code=FinanceErrorCode.LINE_PAID)
    if refund.status != RefundStatus.APPROVED:
        raise Conflict(_("Only an approved refund is paid (this one: %(status)s).")
                       % {"status": refund.get_status_display()},
                       code=FinanceErrorCode.REFUND_NOT_OPEN)
    gateway = _gateway(line)
    reference = (reference or "").strip()
    if gateway.requires_reference and not reference:
        raise ValidationError(_("Enter the reference of the payment made (bank slip, voucher, "
                                "terminal receipt)."), code=FinanceErrorCode.REFERENCE_REQUIRED,
                              fields={"reference": _("required")})
    if line.route == RefundRoute.ORIGINAL:
        _check_limits(line, gateway, _original_payment(line))
    try:
        with transaction.atomic():
            payment = RefundPayment.objects.create(
                number=next_number("refund_payment", "RP"), refund=refund, line=line,
                method=line.method, amount=line.amount, gateway=gateway.key,
                idempotency_key=key, reference=reference[:120], recorded_by=actor,
                recorded_at=timezone.now())
    except IntegrityError:  # the same key or line raced us in another transaction
        found = RefundPayment.objects.filter(idempotency_key=key).first()
        if found is None:
            raise Conflict(_("This share is paid already."),
                           code=FinanceErrorCode.LINE_PAID) from None
        return found, False
    return payment, True


@transaction.atomic
def _payment_settle(*, payment: RefundPayment, status: str, reference: str = "",
                    provider_status: str = "", failure: str = "",
                    data: dict | None = None) -> RefundPayment:
    """Record the gateway's outcome once: a payment already succeeded or failed stays so."""
    Refund.objects.select_for_update().filter(pk=payment.refund_id).first()
    payment = RefundPayment.objects.select_related("line", "refund__case").get(pk=payment.pk)
    if payment.status != PaymentStatus.PENDING:
        return payment
    payment.status = status
    payment.reference = reference or payment.reference
    payment.provider_status = provider_status[:40]
    payment.failure = failure
    payment.response = data or {}
    if status != PaymentStatus.PENDING:
        payment.completed_at = timezone.now()
    payment.save(update_fields=["status", "reference", "provider_status", "failure",
                                "response", "completed_at"])
    if status == PaymentStatus.SUCCEEDED:
        _line_paid(payment)
    return payment


def _line_paid(payment: RefundPayment) -> None:
    line, refund = payment.line, payment.refund
    now = timezone.now()
    line.paid_at = now
    line.save(update_fields=["paid_at"])
    customer = refund.customer
    if line.method == PaymentMethod.POINTS and line.points and customer is not None:
        points_record(customer=customer, delta=line.points, kind=PointsKind.RESTORE,
                      reason=_("Refund %(number)s") % {"number": refund.number},
                      actor=payment.recorded_by, case=refund.case, refund=refund,
                      payment=payment)
    if line.method == PaymentMethod.COUPON:
        RestoredCoupon.objects.create(customer=customer, code=line.coupon_code, refund=refund,
                                      payment=payment, restored_at=now)
    if refund.lines.filter(paid_at__isnull=True).exists():
        return
    refund.status, refund.paid_at, refund.customer_notified_at = RefundStatus.PAID, now, now
    refund.save(update_fields=["status", "paid_at", "customer_notified_at", "updated_at"])
    lines = list(refund.lines.all())
    case_note_record(case=refund.case, actor=payment.recorded_by, fact="refund_paid",
                     record=refund.number, data={
                         "amount": fmt(refund.amount), "points": refund.points,
                         "payments": [p.number for p in refund.payments.filter(
                             status=PaymentStatus.SUCCEEDED)]})
    _tell_customer(refund, lines)


def _route_text(lines: list[RefundLine]) -> str:
    parts = []
    for ln in lines:
        if ln.method == PaymentMethod.POINTS:
            parts.append(_("%(n)d points back to your account") % {"n": ln.points})
        elif ln.method == PaymentMethod.COUPON:
            parts.append(_("coupon %(code)s restored") % {"code": ln.coupon_code})
        elif ln.route == RefundRoute.OTHER:
            parts.append(_("%(amount)s to %(where)s (as you agreed)")
                         % {"amount": yuan(ln.amount), "where": ln.route_detail})
        else:
            parts.append(_("%(amount)s back to your %(method)s")
                         % {"amount": yuan(ln.amount), "method": PaymentMethod(ln.method).label})
    return _("; ").join(parts)


def _tell_customer(refund: Refund, lines: list[RefundLine]) -> None:
    """The customer hears the amount and the route, and is asked to confirm (S7.2); the SMS
    template gets the amount (``¥1,234.50``, or the points when no money goes back) and the
    methods it went back by."""
    amount = yuan(refund.amount) if refund.amount > 0 or not refund.points else \
        _("%(n)d points") % {"n": refund.points}
    methods = _(", ").join(dict.fromkeys(
        ln.route_detail if ln.route == RefundRoute.OTHER and ln.route_detail
        else str(PaymentMethod(ln.method).label) for ln in lines))
    body = _("Your refund %(number)s of %(amount)s is paid: %(route)s. Money back to a card or "
             "a wallet can take a few days to show. Please confirm on your case page when you "
             "have received it.") % {"number": refund.number, "amount": amount,
                                     "route": _route_text(lines)}
    notify_customer(refund.case, topic="refund_paid", subject=_("Your refund is paid"),
                    body=body, dedupe_key=f"refund_paid:{refund.number}",
                    params={"amount": amount, "method": methods})


def refund_notification(*, gateway_code: str, headers, body: bytes, form=None) -> RefundPayment:
    """A provider's signed refund notification: verified, matched to the payment we sent, and
    settled once. A bad signature or an unknown refund is refused and changes nothing."""
    try:
        gateway = gateways.gateway(gateway_code)
    except KeyError:
        raise NotFound(_("No such gateway.")) from None
    try:
        note = gateway.parse_notification(headers=headers, body=body, form=form)
    except gateways.BadSignature:
        raise PermissionDenied(_("The notification's signature does not verify."),
                               code=FinanceErrorCode.BAD_SIGNATURE) from None
    except gateways.NotConfigured:
        raise PermissionDenied(_("The gateway is not configured."),
                               code=FinanceErrorCode.BAD_SIGNATURE) from None
    payment = RefundPayment.objects.filter(number=note.payment_number,
                                           gateway=gateway.key).first()
    if payment is None:
        raise NotFound(_("No refund of ours has this number."),
                       code=FinanceErrorCode.UNKNOWN_REFUND)
    status = PaymentStatus.SUCCEEDED if note.succeeded else PaymentStatus.FAILED
    return _payment_settle(payment=payment, status=status, reference=note.reference,
                           provider_status=note.provider_status, data=note.data)


def refund_pay_all(*, refund: Refund, actor, key_prefix: str,
                   references: dict[int, str] | None = None) -> list[RefundPayment]:
    """Every unpaid line, each under ``<key_prefix>:<line id>`` (one click on the page)."""
    out = []
    for line in refund.lines.filter(paid_at__isnull=True).order_by("pk"):
        out.append(refund_pay(refund=refund, line=line, actor=actor,
                              idempotency_key=f"{key_prefix}:{line.pk}",
                              reference=(references or {}).get(line.pk, "")))
    return out


def refund_paid_total(refund: Refund) -> Decimal:
    return sum((p.amount for p in refund.payments.filter(status=PaymentStatus.SUCCEEDED)), ZERO)
