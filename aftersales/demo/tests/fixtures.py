"""The demo company, built once per test session and shared by the tests that read it (a pytest
plugin: the root conftest.py loads it, so the browser tests can use it too).

Building it plays 60 cases through the services (seconds of work); the tests only read it.
The session builds it once, in a transaction it rolls back, and keeps every row of every table
in memory: an image of the database. A module that needs the demo writes the image back in a
transaction of its own, rolled back when the module ends (``demo_company``), and each test
still runs in its own nested transaction on top of it; a browser test writes it for good
(``demo_committed``) and the flush after the test takes it away. A parallel run sends every
test file that uses it to one worker (the root conftest.py), so one worker builds the demo.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.test import override_settings

from aftersales.core import cache
from aftersales.demo.services import demo_load
from aftersales.sales.models import Order

TODAY = date(2026, 6, 15)  # a Monday; the demo stories lead up to 18:00 that day


@dataclass(frozen=True)
class Image:
    """Every row of every table of the project's models, as the ORM reads them."""

    rows: dict[type[Model], list[tuple[Any, ...]]]

    @classmethod
    def take(cls) -> "Image":
        tables = set(connection.introspection.table_names())
        models = [m for m in apps.get_models(include_auto_created=True)
                  if m._meta.db_table in tables]
        return cls({m: list(m._base_manager.values_list(
            *[f.attname for f in m._meta.local_concrete_fields])) for m in models})

    def restore(self) -> None:
        """Make the tables hold exactly these rows; call it inside a transaction.

        The rows go back with their ids (what an earlier flush recreated under other ids, such
        as the role groups, is replaced too); the ids came from the sequences, which never move
        back, so rows created later don't collide with them.
        """
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            for sql in connection.ops.sql_flush(no_style(), [m._meta.db_table for m in self.rows]):
                cursor.execute(sql)
            for model, rows in self.rows.items():
                if not rows:
                    continue
                fields = model._meta.local_concrete_fields
                cursor.executemany(
                    f"INSERT INTO {qn(model._meta.db_table)} "
                    f"({', '.join(qn(f.column) for f in fields)}) "
                    f"VALUES ({', '.join(['%s'] * len(fields))})",
                    [[f.get_db_prep_save(value, connection) for f, value in zip(fields, row,
                                                                                 strict=True)]
                     for row in rows])
        ContentType.objects.clear_cache()
        cache.changed()  # what the in-process caches hold was read from other rows


@dataclass(frozen=True)
class Demo:
    result: dict[str, Any]  # what demo_load answered
    image: Image
    orders: list[tuple[Any, ...]]  # (number, customer code, placed_at, total), by number


@pytest.fixture(scope="session")
def demo_image(django_db_setup, django_db_blocker) -> Demo:
    """The demo company loaded for TODAY, once per session (rolled back at once)."""
    # A fast hasher for the demo users' one password hash: the tests log in as every role.
    with (django_db_blocker.unblock(),
          override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
          transaction.atomic()):
        result = demo_load(today=TODAY)
        assert isinstance(result["cases"], dict), result["cases"]  # the policies were there
        demo = Demo(result=result, image=Image.take(), orders=list(
            Order.objects.order_by("number").values_list(
                "number", "customer__code", "placed_at", "total")))
        transaction.set_rollback(True)
    ContentType.objects.clear_cache()
    return demo


@pytest.fixture(scope="module")
def demo_company(demo_image, django_db_blocker) -> dict[str, Any]:
    """The demo company in the database for the module, rolled back at its end; answers what
    its load answered. Each test runs in its own nested transaction on top of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_image.image.restore()
        yield demo_image.result
        transaction.set_rollback(True)
    ContentType.objects.clear_cache()


@pytest.fixture
def demo_committed(transactional_db, demo_image) -> dict[str, Any]:
    """The demo company committed, for a browser test (its live server reads other
    connections); the transactional test's flush empties the tables after it."""
    with transaction.atomic():
        demo_image.image.restore()
    return demo_image.result
