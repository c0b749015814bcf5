"""The customer's contact details (PIPL): masked everywhere by default (lists, API answers,
the case page), shown in full only to roles that talk to customers, one reveal at a time.

Each reveal is one explicit action (the case page's "show contact details" button, or
``POST /api/v1/cases/{number}/contact``) and writes one ``contact_revealed`` event naming who
saw which fields; it changes nothing else on the case (no version bump, so nobody's open form
goes stale).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction

from aftersales.cases import events
from aftersales.cases.models import Case
from aftersales.cases.services.common import staff
from aftersales.cases.services.permissions import require_may_see_contact
from aftersales.core.pii import mask_address, mask_email, mask_phone


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str
    address: str

    def masked(self) -> Contact:
        return Contact(name=self.name, phone=mask_phone(self.phone),
                       email=mask_email(self.email), address=mask_address(self.address))

    def fields(self) -> list[str]:
        return [k for k, v in asdict(self).items() if v and k != "name"]


def case_contact(case: Case) -> Contact:
    """Who to reach about the case: the contact given at intake, else the order's receiver,
    else the customer's own details."""
    customer = case.customer if case.customer_id else None
    order = case.order if case.order_id else None
    return Contact(
        name=case.contact_name or (order.receiver_name if order else "")
        or (customer.name if customer else ""),
        phone=case.contact_phone or (order.receiver_phone if order else "")
        or (customer.phone if customer else ""),
        email=case.contact_email or (customer.email if customer else ""),
        address=(order.receiver_address if order else "")
        or (customer.address if customer else ""))


def case_contact_masked(case: Case) -> Contact:
    return case_contact(case).masked()


@transaction.atomic
def case_contact_reveal(*, case: Case, actor) -> Contact:
    """The full contact details for a role that talks to customers; the reveal is recorded."""
    require_may_see_contact(case, actor)
    contact = case_contact(case)
    events.event_contact_revealed(case=case, actor=staff(actor),
                                  data={"fields": contact.fields()})
    return contact
