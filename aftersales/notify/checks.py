"""`aftersales check --deploy`: the message settings a deployment forgot (docs/notifications.md).
Each problem would otherwise show only as failed messages in the outbox, or links without a
host."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

from aftersales.notify.channels import SMS_PROVIDERS


def _sms_problems() -> list[str]:
    provider = getattr(settings, "NOTIFY_SMS_PROVIDER", "")
    if not provider or provider == "console":
        return []
    if provider not in SMS_PROVIDERS and provider not in getattr(
            settings, "NOTIFY_CHANNEL_CLASSES", {}):
        return [f"AFTERSALES_SMS_PROVIDER={provider} is not a known SMS provider "
                f"({', '.join(SMS_PROVIDERS)})"]
    problems = []
    needed = {"aliyun": ("NOTIFY_ALIYUN_SMS", ("access_key_id", "access_key_secret")),
              "tencent": ("NOTIFY_TENCENT_SMS", ("secret_id", "secret_key", "app_id"))}
    if provider in needed:
        name, keys = needed[provider]
        conf = getattr(settings, name, {}) or {}
        missing = [k for k in keys if not conf.get(k)]
        if missing:
            env = f"AFTERSALES_{provider.upper()}_SMS_"
            problems.append("missing " + ", ".join(env + k.upper() for k in missing))
    if not getattr(settings, "NOTIFY_SMS_SIGN_NAME", ""):
        problems.append("missing AFTERSALES_SMS_SIGN_NAME")
    if not getattr(settings, "NOTIFY_SMS_TEMPLATES", ""):
        problems.append("missing AFTERSALES_SMS_TEMPLATES")
    return problems


@register(Tags.compatibility, deploy=True)
def message_settings(app_configs=None, **kwargs) -> list[Warning]:
    out = []
    if not getattr(settings, "AFTERSALES_BASE_URL", ""):
        out.append(Warning("AFTERSALES_BASE_URL is not set: messages go without links.",
                           hint="Set it to the site's address, e.g. https://shouhou.example.com",
                           id="notify.W001"))
    if not getattr(settings, "NOTIFY_SMS_PROVIDER", ""):
        out.append(Warning("No SMS provider: customers with only a phone get no messages.",
                           hint="Set AFTERSALES_SMS_PROVIDER=aliyun or tencent "
                                "(docs/notifications.md).", id="notify.W002"))
    for problem in _sms_problems():
        out.append(Warning(f"SMS: {problem}.", hint="See docs/notifications.md.",
                           id="notify.W003"))
    return out
