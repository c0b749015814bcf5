"""The timeline (X1): one function per event kind, the only place a CaseEvent is made.

Each saves its event, or with save=False hands it back unsaved for a caller that inserts it
with other rows (intake writes the case and its first events together with bulk_create).

Every business action writes exactly one event in its own transaction. `data` holds what the
timeline and the audit report need to show without joining anything else.
"""

from datetime import datetime
from typing import Any

from django.utils import timezone

from aftersales.cases.models import Case, CaseEvent, EventKind
from aftersales.core.bulk import bulk_insert

SYSTEM = "system"
CUSTOMER = "customer"


def _record(*, case: Case, kind: str, actor=None, actor_label: str = "", from_state: str = "",
            to_state: str = "", data: dict[str, Any] | None = None,
            customer_visible: bool = False, at: datetime | None = None,
            save: bool = True) -> CaseEvent:
    if actor is not None and not getattr(actor, "pk", None):
        actor = None  # an AnonymousUser: the customer on the portal
    if actor is None and not actor_label:
        actor_label = SYSTEM
    event = CaseEvent(case=case, kind=kind, actor=actor, actor_label=actor_label,
                      from_state=from_state, to_state=to_state, data=data or {},
                      customer_visible=customer_visible, at=at or timezone.now())
    if save:
        event.save(force_insert=True)
    return event


def event_opened(*, case: Case, actor, actor_label: str = "", data: dict,
                 save: bool = True) -> CaseEvent:
    return _record(case=case, kind=EventKind.OPENED, actor=actor, actor_label=actor_label,
                   to_state=case.state, data=data, customer_visible=True, save=save)


def event_verified(*, case: Case, actor, data: dict) -> CaseEvent:
    return _record(case=case, kind=EventKind.VERIFIED, actor=actor, data=data)


def event_problem_confirmed(*, case: Case, actor, data: dict) -> CaseEvent:
    return _record(case=case, kind=EventKind.PROBLEM_CONFIRMED, actor=actor, data=data)


def event_evaluated(*, case: Case, actor, data: dict, save: bool = True) -> CaseEvent:
    return _record(case=case, kind=EventKind.EVALUATED, actor=actor, data=data,
                   customer_visible=True, save=save)


def event_option_accepted(*, case: Case, actor, actor_label: str = "", data: dict) -> CaseEvent:
    return _record(case=case, kind=EventKind.OPTION_ACCEPTED, actor=actor,
                   actor_label=actor_label, data=data, customer_visible=True)


def event_adjusted(*, case: Case, actor, data: dict) -> CaseEvent:
    return _record(case=case, kind=EventKind.ADJUSTED, actor=actor, data=data)


def event_adjustment_decided(*, case: Case, actor, approved: bool, data: dict) -> CaseEvent:
    kind = EventKind.ADJUSTMENT_APPROVED if approved else EventKind.ADJUSTMENT_REFUSED
    return _record(case=case, kind=kind, actor=actor, data=data)


def event_fact_recorded(*, case: Case, actor, data: dict) -> CaseEvent:
    return _record(case=case, kind=EventKind.FACT_RECORDED, actor=actor, data=data)


def event_transitioned(*, case: Case, actor, actor_label: str = "", from_state: str,
                       data: dict) -> CaseEvent:
    return _record(case=case, kind=EventKind.TRANSITIONED, actor=actor, actor_label=actor_label,
                   from_state=from_state, to_state=case.state, data=data, customer_visible=True)


def event_rejected(*, case: Case, actor, from_state: str, data: dict) -> CaseEvent:
    return _record(case=case, kind=EventKind.REJECTED, actor=actor, from_state=from_state,
                   to_state=case.state, data=data, customer_visible=True)


def event_appealed(*, case: Case, actor, actor_label: str = "", from_state: str,
                   data: dict) -> CaseEvent:
    return _record(case=case, kind=EventKind.APPEALED, actor=actor, actor_label=actor_label,
                   from_state=from_state, to_state=case.state, data=data, customer_visible=True)


def event_closed(*, case: Case, actor, actor_label: str = "", from_state: str,
                 data: dict) -> CaseEvent:
    return _record(case=case, kind=EventKind.CLOSED, actor=actor, actor_label=actor_label,
                   from_state=from_state, to_state=case.state, data=data,
                   customer_visible=True)


def event_rated(*, case: Case, actor, actor_label: str = "", data: dict) -> CaseEvent:
    return _record(case=case, kind=EventKind.RATED, actor=actor, actor_label=actor_label,
                   data=data, customer_visible=True)


def event_contact_revealed(*, case: Case, actor, data: dict) -> CaseEvent:
    """Someone was shown the customer's full phone number and address (PIPL): not shown to
    the customer, kept for the audit."""
    return _record(case=case, kind=EventKind.CONTACT_REVEALED, actor=actor, data=data)


def event_assigned(*, case: Case, actor, data: dict) -> CaseEvent:
    return _record(case=case, kind=EventKind.ASSIGNED, actor=actor, data=data)


def event_attachment_added(*, case: Case, actor, actor_label: str = "",
                           data: dict) -> CaseEvent:
    return _record(case=case, kind=EventKind.ATTACHMENT_ADDED, actor=actor,
                   actor_label=actor_label, data=data, customer_visible=True)


def event_fine_booked(*, case: Case, actor, data: dict) -> CaseEvent:
    return _record(case=case, kind=EventKind.FINE_BOOKED, actor=actor, data=data)


def event_fine_waived(*, case: Case, actor, data: dict) -> CaseEvent:
    return _record(case=case, kind=EventKind.FINE_WAIVED, actor=actor, data=data)


def events_sla_breached(*, rows: list[tuple[int, str, dict]], at: datetime) -> None:
    """The sweep's events, one per (case id, state, data), inserted in batches (a first sweep
    over a big backlog writes tens of thousands)."""
    bulk_insert(CaseEvent, [
        CaseEvent(case_id=case_id, kind=EventKind.SLA_BREACHED, actor_label=SYSTEM,
                  from_state=state, to_state=state, data=data, customer_visible=False, at=at)
        for case_id, state, data in rows])
