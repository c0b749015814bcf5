"""Alipay (支付宝) refunds through ``python-alipay-sdk`` (import name ``alipay``), to the original
route, RSA2-signed both ways.

Credentials come from settings.FINANCE_ALIPAY (or AFTERSALES_ALIPAY_* environment variables,
docs/finance.md): appid, app_private_key (PEM), alipay_public_key (PEM), notify_url, and
base_url (the gateway.do URL; only to point the SDK at a local stub in tests).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.conf import settings

from aftersales.core.money import fmt
from aftersales.finance.gateways.base import (
    BadSignature,
    GatewayError,
    GatewayResult,
    NotConfigured,
    Notification,
    PaymentGateway,
    RefundRequest,
)

KEYS = ("appid", "app_private_key", "alipay_public_key", "notify_url", "base_url")
REQUIRED = ("appid", "app_private_key", "alipay_public_key")


def alipay_settings() -> dict[str, str]:
    conf = dict(getattr(settings, "FINANCE_ALIPAY", None) or {})
    for key in KEYS:
        env = os.environ.get(f"AFTERSALES_ALIPAY_{key.upper()}")
        if env and not conf.get(key):
            conf[key] = env
    return conf


class AlipayGateway(PaymentGateway):
    key = "alipay"
    remote = True
    limits_key = "alipay"

    def client(self):
        from alipay import AliPay, AliPayConfig

        conf = alipay_settings()
        missing = [k for k in REQUIRED if not conf.get(k)]
        if missing:
            raise NotConfigured(", ".join(missing))
        client = AliPay(appid=conf["appid"], app_notify_url=conf.get("notify_url") or None,
                        app_private_key_string=conf["app_private_key"],
                        alipay_public_key_string=conf["alipay_public_key"], sign_type="RSA2",
                        config=AliPayConfig(timeout=20))
        if conf.get("base_url"):
            client._gateway = conf["base_url"]  # the SDK's only URL hook
        return client

    def refund(self, request: RefundRequest) -> GatewayResult:
        from alipay.exceptions import AliPayException

        client = self.client()
        kwargs = ({"trade_no": request.original_reference} if request.original_reference
                  else {"out_trade_no": request.order_number})
        try:
            data = client.api_alipay_trade_refund(
                refund_amount=fmt(request.amount), out_request_no=request.payment_number,
                refund_reason=request.reason[:80], **kwargs)
        except AliPayException as exc:  # the provider answered with an error
            raise GatewayError(str(exc.message)[:500]) from exc
        except Exception as exc:  # network or an answer that does not verify: outcome unknown
            raise GatewayError(str(exc) or type(exc).__name__, retry=True) from exc
        if str(data.get("code")) != "10000":
            raise GatewayError(str(data.get("sub_msg") or data.get("msg") or data), data=data)
        return GatewayResult(status="succeeded", reference=str(data.get("trade_no", "")),
                             provider_status=f"10000/{data.get('fund_change', '')}", data=data)

    def parse_notification(self, *, headers: Mapping[str, str], body: bytes,
                           form: Mapping[str, str] | None = None) -> Notification:
        data = dict(form or {})
        signature = data.pop("sign", "")
        if not signature:
            raise BadSignature("no signature")
        try:
            ok = self.client().verify(dict(data), signature)
        except Exception as exc:
            raise BadSignature(str(exc)) from exc
        if not ok:
            raise BadSignature("signature does not verify")
        data.pop("sign_type", None)
        number = data.get("out_biz_no") or data.get("out_request_no") or ""
        return Notification(payment_number=str(number), succeeded=bool(data.get("refund_fee")),
                            reference=str(data.get("trade_no", "")),
                            provider_status=str(data.get("trade_status", "")), data=data)
