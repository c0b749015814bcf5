"""Hot statements without the ORM's per-call cost (issue 4 item 11a).

Django turns a queryset into SQL anew on every evaluation; on this kind of machine that costs
about 1 ms per statement, more than the database needs to run it. Intake, the busiest write
path, reads an order with everything the policy needs and writes a case with all the rows it
brings; this module does both in as few statements as the database allows, with SQL built
once per process from the models' own metadata:

- ``json_row`` / ``json_rows`` / ``from_json``: several tables' rows in one statement, each
  row rendered as a JSON object by the database (to_jsonb on PostgreSQL, json_object on
  SQLite) and turned back into a model instance holding the values the ORM would have read.
- ``insert_family(parent, (children, "fk"), …)``: a new row with new rows that point at it,
  all or none, one statement on PostgreSQL. Values are prepared as ``Model.save`` prepares
  them (``pre_save``, ``get_db_prep_save``); like ``bulk_create``, no signals are sent.
  ``insert_rows(model, columns, rows)``: many rows from plain tuples (the SLA sweep's ledger).
- ``fetchall(sql, params)``: a fixed hand-written statement.

On PostgreSQL every statement run here is PREPAREd once per database session and then run
with EXECUTE: planning a three-table join costs PostgreSQL ~0.5 ms here, running it ~0.1 ms.
(Django leaves psycopg's own preparation off; it would need server-side parameter binding
for every query, which some ORM queries don't support.) A prepared statement lasts as long as
its session and survives a rolled-back transaction; a new connection prepares anew.

Nothing here names a column: tables, columns and conversions come from the models. The tests
compare what these functions read and write with what the ORM reads and writes.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import re
import uuid
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model

# raw database connection -> {sql: EXECUTE text}; an entry dies with its connection.
_SESSIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PLACEHOLDER = re.compile(r"%([s%])")


def _runnable(connection, sql: str, cursor) -> str:
    """The text to execute for ``sql`` on this connection: on PostgreSQL an EXECUTE of a
    statement PREPAREd once per session (prepared here, with ``cursor``, when needed);
    elsewhere ``sql``. The cursor is opened first, so a connection that a failed health check
    replaced is the one looked up."""
    if connection.vendor != "postgresql":
        return sql
    session = _SESSIONS.setdefault(connection.connection, {})
    text = session.get(sql)
    if text is None:
        count = 0

        def number(match: re.Match) -> str:
            nonlocal count
            if match.group(1) == "%":
                return "%"
            count += 1
            return f"${count}"

        body = _PLACEHOLDER.sub(number, sql)
        name = "as_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()
        cursor.execute(f"PREPARE {name} AS {body}")
        args = ", ".join(["%s"] * count)
        text = session[sql] = f"EXECUTE {name}({args})" if count else f"EXECUTE {name}"
    return text


def fetchall(sql: str, params: list | tuple = (), *, using: str = DEFAULT_DB_ALIAS) -> list:
    """Run one fixed statement (prepared once per session on PostgreSQL); its rows."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(_runnable(connection, sql, cursor), params)
        return cursor.fetchall() if cursor.description is not None else []


# ----------------------------------------------------------------------------- JSON rows
def json_row(connection, model, alias: str) -> str:
    """SQL rendering one row of ``alias`` (a table of ``model``) as a JSON object keyed by
    column: to_jsonb on PostgreSQL, json_object over the model's columns elsewhere."""
    q = connection.ops.quote_name
    if connection.vendor == "postgresql":
        return f"to_jsonb({alias})"
    if connection.vendor != "sqlite":  # the project runs on these two (ARCHITECTURE.md)
        raise ValueError(f"json_row supports PostgreSQL and SQLite, not {connection.vendor}")
    parts = []
    for field in model._meta.concrete_fields:
        column = f"{alias}.{q(field.column)}"
        if field.get_internal_type() == "JSONField":
            column = f"json({column})"
        parts.append(f"'{field.column}', {column}")
    return f"json_object({', '.join(parts)})"


def json_rows(connection, model, alias: str, where: str, joins: str = "") -> str:
    """SQL for a JSON array of the rows of ``model`` (as ``alias``, with ``joins``) matching
    ``where``. A row reached by several joined rows comes as often."""
    q = connection.ops.quote_name
    row = json_row(connection, model, alias)
    source = f"{q(model._meta.db_table)} {alias} {joins}".rstrip()
    if connection.vendor == "postgresql":
        return f"(SELECT COALESCE(jsonb_agg({row}), '[]'::jsonb) FROM {source} WHERE {where})"
    # SQLite: json() so that the array stays JSON, not text, outside the subquery.
    return f"json((SELECT json_group_array({row}) FROM {source} WHERE {where}))"


_FROM_JSON: dict[type, list] = {}


def from_json(model, data: dict, *, using: str = DEFAULT_DB_ALIAS) -> Model:
    """A model instance from a row rendered by json_row, with the values the ORM would have
    read: aware datetimes, dates, decimals quantized to the field's places, booleans."""
    plan = _FROM_JSON.get(model)
    if plan is None:
        plan = _FROM_JSON[model] = [(f.attname, f.column, _json_reader(f))
                                    for f in model._meta.concrete_fields]
    values = []
    for _attname, column, read in plan:
        value = data[column]
        values.append(value if value is None or read is None else read(value))
    return model.from_db(using, [attname for attname, _c, _r in plan], values)


def _json_reader(field) -> Callable[[Any], Any] | None:
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        def read(value: str) -> datetime.datetime:
            moment = datetime.datetime.fromisoformat(value)
            # SQLite keeps UTC without an offset (USE_TZ); PostgreSQL writes the offset.
            return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
        return read
    if kind == "DateField":
        return datetime.date.fromisoformat
    if kind == "TimeField":
        return datetime.time.fromisoformat
    if kind == "DecimalField":
        places = decimal.Decimal(1).scaleb(-field.decimal_places)
        return lambda value: decimal.Decimal(str(value)).quantize(places)
    if kind == "BooleanField":
        return bool
    if kind in ("JSONField", "CharField", "TextField", "EmailField", "SlugField",
                "IntegerField", "BigIntegerField", "PositiveIntegerField",
                "PositiveSmallIntegerField", "SmallIntegerField", "AutoField",
                "BigAutoField", "ForeignKey", "OneToOneField"):
        return None
    return field.to_python


_INSERT_SQL: dict[tuple, tuple[str, list]] = {}


def _rows_of_one_model(objs: Iterable[Model]) -> list[Model]:
    objs = list(objs)
    if any(type(obj) is not type(objs[0]) for obj in objs):
        raise TypeError("rows of one model only")
    if any(obj.pk is not None for obj in objs):
        raise ValueError("insert_family() takes new rows (no primary key set)")
    return objs


def _fields(model) -> list:
    meta = model._meta
    return [f for f in meta.local_concrete_fields
            if not f.generated and f is not meta.auto_field]


# Fields whose preparation leaves a value of this exact type as it is (to_python and
# get_prep_value are the identity for it, and no backend adapts it): the common case is
# passed through without Django's chain of calls; anything else takes that chain.
_PLAIN = {"CharField": str, "TextField": str, "EmailField": str, "SlugField": str,
          "IntegerField": int, "BigIntegerField": int, "SmallIntegerField": int,
          "PositiveIntegerField": int, "PositiveSmallIntegerField": int,
          "PositiveBigIntegerField": int, "AutoField": int, "BigAutoField": int,
          "SmallAutoField": int, "BooleanField": bool}


def _plain_type(field) -> type | None:
    if field.is_relation:
        field = field.target_field
    return _PLAIN.get(field.get_internal_type())


def _values(objs: list[Model], fields: list, connection, skip=None) -> list:
    """Each row's values as Model.save would send them (pre_save, then get_db_prep_save)."""
    plan = [(field, _plain_type(field)) for field in fields if field is not skip]
    out = []
    for obj in objs:
        for field, plain in plan:
            value = field.pre_save(obj, True)
            out.append(value if value is None or type(value) is plain
                       else field.get_db_prep_save(value, connection=connection))
    return out


def _saved(objs: list[Model], pks, using: str) -> None:
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, using


def _insert_sql(connection, model, count: int, using: str) -> tuple[str, list]:
    """INSERT … RETURNING pk for ``count`` new rows of ``model``, and its fields in order."""
    key = (model, using, connection.vendor, count)
    shape = _INSERT_SQL.get(key)
    if shape is None:
        fields = _fields(model)
        q = connection.ops.quote_name
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        returning, _params = connection.ops.returning_columns([model._meta.pk])
        sql = (f"INSERT INTO {q(model._meta.db_table)} "
               f"({', '.join(q(f.column) for f in fields)}) "
               f"VALUES {', '.join([row] * count)} {returning}")
        shape = _INSERT_SQL[key] = (sql, fields)
    return shape


def _execute_insert(connection, sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(_runnable(connection, sql, cursor), params)
        return [row[0] for row in cursor.fetchall()]


def insert_family(parent: Model, *groups: tuple[Iterable[Model], str | None],
                  using: str = DEFAULT_DB_ALIAS) -> None:
    """INSERT a new row and, with it, groups of new rows: ``(rows, "fk")`` whose foreign key
    ``fk`` points at ``parent``, or ``(rows, None)`` for rows that don't. Sets every primary
    key and each child's foreign key. All rows or none are written.

    Every value is prepared before the first write; the writes then run in one transaction
    (the caller's, if one is open), so a write lock is held for the statements alone. On
    PostgreSQL they are one statement (data-modifying WITH queries: the children take the
    parent's id from its RETURNING); elsewhere one INSERT per group.
    """
    _rows_of_one_model([parent])
    groups = [(_rows_of_one_model(rows), fk) for rows, fk in groups]
    groups = [(rows, fk) for rows, fk in groups if rows]
    parent._prepare_related_fields_for_save(operation_name="insert_family")
    for rows, fk in groups:  # the parent is not saved yet: its key is left to the statement
        others = [f for f in rows[0]._meta.concrete_fields if f.name != fk]
        for row in rows:
            row._prepare_related_fields_for_save(operation_name="insert_family", fields=others)
    connection = connections[using]
    if connection.vendor == "postgresql":
        ids = _family_pg(connection, parent, groups, using)
    else:
        ids = _family_each(connection, parent, groups, using)
    _saved([parent], ids[0], using)
    for i, (rows, fk) in enumerate(groups, start=1):
        if fk is not None:
            for row in rows:
                setattr(row, fk, parent)
        _saved(rows, ids[i], using)


def _family_each(connection, parent: Model, groups: list, using: str) -> list[list]:
    """One INSERT per group; each child's parent key is put into its prepared values once the
    parent's insert has returned it."""
    sql, fields = _insert_sql(connection, type(parent), 1, using)
    statements = [(sql, _values([parent], fields, connection), None)]
    for rows, fk in groups:
        sql, fields = _insert_sql(connection, type(rows[0]), len(rows), using)
        params = _values(rows, fields, connection)
        slots = None
        if fk is not None:
            at = fields.index(rows[0]._meta.get_field(fk))
            slots = range(at, len(params), len(fields))
        statements.append((sql, params, slots))
    ids: list[list] = []
    with transaction.atomic(using=using, savepoint=False):
        for sql, params, slots in statements:
            for i in slots or ():
                params[i] = ids[0][0]
            ids.append(_execute_insert(connection, sql, params))
    return ids


def _family_pg(connection, parent: Model, groups: list, using: str) -> list[list]:
    key = (type(parent), using, tuple((type(rows[0]), fk) for rows, fk in groups))
    shape = _INSERT_SQL.get(key)
    if shape is None:
        shape = _INSERT_SQL[key] = _family_sql(connection, type(parent), groups)
    sql, plan = shape
    document = [_json_rows([parent], plan[0])]
    document += [_json_rows(rows, fields) for (rows, _fk), fields in zip(groups, plan[1:],
                                                                         strict=True)]
    text = json.dumps(document, default=_json_value, ensure_ascii=False)
    ids: list[list] = [[] for _ in range(len(groups) + 1)]
    # One statement is atomic on its own: outside a transaction it needs no BEGIN/COMMIT.
    for part, pk in fetchall(sql, [text], using=using):
        ids[part].append(pk)
    return ids


def insert_rows(model, columns: list[str], rows: list[tuple], *,
                ignore_conflicts: bool = False, using: str = DEFAULT_DB_ALIAS) -> None:
    """INSERT many rows given as tuples of values for ``columns`` (column names, values as the
    model's fields hold them: aware datetimes, Decimals, dicts for JSON) without building model
    instances: the SLA sweep writes thousands at once. ``ignore_conflicts`` skips rows that
    hit a unique constraint. On PostgreSQL the rows travel as one JSON parameter
    (jsonb_populate_recordset gives them the table's column types): one statement instead of
    one per row; elsewhere each value is prepared by its field and one INSERT is executed for
    all rows (executemany)."""
    if not rows:
        return
    connection = connections[using]
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    cols = ", ".join(q(c) for c in columns)
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            by_column = {f.column: f for f in model._meta.concrete_fields}
            fields = [by_column[c] for c in columns]
            prepared = [[v if v is None else f.get_db_prep_save(v, connection=connection)
                         for f, v in zip(fields, row, strict=True)] for row in rows]
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES "  # noqa: S608
                               f"({', '.join(['%s'] * len(columns))}){conflict}", prepared)
            return
        sql = (f"INSERT INTO {table} ({cols}) SELECT "  # noqa: S608
               f"{', '.join(f'r.{q(c)}' for c in columns)} "
               f"FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb) r{conflict}")
        document = json.dumps([dict(zip(columns, row, strict=True)) for row in rows],
                              default=_json_value, ensure_ascii=False)
        cursor.execute(_runnable(connection, sql, cursor), [document])


def _json_rows(objs: list[Model], fields: list) -> list[dict]:
    """{column: value} per row, values as Model.save prepares them (before the driver's
    adaptation, which PostgreSQL does here from the JSON text)."""
    plan = [(field, field.column, _plain_type(field)) for field in fields]
    rows = []
    for obj in objs:
        row = {}
        for field, column, plain in plan:
            value = field.pre_save(obj, True)
            row[column] = (value if value is None or type(value) is plain
                           else field.get_prep_value(value))
        rows.append(row)
    return rows


def _json_value(value):
    """JSON for what the json module can't write: times in full ISO form (microseconds and
    offset kept), decimals as exact strings."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _family_sql(connection, parent_model, groups) -> tuple[str, list]:
    """One PostgreSQL statement taking the rows as one JSON array (one element per group):
    jsonb_populate_record(set) turns each object into a row of the table's own column types,
    so there is one parameter however many rows and columns."""
    q = connection.ops.quote_name
    pk = q(parent_model._meta.pk.column)
    ctes, parts, plan = ["d AS (SELECT %s::jsonb AS j)"], [], []
    models = [(parent_model, None)] + [(type(rows[0]), fk) for rows, fk in groups]
    for i, (model, fk) in enumerate(models):
        fields = _fields(model)
        skip = model._meta.get_field(fk) if fk is not None else None
        if skip is not None and skip.related_model is not parent_model:
            raise TypeError(f"{model.__name__}.{fk} does not point at {parent_model.__name__}")
        table = q(model._meta.db_table)
        columns = ", ".join(q(f.column) for f in fields)
        values = ", ".join(f"(SELECT {pk} FROM p0)" if f is skip else f"r.{q(f.column)}"
                           for f in fields)
        ctes.append(f"p{i} AS (INSERT INTO {table} ({columns}) SELECT {values} "
                    f"FROM d, jsonb_populate_recordset(NULL::{table}, d.j->{i}) r "
                    f"RETURNING {q(model._meta.pk.column)})")
        plan.append([f for f in fields if f is not skip])
        parts.append(f"SELECT {i}, {q(model._meta.pk.column)} FROM p{i}")
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(parts)}", plan


__all__ = ["fetchall", "from_json", "insert_family", "insert_rows", "json_row", "json_rows"]
