"""The one amount check (core.money): 0 to 10⁹ yuan with at most two decimals, everywhere an
amount is typed — the adjustment on the case page goes through it too."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersales.core.money import AMOUNT_MAX, AmountError, amount_parse, to_money


@pytest.mark.parametrize("value", ["1e999999", "1e30", "1000000000.01", 10**30, "-0.01",
                                   "1.005", "NaN", "Infinity", "", "abc", None, True, [1]])
def test_refused(value):
    with pytest.raises(AmountError) as caught:
        amount_parse(value)
    assert str(caught.value.message)


@pytest.mark.parametrize(("value", "expected"), [
    ("12.5", "12.50"), (0, "0.00"), ("1,000.00", "1000.00"), ("¥3", "3.00"), (3.1, "3.10"),
    ("1000000000", "1000000000.00"),
])
def test_accepted(value, expected):
    assert amount_parse(value) == Decimal(expected)


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_any_decimal_is_an_amount_in_bounds_or_refused(value):
    try:
        amount = amount_parse(str(value))
    except AmountError:
        return
    assert 0 <= amount <= AMOUNT_MAX and amount == amount.quantize(Decimal("0.01"))


def test_to_money_refuses_what_no_decimal_context_holds():
    with pytest.raises(ValueError):
        to_money("1e30")
