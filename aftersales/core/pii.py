"""Masking personal data (PIPL) for lists, API answers and roles that don't talk to customers.

A phone number keeps its first three and last four digits (``138****1234``), enough to tell
two customers apart and to match what the caller reads out, not enough to call them. An
address keeps its first six characters (province and city) and hides the street and house.
"""

from __future__ import annotations

MASK = "****"
ADDRESS_KEPT = 6


def mask_phone(value: str | None) -> str:
    """``13812341234`` → ``138****1234``; ``010-12345678`` → ``010****5678``; short or empty
    values are hidden whole except their last two characters."""
    text = str(value or "").strip()
    if not text:
        return ""
    if len(text) < 8:
        return MASK + text[-2:] if len(text) > 2 else MASK
    return f"{text[:3]}{MASK}{text[-4:]}"


def mask_address(value: str | None) -> str:
    """``广东省广州市天河区体育西路1号`` → ``广东省广州市****``."""
    text = str(value or "").strip()
    if not text:
        return ""
    if len(text) <= ADDRESS_KEPT:
        return MASK
    return f"{text[:ADDRESS_KEPT]}{MASK}"


def mask_email(value: str | None) -> str:
    """``zhang.san@example.com`` → ``z****@example.com``."""
    text = str(value or "").strip()
    if "@" not in text:
        return mask_phone(text) if text else ""
    local, _at, domain = text.partition("@")
    return f"{local[:1]}{MASK}@{domain}"
