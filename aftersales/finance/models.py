"""Refunds (退款, S7), their lines per original payment method, the payments that settle each line
through a payment gateway, and the members' points ledger (B7-15, REGULATIONS-CN PAY-1/PAY-2).

A refund's money never exceeds what the order paid per method (over all refunds of the order)
nor what the case's decision allows; a payment line is settled by exactly one successful
payment (a partial unique index), and a payment retried under the same idempotency key is the
same payment.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.choices import PaymentMethod


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for finance approval")  # 待财务审批
    APPROVED = "approved", _("Approved, to be paid")  # 待支付
    PAID = "paid", _("Paid")  # 已退款
    REFUSED = "refused", pgettext_lazy("finance", "Refused")  # 已退回


OPEN_STATUSES = (RefundStatus.PENDING, RefundStatus.APPROVED)
COUNTED_STATUSES = (RefundStatus.PENDING, RefundStatus.APPROVED, RefundStatus.PAID)


class Refund(models.Model):
    """退款单: the money, points and coupons one case gives back."""

    number = models.CharField(_("refund number"), max_length=20, unique=True)  # RF-2026-000001
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="refunds")
    order = models.ForeignKey("sales.Order", verbose_name=_("order"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="refunds")
    customer = models.ForeignKey("parties.Customer", verbose_name=_("customer"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="refunds")
    status = models.CharField(_("status"), max_length=10, choices=RefundStatus.choices,
                              default=RefundStatus.PENDING)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)  # money only
    points = models.PositiveIntegerField(_("points restored"), default=0)
    decision_amount = models.DecimalField(_("amount the decision allows"), max_digits=12,
                                          decimal_places=2)
    partial = models.BooleanField(_("partial refund"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                    verbose_name=pgettext_lazy("finance", "approved by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approver_role = models.CharField(_("approved as"), max_length=30, blank=True)
    refused_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("refused by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    refused_at = models.DateTimeField(_("refused at"), null=True, blank=True)
    refusal_reason = models.TextField(_("refusal reason"), blank=True)
    # B7-13 / S9.5: the clock starts when the returned goods are received.
    received_at = models.DateTimeField(_("goods received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    breach_at = models.DateTimeField(_("breach after"), null=True, blank=True)
    paid_at = models.DateTimeField(pgettext_lazy("finance", "paid at"), null=True, blank=True)
    customer_notified_at = models.DateTimeField(_("customer told at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("customer confirmed receipt at"), null=True,
                                        blank=True)
    confirmed_via = models.CharField(_("confirmed via"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_at"], name="refund_status_due")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0),
                                   name="refund_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class RefundRoute(models.TextChoices):
    ORIGINAL = "original", _("Original route")  # 原路退回
    OTHER = "other", _("Another route, with the customer's consent")  # B7-14(3)


class RefundLine(models.Model):
    """One original payment method's share: money, or points / a coupon in kind (B7-15)."""

    refund = models.ForeignKey(Refund, verbose_name=_("refund"), on_delete=models.CASCADE,
                               related_name="lines")
    method = models.CharField(pgettext_lazy("finance", "method"), max_length=20,
                              choices=PaymentMethod.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, default=0)
    points = models.PositiveIntegerField(_("points"), default=0)
    coupon_code = models.CharField(_("coupon code"), max_length=60, blank=True)
    route = models.CharField(_("route"), max_length=10, choices=RefundRoute.choices,
                             default=RefundRoute.ORIGINAL)
    route_detail = models.CharField(_("route details"), max_length=200, blank=True)
    consent_by = models.CharField(_("consent given by"), max_length=80, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_how = models.CharField(_("consent given how"), max_length=200, blank=True)
    paid_at = models.DateTimeField(pgettext_lazy("finance", "paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund line")
        verbose_name_plural = _("refund lines")
        ordering = ["refund", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0),
                                   name="refundline_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.refund_id} {self.method} {self.amount}"

    @property
    def in_kind(self) -> bool:
        return self.method in (PaymentMethod.POINTS, PaymentMethod.COUPON)


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Sent, waiting for the provider")  # 退款处理中
    SUCCEEDED = "succeeded", _("Paid")  # 退款成功
    FAILED = "failed", _("Failed")  # 退款失败


class RefundPayment(models.Model):
    """The payment of one refund line through a gateway; ``number`` is the out_refund_no the
    provider sees, so a retry of the same payment is the same refund to them too."""

    number = models.CharField(_("payment number"), max_length=20, unique=True)  # RP-2026-000001
    refund = models.ForeignKey(Refund, verbose_name=_("refund"), on_delete=models.PROTECT,
                               related_name="payments")
    line = models.ForeignKey(RefundLine, verbose_name=_("refund line"), on_delete=models.PROTECT,
                             related_name="payments")
    method = models.CharField(pgettext_lazy("finance", "method"), max_length=20,
                              choices=PaymentMethod.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, default=0)
    gateway = models.CharField(_("gateway"), max_length=20)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices,
                              default=PaymentStatus.PENDING)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    provider_status = models.CharField(_("provider status"), max_length=40, blank=True)
    failure = models.TextField(_("failure"), blank=True)
    response = models.JSONField(_("provider response"), default=dict, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund payment")
        verbose_name_plural = _("refund payments")
        ordering = ["refund", "pk"]
        constraints = [
            # A line is settled once: at most one payment in flight or done (issue 11 item 5).
            models.UniqueConstraint(fields=["line"], condition=models.Q(
                status__in=["pending", "succeeded"]), name="refundpayment_one_live_per_line"),
        ]

    def __str__(self) -> str:
        return self.number


class PointsKind(models.TextChoices):
    EARN = "earn", _("Earned")  # 获得
    SPEND = "spend", _("Spent")  # 消费
    RESTORE = "restore", _("Restored by a refund")  # 退还
    ADJUST = "adjust", _("Adjusted")  # 调整


class PointsEntry(models.Model):
    """One movement on a member's points (积分流水); the balance is the sum of the deltas."""

    customer = models.ForeignKey("parties.Customer", verbose_name=_("member"),
                                 on_delete=models.PROTECT, related_name="points_entries")
    delta = models.IntegerField(_("points"))
    kind = models.CharField(_("kind"), max_length=10, choices=PointsKind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    refund = models.ForeignKey(Refund, verbose_name=_("refund"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="points_entries")
    payment = models.OneToOneField(RefundPayment, verbose_name=_("refund payment"), null=True,
                                   blank=True, on_delete=models.PROTECT,
                                   related_name="points_entry")
    balance_after = models.IntegerField(_("balance after"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["customer", "at", "pk"]
        indexes = [models.Index(fields=["customer", "at"], name="points_customer_at")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(delta=0), name="points_delta_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.delta:+d}"


class RestoredCoupon(models.Model):
    """A coupon given back in kind (B7-15) with its code."""

    customer = models.ForeignKey("parties.Customer", verbose_name=_("customer"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("coupon code"), max_length=60)
    refund = models.ForeignKey(Refund, verbose_name=_("refund"), on_delete=models.PROTECT,
                               related_name="restored_coupons")
    payment = models.OneToOneField(RefundPayment, verbose_name=_("refund payment"),
                                   on_delete=models.PROTECT, related_name="restored_coupon")
    restored_at = models.DateTimeField(_("restored at"))

    class Meta:
        verbose_name = _("restored coupon")
        verbose_name_plural = _("restored coupons")
        constraints = [
            models.UniqueConstraint(fields=["refund", "code"], name="coupon_restored_once"),
        ]

    def __str__(self) -> str:
        return self.code
