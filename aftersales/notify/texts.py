"""What a message says, per step and channel (docs/notifications.md).

E-mail gets the full text the business step wrote, framed with a greeting, the case number, an
absolute link to the case page and the signature. SMS gets a short text: providers send only
templates they approved, with parameters, so each topic has a template (its text here, in
Chinese and English, is what the deployment registers with the provider) and the parameter
names it needs. A topic whose parameters the step did not give falls back to the ``default``
template (case number, title, link). The provider's template code per topic comes from the
settings (``NOTIFY_SMS_TEMPLATES``), never from a policy.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

log = logging.getLogger("aftersales.notify")

# topic -> (parameter names in the provider template's order, the text with those names)
SMS_TEXTS: dict[str, tuple[tuple[str, ...], Any]] = {
    "default": (("number", "title", "link"),
                _("Case %(number)s: %(title)s. Details: %(link)s")),
    "portal_code": (("code", "minutes"),
                    _("Your after-sales verification code is %(code)s, valid for %(minutes)s "
                      "minutes. Do not tell anyone.")),
    "case_opened": (("number", "link"),
                    _("Your after-sales case %(number)s is open. Details: %(link)s")),
    "case_transitioned": (("number", "title", "link"),
                          _("Case %(number)s is now: %(title)s. Details: %(link)s")),
    "option_accepted": (("number", "option", "link"),
                        _("Case %(number)s: your choice (%(option)s) is recorded. "
                          "Details: %(link)s")),
    "case_rejected": (("number", "link"),
                      _("Case %(number)s was not accepted; you may appeal with more evidence: "
                        "%(link)s")),
    "case_appealed": (("number", "due"),
                      _("We received your appeal for case %(number)s and will review it by "
                        "%(due)s.")),
    "case_closed": (("number", "link"),
                    _("Case %(number)s is closed. Please rate our service: %(link)s")),
    "refund_paid": (("number", "amount", "method", "link"),
                    _("Case %(number)s: your refund of %(amount)s is paid (%(method)s). Please "
                      "confirm when you receive it: %(link)s")),
    "quote_issued": (("number", "amount", "due", "link"),
                     _("Case %(number)s: the repair costs %(amount)s. Please accept or refuse "
                       "by %(due)s: %(link)s")),
    "rma_issued": (("rma", "address", "due", "link"),
                   _("Return %(rma)s: please send the goods to %(address)s by %(due)s. "
                     "Details: %(link)s")),
    "rma_reminder": (("rma", "due", "link"),
                     _("Return %(rma)s was due to be sent by %(due)s. Please send it or tell "
                       "us: %(link)s")),
    "rma_not_shipped": (("rma", "link"),
                        _("Return %(rma)s was not sent in time and is closed. Details: "
                          "%(link)s")),
    "goods_received": (("rma", "link"),
                       _("We received your return %(rma)s. Details: %(link)s")),
    "replacement_shipped": (("number", "courier", "tracking"),
                            _("Case %(number)s: your replacement is on its way, %(courier)s "
                              "tracking number %(tracking)s.")),
    "advance_replacement_charge": (("number", "amount", "link"),
                                   _("Case %(number)s: the defective unit has not come back; we "
                                     "charge %(amount)s. Details: %(link)s")),
    "compensation_approved": (("number", "amount"),
                              _("Case %(number)s: we will pay you %(amount)s as compensation "
                                "for our delay.")),
}


def site_url(path: str, *, what: str = "") -> str:
    """``path`` made absolute with the site's address (AFTERSALES_BASE_URL), or "" with a
    warning when none is configured: a message carries no link rather than a broken one."""
    base = (getattr(settings, "AFTERSALES_BASE_URL", "") or "").rstrip("/")
    if not base:
        log.warning("AFTERSALES_BASE_URL is not set: the message%s goes without its link",
                    f" for {what}" if what else "")
        return ""
    if not path.startswith("/"):
        path = "/" + path
    return f"{base}{path}"


def sms_topic(topic: str, params: dict[str, Any]) -> str:
    """The topic whose SMS template fits: the step's own when every parameter it needs is
    given, else ``default``."""
    names = SMS_TEXTS.get(topic, ((), None))[0]
    if topic in SMS_TEXTS and all(params.get(n) not in (None, "") for n in names
                                  if n != "link"):
        return topic
    return "default"


LINK_MARK = "\x00link\x00"


def sms_text(topic: str, params: dict[str, Any]) -> str:
    """The short text of an SMS in the active language (what the customer reads). Without a
    link (no site address) the text ends where the link's label began, not on a dangling
    "Details:"."""
    names, text = SMS_TEXTS[sms_topic(topic, params)]
    values = {n: params.get(n) or "" for n in names}
    if "link" in values and not values["link"]:
        values["link"] = LINK_MARK
        before = (str(text) % values).split(LINK_MARK, 1)[0]
        return _without_link(before)
    return str(text) % values


def _without_link(before: str) -> str:
    """"… is open. Details: " → "… is open."; "…请确认：" → "…请确认。"."""
    for end in ("。", ". "):
        i = before.rfind(end)
        if i >= 0:
            label = before[i + len(end):].rstrip()
            if len(label) <= 12 and label.endswith((":", "：")):
                return before[:i + len(end)].rstrip()
    cut = before.rstrip()
    return cut.rstrip(":：").rstrip() + ("。" if cut.endswith("：") else ".")


def sms_templates() -> dict[str, Any]:
    raw = getattr(settings, "NOTIFY_SMS_TEMPLATES", {}) or {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise ValueError(f"AFTERSALES_SMS_TEMPLATES is not JSON: {exc}") from None
    return raw


def sms_template(topic: str, params: dict[str, Any]) -> tuple[str, list[tuple[str, str]]] | None:
    """(provider template code, [(name, value)…] in the template's order) for one SMS, or None
    when no template is configured for its topic nor a default one.

    ``NOTIFY_SMS_TEMPLATES`` maps a topic to a code ("SMS_123") or to {"code": …, "params": […]}
    when the registered template orders or names its parameters differently."""
    configured = sms_templates()
    for key in dict.fromkeys((sms_topic(topic, params), "default")):
        entry = configured.get(key)
        if not entry:
            continue
        if isinstance(entry, str):
            entry = {"code": entry}
        names = entry.get("params") or SMS_TEXTS.get(key, SMS_TEXTS["default"])[0]
        return str(entry["code"]), [(n, str(params.get(n) or "")) for n in names]
    return None


def email_text(*, body: str, number: str, link: str) -> str:
    """The full e-mail: greeting, the step's text, the case number and its link, signature."""
    return render_to_string("notify/email.txt", {
        "body": body, "number": number, "link": link,
        "company": getattr(settings, "COMPANY_NAME", "")}).strip() + "\n"
