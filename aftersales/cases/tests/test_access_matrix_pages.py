"""The access matrix's page rows (the table and its world are in test_access_matrix.py; the
rows run here so that a parallel run checks the API and the pages on two workers)."""

import pytest

from aftersales.cases.tests.test_access_matrix import (  # noqa: F401 - the module's fixture
    PAGE_ROWS,
    check_route,
    world,
)


@pytest.mark.parametrize("route", PAGE_ROWS, ids=[r.name for r in PAGE_ROWS])
def test_page_access(world, db, route, monkeypatch):  # noqa: F811
    check_route(world, route, monkeypatch)
