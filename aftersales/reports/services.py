"""Keeping the summary tables (issue 12 item 5): the worker calls ``summaries_refresh`` on
each maintenance pass; ``aftersales reports rebuild`` recomputes everything.

Every business action on a case writes a timeline event (X1), so the cases touched since the
last pass are those named by events after the cursor. For each, the refresh subtracts what the
case last contributed (its CaseFact) and adds what it contributes now: the counts move by
exactly that case's change, without scanning other cases or whole days.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from aftersales.cases.models import Case, CaseEvent
from aftersales.reports.defects import defects_rebuild, defects_rewrite
from aftersales.reports.facts import (
    CASE_FIELDS,
    DIMENSIONS,
    MEASURES,
    Counts,
    Fact,
    RowKey,
    aggregate,
    fact_from_values,
)
from aftersales.reports.models import CaseDaySummary, CaseFact, SummaryCursor

CURSOR = "cases"
# Events are re-read this far behind the cursor on every pass: an event whose transaction
# took its id earlier but committed after the last pass is still seen (refreshing a case
# twice changes nothing).
OVERLAP_EVENTS = 1000
BATCH_EVENTS = 20_000
CHUNK = 2000

_FACT_FIELDS = [f for f in Fact._fields]


def _fact_of_row(row: CaseFact) -> Fact:
    return Fact(*(getattr(row, f) for f in _FACT_FIELDS))


def _key_of(row: CaseDaySummary) -> RowKey:
    return (row.day, *(getattr(row, d) for d in DIMENSIONS))


def _apply(delta: dict[RowKey, Counts]) -> None:
    """Add the changes to the summary rows (locked), creating and deleting rows as needed."""
    delta = {k: c for k, c in delta.items() if not c.is_zero()}
    if not delta:
        return
    days = {key[0] for key in delta}
    existing: dict[RowKey, CaseDaySummary] = {}
    duplicates = []
    for row in CaseDaySummary.objects.select_for_update().filter(day__in=days).order_by("pk"):
        key = _key_of(row)
        if key in existing:  # two rows merged by a deleted department or user
            first = existing[key]
            for name in MEASURES:
                setattr(first, name, getattr(first, name) + getattr(row, name))
            first.cycle_hist = [a + b for a, b in zip(first.cycle_hist, row.cycle_hist,
                                                      strict=True)]
            duplicates.append(row.pk)
            delta.setdefault(key, Counts())
        else:
            existing[key] = row
    create, update, delete = [], [], list(duplicates)
    for key, change in delta.items():
        row = existing.get(key)
        if row is None:
            row = CaseDaySummary(day=key[0], **dict(zip(DIMENSIONS, key[1:], strict=True)),
                                 **dict.fromkeys(MEASURES, 0))
            create.append(row)
        else:
            update.append(row)
        for name in MEASURES:
            setattr(row, name, getattr(row, name) + getattr(change, name))
        row.cycle_hist = [a + b for a, b in zip(row.cycle_hist, change.hist, strict=True)]
    for row in update:
        if not (any(getattr(row, name) for name in MEASURES) or any(row.cycle_hist)):
            delete.append(row.pk)
    if delete:
        CaseDaySummary.objects.filter(pk__in=delete).delete()
    update = [row for row in update if row.pk not in set(delete)]
    CaseDaySummary.objects.bulk_update(
        update, [*MEASURES, "cycle_hist"], batch_size=CHUNK)
    CaseDaySummary.objects.bulk_create(create, batch_size=CHUNK)


def _refresh_cases(case_ids: Iterable[int]) -> int:
    ids = sorted(set(case_ids))
    changed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        defects_rewrite(chunk)  # the lines or the defect may have changed with the case
        old = {f.case_id: f for f in CaseFact.objects.filter(case_id__in=chunk)}
        new = {row["id"]: fact_from_values(row)
               for row in Case.objects.filter(pk__in=chunk).values(*CASE_FIELDS)}
        gone = [fid for fid in old if fid not in new]
        moved_old = [_fact_of_row(old[i]) for i in chunk
                     if i in old and (i not in new or _fact_of_row(old[i]) != new[i])]
        moved_new = [new[i] for i in chunk
                     if i in new and (i not in old or _fact_of_row(old[i]) != new[i])]
        if not moved_old and not moved_new:
            continue
        delta = aggregate(moved_old, sign=-1)
        aggregate(moved_new, into=delta)
        _apply(delta)
        if gone:
            CaseFact.objects.filter(case_id__in=gone).delete()
        replace = [f.case_id for f in moved_new]
        CaseFact.objects.filter(case_id__in=replace).delete()
        CaseFact.objects.bulk_create([CaseFact(**f._asdict()) for f in moved_new])
        changed += len(moved_new) + len(gone)
    return changed


@transaction.atomic
def summaries_refresh(*, batch: int = BATCH_EVENTS) -> int:
    """Bring the summary up to date with the timeline; the number of cases whose counts
    moved. One refresh at a time (the cursor row is locked). A first run rebuilds."""
    SummaryCursor.objects.get_or_create(name=CURSOR)
    cursor = SummaryCursor.objects.select_for_update().get(name=CURSOR)
    if cursor.refreshed_at is None:
        return _rebuild(cursor)
    since = max(cursor.last_event_id - OVERLAP_EVENTS, 0)
    events = list(CaseEvent.objects.filter(pk__gt=since).order_by("pk")
                  .values_list("pk", "case_id")[:batch])
    changed = _refresh_cases(case_id for _pk, case_id in events)
    if events:
        cursor.last_event_id = max(cursor.last_event_id, events[-1][0])
    cursor.refreshed_at = timezone.now()
    cursor.save(update_fields=["last_event_id", "refreshed_at"])
    return changed


@transaction.atomic
def summaries_rebuild() -> int:
    """Recompute the summary from every case (after a restore or a bulk change made outside
    the services); the number of cases read."""
    SummaryCursor.objects.get_or_create(name=CURSOR)
    return _rebuild(SummaryCursor.objects.select_for_update().get(name=CURSOR))


def _rebuild(cursor: SummaryCursor) -> int:
    last_event = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    CaseDaySummary.objects.all().delete()
    CaseFact.objects.all().delete()
    rows: dict[RowKey, Counts] = {}
    facts: list[CaseFact] = []
    read = 0
    for row in Case.objects.order_by().values(*CASE_FIELDS).iterator(chunk_size=CHUNK):
        fact = fact_from_values(row)
        aggregate([fact], into=rows)
        facts.append(CaseFact(**fact._asdict()))
        read += 1
        if len(facts) >= CHUNK:
            CaseFact.objects.bulk_create(facts)
            facts = []
    CaseFact.objects.bulk_create(facts)
    defects_rebuild()
    CaseDaySummary.objects.bulk_create(
        (CaseDaySummary(day=key[0], **dict(zip(DIMENSIONS, key[1:], strict=True)),
                        **{name: getattr(c, name) for name in MEASURES}, cycle_hist=c.hist)
         for key, c in rows.items() if not c.is_zero()), batch_size=CHUNK)
    cursor.last_event_id = last_event
    cursor.refreshed_at = timezone.now()
    cursor.save(update_fields=["last_event_id", "refreshed_at"])
    return read
