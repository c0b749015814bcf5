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
