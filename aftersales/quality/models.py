"""Inspection, responsibility and what follows from them (S2.2, S2.5, S3.2, S3.5, S3.6, S5.5).

- ``Inspection`` (检验): quality's (or, for a consumer return, the warehouse's) finding on a
  case — pass/fail, per line findings with a defect code from the policy's ``quality`` section,
  photos, the report, and the responsibility. It sets the case's record facts
  (``inspection_passed``, ``quality_judgment``, ``factory_responsible``) and may re-evaluate the
  policy decision with the inspected condition (before → after kept on the record). Of kind
  "outgoing" it is quality's 出货检验 of reworked or replenished goods (S3.1): it sets
  ``outgoing_inspection`` when passed and sends the goods back to rework when failed.
- ``QualityReport`` (品质异常处理报告, S3.2): numbered; problem, analysis, responsibility,
  measures; the sales VP reviews it (``report_opened`` → ``report_reviewed``).
- ``CorrectiveAction`` (S3.6): owner, due date, status, verification.
- ``SupplierClaim`` (物料异常联络函, S3.5): the loss and the deduction to a supplier, passed to
  finance; every status change is a ``SupplierClaimEvent``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Responsibility(models.TextChoices):
    """Who caused the fault (S2.2, S2.5, S6.1, S9.6); decides who pays."""

    COMPANY = "company", _("Our company")
    CUSTOMER = "customer", _("Customer")
    SUPPLIER = "supplier", _("Supplier (material)")
    FACTORY = "factory", _("Outsourced factory")
    CARRIER = "carrier", _("Carrier")


class InspectionKind(models.TextChoices):
    """What is inspected: the goods that came back (S2.5, S5.5), or the reworked or replenished
    goods before they ship (出货检验, S3.1)."""

    RETURN = "return", pgettext_lazy("quality", "Inspection of the return")
    OUTGOING = "outgoing", pgettext_lazy("quality", "Outgoing inspection")


class InspectionResult(models.TextChoices):
    PASS = "pass", pgettext_lazy("quality", "Passed")
    FAIL = "fail", pgettext_lazy("quality", "Failed")


class Inspection(models.Model):
    number = models.CharField(_("number"), max_length=30, unique=True)  # QI-2026-000001
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="inspections")
    # The logistics receipt the goods came in on, by its number (optional: an inspection may
    # judge from photos before the goods are back, S2.5).
    receipt_number = models.CharField(_("receipt"), max_length=30, blank=True)
    kind = models.CharField(pgettext_lazy("quality", "inspection kind"), max_length=10,
                            choices=InspectionKind.choices, default=InspectionKind.RETURN)
    result = models.CharField(_("result"), max_length=10, choices=InspectionResult.choices)
    defect_code = models.CharField(_("defect code"), max_length=40, blank=True)
    responsibility = models.CharField(_("responsibility"), max_length=20,
                                      choices=Responsibility.choices, blank=True)
    supplier = models.ForeignKey("parties.Supplier", verbose_name=_("supplier"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    factory = models.ForeignKey("parties.OutsourcedFactory", verbose_name=_("outsourced factory"),
                                null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    damage_cause = models.CharField(_("damage cause"), max_length=30, blank=True)
    report = models.TextField(_("inspection report"), blank=True)
    report_file = models.ForeignKey("cases.Attachment", verbose_name=_("report file"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    photos = models.ManyToManyField("cases.Attachment", verbose_name=_("photos"), blank=True,
                                    related_name="+")
    # Re-evaluation (issue 11 item 3): the decision's options and refund total before → after.
    reevaluation = models.JSONField(_("re-evaluation"), null=True, blank=True)
    inspected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("inspected by"),
                                     on_delete=models.PROTECT, related_name="+")
    inspected_at = models.DateTimeField(_("inspected at"))

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_at", "-id"]
        indexes = [models.Index(fields=["case", "inspected_at"], name="inspection_case")]

    def __str__(self) -> str:
        return self.number


class InspectionLine(models.Model):
    """One case line as found: quantity inspected and defective, its defect and condition."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"),
                                   on_delete=models.CASCADE, related_name="lines")
    case_line = models.ForeignKey("cases.CaseLine", verbose_name=_("case line"),
                                  on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity inspected"))
    defective = models.PositiveIntegerField(_("defective"), default=0)
    defect_code = models.CharField(_("defect code"), max_length=40, blank=True)
    condition = models.JSONField(_("condition found"), default=dict, blank=True)
    finding = models.CharField(_("finding"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("inspection line")
        verbose_name_plural = _("inspection lines")
        ordering = ["inspection", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(defective__lte=models.F("quantity")),
                                   name="inspectionline_defective_le_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity}/{self.defective}"


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the sales VP")
    RETURNED = "returned", _("Returned for rework")
    APPROVED = "approved", _("Reviewed")


class QualityReport(models.Model):
    """品质异常处理报告 (S3.2): opened with the order's shipment data and the problem; the sales
    VP reviews it; due within the workflow's report SLA (24 hours, S3.4)."""

    number = models.CharField(_("number"), max_length=30, unique=True)  # QE-2026-000001
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="quality_reports")
    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="reports")
    shipped_on = models.DateField(_("shipment date"), null=True, blank=True)
    defective_quantity = models.PositiveIntegerField(_("defective quantity"), default=0)
    shipped_quantity = models.PositiveIntegerField(_("quantity shipped"), default=0)
    problem = models.TextField(_("problem"))
    analysis = models.TextField(_("analysis (cause)"), blank=True)
    responsibility = models.CharField(_("responsibility"), max_length=20,
                                      choices=Responsibility.choices, blank=True)
    containment = models.TextField(_("containment measures"), blank=True)
    corrective = models.TextField(_("corrective measures"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"),
                                  on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("quality exception report")
        verbose_name_plural = _("quality exception reports")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "opened_at"], name="qreport_status")]

    def __str__(self) -> str:
        return self.number

    @property
    def return_ratio(self):
        """Defective / shipped, in percent (S3.2 退货比例), or None."""
        if not self.shipped_quantity:
            return None
        return round(self.defective_quantity * 100 / self.shipped_quantity, 1)


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("quality", "Open")
    DONE = "done", _("Done, to verify")
    VERIFIED = "verified", _("Verified")


class CorrectiveAction(models.Model):
    """A corrective action (S3.6: train the staff on the issue) with an owner and a due date."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="corrective_actions")
    report = models.ForeignKey(QualityReport, verbose_name=pgettext_lazy("quality", "report"),
                               null=True, blank=True, on_delete=models.PROTECT,
                               related_name="actions")
    description = models.TextField(pgettext_lazy("quality", "action"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"),
                              on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices,
                              default=ActionStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                    verbose_name=pgettext_lazy("quality", "verified by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    verified_at = models.DateTimeField(pgettext_lazy("quality", "verified at"), null=True,
                                       blank=True)
    verification = models.TextField(_("verification"), blank=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="capa_status_due")]

    def __str__(self) -> str:
        return self.description[:60]


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent to the supplier")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the supplier")
    DISPUTED = "disputed", _("Disputed by the supplier")
    TO_FINANCE = "to_finance", _("Passed to finance")
    DEDUCTED = "deducted", _("Deducted")


# The moves a claim may make (S3.5): who may make them is in services.claims.
CLAIM_MOVES: dict[str, tuple[str, ...]] = {
    ClaimStatus.DRAFT: (ClaimStatus.SENT,),
    ClaimStatus.SENT: (ClaimStatus.ACKNOWLEDGED, ClaimStatus.DISPUTED),
    ClaimStatus.DISPUTED: (ClaimStatus.SENT, ClaimStatus.ACKNOWLEDGED),
    ClaimStatus.ACKNOWLEDGED: (ClaimStatus.TO_FINANCE,),
    ClaimStatus.TO_FINANCE: (ClaimStatus.DEDUCTED,),
    ClaimStatus.DEDUCTED: (),
}


class SupplierClaim(models.Model):
    """物料异常联络函 (S3.5): raw material caused the return or scrap; the supplier is told, and
    finance gets the loss documents and the deduction amount."""

    number = models.CharField(_("number"), max_length=30, unique=True)  # ME-2026-000001
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="supplier_claims")
    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="claims")
    supplier = models.ForeignKey("parties.Supplier", verbose_name=_("supplier"),
                                 on_delete=models.PROTECT, related_name="claims")
    material = models.CharField(_("material"), max_length=200)
    defect_code = models.CharField(_("defect code"), max_length=40, blank=True)
    defect = models.TextField(_("defect"))
    quantity = models.PositiveIntegerField(_("quantity"))
    loss_amount = models.DecimalField(_("loss"), max_digits=12, decimal_places=2)
    deduction_amount = models.DecimalField(_("deduction"), max_digits=12, decimal_places=2)
    documents = models.ManyToManyField("cases.Attachment", verbose_name=_("loss documents"),
                                       blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=15, choices=ClaimStatus.choices,
                              default=ClaimStatus.DRAFT)
    supplier_reply = models.TextField(_("supplier's reply"), blank=True)
    finance_reference = models.CharField(_("deduction reference"), max_length=80, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("material exception letter")
        verbose_name_plural = _("material exception letters")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="claim_status")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="claim_quantity_positive"),
            models.CheckConstraint(condition=Q(loss_amount__gte=0, deduction_amount__gte=0),
                                   name="claim_amounts_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number


class SupplierClaimEvent(models.Model):
    """One status change of a claim, with its actor and time (S3.5)."""

    claim = models.ForeignKey(SupplierClaim, verbose_name=_("claim"), on_delete=models.CASCADE,
                              related_name="events")
    from_status = models.CharField(_("from"), max_length=15, choices=ClaimStatus.choices,
                                   blank=True)
    to_status = models.CharField(_("to"), max_length=15, choices=ClaimStatus.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("supplier claim event")
        verbose_name_plural = _("supplier claim events")
        ordering = ["claim", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
