"""Payment gateways by original payment method (issue 11 item 5; docs/finance.md)."""

from __future__ import annotations

from aftersales.core.choices import PaymentMethod
from aftersales.finance.gateways.alipay import AlipayGateway
from aftersales.finance.gateways.base import (
    BadSignature,
    GatewayError,
    GatewayResult,
    NotConfigured,
    Notification,
    PaymentGateway,
    RefundRequest,
)
from aftersales.finance.gateways.manual import InKindGateway, ManualGateway
from aftersales.finance.gateways.wechat import WeChatPayGateway

__all__ = ["BadSignature", "GatewayError", "GatewayResult", "Notification", "NotConfigured",
           "PaymentGateway", "RefundRequest", "gateway", "gateway_for", "register"]

_GATEWAYS: dict[str, PaymentGateway] = {}
# The original route per method; money on any other route goes through the manual gateway.
_BY_METHOD: dict[str, str] = {
    PaymentMethod.WECHAT_PAY: "wechat_pay",
    PaymentMethod.ALIPAY: "alipay",
    PaymentMethod.CARD: "manual",
    PaymentMethod.BANK_TRANSFER: "manual",
    PaymentMethod.CASH: "manual",
    PaymentMethod.BALANCE: "manual",
    PaymentMethod.POINTS: "points",
    PaymentMethod.COUPON: "coupon",
}


def register(gateway: PaymentGateway, *, methods: tuple[str, ...] = ()) -> None:
    _GATEWAYS[gateway.key] = gateway
    for method in methods:
        _BY_METHOD[method] = gateway.key


def gateway(key: str) -> PaymentGateway:
    return _GATEWAYS[key]


def gateway_for(method: str, *, original_route: bool = True) -> PaymentGateway:
    if not original_route and method not in (PaymentMethod.POINTS, PaymentMethod.COUPON):
        return _GATEWAYS["manual"]
    return _GATEWAYS[_BY_METHOD.get(method, "manual")]


register(ManualGateway())
register(InKindGateway("points"))
register(InKindGateway("coupon"))
register(WeChatPayGateway())
register(AlipayGateway())
