"""Names of the case codes that have no TextChoices of their own (a resolution comes from the
policy's options), for pages and messages alike: no code reaches a person (issue 10 item 5)."""

from django.utils.translation import gettext as _


def resolution_label(code: str | None) -> str:
    """``exchange`` → 换货; an unknown code is shown as it is."""
    names = {"return": _("Return and refund"), "exchange": _("Exchange"),
             "repair": _("Free repair"), "paid_repair": _("Paid repair"),
             "refund_only": _("Refund only (keep the goods)"),
             "adjustment": _("Agreed adjustment"), "refund": _("Refund"),
             "rejected": _("Rejected"), "withdrawn": _("Withdrawn"), "reship": _("Reship"),
             "advance_replacement": _("Advance replacement")}
    return str(names.get(code or "", code or ""))


def condition_labels() -> dict[str, str]:
    """The item condition checks of the policy request (POLICY-API ``condition``), named."""
    return {"unused": _("Unused"), "packaging_intact": _("Packaging intact"),
            "seal_intact": _("Seal intact"), "tags_attached": _("Tags attached"),
            "activated": _("Activated"), "all_parts_present": _("All parts and gifts present"),
            "data_traces": _("Personal data on the device")}


def evidence_labels() -> dict[str, str]:
    """The evidence kinds of the policy request (POLICY-API ``evidence``), named."""
    return {"photos": _("Photos"), "inspection_report": _("Inspection report"),
            "medical_certificate": _("Medical certificate"),
            "complaint_record": _("Complaint record"), "invoice": _("Invoice"),
            "warranty_card": _("Warranty card (三包凭证)"),
            "proof_of_purchase": _("Proof of purchase"), "injury_report": _("Injury report"),
            "video": _("Video")}


def decision_fact_labels() -> dict[str, str]:
    """The workflow facts a policy decision states (S8.2, S10.4)."""
    return {"in_warranty": _("In warranty"),
            "warranty_card": _("Warranty card returned in time")}
