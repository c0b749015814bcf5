"""Money is exact: Decimal yuan, rounded to the fen (0.01) ROUND_HALF_UP, here and only here."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


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
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def round_fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def fmt(amount: Decimal) -> str:
    """The decimal string of the public contract: "12.50"."""
    return str(round_fen(amount))


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
