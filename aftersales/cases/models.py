"""The after-sales case (售后单) and what hangs off it: lines, attachments, the timeline (X1),
the fine ledger (S3.4), escalations (X2).

States are data from the workflow in the policy (S9.7, issue 4 item 3); a case stores its state
code and the state's category (open / waiting_customer / paused / resolved / closed) so that
queues and the SLA sweep filter on columns, not on documents. Logistics, repairs, quality and
finance (later issues) hang their records off Case through a ForeignKey.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.choices import BusinessLine


class CaseKind(models.TextChoices):
    CONSULT = "consult", _("Enquiry")  # 咨询
    COMPLAINT = "complaint", _("Complaint")  # 投诉
    RETURN = "return", _("Return")  # 退货（退货退款）
    EXCHANGE = "exchange", _("Exchange")  # 换货
    REPAIR = "repair", _("Repair")  # 维修 / 返修
    REFUND_ONLY = "refund_only", _("Refund only")  # 仅退款


# The reasons a customer gives at intake (the policy request's ``reason``), as the intake page
# and the portal offer them.
INTAKE_REASONS = [("quality", _("Quality problem")),
                  ("no_reason", _("No reason (7 days)")),
                  ("damaged_in_transit", _("Damaged in transit")),
                  ("wrong_item", _("Wrong item")),
                  ("missing_part", _("Missing part")),
                  ("not_as_described", _("Not as described")),
                  ("other", _("Other"))]


class CaseChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Online chat")
    EMAIL = "email", _("E-mail")
    WEB_PORTAL = "web_portal", _("Web portal")
    IN_PERSON = "in_person", _("In person")
    API = "api", _("API")
    IMPORT = "import", _("Import")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")  # S11.3: urgent → next day


class StateCategory(models.TextChoices):
    """What a workflow state means for the clocks (USERS-ASK: status categories)."""

    OPEN = "open", _("Open")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting for the customer")
    PAUSED = "paused", _("Paused")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class AdjustmentStatus(models.TextChoices):
    NONE = "", _("None")
    PENDING = "pending", _("Waiting for a supervisor")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class CaseNumberSequence(models.Model):
    """One row per year; locked while the next case number is taken (unique under load)."""

    year = models.PositiveIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=20, unique=True)  # AS-2026-000123
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=CaseChannel.choices)
    business_line = models.CharField(_("business line"), max_length=20,
                                     choices=BusinessLine.choices)
    # --- who
    # Foreign keys carry no single-column index unless a query needs one: the composite
    # indexes in Meta serve the queues, and every index slows intake (issue 4 item 11a).
    customer = models.ForeignKey("parties.Customer", verbose_name=_("customer"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="cases",
                                 db_index=False)  # case_customer (customer, created_at) serves
    contact_name = models.CharField(_("contact name"), max_length=80, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True,
                                     db_index=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    dealer = models.ForeignKey("parties.Dealer", verbose_name=_("dealer"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="cases")
    factory = models.ForeignKey("parties.OutsourcedFactory", verbose_name=_("responsible factory"),
                                null=True, blank=True, on_delete=models.PROTECT,
                                related_name="cases")  # S2.6 routing
    # --- what was bought (S1.2)
    order = models.ForeignKey("sales.Order", verbose_name=_("order"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="cases", db_index=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", db_index=False)
    # --- the problem (S1.1, S1.3)
    reason = models.CharField(_("reason"), max_length=30, blank=True)  # POLICY-API reason codes
    symptom = models.CharField(_("symptom"), max_length=200, blank=True)
    defect_category = models.CharField(_("defect category"), max_length=60, blank=True)
    description = models.TextField(_("description in the customer's words"), blank=True)
    quantity_affected = models.PositiveIntegerField(_("quantity affected"), null=True, blank=True)
    problem_confirmed_at = models.DateTimeField(_("problem confirmed at"), null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=list, blank=True)  # POLICY-API evidence
    damage_cause = models.CharField(_("damage cause"), max_length=30, blank=True)
    exchange_for = models.JSONField(_("exchange for"), default=list, blank=True)
    # Facts the workflow's transitions require (quality_judgment, report_reviewed, …), recorded
    # by services as {fact: {"by": user id, "at": iso, ...}}.
    facts = models.JSONField(_("recorded facts"), default=dict, blank=True)
    # --- handling
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices,
                                default=Priority.NORMAL)
    key_account = models.BooleanField(_("key account"), default=False)  # 重点客户
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="cases", db_index=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True,
                                 blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_cases", db_index=False)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    # --- workflow
    workflow_key = models.CharField(_("workflow"), max_length=80)
    state = models.CharField(_("state"), max_length=60)
    state_category = models.CharField(_("state category"), max_length=20,
                                      choices=StateCategory.choices, default=StateCategory.OPEN)
    state_seq = models.PositiveIntegerField(_("state entry number"), default=1)
    previous_state = models.CharField(_("previous state"), max_length=60, blank=True)
    # --- policy decision (S1.4, S9.7)
    policy_version = models.ForeignKey("policy.PolicyVersion", verbose_name=_("policy version"),
                                       null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="cases", db_index=False)
    decision = models.JSONField(_("decision"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # --- agreement (S1.5)
    agreed_option = models.JSONField(_("agreed option"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    agreed_by_customer = models.BooleanField(_("accepted by the customer"), default=False)
    adjustment_amount = models.DecimalField(_("adjustment amount"), max_digits=12,
                                            decimal_places=2, null=True, blank=True)
    adjustment_note = models.TextField(_("adjustment note"), blank=True)
    adjustment_status = models.CharField(_("adjustment status"), max_length=10, blank=True,
                                         choices=AdjustmentStatus.choices)
    adjusted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("adjusted by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", db_index=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", db_index=False)
    resolution = models.CharField(_("resolution"), max_length=20, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    appeal_count = models.PositiveIntegerField(_("appeals"), default=0)  # S9.3
    # --- clocks (X2)
    state_entered_at = models.DateTimeField(_("state entered at"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    sla_paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    # The clock due_at belongs to (a state's SLA clock name, or "state:<code>"); kept while
    # the case waits for the customer so the same clock resumes afterwards.
    sla_clock = models.CharField(_("SLA clock"), max_length=80, blank=True)
    end_to_end_due_at = models.DateTimeField(_("end-to-end due"), null=True, blank=True)  # S9.2
    end_to_end_paused_at = models.DateTimeField(_("end-to-end clock paused at"), null=True,
                                                blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # S9.2: when the sweep escalated the end-to-end breach — once per case, never reset.
    end_to_end_escalated_at = models.DateTimeField(_("end-to-end breach escalated at"),
                                                   null=True, blank=True)
    # When the sweep must next look at this case (the due time, then each further day late
    # while a per-day fine runs); NULL when there is nothing to watch. Indexed for the sweep.
    sla_next_check_at = models.DateTimeField(_("next SLA check"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # --- evaluation (S1.7)
    csat_score = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    csat_comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    # --- integrity
    portal_salt = models.CharField(_("portal link salt"), max_length=32)  # see portal.py
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True,
                                       blank=True, unique=True)
    # SHA-256 of the intake request the key came with: the same key with another body is
    # refused instead of answered with this case.
    idempotency_hash = models.CharField(_("idempotency request hash"), max_length=64,
                                        blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)  # optimistic lock
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", db_index=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("last changed by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", db_index=False)
    updated_by_label = models.CharField(_("last changed by (label)"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("after-sales case")
        verbose_name_plural = _("after-sales cases")
        ordering = ["-created_at"]
        indexes = [
            # The queue's parts, one state each, in list order (selectors.queue_parts); the
            # columns they filter on come last, so counting a part reads the index alone.
            models.Index(fields=["state", "due_at", "created_at", "id", "business_line",
                                 "workflow_key", "state_category", "assignee"],
                         name="case_state_queue"),
            # The user's own part of the queue, in list order; also the look-ups by assignee.
            models.Index(fields=["assignee", "due_at", "created_at", "id"],
                         name="case_assignee_due_order"),
            models.Index(fields=["department", "state"], name="case_department_state"),
            models.Index(fields=["sla_next_check_at"], name="case_sla_next_check",
                         condition=Q(sla_next_check_at__isnull=False)),
            models.Index(fields=["customer", "created_at"], name="case_customer"),
            models.Index(fields=["order"], name="case_order"),
            # The overdue list: running cases by due time, in list order.
            models.Index(fields=["state_category", "due_at", "created_at", "id"],
                         name="case_category_due_order"),
            # The lists' order (overdue first, then due soonest), issue 4 item 11b.
            models.Index(fields=["due_at", "created_at", "id"], name="case_due_order"),
            # The sweep's end-to-end look (S9.2): running clocks not yet escalated only.
            models.Index(fields=["end_to_end_due_at"], name="case_e2e_due_unescalated",
                         condition=Q(end_to_end_due_at__isnull=False,
                                     end_to_end_paused_at__isnull=True,
                                     end_to_end_escalated_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(csat_score__isnull=True) | Q(csat_score__gte=1, csat_score__lte=5),
                name="case_csat_1_to_5"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        try:
            return reverse("cases:detail", kwargs={"number": self.number})
        except NoReverseMatch:  # the pages are added by the web engineer
            return ""

    @property
    def is_closed(self) -> bool:
        return self.state_category == StateCategory.CLOSED

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_at and self.sla_paused_at is None and self.due_at < timezone.now()
                    and self.state_category == StateCategory.OPEN)

    @property
    def is_end_to_end_overdue(self) -> bool:
        """S9.2: the whole process past its end-to-end due time (clock not paused)."""
        return bool(self.end_to_end_due_at and self.end_to_end_paused_at is None
                    and self.end_to_end_due_at < timezone.now()
                    and self.state_category == StateCategory.OPEN)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def changed_by_label(self) -> str:
        return str(self.updated_by) if self.updated_by_id else self.updated_by_label


class CaseLine(models.Model):
    """An order line the case is about, with the quantity concerned (≤ bought)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="lines")
    order_line = models.ForeignKey("sales.OrderLine", verbose_name=_("order line"),
                                   on_delete=models.PROTECT, related_name="case_lines")
    quantity = models.PositiveIntegerField(_("quantity"))
    serial = models.CharField(_("serial number"), max_length=80, blank=True, db_index=True)
    condition = models.JSONField(_("condition"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("case line")
        verbose_name_plural = _("case lines")
        ordering = ["case", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="caseline_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.order_line_id} ×{self.quantity}"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")


class Attachment(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="attachments")
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/")
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    content_type = models.CharField(_("content type"), max_length=60)  # sniffed from the bytes
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    original_name = models.CharField(_("original name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    by_customer = models.BooleanField(_("uploaded by the customer"), default=False)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["case", "created_at"]

    def __str__(self) -> str:
        return self.original_name


class EventKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    VERIFIED = "verified", _("Order and customer verified")
    PROBLEM_CONFIRMED = "problem_confirmed", _("Problem confirmed")
    EVALUATED = "evaluated", _("Policy evaluated")
    OPTION_ACCEPTED = "option_accepted", _("Option accepted")
    ADJUSTED = "adjusted", _("Adjustment proposed")
    ADJUSTMENT_APPROVED = "adjustment_approved", _("Adjustment approved")
    ADJUSTMENT_REFUSED = "adjustment_refused", _("Adjustment refused")
    FACT_RECORDED = "fact_recorded", _("Recorded")
    TRANSITIONED = "transitioned", _("State changed")
    REJECTED = "rejected", _("Rejected")
    APPEALED = "appealed", _("Appealed")
    CLOSED = "closed", _("Closed")
    RATED = "rated", _("Rated")
    ASSIGNED = "assigned", _("Assigned")
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
    NOTE = "note", _("Note")
    SLA_BREACHED = "sla_breached", _("Overdue")
    FINE_BOOKED = "fine_booked", _("Fine booked")
    FINE_WAIVED = "fine_waived", _("Fine waived")
    CONTACT_REVEALED = "contact_revealed", _("Contact details shown")


class CaseEvent(models.Model):
    """The append-only timeline (X1); written only through aftersales.cases.events."""

    # db_index=False: the (case, at) index below serves every lookup by case.
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="events", db_index=False)
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("actor"), max_length=80, blank=True)  # customer / system
    from_state = models.CharField(_("from state"), max_length=60, blank=True)
    to_state = models.CharField(_("to state"), max_length=60, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    customer_visible = models.BooleanField(_("shown to the customer"), default=False)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("case events are append-only")
        super().save(*args, **kwargs)


class FineKind(models.TextChoices):
    LATE = "late", _("Late")  # S3.4: each day of delay
    VIOLATION = "violation", _("Procedure violation")  # S3.4: each occurrence


class FineStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    WAIVED = "waived", _("Waived")


class Fine(models.Model):
    """One line of the fine ledger (罚款, S3.4); fines go to finance."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="fines")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person fined"),
                               null=True, blank=True, on_delete=models.PROTECT,
                               related_name="fines")
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="fines")
    rule = models.CharField(_("rule"), max_length=40)  # e.g. "S3.4-late"
    kind = models.CharField(_("kind"), max_length=10, choices=FineKind.choices)
    state = models.CharField(_("state"), max_length=60)
    state_seq = models.PositiveIntegerField(_("state entry number"))
    day = models.PositiveIntegerField(_("day late / occurrence"))
    days_late = models.PositiveIntegerField(_("days late"), default=0)
    serious = models.BooleanField(_("serious"), default=False)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    due_at = models.DateTimeField(_("was due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=FineStatus.choices,
                              default=FineStatus.BOOKED)
    note = models.TextField(_("note"), blank=True)
    booked_at = models.DateTimeField(_("booked at"))
    waived_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("waived by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    waiver_reason = models.TextField(_("waiver reason"), blank=True)
    waived_at = models.DateTimeField(_("waived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fine")
        verbose_name_plural = _("fines")
        ordering = ["-booked_at", "id"]
        constraints = [
            # Idempotency of the sweep: one fine per case, rule, state entry and day.
            models.UniqueConstraint(fields=["case", "rule", "state_seq", "day"],
                                    name="fine_once_per_day"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="fine_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["person", "booked_at"], name="fine_person"),
            models.Index(fields=["department", "booked_at"], name="fine_department"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} ¥{self.amount}"


class EscalationKind(models.TextChoices):
    STEP = "step", _("Step overdue")
    END_TO_END = "end_to_end", _("Whole case overdue")  # S9.2 15 working days


class Escalation(models.Model):
    """A breach escalated to a supervisor (X2) — once per state entry; the end-to-end breach
    (S9.2) once per case (state_seq 0)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="escalations")
    kind = models.CharField(_("kind"), max_length=20, choices=EscalationKind.choices,
                            default=EscalationKind.STEP, db_default=EscalationKind.STEP)
    state = models.CharField(_("state"), max_length=60)
    state_seq = models.PositiveIntegerField(_("state entry number"))
    due_at = models.DateTimeField(_("was due"))
    escalated_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("escalated to"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="escalations")
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="escalations")
    at = models.DateTimeField(_("escalated at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "state_seq"],
                                    name="escalation_once_per_kind_entry"),
        ]
        indexes = [
            models.Index(fields=["escalated_to", "resolved_at"], name="escalation_open_for"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.state} {self.at:%Y-%m-%d %H:%M}"
