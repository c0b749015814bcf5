"""Gateways without a provider: finance records a payment made elsewhere (bank transfer, cash,
card terminal, account balance) with its reference; points and coupons come back in kind."""

from __future__ import annotations

from aftersales.finance.gateways.base import GatewayResult, PaymentGateway, RefundRequest


class ManualGateway(PaymentGateway):
    key = "manual"
    requires_reference = True

    def refund(self, request: RefundRequest) -> GatewayResult:
        return GatewayResult(status="succeeded", reference=request.reference.strip(),
                             provider_status="RECORDED")


class InKindGateway(PaymentGateway):
    """Points back to the member's ledger, a coupon back with its code (B7-15): the finance
    service writes the ledger row when the payment settles."""

    def __init__(self, key: str) -> None:
        self.key = key

    def refund(self, request: RefundRequest) -> GatewayResult:
        return GatewayResult(status="succeeded", reference=request.payment_number,
                             provider_status="RESTORED")
