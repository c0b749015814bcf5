"""SMS through Alibaba Cloud SMS (dysmsapi 2017-05-25) and Tencent Cloud SMS (2021-01-11),
with their official SDKs. Both send a template the provider approved, with the sign name and the
parameters of the message's topic (texts.sms_template); a refusal (a code other than OK) raises,
and the outbox retries. The endpoint setting is a URL (``https://dysmsapi.aliyuncs.com``), so a
test points the SDK at a local stub of the provider's HTTP API."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.conf import settings

from aftersales.notify.channels import ChannelNotConfigured, DeliveryFailed
from aftersales.notify.models import Message
from aftersales.notify.texts import sms_template

TIMEOUT_SECONDS = 15


def _endpoint(url: str, default: str) -> tuple[str, str]:
    """(host[:port], scheme) of an endpoint setting; a bare host means HTTPS."""
    url = url or default
    if "://" not in url:
        return url.strip("/"), "https"
    parts = urlsplit(url)
    return parts.netloc, parts.scheme or "https"


def _conf(name: str, keys: tuple[str, ...]) -> dict[str, str]:
    conf = getattr(settings, name, {}) or {}
    missing = [k for k in keys if not conf.get(k)]
    if missing:
        raise ChannelNotConfigured(f"{name} lacks {', '.join(missing)}")
    return conf


def _template(message: Message) -> tuple[str, str, list[tuple[str, str]]]:
    sign = getattr(settings, "NOTIFY_SMS_SIGN_NAME", "")
    if not sign:
        raise ChannelNotConfigured("no SMS sign name (AFTERSALES_SMS_SIGN_NAME)")
    found = sms_template(message.topic, message.params or {})
    if found is None:
        raise ChannelNotConfigured(f"no SMS template for topic {message.topic or '-'} nor a "
                                   "default one (AFTERSALES_SMS_TEMPLATES)")
    return sign, found[0], found[1]


def mainland(phone: str) -> str:
    """11 digits for a mainland number given as +86…, 86… or with spaces and dashes."""
    digits = "".join(c for c in phone if c.isdigit() or c == "+")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            return digits[len(prefix):]
    if digits.startswith("86") and len(digits) == 13:
        return digits[2:]
    return digits


def e164(phone: str) -> str:
    """+86… for a mainland number, other +country numbers as given (digits only)."""
    digits = "".join(c for c in phone if c.isdigit() or c == "+")
    if digits.startswith("+") and not digits.startswith("+86"):
        return digits
    return f"+86{mainland(digits)}"


class AliyunSms:
    name = "sms_aliyun"

    def send(self, message: Message) -> str:
        from alibabacloud_dysmsapi20170525 import models as sms_models
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as api_models

        conf = _conf("NOTIFY_ALIYUN_SMS", ("access_key_id", "access_key_secret"))
        sign, code, values = _template(message)
        host, scheme = _endpoint(conf.get("endpoint", ""), "dysmsapi.aliyuncs.com")
        client = Client(api_models.Config(
            access_key_id=conf["access_key_id"], access_key_secret=conf["access_key_secret"],
            endpoint=host, protocol=scheme, connect_timeout=TIMEOUT_SECONDS * 1000,
            read_timeout=TIMEOUT_SECONDS * 1000))
        answer = client.send_sms(sms_models.SendSmsRequest(
            phone_numbers=mainland(message.recipient), sign_name=sign, template_code=code,
            template_param=json.dumps(dict(values), ensure_ascii=False),
            out_id=str(message.pk or "")))
        body = answer.body
        if body is None or body.code != "OK":
            raise DeliveryFailed(f"Alibaba Cloud SMS {getattr(body, 'code', '?')}: "
                                 f"{getattr(body, 'message', '')} "
                                 f"(request {getattr(body, 'request_id', '')})")
        return body.biz_id or ""


class TencentSms:
    name = "sms_tencent"

    def send(self, message: Message) -> str:
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import models as sms_models
        from tencentcloud.sms.v20210111 import sms_client

        conf = _conf("NOTIFY_TENCENT_SMS", ("secret_id", "secret_key", "app_id"))
        sign, code, values = _template(message)
        host, scheme = _endpoint(conf.get("endpoint", ""), "sms.tencentcloudapi.com")
        profile = ClientProfile(httpProfile=HttpProfile(
            protocol=scheme, endpoint=host, reqTimeout=TIMEOUT_SECONDS))
        client = sms_client.SmsClient(credential.Credential(conf["secret_id"], conf["secret_key"]),
                                      conf.get("region") or "ap-guangzhou", profile)
        request = sms_models.SendSmsRequest()
        request.PhoneNumberSet = [e164(message.recipient)]
        request.SmsSdkAppId = conf["app_id"]
        request.SignName = sign
        request.TemplateId = code
        request.TemplateParamSet = [v for _n, v in values]
        request.SessionContext = str(message.pk or "")
        answer = client.SendSms(request)  # an error answer raises TencentCloudSDKException
        statuses = answer.SendStatusSet or []
        if not statuses:
            raise DeliveryFailed(f"Tencent Cloud SMS: no status (request {answer.RequestId})")
        status = statuses[0]
        if status.Code != "Ok":
            raise DeliveryFailed(f"Tencent Cloud SMS {status.Code}: {status.Message} "
                                 f"(request {answer.RequestId})")
        return status.SerialNo or ""
