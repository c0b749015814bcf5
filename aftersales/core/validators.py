"""What a phone number and an e-mail address must look like, for every form, API and service
that takes one (intake, the portal, parties). One place, so the page and the API refuse the
same input with the same message.

A phone is a mainland mobile (``1[3-9]`` and nine more digits, optionally written with the
+86 country code) or a landline with its area code (``0`` and two or three digits, an optional
hyphen, seven or eight digits), optionally followed by an extension (``-123``, ``转123``,
``#123``, ``ext 123``).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

MOBILE = re.compile(r"(?:\+?86[ -]?)?1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(?:(?:-|转|#|\s*ext\.?\s*)\d{1,6})?", re.IGNORECASE)
NUL = "\x00"

PHONE_MESSAGE = _("Enter a mainland mobile number (11 digits starting 13–19) or a landline "
                  "with its area code, such as 010-12345678.")
EMAIL_MESSAGE = _("Enter a valid e-mail address.")
NUL_MESSAGE = _("The text contains a NUL character.")


def is_phone(value: str) -> bool:
    """A mainland mobile or landline number (surrounding spaces ignored)."""
    text = str(value).strip()
    return bool(MOBILE.fullmatch(text) or LANDLINE.fullmatch(text))


def is_email(value: str) -> bool:
    try:
        validate_email(str(value).strip())
    except DjangoValidationError:
        return False
    return True


def holds_nul(value: Any) -> bool:
    """Whether a NUL character is in this text, or in any key or text inside a list or dict."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(holds_nul(v) for v in value)
    return False


def validate_phone(value: str) -> None:
    """The rule as a Django validator, for forms and model fields (same message)."""
    if value and not is_phone(value):
        raise DjangoValidationError(PHONE_MESSAGE)


__all__ = ["EMAIL_MESSAGE", "NUL_MESSAGE", "PHONE_MESSAGE", "holds_nul", "is_email", "is_phone",
           "validate_phone"]
