"""Refunds that pay exactly once (S7, S9.4-S9.5, REGULATIONS-CN §7): review and approval, payments
per original method through payment gateways, the points ledger.
"""
