"""The words a workflow document may use (issue 4 item 3; STYLE.md "State").

Roles come from aftersales.accounts.roles.Role; everything else a workflow names is listed here,
in one place, so that the policy validator, the cases app (which computes facts from a case) and
the documentation agree.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import DepartmentCode, Role

# The pseudo-role of the customer acting on the portal. It is never a Group; a transition marked
# `customer: true` may be made by it (S5.1 online application, S1.5 accepting an option, S9.3
# appeal, S1.7 rating).
CUSTOMER = "customer"

# Case kinds (GLOSSARY.md CaseKind). The cases app owns the TextChoices; the codes are shared.
CASE_KINDS = ("consult", "complaint", "return", "exchange", "repair", "refund_only")


class Category(models.TextChoices):
    """What a state means for the SLA clock (USERS-ASK.md "status categories")."""

    OPEN = "open", _("open")  # the company acts; the clock runs
    WAITING_CUSTOMER = "waiting_customer", _("waiting for the customer")  # clock paused
    PAUSED = "paused", _("paused")  # clock paused (e.g. waiting for a supplier's material)
    RESOLVED = "resolved", _("resolved")  # the outcome is given; clock stopped
    CLOSED = "closed", _("closed")  # final


CLOCK_PAUSED = frozenset({Category.WAITING_CUSTOMER, Category.PAUSED})
CLOCK_STOPPED = frozenset({Category.RESOLVED, Category.CLOSED})


class SlaUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")  # end of the n-th working day after start
    DAYS = "days", _("days")  # end of the n-th natural day after start (民法典 art. 201)
    BUSINESS_HOURS = "business_hours", _("business hours")  # on the business-hours calendar
    HOURS = "hours", _("hours")  # natural hours (S3.4 "24 小时内")


class Requirement(models.TextChoices):
    """Named facts a transition may require (or forbid). The cases app computes the set of facts
    a case has; the workflow only names them."""

    # S1 consumer reception
    VERIFIED_ORDER = "verified_order", _("the order and the customer are verified")  # S1.2
    PROBLEM_CONFIRMED = "problem_confirmed", _("the problem is confirmed")  # S1.3
    POLICY_DECISION = "policy_decision", _("the policy decision is stored")  # S1.4
    OPTION_ACCEPTED = "option_accepted", _("the customer accepted an option")  # S1.5
    # S1.5
    WITHIN_AUTHORITY = "within_authority", _("the adjustment is within the agent's authority")
    RATING = "rating", _("the customer gave a rating")  # S1.7
    NEW_EVIDENCE = "new_evidence", _("new evidence is attached")  # S9.3 appeal
    # logistics and money (S5, S7, S9)
    RMA_ISSUED = "rma_issued", _("the return authorization is issued")  # S5.3
    TRACKING_NUMBER = "tracking_number", _("the return tracking number is recorded")  # S5.4
    GOODS_RECEIVED = "goods_received", _("the goods are received")  # S5.5
    INSPECTION_PASSED = "inspection_passed", _("the inspection on receipt passed")  # S5.5
    FINANCE_APPROVAL = "finance_approval", _("finance approved the refund")  # S7.2
    REFUND_REVIEWED = "refund_reviewed", _("customer service reviewed the refund")  # S7.2
    REFUND_PAID = "refund_paid", _("the refund is paid")  # S7.2
    REPLACEMENT_SHIPPED = "replacement_shipped", _("the replacement is shipped")  # S4.3, S8.1
    DEFECTIVE_RETURNED = "defective_returned", _(
        "the defective unit of an advance replacement is back")  # S8.1
    INSPECTION_REPORT = "inspection_report", _("an inspection report is attached")  # S7.3
    COMPLAINT_RECORD = "complaint_record", _("the complaint record is attached")  # S7.3
    # member store (S4)
    # S4.3 换货申请
    EXCHANGE_APPLICATION = "exchange_application", _("the exchange application is submitted")
    DIFFERENCE_COLLECTED = "difference_collected", _("the price difference is collected")  # S4.3
    PURCHASE_PROOF = "purchase_proof", _("proof of purchase is given")  # S4.4
    # B2B quality returns (S2, S3)
    RETURN_FORM = "return_form", _("the return processing form is filled in")  # S2.4 退货处理单
    QUALITY_JUDGMENT = "quality_judgment", _("quality judged responsibility")  # S2.5
    FACTORY_RESPONSIBLE = "factory_responsible", _("the outsourced factory is responsible")  # S2.2
    WHOLE_BATCH = "whole_batch", _("a whole batch of one factory's product")  # S2.6
    REPORT_OPENED = "report_opened", _("the quality exception report is opened")  # S3.2
    REPORT_REVIEWED = "report_reviewed", _("the sales VP reviewed the report")  # S3.2
    RECEIPT_MATCHES = "receipt_matches", _("goods, form and quantity match")  # S2.7
    OUTGOING_INSPECTION = "outgoing_inspection", _("the outgoing inspection passed")  # S3.1
    QUOTE_CONFIRMED = "quote_confirmed", _("the customer confirmed the repair quote")  # S2.2, S8.2
    SUPPLIER_CLAIM = "supplier_claim", _("the material exception letter is sent")  # S3.5
    # electronics rework (S8, S11)
    DISPATCH_FORM = "dispatch_form", _("the service dispatch form is co-signed")  # S11.2
    RMA_FORM = "rma_form", _("the RMA form is filled in")  # S8.4
    PROBLEM_SHEET = "problem_sheet", _("the customer problem flow sheet is filled in")  # S8.5
    IN_WARRANTY = "in_warranty", _("the unit is in warranty")  # S8.2
    KEY_ACCOUNT = "key_account", _("a key customer or key product")  # S8.5
    LARGE_LOT = "large_lot", _("the lot is above the repair shop's quantity")  # S11.1
    IPQC_CONFIRMED = "ipqc_confirmed", _("IPQC confirmed the recovered parts")  # S11.6
    MATERIAL_READY = "material_ready", _("the material is complete")  # S11.8
    # machinery dealers (S10)
    SERVICE_REGISTER = "service_register", _("the service register entry is made")  # S10.2
    WARRANTY_CARD = "warranty_card", _("the warranty card came back in time")  # S10.4
    OLD_PART_RECOVERED = "old_part_recovered", _("the old part is recovered")  # S10.1
    APPRAISAL = "appraisal", _("the technical appraisal is done")  # S10.1


# Facts that only a numbered record sets (issue 11 item 9): a workflow names the fact in
# `requires`, and the service that creates the record — the receipt, the inspection, the refund
# payment — sets it on the case in the same transaction. Nobody ticks them by hand. The value
# names the record, for the case page and the docs.
RECORD_FACTS: dict[str, str] = {
    Requirement.RMA_ISSUED: "logistics.ReturnAuthorization",
    Requirement.TRACKING_NUMBER: "logistics.ReturnAuthorization",  # its shipment
    Requirement.GOODS_RECEIVED: "logistics.Receipt",
    Requirement.RECEIPT_MATCHES: "logistics.Receipt",  # no open discrepancy
    Requirement.RETURN_FORM: "logistics.ReturnForm",
    Requirement.WHOLE_BATCH: "logistics.ReturnAuthorization",  # routed to the factory (S2.6)
    Requirement.REPLACEMENT_SHIPPED: "logistics.Shipment",
    Requirement.DEFECTIVE_RETURNED: "logistics.Receipt",
    Requirement.INSPECTION_PASSED: "quality.Inspection",
    Requirement.OUTGOING_INSPECTION: "quality.Inspection",  # of kind "outgoing" (S3.1)
    Requirement.QUALITY_JUDGMENT: "quality.Inspection",
    Requirement.FACTORY_RESPONSIBLE: "quality.Inspection",
    Requirement.REPORT_OPENED: "quality.QualityReport",
    Requirement.REPORT_REVIEWED: "quality.QualityReport",
    Requirement.SUPPLIER_CLAIM: "quality.SupplierClaim",
    Requirement.REFUND_REVIEWED: "finance.Refund",
    Requirement.FINANCE_APPROVAL: "finance.Refund",
    Requirement.REFUND_PAID: "finance.Refund",
    Requirement.DIFFERENCE_COLLECTED: "charges.CashierReceipt",
    Requirement.QUOTE_CONFIRMED: "charges.Quote",
}

# What a transition may follow (`follows`): it is made in the same action as that decision,
# not pressed as a second button (issue 10 item 4: one click approves an adjustment).
# ``option_accepted``: the customer's acceptance of an option makes the step for that solution;
# ``outgoing_inspection_failed``: a failed 出货检验 record sends the goods back (S3.1).
OUTGOING_FAILED = "outgoing_inspection_failed"
FOLLOWS = frozenset({"adjustment_approved", "adjustment_refused", "option_accepted",
                     OUTGOING_FAILED})

# The solutions a case may agree on (POLICY-API option resolutions, and a goodwill adjustment);
# a transition may be for some of them only (`resolutions`, issue 10 item 3).
RESOLUTIONS = frozenset({"return", "exchange", "repair", "paid_repair", "refund_only",
                         "adjustment"})

ROLE_CODES = frozenset(Role.values)
ACTOR_CODES = ROLE_CODES | {CUSTOMER}
DEPARTMENT_CODES = frozenset(DepartmentCode.values)

# Where a breach escalates when a state's SLA names no role (S3.4, X2): the department's
# supervisor, else management.
DEPARTMENT_SUPERVISOR: dict[str, str] = {
    DepartmentCode.CUSTOMER_SERVICE: Role.CS_SUPERVISOR,
    DepartmentCode.SALES: Role.SALES_SUPERVISOR,
    DepartmentCode.QUALITY: Role.QUALITY_SUPERVISOR,
}
DEFAULT_ESCALATION = Role.MANAGEMENT
