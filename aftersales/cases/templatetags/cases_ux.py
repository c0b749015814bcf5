"""Case page helpers: ``{% load cases_ux %}``.

- ``{{ case|state_label }}``, ``{{ case|state_tag }}`` (tag colour), ``{{ case|product }}``
- ``{{ some_labels|pick_label }}`` a {zh, en} dict in the page's language
- ``{{ case|state_of:"code" }}`` another state's label (timeline from → to)
- ``{{ case|case_due }}`` the countdown tag, in working days where the SLA counts them
- ``{% supervisor_panel user as panel %}`` breaches and fines for a supervisor's home page
"""

from datetime import date, datetime

from django import template
from django.contrib.auth import get_user_model
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.accounts.roles import SUPERVISOR_ROLES
from aftersales.calendars.calendar import CalendarYearMissing, get_calendar
from aftersales.cases import labels as labels_
from aftersales.cases import selectors
from aftersales.cases.models import INTAKE_REASONS, Case, CaseKind
from aftersales.cases.selectors import fines_ledger, supervisor_breaches
from aftersales.core import labels, pii
from aftersales.core.templatetags.ux import due_state, due_tag, format_when
from aftersales.policy.forms import REASON_CHOICES
from aftersales.workflow.vocabulary import Requirement

register = template.Library()


@register.filter
def state_label(case) -> str:
    return selectors.state_label(case)


@register.filter
def state_of(case, code) -> str:
    return selectors.state_label(case, code or "")


@register.filter
def state_tag(case) -> str:
    return selectors.state_tag(case)


def _working_days_between(a: date, b: date) -> int:
    try:
        return get_calendar().working_days_between(a, b)
    except CalendarYearMissing:  # a year the calendar lacks: fall back to natural time
        return 0


@register.filter
def case_due(item):
    """The countdown of a case's (or any item's) ``due_at`` as a coloured tag: "剩 3 个工作日"
    where the case's SLA is in working days (UX.md), hours on the day it is due."""
    due_at = getattr(item, "due_at", None)
    counter = None
    if isinstance(item, Case) and selectors.due_in_working_days(item):
        counter = _working_days_between
    return due_tag(due_state(due_at, working_days=counter))


@register.simple_tag
def colon() -> str:
    """The separator after a label in the page's language: "：" in Chinese, ": " in English
    (``{% translate "Confirm" %}{% colon %}{{ t.label }}``)."""
    return pgettext("separator after a label", ": ")


@register.filter
def bracketed(value) -> str:
    """A remark in brackets after what it explains: " (剩 3 个工作日)" with Chinese full-width
    brackets "（剩 3 个工作日）" in Chinese; markup in the value is kept."""
    return format_html(pgettext("a remark in brackets", " ({})"), value)


@register.filter
def next_owner(case) -> str:
    return selectors.next_owner(case)


@register.filter
def product(case) -> str:
    return selectors.first_product(case)


register.filter("pick_label", labels.pick_label)


@register.filter
def kind_label(code) -> str:
    try:
        return str(CaseKind(code).label)
    except ValueError:
        return code or ""


@register.simple_tag
def supervisor_panel(user) -> dict | None:
    """Open breaches escalated to this supervisor and the latest fines (X2, S3.4)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not (user.role_codes & SUPERVISOR_ROLES or user.is_superuser):
        return None
    return {"breaches": list(supervisor_breaches(user)[:20]),
            "fines": list(fines_ledger()[:10])}


@register.simple_tag
def qty_value(posted, line_no) -> str:
    """The quantity typed for an order line, kept when the form comes back with an error."""
    return posted.get(f"qty_{line_no}", "")


@register.filter
def resolution_label(code) -> str:
    return labels_.resolution_label(code)


@register.filter
def deadline_label(code) -> str:
    return {"decide_by": _("Decide by"), "ship_back_by": _("Ship back by"),
            "refund_by": _("Refund by"), "repair_by": _("Repair done by"),
            "complete_by": _("Everything done by"),
            "reship_by": _("Replacement shipped by")}.get(code, code)


@register.filter
def get_label(labels, code) -> str:
    return (labels or {}).get(code, code)


@register.filter
def payer_staff(code) -> str:
    return {"customer": _("Customer"), "company": _("Company")}.get(code or "", code or "—")


@register.filter
def iso_when(value) -> str:
    """An ISO date/time string from a decision shown the Chinese way (``2026-12-03 23:59``)."""
    if not value:
        return "—"
    text = str(value)
    try:
        return format_when(datetime.fromisoformat(text) if "T" in text
                           else date.fromisoformat(text))
    except ValueError:
        return text


@register.filter
def reason_label(code) -> str:
    """The customer's reason by name (the policy's reasons include some intake doesn't offer,
    such as allergy)."""
    names = {**dict(REASON_CHOICES), **dict(INTAKE_REASONS)}
    return str(names.get(code or "", code or ""))


@register.filter
def fine_what(fine) -> str:
    """What a fine is for, in words: "超时 第 2 天" / "违反流程 第 1 次" (the rule id is shown
    apart, as secondary text)."""
    if fine.kind == "late":
        return _("%(kind)s, day %(n)s") % {"kind": fine.get_kind_display(), "n": fine.day}
    return _("%(kind)s, occurrence %(n)s") % {"kind": fine.get_kind_display(), "n": fine.day}


@register.simple_tag
def staff_names(rows, key="person__username") -> dict:
    """{username: the person's name} for rows of values() that carry only the username (one
    query): a login name is not what a page shows."""
    usernames = {row.get(key) for row in rows if row.get(key)}
    if not usernames:
        return {}
    return {u.username: str(u) for u in get_user_model().objects.filter(username__in=usernames)}


@register.filter
def policy_title(decision_policy, case) -> str:
    """The policy a decision was made under, by its title (网店售后政策), not its file name."""
    name = (decision_policy or {}).get("name", "")
    version = getattr(case, "policy_version", None)
    if version is not None and version.policy.name == name and version.policy.title:
        return version.policy.title
    return name


@register.filter
def fact_label(code) -> str:
    try:
        return str(Requirement(code).label)
    except ValueError:
        return code or ""


@register.filter
def responsibility_label(code) -> str:
    return {"company": _("our fault"), "customer": _("customer's fault"),
            "supplier": _("supplier"), "factory": _("outsourced factory"),
            "carrier": _("carrier")}.get(code or "", code or "")


@register.filter
def contact_field_label(code) -> str:
    return str({"phone": _("phone"), "email": _("e-mail"), "address": _("address")}
               .get(code, code))


# Personal data shown in lists and to roles that don't talk to customers (core.pii).
register.filter("mask_phone", pii.mask_phone)
register.filter("mask_address", pii.mask_address)
