"""Hot statements compiled once per process (issue 4 item 11a).

Django turns a queryset into SQL anew on every evaluation; on this kind of machine that costs
about 1 ms per statement — more than the database needs to run it. The few fixed-shape
statements on the intake path (the order and what the policy reads of it, the rows a new case
writes) are compiled once per database connection alias and vendor and then run with new
values:

- ``Prepared(build, number=str)``: a queryset shape. ``build`` is called once with stand-in
  values; the SQL and the model-building plan Django made for it are kept, and ``fetch(number=…)``
  runs that SQL with the real values and builds instances exactly as the queryset would
  (select_related included). Only exact lookups on str/int values may take a parameter.
- ``insert(objs)``: new rows of one model in one ``INSERT … RETURNING`` whose SQL is kept per
  (model, row count); values go through each field's ``pre_save``/``get_db_prep_save`` as in
  ``Model.save``. Signals are not sent (like ``bulk_create``).

- ``fetchall(sql, params)``: a fixed hand-written statement.

On PostgreSQL each of these is also PREPAREd once per database session and run with EXECUTE:
planning a three-table join costs PostgreSQL ~0.5 ms here, running it ~0.1 ms. (Django leaves
psycopg's own statement preparation off by default; switching it on for every query would need
server-side parameter binding, which some ORM queries don't support.) Prepared statements last
as long as the session and survive a rolled-back transaction; a new connection prepares anew.

The ORM stays the source of truth for tables, columns and conversions; nothing here names a
column. Tests compare every Prepared statement with its plain queryset.
"""

from __future__ import annotations

import copy
import hashlib
import re
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable


# raw database connection -> {sql: EXECUTE text}; an entry dies with its connection.
_SESSIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PLACEHOLDER = re.compile(r"%([s%])")


def _runnable(connection, sql: str) -> str:
    """The text to execute for ``sql`` on this connection: on PostgreSQL an EXECUTE of a
    statement PREPAREd once per session (prepared here when needed); elsewhere ``sql``."""
    if connection.vendor != "postgresql":
        return sql
    with connection.cursor() as cursor:  # a cursor first: a failed health check reconnects
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
    text = _runnable(connection, sql)
    with connection.cursor() as cursor:
        cursor.execute(text, params)
        return cursor.fetchall() if cursor.description is not None else []


class Prepared:
    """A queryset shape compiled once per (alias, vendor); ``fetch(**values)`` → instances."""

    def __init__(self, build: Callable[..., QuerySet], **kinds: type) -> None:
        for name, kind in kinds.items():
            if kind not in (str, int):
                raise TypeError(f"parameter {name!r}: only str and int values can be bound")
        self._build, self._kinds = build, kinds
        self._compiled: dict[tuple[str, str], tuple] = {}

    def _stand_ins(self) -> dict[str, Any]:
        return {name: (f"\x1fprepared:{name}\x1f" if kind is str else -(10**15) - i)
                for i, (name, kind) in enumerate(self._kinds.items())}

    def _compile(self, using: str) -> tuple:
        connection = connections[using]
        stand_ins = self._stand_ins()
        queryset = self._build(**stand_ins).using(using)
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise TypeError("Prepared takes a plain model queryset (no values(), no prefetch)")
        compiler = queryset.query.get_compiler(using=using, connection=connection)
        sql, params = compiler.as_sql()
        name_of = {value: name for name, value in stand_ins.items()}
        slots = {i: name_of[p] for i, p in enumerate(params)
                 if isinstance(p, str | int) and p in name_of}
        unbound = set(stand_ins) - set(slots.values())
        if unbound:
            raise ValueError(f"parameters not found in the SQL: {sorted(unbound)}")
        return queryset, compiler, sql, tuple(params), slots

    def sql(self, using: str = DEFAULT_DB_ALIAS) -> str:
        return self._entry(using)[2]

    def _entry(self, using: str) -> tuple:
        key = (using, connections[using].vendor)
        entry = self._compiled.get(key)
        if entry is None:
            entry = self._compiled[key] = self._compile(using)
        return entry

    def fetch(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Model]:
        if set(values) != set(self._kinds):
            raise TypeError(f"expected values for {sorted(self._kinds)}, got {sorted(values)}")
        queryset, compiler, sql, params, slots = self._entry(using)
        bound = list(params)
        for i, name in slots.items():
            value = values[name]
            if not isinstance(value, self._kinds[name]):
                raise TypeError(f"{name} must be {self._kinds[name].__name__}")
            bound[i] = value
        # A private copy of the compiled compiler answers as_sql with the kept SQL; the
        # queryset's own iterable then executes it and builds the instances.
        run = copy.copy(compiler)
        run.connection = connections[using]
        text = _runnable(run.connection, sql)
        run.as_sql = lambda *args, **kwargs: (text, bound)
        clone = queryset._chain()
        clone.query.get_compiler = lambda *args, **kwargs: run
        return list(clone)


_INSERT_SQL: dict[tuple, tuple[str, list]] = {}


def insert(objs: Iterable[Model], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """INSERT new rows of one model in one statement; sets their primary keys."""
    objs = list(objs)
    if not objs:
        return
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise TypeError("insert() takes rows of one model")
    meta = model._meta
    pk_given = objs[0].pk is not None
    if any((obj.pk is not None) != pk_given for obj in objs):
        raise ValueError("either every row or none has its primary key")
    connection = connections[using]
    key = (model, using, connection.vendor, len(objs), pk_given)
    shape = _INSERT_SQL.get(key)
    if shape is None:
        fields = [f for f in meta.local_concrete_fields
                  if not f.generated and (pk_given or f is not meta.auto_field)]
        q = connection.ops.quote_name
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (f"INSERT INTO {q(meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
               f"VALUES {', '.join([row] * len(objs))}")
        if not pk_given:
            returning, _params = connection.ops.returning_columns([meta.pk])
            sql += " " + returning
        shape = _INSERT_SQL[key] = (sql, fields)
    sql, fields = shape
    params = [field.get_db_prep_save(field.pre_save(obj, True), connection=connection)
              for obj in objs for field in fields]
    text = _runnable(connection, sql)
    with connection.cursor() as cursor:
        cursor.execute(text, params)
        if not pk_given:
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
    for obj in objs:
        obj._state.adding, obj._state.db = False, using


__all__ = ["Prepared", "fetchall", "insert"]
