"""Fixtures of the charges tests: the case fixtures, the parts price list (S4.1), people per
role, and a member-store exchange brought to the cashier's step."""

from datetime import date
from decimal import Decimal

import pytest

from aftersales.cases.tests.conftest import *  # noqa: F403
from aftersales.charges.tests import helpers


@pytest.fixture
def price_list(db):
    return helpers.price_list()


@pytest.fixture
def cashier(make_user):
    return make_user("cashier", username="cashier1")


@pytest.fixture
def warehouse(make_user):
    return make_user("warehouse")


@pytest.fixture
def quality(make_user):
    return make_user("quality")


__all__ = ["Decimal", "date"]
