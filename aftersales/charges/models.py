"""What customers and others owe and what a case costs (S2.2, S2.3, S4.1-S4.3, S8.1, S8.2, S9.6):
repair quotes priced from the parts price list, the cashier's receipts (the exchange difference,
charges collected), charges to the customer, a factory, a supplier or a carrier, and the
compensation the company pays when it is late.

Every record is numbered (aftersales.documents.numbers) in the transaction that creates it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class QuoteStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("charges", "Waiting for the customer")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused by the customer")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AcceptChannel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    API = "api", pgettext_lazy("charges", "API")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", pgettext_lazy("charges", "In person")
    EMAIL = "email", _("E-mail")


class Quote(models.Model):
    """A repair quote (报价单, S4.1, S8.2, S2.2): parts from the price list plus labour; the
    customer accepts it before work starts."""

    number = models.CharField(_("quote number"), max_length=24, unique=True)  # QT-2026-000001
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="quotes")
    status = models.CharField(_("status"), max_length=10, choices=QuoteStatus.choices,
                              default=QuoteStatus.ISSUED)
    labour_hours = models.DecimalField(_("labour hours"), max_digits=8, decimal_places=2,
                                       default=0)
    labour_rate = models.DecimalField(_("labour rate per hour"), max_digits=10, decimal_places=2,
                                      default=0)
    parts_total = models.DecimalField(_("parts"), max_digits=12, decimal_places=2, default=0)
    labour_total = models.DecimalField(_("labour"), max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=0)
    note = models.TextField(_("note"), blank=True)
    valid_until = models.DateTimeField(_("valid until"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"),
                                  null=True, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_channel = models.CharField(_("answered through"), max_length=10, blank=True,
                                      choices=AcceptChannel.choices)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    refusal_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("repair quote")
        verbose_name_plural = _("repair quotes")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # One quote waiting for the customer per case: a new one withdraws the old.
            models.UniqueConstraint(fields=["case"], condition=Q(status="issued"),
                                    name="charges_quote_one_issued_per_case"),
            models.CheckConstraint(condition=Q(total__gte=0), name="charges_quote_total_gte0"),
        ]

    def __str__(self) -> str:
        return self.number


class QuoteLine(models.Model):
    """One part from the price list (catalog.PartPrice) at its price on the quote's day."""

    quote = models.ForeignKey(Quote, verbose_name=_("quote"), on_delete=models.CASCADE,
                              related_name="lines")
    part_price = models.ForeignKey("catalog.PartPrice", verbose_name=_("price list line"),
                                   on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("part code"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    unit = models.CharField(_("unit"), max_length=10)
    unit_price = models.DecimalField(_("price per unit"), max_digits=10, decimal_places=2)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["quote", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0),
                                              name="charges_quoteline_qty_gt0")]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"


class PayMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    WECHAT_PAY = "wechat_pay", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    CARD = "card", _("Card")
    BANK_TRANSFER = "bank_transfer", pgettext_lazy("charges", "Bank transfer")
    BALANCE = "balance", pgettext_lazy("charges", "Account balance")
    POINTS = "points", _("Points")
    DEDUCTION = "deduction", _("Deducted from payments due")  # factories and suppliers
    NONE = "none", _("Nothing to pay")


class ReceiptPurpose(models.TextChoices):
    EXCHANGE_DIFFERENCE = "exchange_difference", _("Exchange difference")
    CHARGE = "charge", _("Charge")


class CashierReceipt(models.Model):
    """Money (or points) the cashier took in (收款收据, S4.3)."""

    number = models.CharField(_("receipt number"), max_length=24, unique=True)  # SK-2026-…
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="cashier_receipts")
    purpose = models.CharField(_("for"), max_length=20, choices=ReceiptPurpose.choices)
    charge = models.OneToOneField("Charge", verbose_name=_("charge"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="receipt")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, default=0)
    points = models.PositiveIntegerField(_("points"), default=0)
    method = models.CharField(pgettext_lazy("charges", "method"), max_length=20,
                              choices=PayMethod.choices)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    # What the difference was when it was collected (old/new money and points).
    details = models.JSONField(_("details"), default=dict, blank=True)
    cashier = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cashier"),
                                on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("cashier receipt")
        verbose_name_plural = _("cashier receipts")
        ordering = ["-received_at", "-id"]
        constraints = [
            # The exchange difference is collected once per case (多不退少补, S4.3).
            models.UniqueConstraint(fields=["case"], condition=Q(purpose="exchange_difference"),
                                    name="charges_receipt_one_difference_per_case"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="charges_receipt_amount_gte0"),
        ]

    def __str__(self) -> str:
        return self.number


class Party(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    FACTORY = "factory", _("Outsourced factory")
    SUPPLIER = "supplier", _("Supplier")
    CARRIER = "carrier", _("Carrier")


class ChargeReason(models.TextChoices):
    CHARGEABLE_REPAIR = "chargeable_repair", _("Chargeable repair")  # S2.2, S8.2
    ADVANCE_NOT_RETURNED = "advance_not_returned", _(
        "Defective unit of an advance replacement not returned")  # S8.1
    LOCAL_REPAIR = "local_repair", _("Local repair charged to the factory")  # S2.3
    FACTORY_QUALITY = "factory_quality", _("Return caused by the factory's quality")  # S2.2
    SUPPLIER_MATERIAL = "supplier_material", _("Material defect")  # S3.5
    CARRIER_DAMAGE = "carrier_damage", _("Damaged in transit")  # S9.6
    OTHER = "other", _("Other")


class ChargeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("charges", "Open")
    COLLECTED = "collected", _("Collected")
    WAIVED = "waived", _("Waived")


class Charge(models.Model):
    """An amount someone other than the company owes on a case (费用/扣款)."""

    number = models.CharField(_("charge number"), max_length=24, unique=True)  # CH-2026-…
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="charges")
    party = models.CharField(_("charged to"), max_length=10, choices=Party.choices)
    party_name = models.CharField(_("name"), max_length=120, blank=True)
    factory = models.ForeignKey("parties.OutsourcedFactory", verbose_name=_("factory"),
                                null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("parties.Supplier", verbose_name=_("supplier"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=24, choices=ChargeReason.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    # What the charge comes from (an RMA or quote number): one charge per source and reason.
    source = models.CharField(_("source record"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ChargeStatus.choices,
                              default=ChargeStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("raised by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("raised at"))
    waived_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("waived by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    waiver_reason = models.TextField(_("waiver reason"), blank=True)
    closed_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "reason", "source"], condition=~Q(source=""),
                                    name="charges_charge_once_per_source"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="charges_charge_amount_gt0"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="charges_charge_status")]

    def __str__(self) -> str:
        return self.number


class CompensationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for a supervisor")
    APPROVED = "approved", _("Approved, to be paid")
    PAID = "paid", _("Paid")
    REFUSED = "refused", pgettext_lazy("charges", "Refused")


class Compensation(models.Model):
    """What the company pays the customer when it is late (S9.6), as the policy says."""

    number = models.CharField(_("compensation number"), max_length=24, unique=True)  # PC-…
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="compensations")
    rule = models.CharField(_("rule"), max_length=40)  # "S9.6-end_to_end"
    reason = models.TextField(_("reason"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    days_late = models.PositiveIntegerField(pgettext_lazy("charges", "days late"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=CompensationStatus.choices,
                              default=CompensationStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(pgettext_lazy("charges", "decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("paid by"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    method = models.CharField(pgettext_lazy("charges", "method"), max_length=20, blank=True,
                              choices=PayMethod.choices)
    reference = models.CharField(_("reference"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # One per case and rule (the sweep proposes it once).
            models.UniqueConstraint(fields=["case", "rule"], name="charges_compensation_once"),
            models.CheckConstraint(condition=Q(amount__gt=0),
                                   name="charges_compensation_amount_gt0"),
        ]

    def __str__(self) -> str:
        return self.number
