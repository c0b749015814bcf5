"""The one-time SMS code of the portal: where SMS is configured, order number + phone is not
enough to open an order's cases — the customer also types the code sent to that phone.

The code lives in the server-side session (never in a cookie), as an HMAC, with its expiry,
its wrong-attempt count and when it was sent; the SMS goes through the notify outbox (retried,
failures visible) with topic ``portal_code``. Lengths of time and the attempt limit are
deployment settings (``PORTAL_CODE_*``), not business policy.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationError
from aftersales.notify.models import Channel
from aftersales.notify.services import message_queue
from aftersales.notify.texts import sms_text
from aftersales.portal.errors import PortalErrorCode

PENDING = "portal_code"  # the session key of the code waiting to be typed
DIGITS = 6


def codes_required() -> bool:
    """A code is asked for when customers get SMS (an SMS provider is configured), unless the
    deployment turns it off (AFTERSALES_PORTAL_SMS_CODE=0)."""
    return (getattr(settings, "PORTAL_SMS_CODE", True)
            and Channel.SMS in getattr(settings, "NOTIFY_CUSTOMER_CHANNELS", ()))


def masked(phone: str) -> str:
    """138****5678: enough for the customer to recognise the phone, not enough to learn it."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else "****"


def _digest(code: str, *, order_id: int, phone: str) -> str:
    return salted_hmac("aftersales.portal.code", f"{order_id}:{phone}:{code}").hexdigest()


@dataclass(frozen=True)
class Pending:
    order_id: int
    order_number: str
    phone: str
    digest: str
    expires: float
    sent: float
    attempts: int

    @classmethod
    def of(cls, session) -> Pending | None:
        data = session.get(PENDING)
        return cls(**data) if data else None

    def save(self, session) -> None:
        session[PENDING] = self.__dict__.copy()


@transaction.atomic
def code_send(session, *, order, order_number: str, phone: str) -> Pending:
    """Send a fresh code to ``phone`` for ``order`` and remember it in ``session``.

    A second code for the same order and phone within PORTAL_CODE_RESEND_SECONDS is refused,
    so a page reload can't make the phone buzz again and again."""
    now = timezone.now().timestamp()
    old = Pending.of(session)
    wait = settings.PORTAL_CODE_RESEND_SECONDS
    if old and (old.order_id, old.phone) == (order.pk, phone) and now - old.sent < wait:
        seconds = int(wait - (now - old.sent)) + 1
        raise ValidationError(
            _("A code was just sent. You can ask for another in %(seconds)d seconds.")
            % {"seconds": seconds}, code=PortalErrorCode.PORTAL_CODE_TOO_SOON,
            fields={"code": _("too soon")})
    code = f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"
    minutes = settings.PORTAL_CODE_TTL_SECONDS // 60
    params = {"code": code, "minutes": minutes}
    message_queue(channel=Channel.SMS, recipient=phone, topic="portal_code", params=params,
                  subject=_("Your verification code"), body=sms_text("portal_code", params))
    pending = Pending(order_id=order.pk, order_number=order_number, phone=phone,
                      digest=_digest(code, order_id=order.pk, phone=phone),
                      expires=now + settings.PORTAL_CODE_TTL_SECONDS, sent=now, attempts=0)
    pending.save(session)
    return pending


def code_check(session, *, code: str) -> Pending:
    """The pending lookup when ``code`` is right (and forget the code: it opens once);
    otherwise a clear error, counting the wrong attempt."""
    pending = Pending.of(session)
    if pending is None or timezone.now().timestamp() > pending.expires:
        raise ValidationError(_("The code has expired. Please ask for a new one."),
                              code=PortalErrorCode.PORTAL_CODE_EXPIRED,
                              fields={"code": _("expired")})
    if pending.attempts >= settings.PORTAL_CODE_ATTEMPTS:
        raise ValidationError(_("Too many wrong codes. Please ask for a new one."),
                              code=PortalErrorCode.PORTAL_CODE_LOCKED,
                              fields={"code": _("locked")})
    code = (code or "").strip()
    if not (code.isdigit() and len(code) == DIGITS and constant_time_compare(
            _digest(code, order_id=pending.order_id, phone=pending.phone), pending.digest)):
        Pending(**{**pending.__dict__, "attempts": pending.attempts + 1}).save(session)
        left = settings.PORTAL_CODE_ATTEMPTS - pending.attempts - 1
        raise ValidationError(
            _("The code is not right. %(left)d attempts left.") % {"left": left}
            if left else _("Too many wrong codes. Please ask for a new one."),
            code=(PortalErrorCode.PORTAL_CODE_WRONG if left
                  else PortalErrorCode.PORTAL_CODE_LOCKED),
            fields={"code": _("wrong")})
    session.pop(PENDING, None)
    return pending
