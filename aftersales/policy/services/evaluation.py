"""One decision: parse → resolve the version in force (S9.7) → engine → log (item 1, 4)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftersales.calendars.calendar import get_calendar
from aftersales.core.errors import CoreErrorCode, ValidationError
from aftersales.core.money import to_money
from aftersales.policy import documents, engine
from aftersales.policy.models import EvaluationLog, PolicyVersion

from .resolve import compiled, policy_resolve

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _attr(obj: Any, *names: str) -> Any:
    for name in names:
        if obj is None:
            return None
        obj = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    return obj


def placed_date(value: Any) -> date | None:
    """The order's placed date in Beijing time (a naive time is Beijing time, POLICY-API)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise ValidationError(_("The request is not valid."), code=CoreErrorCode.INVALID,
                                  fields={"order.placed_at": _("not a date and time")}) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI).date()


def _policy_version(value: Any) -> int | str | None:
    """An explicit policy_version: a version number (2) or a label ("2025-01-01")."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or (
            isinstance(value, int) and value < 1):
        raise ValidationError(_("The request is not valid."), code=CoreErrorCode.INVALID,
                              fields={"policy_version": _("not a version number or label")})
    return value


def refund_total(decision: dict) -> Decimal:
    """The largest money refund any option offers (0 when refused)."""
    best = Decimal("0.00")
    for option in decision.get("options") or []:
        total = _attr(option, "refund", "total")
        if total not in (None, ""):
            best = max(best, to_money(total))
    return best


def decide(data: dict, *, version_override: tuple[PolicyVersion, dict] | None = None
           ) -> tuple[PolicyVersion, dict]:
    """Parse and evaluate without logging: (version applied, decision)."""
    if not isinstance(data, dict):
        raise ValidationError(_("The request must be a JSON object."), code=CoreErrorCode.INVALID,
                              fields={"body": _("must be a JSON object")})
    request = engine.parse_request(data)
    if version_override is None:
        name = _attr(request, "policy") or data.get("policy")
        number = _policy_version(data.get("policy_version"))
        # S9.7: the version in force at the placed date; unknown placed date: at the asking date.
        placed = (_attr(request, "order", "placed_at") or _attr(data, "order", "placed_at")
                  or _attr(request, "asked_at") or data.get("asked_at"))
        version, merged = policy_resolve(name=name, version=number, at=placed_date(placed))
    else:
        version, merged = version_override
    decision = engine.evaluate(request, compiled(version, merged), calendar=get_calendar(),
                               version_label=version.label)
    return version, decision


@transaction.atomic
def policy_evaluate(*, data: dict, actor=None, channel: str) -> dict:
    """The decision for one POLICY-API request, logged once with its actor and channel.

    Raises ValidationError naming the field when the request is invalid.
    """
    version, decision = decide(data)
    decision = documents.jsonable(decision)
    evaluation_log_record(data=data, decision=decision, version=version, actor=actor,
                          channel=channel)
    return decision


def evaluation_log_record(*, data: dict, decision: dict, version: PolicyVersion, actor,
                          channel: str) -> EvaluationLog:
    log = evaluation_log_build(data=data, decision=decision, version=version, actor=actor,
                               channel=channel)
    log.save(force_insert=True)
    return log


def evaluation_log_build(*, data: dict, decision: dict, version: PolicyVersion, actor,
                         channel: str) -> EvaluationLog:
    """The log row for one decision, unsaved (intake inserts it with the case's rows)."""
    order_number = _attr(data, "order", "number")
    return EvaluationLog(
        actor=actor if getattr(actor, "pk", None) else None, channel=channel,
        policy_name=str(_attr(decision, "policy", "name") or data.get("policy") or "")[:80],
        version=version,
        request=documents.jsonable(data), decision=decision,
        allowed=bool(decision.get("allowed")),
        order_number=str(order_number or "")[:60], refund_total=refund_total(decision),
    )
