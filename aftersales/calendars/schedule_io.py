"""Reading a State Council schedule file (YAML or JSON) for `aftersales calendar set-year`.

Format::

    year: 2027                       # optional; must match the command's YEAR
    note: 国办发明电〔2026〕N号        # optional
    holidays:                        # ranges of rest days, both ends inclusive
      - {name: 元旦, start: 2027-01-01, end: 2027-01-03}
      - [2027-02-06, 2027-02-14, 春节]      # the short form: start, end, name
    adjusted_workdays: [2027-02-20]  # 调休: weekend days that are working days
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationError


def _date(value: Any, key: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(
            _("%(value)r is not a date (YYYY-MM-DD).") % {"value": value}, fields={key: value}
        ) from None


def parse_schedule(data: Any) -> dict:
    if not isinstance(data, dict):
        raise ValidationError(_("The schedule must be a mapping with 'holidays' and "
                                "'adjusted_workdays'."))
    holidays = []
    for i, h in enumerate(data.get("holidays") or []):
        key = f"holidays.{i}"
        if isinstance(h, dict):
            start = h.get("start")
            end = h.get("end", start)
            name = h.get("name", "")
        elif isinstance(h, (list, tuple)) and len(h) == 3:
            start, end, name = h
        else:
            raise ValidationError(
                _("Holiday %(n)s must be {name, start, end} or [start, end, name].") % {"n": i + 1},
                fields={key: h},
            )
        holidays.append((_date(start, key), _date(end, key), str(name or "")))
    adjusted = [
        _date(d, f"adjusted_workdays.{i}")
        for i, d in enumerate(data.get("adjusted_workdays") or [])
    ]
    return {"year": data.get("year"), "note": str(data.get("note") or ""),
            "holidays": holidays, "adjusted_workdays": adjusted}


def load_schedule_file(path: str | Path) -> dict:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(
            _("Can't read %(path)s: %(error)s") % {"path": path, "error": exc.strerror},
            fields={"file": str(path)},
        ) from None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except (ValueError, Exception) as exc:  # yaml.YAMLError, json.JSONDecodeError
        raise ValidationError(
            _("%(path)s is not valid YAML/JSON: %(error)s") % {"path": path, "error": exc},
            fields={"file": str(path)},
        ) from None
    return parse_schedule(data)
