"""The ``charges:`` section of a policy document (docs/policy-format.md): the rates and rules
the money of a case follows, data a company may change.

    charges:
      labour_rate: "60.00"            # yuan per hour of repair labour (quotes, S4.1)
      quote_valid_days: 15            # a quote not answered by then expires
      exchange_difference:            # S4.2 多不退少补
        refund_lower: false           # new goods cheaper: nothing is refunded
      advance_replacement:            # S8.1: the defective unit not back by its due date
        charge: unit_price            # unit_price (of the replacement) | none
      late_compensation:              # S9.6: the company is late
        when: end_to_end              # end_to_end (the S9.2 due time passed) | never
        fixed: "20.00"                # yuan once
        per_day: "0.00"               # plus yuan per natural day late
        max: "100.00"                 # at most
      company: {name: …, address: …, phone: …}   # printed on the forms (optional)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.core.errors import ValidationError
from aftersales.core.money import AmountError, amount_parse

SECTION = "charges"
ADVANCE_CHARGES = ("unit_price", "none")
LATE_WHEN = ("end_to_end", "never")


@dataclass(frozen=True)
class LateCompensation:
    when: str = "never"
    fixed: Decimal = Decimal("0.00")
    per_day: Decimal = Decimal("0.00")
    maximum: Decimal | None = None


@dataclass(frozen=True)
class ChargesPolicy:
    labour_rate: Decimal = Decimal("0.00")
    quote_valid_days: int = 15
    refund_lower: bool = False
    advance_charge: str = "unit_price"
    late: LateCompensation = field(default_factory=LateCompensation)
    company: dict[str, str] = field(default_factory=dict)


def _fail(source: str, path: str, message: str) -> ValidationError:
    return ValidationError(f"{source}: {SECTION}.{path}: {message}",
                           fields={f"{SECTION}.{path}": message})


def _amount(data: dict, key: str, path: str, source: str, default: str | None = "0.00"
            ) -> Decimal | None:
    value = data.get(key, default)
    if value is None:
        return None
    try:
        return amount_parse(value)
    except AmountError as exc:
        raise _fail(source, f"{path}{key}", str(exc.message)) from None


def _mapping(value: Any, path: str, source: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(source, path, pgettext("charges", "Must be a mapping."))
    return value


def _known(data: dict, keys: set[str], path: str, source: str) -> None:
    unknown = sorted(set(data) - keys)
    if unknown:
        raise _fail(source, f"{path}{unknown[0]}", _("Unknown key."))


def parse_section(section: Any, *, source: str = "policy") -> ChargesPolicy:
    """The section as settings; raises ValidationError naming the path of the first problem."""
    data = _mapping(section, "", source)
    _known(data, {"labour_rate", "quote_valid_days", "exchange_difference",
                  "advance_replacement", "late_compensation", "company"}, "", source)
    days = data.get("quote_valid_days", 15)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise _fail(source, "quote_valid_days", _("Must be a whole number of days, 1 to 365."))
    diff = _mapping(data.get("exchange_difference"), "exchange_difference", source)
    _known(diff, {"refund_lower"}, "exchange_difference.", source)
    refund_lower = diff.get("refund_lower", False)
    if not isinstance(refund_lower, bool):
        raise _fail(source, "exchange_difference.refund_lower", _("Must be true or false."))
    adv = _mapping(data.get("advance_replacement"), "advance_replacement", source)
    _known(adv, {"charge"}, "advance_replacement.", source)
    charge = adv.get("charge", "unit_price")
    if charge not in ADVANCE_CHARGES:
        raise _fail(source, "advance_replacement.charge",
                    _("Must be one of: %(values)s.") % {"values": ", ".join(ADVANCE_CHARGES)})
    late = _mapping(data.get("late_compensation"), "late_compensation", source)
    _known(late, {"when", "fixed", "per_day", "max"},
           "late_compensation.", source)
    when = late.get("when", "never" if not late else "end_to_end")
    if when not in LATE_WHEN:
        raise _fail(source, "late_compensation.when",
                    _("Must be one of: %(values)s.") % {"values": ", ".join(LATE_WHEN)})
    company = _mapping(data.get("company"), "company", source)
    _known(company, {"name", "address", "phone"}, "company.", source)
    return ChargesPolicy(
        labour_rate=_amount(data, "labour_rate", "", source) or Decimal("0.00"),
        quote_valid_days=days, refund_lower=refund_lower, advance_charge=charge,
        late=LateCompensation(
            when=when, fixed=_amount(late, "fixed", "late_compensation.", source)
            or Decimal("0.00"),
            per_day=_amount(late, "per_day", "late_compensation.", source) or Decimal("0.00"),
            maximum=_amount(late, "max", "late_compensation.", source, default=None)),
        company={k: str(v) for k, v in company.items()})


def validate_section(section: Any, *, source: str) -> None:
    """Section validator registered with aftersales.policy.documents."""
    parse_section(section, source=source)
