"""Splitting a refund amount over the original payment methods (B7-14(2), PAY-1): pure
arithmetic, property-tested. Amounts are Decimal yuan to the fen."""

from __future__ import annotations

from decimal import Decimal

from aftersales.core.money import ZERO, allocate, round_fen


class SplitError(ValueError):
    """The amount does not fit in what the methods can still take back."""


def split_amount(amount: Decimal, weights: dict[str, Decimal],
                 caps: dict[str, Decimal]) -> dict[str, Decimal]:
    """``amount`` over the methods in proportion to ``weights`` (the decision's by_method), never
    more than ``caps`` (what each method paid and was not refunded yet); what a capped method
    can't take moves to the others. The parts sum exactly to ``amount``."""
    amount = round_fen(amount)
    caps = {m: max(round_fen(c), ZERO) for m, c in caps.items()}
    if amount < 0:
        raise SplitError("negative amount")
    if amount > sum(caps.values(), ZERO):
        raise SplitError("more than the methods can take")
    parts = {m: ZERO for m in caps}
    left = amount
    methods = [m for m in caps if caps[m] > 0]
    # First by the given weights, then by what each method can still take.
    for use_weights in (True, False):
        while left > 0 and methods:
            w = [(weights.get(m, ZERO) if use_weights else caps[m] - parts[m]) for m in methods]
            if sum(w, ZERO) <= 0:
                break
            shares = allocate(left, w)
            moved = ZERO
            for m, share in zip(methods, shares, strict=True):
                room = caps[m] - parts[m]
                take = min(share, room)
                parts[m] += take
                moved += take
            left -= moved
            methods = [m for m in methods if caps[m] - parts[m] > 0]
            if moved == 0:
                break
    if left != 0:  # pragma: no cover - the loop always places the amount that fits
        raise SplitError("could not place the amount")
    return {m: p for m, p in parts.items() if p > 0}
