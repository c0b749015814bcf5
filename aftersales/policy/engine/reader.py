"""Reading one untrusted JSON value at a time, every problem kept under its dotted field path.

Each reader method returns the value (or a default) and records what is wrong instead of
raising, so that a request's answer names every bad field at once. Bounds keep the engine's
arithmetic finite: amounts 0 to 10⁹ yuan with two decimals (aftersales.core.money), whole
numbers up to 10⁹ (quantities up to 10⁶), dates from 1900 to 2100, texts up to 500 characters,
lists up to 1 000 entries.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import ValidationError
from aftersales.core.money import AmountError, amount_parse

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)
INTEGER_MAX = 10**9
QUANTITY_MAX = 10**6
TEXT_MAX = 500
LIST_MAX = 1000


class Reader:
    """Collects every problem with its dotted field path; ``raise_errors()`` raises once."""

    def __init__(self) -> None:
        self.errors: dict[str, Any] = {}

    def fail(self, path: str, message: Any) -> None:
        self.errors.setdefault(path, message)

    def at(self, prefix: str, key: str, message: Any) -> None:
        self.fail(f"{prefix}.{key}" if prefix else key, message)

    def raise_errors(self) -> None:
        if self.errors:
            field, problem = next(iter(self.errors.items()))
            raise ValidationError(_("The request is invalid: %(field)s: %(problem)s")
                                  % {"field": field, "problem": problem}, fields=self.errors)

    # ------------------------------------------------------------------ containers
    def obj(self, data: Any, path: str) -> dict[str, Any]:
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.fail(path, _("Must be an object."))
            return {}
        return data

    def array(self, data: Any, path: str) -> list[Any]:
        if data is None:
            return []
        if not isinstance(data, list):
            self.fail(path, _("Must be a list."))
            return []
        if len(data) > LIST_MAX:
            self.fail(path, _("Must have at most %(max)s entries.") % {"max": LIST_MAX})
            return []
        return data

    def strings(self, data: Any, path: str) -> list[str]:
        values = self.array(data, path)
        if any(not isinstance(v, str) or len(v) > TEXT_MAX for v in values):
            self.fail(path, _("Must be a list of strings."))
        return [v for v in values if isinstance(v, str) and len(v) <= TEXT_MAX]

    # ------------------------------------------------------------------ scalars
    def text(self, data: dict[str, Any], key: str, path: str, *,
             required: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.at(path, key, _("This field is required."))
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.at(path, key, _("Must be a string."))
            return None
        text = str(value)
        if len(text) > TEXT_MAX:
            self.at(path, key, _("Must be at most %(max)s characters.") % {"max": TEXT_MAX})
            return None
        return text

    def choice(self, data: dict[str, Any], key: str, path: str, allowed: tuple[str, ...], *,
               required: bool = False) -> str | None:
        value = self.text(data, key, path, required=required)
        if value is not None and value not in allowed:
            self.at(path, key, _("Unknown value %(value)r; expected one of: %(allowed)s.")
                    % {"value": value[:40], "allowed": ", ".join(allowed)})
            return None
        return value

    def boolean(self, data: dict[str, Any], key: str, path: str,
                default: bool | None = None) -> bool | None:
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.at(path, key, _("Must be true or false."))
            return default
        return value

    def amount(self, data: dict[str, Any], key: str, path: str, *, required: bool = False,
               default: Decimal | None = None) -> Decimal | None:
        value = data.get(key)
        if value is None:
            if required:
                self.at(path, key, _("This field is required."))
            return default
        try:
            return amount_parse(value)
        except AmountError as exc:
            self.at(path, key, exc.message)
            return default

    def integer(self, data: dict[str, Any], key: str, path: str, *, default: int | None = None,
                minimum: int = 0, maximum: int = INTEGER_MAX) -> int | None:
        value = data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.at(path, key, _("Must be a whole number."))
            return default
        if not minimum <= value <= maximum:
            self.at(path, key, _("Must be from %(minimum)s to %(maximum)s.")
                    % {"minimum": minimum, "maximum": maximum})
            return default
        return value

    def _in_range(self, day: date, path: str, key: str) -> bool:
        if FIRST_DAY <= day <= LAST_DAY:
            return True
        self.at(path, key, _("Must lie between %(first)s and %(last)s.")
                % {"first": FIRST_DAY, "last": LAST_DAY})
        return False

    def moment(self, data: dict[str, Any], key: str, path: str, *,
               required: bool = False) -> datetime | None:
        value = data.get(key)
        if value is None:
            if required:
                self.at(path, key, _("This field is required."))
            return None
        if not isinstance(value, str):
            self.at(path, key, _("Must be an ISO 8601 date-time string."))
            return None
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            self.at(path, key, _("Not a valid ISO 8601 date-time: %(value)r.")
                    % {"value": value[:40]})
            return None
        if not self._in_range(moment.date(), path, key):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BEIJING)  # naive = Beijing time (POLICY-API)
        return moment.astimezone(BEIJING)

    def day(self, data: dict[str, Any], key: str, path: str) -> date | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.at(path, key, _("Must be a date string YYYY-MM-DD."))
            return None
        value = value.strip()
        try:
            if len(value) == 10:
                day = date.fromisoformat(value)
                return day if self._in_range(day, path, key) else None
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.at(path, key, _("Not a valid date: %(value)r.") % {"value": value[:40]})
            return None
        if not self._in_range(moment.date(), path, key):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BEIJING)
        return moment.astimezone(BEIJING).date()
