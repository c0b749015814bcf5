"""The policy's ``refunds`` section (docs/policy-format.md): approval limits per role (S7.2),
the refund clock after receipt (B7-13, S9.5) and its breach (B7-31), the payment providers'
limits (PAY-7), and the company printed on the refund slip. Rules the company changes live
here, never in code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.calendars.calendar import SHANGHAI, get_calendar
from aftersales.core.errors import ValidationError
from aftersales.core.money import AmountError, amount_parse

SECTION = "refunds"
UNITS = ("days", "working_days")
GATEWAY_KEYS = ("refund_window_days", "max_partial_refunds")


@dataclass(frozen=True)
class Period:
    amount: int
    unit: str  # days | working_days


@dataclass(frozen=True)
class RefundRules:
    # role → the largest amount it approves alone; None = no limit. A role not listed can't.
    approval_limits: dict[str, Decimal | None]
    due_after_receipt: Period | None
    breach_after_receipt: Period | None
    gateways: dict[str, dict[str, int]] = field(default_factory=dict)
    company: dict[str, str] = field(default_factory=dict)
    present: bool = True


def _bad(path: str, message: str, source: str) -> ValidationError:
    return ValidationError(_("%(source)s: %(path)s: %(message)s")
                           % {"source": source, "path": path, "message": message},
                           fields={path: message})


def _period(data: Any, path: str, source: str) -> Period:
    if not isinstance(data, dict) or set(data) - {"amount", "unit"}:
        raise _bad(path, _("expected {amount, unit}"), source)
    amount, unit = data.get("amount"), data.get("unit", "days")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= 3650:
        raise _bad(f"{path}.amount", _("a whole number of days from 1 to 3650"), source)
    if unit not in UNITS:
        raise _bad(f"{path}.unit", _("one of %(units)s") % {"units": ", ".join(UNITS)}, source)
    return Period(amount, unit)


def parse_section(data: Any, *, source: str = "policy") -> RefundRules:
    """The section checked and read; raises ValidationError naming the path."""
    if not isinstance(data, dict):
        raise _bad(SECTION, _("expected a mapping"), source)
    known = {"approval_limits", "due_after_receipt", "breach_after_receipt", "gateways",
             "company"}
    for key in data:
        if key not in known:
            raise _bad(f"{SECTION}.{key}", _("unknown key"), source)
    limits: dict[str, Decimal | None] = {}
    raw = data.get("approval_limits") or {}
    if not isinstance(raw, dict) or not raw:
        raise _bad(f"{SECTION}.approval_limits", _("expected a mapping of roles to amounts"),
                   source)
    for role, value in raw.items():
        path = f"{SECTION}.approval_limits.{role}"
        if role not in Role.values:
            raise _bad(path, _("unknown role"), source)
        if value is None:
            limits[role] = None
            continue
        try:
            limits[role] = amount_parse(value)
        except AmountError as exc:
            raise _bad(path, str(exc.message), source) from None
    due = data.get("due_after_receipt")
    breach = data.get("breach_after_receipt")
    gateways: dict[str, dict[str, int]] = {}
    for method, conf in (data.get("gateways") or {}).items():
        path = f"{SECTION}.gateways.{method}"
        if not isinstance(conf, dict):
            raise _bad(path, _("expected a mapping"), source)
        for key, value in conf.items():
            if key not in GATEWAY_KEYS:
                raise _bad(f"{path}.{key}", _("unknown key"), source)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise _bad(f"{path}.{key}", _("a positive whole number"), source)
        gateways[str(method)] = dict(conf)
    company = data.get("company") or {}
    if not isinstance(company, dict) or set(company) - {"name", "address", "phone"}:
        raise _bad(f"{SECTION}.company", _("expected {name, address, phone}"), source)
    return RefundRules(
        approval_limits=limits,
        due_after_receipt=_period(due, f"{SECTION}.due_after_receipt", source) if due else None,
        breach_after_receipt=(_period(breach, f"{SECTION}.breach_after_receipt", source)
                              if breach else None),
        gateways=gateways, company={k: str(v) for k, v in company.items()})


def validate_section(data: Any, *, source: str) -> None:
    """Section validator for aftersales.policy.documents (raises ValidationError)."""
    parse_section(data, source=source)


NO_RULES = RefundRules(approval_limits={}, due_after_receipt=None, breach_after_receipt=None,
                       present=False)


def rules_from_document(doc: dict) -> RefundRules:
    data = (doc or {}).get(SECTION)
    if not data:
        return NO_RULES
    return parse_section(data, source=str(doc.get("name", "policy")))


def period_end(start: datetime, period: Period) -> datetime:
    """The end of the period's last day (民法典 art. 201: counting from the next day)."""
    cal = get_calendar()
    day = timezone.localtime(start, SHANGHAI).date()
    if period.unit == "working_days":
        last = cal.add_working_days(day, period.amount)
    else:
        last = day + timedelta(days=period.amount)
    return cal.end_of_day(last)


def working_days_left(due: datetime, *, at: datetime) -> int:
    """Working days from ``at`` to ``due`` (negative when late): the countdown on the refund."""
    cal = get_calendar()
    return cal.working_days_between(timezone.localtime(at, SHANGHAI).date(),
                                    timezone.localtime(due, SHANGHAI).date())
