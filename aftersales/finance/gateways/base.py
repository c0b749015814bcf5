"""The payment gateway interface (issue 11 item 5): one class per way money goes back, chosen by
the original payment method (``registry``). A gateway refunds one refund line and, for a
provider with asynchronous results, reads its signed notifications."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


class GatewayError(Exception):
    """The provider refused the refund or could not be asked; ``retry`` when the outcome is
    unknown (a timeout), so the payment stays pending and is sent again under the same number."""

    def __init__(self, message: str, *, retry: bool = False, data: dict | None = None) -> None:
        super().__init__(message)
        self.retry = retry
        self.data = data or {}


class BadSignature(Exception):
    """A notification whose signature does not verify (or that can't be read)."""


class NotConfigured(Exception):
    """The gateway's credentials are not in the settings."""


@dataclass(frozen=True)
class RefundRequest:
    payment_number: str  # our out_refund_no / out_request_no: the same on every retry
    amount: Decimal
    original_amount: Decimal  # what the original payment paid in all
    original_reference: str  # the provider's transaction id of the original payment
    order_number: str
    reason: str = ""
    reference: str = ""  # a manual payment's reference, typed by finance


@dataclass(frozen=True)
class GatewayResult:
    status: str  # succeeded | pending | failed (PaymentStatus)
    reference: str = ""
    provider_status: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Notification:
    payment_number: str
    succeeded: bool
    reference: str = ""
    provider_status: str = ""
    data: dict[str, Any] = field(default_factory=dict)


class PaymentGateway(ABC):
    """One way money (or points, a coupon) goes back; each gateway implements refund()."""

    key = ""
    # A remote gateway calls a provider: the payment is saved before the call and settled after.
    remote = False
    requires_reference = False
    # The policy's refunds.gateways.<key> limits apply to it (PAY-7).
    limits_key = ""

    @abstractmethod
    def refund(self, request: RefundRequest) -> GatewayResult:
        """Pay one refund line through this route."""

    def parse_notification(self, *, headers: Mapping[str, str], body: bytes,
                           form: Mapping[str, str] | None = None) -> Notification:
        raise BadSignature("this gateway sends no notifications")
