"""Inserting many new rows at once: the one way the SLA sweep and the imports write in bulk.

A row is named: a model instance, or a dict of field names (or attnames such as
``case_id``) to values — never a tuple matched by position to a column list, so a column added
to a model cannot shift values into the wrong column, and a misspelt name fails at once. The
rows go through Django's ``bulk_create`` in batches, so every value is prepared by its field
exactly as ``Model.save`` prepares it (time zones, decimals, JSON), and field defaults apply
to the fields a row leaves out.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model

# Rows per INSERT statement: large enough that the statement overhead vanishes, small enough
# that one statement stays well inside SQLite's limit on bound parameters (32 766) for a model
# of up to 30 columns.
BATCH_SIZE = 1000


def bulk_insert[M: Model](model: type[M], rows: Iterable[M | Mapping[str, Any]], *,
                          ignore_conflicts: bool = False, batch_size: int = BATCH_SIZE,
                          using: str = DEFAULT_DB_ALIAS) -> list[M]:
    """Insert new rows of ``model`` (instances or dicts of field name → value) and return
    them as instances.

    Without ``ignore_conflicts`` the instances come back with their primary keys set (on
    PostgreSQL and SQLite ≥ 3.35, the databases the project runs on). With it, a row that
    would break a unique constraint is skipped silently — the way the SLA sweep stays
    idempotent — and the primary keys are left unset.
    """
    objs = [_instance(model, row) for row in rows]
    if not objs:
        return objs
    return model._default_manager.using(using).bulk_create(
        objs, batch_size=batch_size, ignore_conflicts=ignore_conflicts)


def _instance[M: Model](model: type[M], row: M | Mapping[str, Any]) -> M:
    if isinstance(row, Mapping):
        return model(**row)  # an unknown name raises TypeError naming it
    if type(row) is not model:
        raise TypeError(f"bulk_insert({model.__name__}) got a {type(row).__name__} row")
    if row.pk is not None:
        raise ValueError(f"bulk_insert({model.__name__}) takes new rows; this one has "
                         f"primary key {row.pk!r}")
    return row


__all__ = ["BATCH_SIZE", "bulk_insert"]
