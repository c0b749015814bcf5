"""Money is exact: Decimal yuan, rounded to the fen (0.01) ROUND_HALF_UP, here and only here.

Every amount a person or a client types is checked by amount_parse() (pages, services, the
policy request) or declared with the ``Amount`` type (API schemas): 0 to 10⁹ yuan with at most
two decimals, so nothing larger than the 12-digit money columns ever reaches the database.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from django.utils.translation import gettext_lazy as _
from pydantic import Field

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
AMOUNT_MAX = Decimal("1000000000.00")  # 10⁹ yuan: above any real case, inside Decimal(12, 2)

# An amount in an API schema: the same bounds as amount_parse(), declared in the OpenAPI document.
Amount = Annotated[Decimal, Field(ge=0, le=AMOUNT_MAX, max_digits=12, decimal_places=2,
                                  allow_inf_nan=False)]


class AmountError(ValueError):
    """A value that is not an accepted amount; ``message`` says why, in the user's language."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def to_money(value: object) -> Decimal:
    """Parse a number or decimal string as yuan rounded to the fen; raises ValueError."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("¥"))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    try:
        return amount.quantize(FEN, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # more digits than any Decimal context holds (1e30…)
        raise ValueError(f"not an amount: {value!r}") from exc


def amount_parse(value: object, *, maximum: Decimal = AMOUNT_MAX) -> Decimal:
    """A typed amount: a number or decimal string from 0 to ``maximum`` (10⁹ yuan) with at
    most two decimals (fen). Raises AmountError with the reason; never rounds silently."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise AmountError(_("Must be a decimal amount such as \"12.50\"."))
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("¥"))
    except (InvalidOperation, ValueError):
        raise AmountError(_("Must be a decimal amount such as \"12.50\".")) from None
    if not amount.is_finite():
        raise AmountError(_("Must be a decimal amount such as \"12.50\"."))
    if amount < 0:
        raise AmountError(_("Must not be negative."))
    if amount > maximum:
        raise AmountError(_("Must be at most %(max)s yuan.") % {"max": fmt(maximum)})
    if amount != amount.quantize(FEN, rounding=ROUND_HALF_UP):
        raise AmountError(_("Must have at most two decimal places (fen)."))
    return amount.quantize(FEN)


def round_fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def fmt(amount: Decimal) -> str:
    """The decimal string of the public contract: "12.50"."""
    return str(round_fen(amount))


def yuan(amount: object) -> str:
    """An amount as a person reads it in a message: ``¥1,234.50`` (``-¥12.00``)."""
    value = to_money(amount)
    return f"{'-' if value < 0 else ''}¥{abs(value):,.2f}"


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split total over weights to the fen; the parts sum exactly to total (largest remainder)."""
    total = round_fen(total)
    weight_sum = sum(weights, Decimal(0))
    if not weights:
        return []
    if weight_sum <= 0:
        return [total] + [ZERO] * (len(weights) - 1)
    cents = int(total / FEN)
    raw = [Decimal(cents) * w / weight_sum for w in weights]
    floors = [int(r) for r in raw]
    remainder = cents - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (raw[i] - floors[i]), reverse=True)
    for i in order[:remainder]:
        floors[i] += 1
    return [Decimal(c) * FEN for c in floors]
