"""Business actions of the finance app (STYLE.md: keyword-only, one transaction each)."""

from aftersales.finance.services.payments import (
    refund_notification,
    refund_pay,
    refund_pay_all,
)
from aftersales.finance.services.points import points_balance, points_record
from aftersales.finance.services.refunds import (
    case_entitlement,
    refund_approve,
    refund_confirm_received,
    refund_create,
    refund_refuse,
    refund_rules,
)

__all__ = ["case_entitlement", "points_balance", "points_record", "refund_approve",
           "refund_confirm_received", "refund_create", "refund_notification", "refund_pay",
           "refund_pay_all", "refund_refuse", "refund_rules"]
