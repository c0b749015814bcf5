"""Form numbers: ``<PREFIX>-<year>-<000123>``, one sequence per form kind and year, unique under
concurrency (issue 11 item 8).

Call ``next_number`` inside the transaction that creates the record: the UPDATE takes the
sequence row's lock until that transaction ends, so two clerks can't get the same number, and a
refused action (rolled back) burns none.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from aftersales.documents.models import NumberSequence

SHANGHAI = ZoneInfo("Asia/Shanghai")  # form numbers count Beijing-time years


def next_number(kind: str, prefix: str, *, at: datetime | None = None, width: int = 6) -> str:
    """The next number of form ``kind`` for the year of ``at`` (Beijing time), e.g.
    ``next_number("rma", "RMA")`` → ``"RMA-2026-000001"``."""
    if transaction.get_autocommit():
        raise RuntimeError("next_number must run inside the transaction that uses the number")
    year = timezone.localtime(at or timezone.now(), SHANGHAI).year
    last = _bump(kind, year)
    if last is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(kind=kind, year=year, last=1)
            last = 1
        except IntegrityError:  # another writer created the year's row first
            last = _bump(kind, year)
            if last is None:  # pragma: no cover - the row exists after the IntegrityError
                raise
    return f"{prefix}-{year}-{last:0{width}d}"


def _bump(kind: str, year: int) -> int | None:
    if not NumberSequence.objects.filter(kind=kind, year=year).update(last=F("last") + 1):
        return None
    return NumberSequence.objects.filter(kind=kind, year=year).values_list(
        "last", flat=True).get()
