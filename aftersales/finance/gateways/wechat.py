"""WeChat Pay (微信支付 APIv3) refunds through the ``wechatpayv3`` SDK, to the original route.

Credentials come from settings.FINANCE_WECHATPAY (or AFTERSALES_WECHATPAY_* environment
variables, docs/finance.md): mchid, appid, private_key (the merchant's API key, PEM),
cert_serial_no, apiv3_key (32 bytes), public_key + public_key_id (the WeChat Pay platform
public key that signs responses and notifications), notify_url, and base_url (only to point the
SDK at a local stub in tests).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings

from aftersales.finance.gateways.base import (
    BadSignature,
    GatewayError,
    GatewayResult,
    NotConfigured,
    Notification,
    PaymentGateway,
    RefundRequest,
)

KEYS = ("mchid", "appid", "private_key", "cert_serial_no", "apiv3_key", "public_key",
        "public_key_id", "notify_url", "base_url")
REQUIRED = ("mchid", "appid", "private_key", "cert_serial_no", "apiv3_key", "public_key",
            "public_key_id")
FEN = Decimal(100)


def wechat_settings() -> dict[str, str]:
    conf = dict(getattr(settings, "FINANCE_WECHATPAY", None) or {})
    for key in KEYS:
        env = os.environ.get(f"AFTERSALES_WECHATPAY_{key.upper()}")
        if env and not conf.get(key):
            conf[key] = env
    return conf


def _fen(amount: Decimal) -> int:
    return int((amount * FEN).to_integral_value())


class WeChatPayGateway(PaymentGateway):
    key = "wechat_pay"
    remote = True
    limits_key = "wechat_pay"

    def client(self):
        from wechatpayv3 import WeChatPay, WeChatPayType

        conf = wechat_settings()
        missing = [k for k in REQUIRED if not conf.get(k)]
        if missing:
            raise NotConfigured(", ".join(missing))
        pay = WeChatPay(wechatpay_type=WeChatPayType.NATIVE, mchid=conf["mchid"],
                        private_key=conf["private_key"], cert_serial_no=conf["cert_serial_no"],
                        appid=conf["appid"], apiv3_key=conf["apiv3_key"],
                        notify_url=conf.get("notify_url") or None,
                        public_key=conf["public_key"], public_key_id=conf["public_key_id"],
                        timeout=(5, 20))
        if conf.get("base_url"):
            pay._core._gate_way = conf["base_url"].rstrip("/")  # the SDK's only URL hook
        return pay

    def refund(self, request: RefundRequest) -> GatewayResult:
        pay = self.client()
        amount = {"refund": _fen(request.amount), "total": _fen(request.original_amount),
                  "currency": "CNY"}
        kwargs = ({"transaction_id": request.original_reference} if request.original_reference
                  else {"out_trade_no": request.order_number})
        try:
            code, text = pay.refund(out_refund_no=request.payment_number, amount=amount,
                                    reason=request.reason[:80] or None, **kwargs)
        except Exception as exc:  # network failure or an unverifiable answer: outcome unknown
            raise GatewayError(str(exc), retry=True) from exc
        try:
            data = json.loads(text) if isinstance(text, str | bytes) else {}
        except ValueError:
            data = {}
        if not 200 <= code < 300:
            if code >= 500:
                raise GatewayError(data.get("message") or f"HTTP {code}", retry=True, data=data)
            raise GatewayError(data.get("message") or data.get("code") or f"HTTP {code}",
                               data=data)
        status = str(data.get("status", ""))
        return GatewayResult(
            status={"SUCCESS": "succeeded", "CLOSED": "failed", "ABNORMAL": "failed"}.get(
                status, "pending"),
            reference=str(data.get("refund_id", "")), provider_status=status, data=data)

    def parse_notification(self, *, headers: Mapping[str, str], body: bytes,
                           form: Mapping[str, str] | None = None) -> Notification:
        conf = wechat_settings()
        serial = headers.get("Wechatpay-Serial") or headers.get("wechatpay-serial") or ""
        # Only the configured platform key: an unknown serial would make the SDK fetch
        # certificates over the network.
        if not conf.get("public_key_id") or serial != conf["public_key_id"]:
            raise BadSignature("unknown platform key")
        try:
            result = self.client().callback(dict(headers), body)
        except Exception as exc:
            raise BadSignature(str(exc)) from exc
        if not result or not isinstance(result.get("resource"), dict):
            raise BadSignature("signature or resource did not verify")
        res = result["resource"]
        status = str(res.get("refund_status", ""))
        return Notification(payment_number=str(res.get("out_refund_no", "")),
                            succeeded=status == "SUCCESS", reference=str(res.get("refund_id", "")),
                            provider_status=status, data=res)
