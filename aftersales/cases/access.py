"""The customer's tracking link: a secret derived from the case (never stored in clear)."""

import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "aftersales.cases.portal"


def new_portal_salt() -> str:
    return secrets.token_hex(16)


def portal_token(case) -> str:
    """The token in the customer's link; changes when portal_salt is rotated."""
    mac = salted_hmac(_SALT, f"{case.number}:{case.portal_salt}", algorithm="sha256")
    return mac.hexdigest()[:32]


def portal_token_ok(case, token: str) -> bool:
    return bool(token) and constant_time_compare(portal_token(case), str(token))
