"""The policy's ``returns:`` section (S2.6, S5.2-S5.4, S8.1): where goods go back, in what time,
what happens to a return not shipped, and the company's name on the forms.

    returns:
      company: {name: …, address: …, phone: …}        # printed at the top of the forms
      addresses:                                       # address keys → an address
        returns_warehouse: {name: 退货仓, address: …, contact: …, phone: …}
        plant: {name: 惠州生产事业部, address: …}
      routing:                                         # the first rule that matches
        - {when: {one_factory: true}, to: factory}     # a whole batch of one factory's product
        - {when: {customer_kinds: [consumer]}, to: returns_warehouse}
        - {to: plant}                                  # sporadic or mixed items
      ship_back: {working_days: 7}                     # when the agreed option names no deadline
      on_not_shipped: close                            # close | remind
      advance_return: {days: 30}                       # S8.1: the defective unit is due back
      instructions: {zh: …, en: …}                     # printed on the label and in the message

``to`` is ``factory`` (the responsible factory's own address, from its record) or a key of
``addresses``. ``when`` may name ``one_factory`` (every item is one outsourced factory's
product), ``customer_kinds``, ``business_lines`` and ``case_kinds``; all must hold.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.calendars.calendar import SHANGHAI
from aftersales.cases.models import Case
from aftersales.cases.selectors import case_document, resolve_policy
from aftersales.core.errors import ValidationError

SECTION = "returns"
FACTORY = "factory"
DESTINATION_KEYS = ("factory", "plant", "returns_warehouse")
WHEN_KEYS = {"one_factory", "customer_kinds", "business_lines", "case_kinds"}
ON_NOT_SHIPPED = ("close", "remind")
PERIOD_UNITS = ("days", "working_days")
TOP_KEYS = {"company", "addresses", "routing", "ship_back", "on_not_shipped", "advance_return",
            "instructions"}

DEFAULTS: dict[str, Any] = {
    "routing": [{"to": "returns_warehouse"}],
    "ship_back": {"working_days": 7},
    "on_not_shipped": "remind",
    "advance_return": {"days": 30},
}


def _fail(source: str, path: str, message: str) -> None:
    raise ValidationError(_("Policy %(source)s, %(path)s: %(message)s")
                          % {"source": source, "path": path, "message": message},
                          fields={path: message}, extra={"source": source, "path": path})


def _period(value: Any, *, source: str, path: str) -> None:
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in PERIOD_UNITS:
        _fail(source, path, _("give one of days or working_days, e.g. {working_days: 7}"))
    n = next(iter(value.values()))
    if not isinstance(n, int) or isinstance(n, bool) or not 0 < n <= 366:
        _fail(source, path, _("a whole number of days from 1 to 366"))


def _text(value: Any, *, source: str, path: str, limit: int = 255) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        _fail(source, path, _("text of 1 to %(n)d characters") % {"n": limit})


def validate_section(section: Any, *, source: str) -> None:
    """Section validator (aftersales.policy.documents): raises ValidationError naming the path."""
    if section is None:
        return
    if not isinstance(section, dict):
        _fail(source, SECTION, _("a mapping"))
    for key in section:
        if key not in TOP_KEYS:
            _fail(source, f"{SECTION}.{key}", _("unknown key"))
    company = section.get("company")
    if company is not None:
        if not isinstance(company, dict):
            _fail(source, f"{SECTION}.company", _("a mapping of name, address, phone"))
        for k, v in company.items():
            if k not in ("name", "address", "phone"):
                _fail(source, f"{SECTION}.company.{k}", _("unknown key"))
            _text(v, source=source, path=f"{SECTION}.company.{k}")
    addresses = section.get("addresses") or {}
    if not isinstance(addresses, dict):
        _fail(source, f"{SECTION}.addresses", _("a mapping of address keys"))
    for key, addr in addresses.items():
        path = f"{SECTION}.addresses.{key}"
        if key not in DESTINATION_KEYS or key == FACTORY:
            _fail(source, path, _("the address keys are plant and returns_warehouse"))
        if not isinstance(addr, dict):
            _fail(source, path, _("a mapping of name, address, contact, phone"))
        for k in ("name", "address"):
            _text(addr.get(k), source=source, path=f"{path}.{k}")
        for k, v in addr.items():
            if k not in ("name", "address", "contact", "phone"):
                _fail(source, f"{path}.{k}", _("unknown key"))
            _text(v, source=source, path=f"{path}.{k}")
    routing = section.get("routing")
    if routing is not None:
        if not isinstance(routing, list) or not routing:
            _fail(source, f"{SECTION}.routing", _("a list of rules"))
        for i, rule in enumerate(routing):
            path = f"{SECTION}.routing[{i}]"
            if not isinstance(rule, dict) or set(rule) - {"when", "to"}:
                _fail(source, path, _("a rule has when and to"))
            to = rule.get("to")
            if to != FACTORY and to not in addresses:
                _fail(source, f"{path}.to", _("factory or a key of addresses"))
            when = rule.get("when") or {}
            if not isinstance(when, dict) or set(when) - WHEN_KEYS:
                _fail(source, f"{path}.when",
                      _("conditions are one_factory, customer_kinds, business_lines, "
                        "case_kinds"))
            if "one_factory" in when and not isinstance(when["one_factory"], bool):
                _fail(source, f"{path}.when.one_factory", _("true or false"))
            for k in ("customer_kinds", "business_lines", "case_kinds"):
                if k in when and not (isinstance(when[k], list)
                                      and all(isinstance(x, str) for x in when[k])):
                    _fail(source, f"{path}.when.{k}", _("a list of codes"))
    for key in ("ship_back", "advance_return"):
        if key in section:
            _period(section[key], source=source, path=f"{SECTION}.{key}")
    if "on_not_shipped" in section and section["on_not_shipped"] not in ON_NOT_SHIPPED:
        _fail(source, f"{SECTION}.on_not_shipped", _("close or remind"))
    instructions = section.get("instructions")
    if instructions is not None:
        if not isinstance(instructions, dict) or set(instructions) - {"zh", "en"}:
            _fail(source, f"{SECTION}.instructions", _("a mapping of zh and en"))
        for k, v in instructions.items():
            _text(v, source=source, path=f"{SECTION}.instructions.{k}", limit=2000)


def settings_of(document: dict | None) -> dict[str, Any]:
    """The section with its defaults."""
    section = (document or {}).get(SECTION) or {}
    return {**DEFAULTS, **section}


def period_end(start: datetime, period: dict, calendar) -> datetime:
    """The end (23:59:59 Beijing) of the n-th (working) day after ``start``."""
    unit, n = next(iter(period.items()))
    d: date = timezone.localtime(start, SHANGHAI).date()
    last = calendar.add_working_days(d, n) if unit == "working_days" else calendar.add_days(d, n)
    return calendar.end_of_day(last)


def company_of(document: dict | None) -> dict[str, str]:
    """The company's name, address and phone for the forms: the section's ``company``, else
    the policy's title."""
    document = document or {}
    company = dict((document.get(SECTION) or {}).get("company") or {})
    if not company.get("name"):
        title = document.get("title")
        if isinstance(title, dict):
            title = title.get("zh") or title.get("en")
        company["name"] = str(title or document.get("name") or "")
    return company


def returns_settings(case: Case) -> dict:
    """The case's returns section with defaults; when the version the case is decided under
    has none (an older version), the business line's current policy (addresses are the
    company's operational data)."""
    document = case_document(case)
    if not document.get(SECTION):
        _v, current = resolve_policy(business_line=case.business_line, version=None)
        if current.get(SECTION):
            document = current
    return {**settings_of(document),
            "_company": company_of(document),
            "_default_payer": (document.get("settings") or {}).get("default_shipping_paid_by")}
