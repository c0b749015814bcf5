"""Who may read and who may change the reference data pages (/settings/data/, app
administration; the menu in workbench.navigation): the one table
of these rules. The views check it before anything is read; the services check it again.

- the system administrator (the role, or a superuser) reads and edits everything and imports;
- customer service and the supervisors read customers and orders (they need them on the phone);
- the sales roles read dealers and orders;
- the quality roles read suppliers, outsourced factories, products and the parts price list;
- everyone else gets 403. Orders are never edited here: they come from the shop/ERP imports.

A customer's phone, e-mail and address are masked on these pages like everywhere else
(docs/personal-data.md); the roles that talk to customers may reveal them, each reveal recorded.
"""

from __future__ import annotations

from aftersales.accounts.roles import CUSTOMER_FACING_ROLES, SUPERVISOR_ROLES, Role

CUSTOMERS = "customers"
DEALERS = "dealers"
SUPPLIERS = "suppliers"
FACTORIES = "factories"
PRODUCTS = "products"
PART_PRICES = "part_prices"
ORDERS = "orders"
IMPORTS = "imports"
KINDS = (CUSTOMERS, DEALERS, SUPPLIERS, FACTORIES, PRODUCTS, PART_PRICES, ORDERS, IMPORTS)

CUSTOMER_SERVICE = frozenset({Role.CUSTOMER_SERVICE, Role.CS_SUPERVISOR}) | SUPERVISOR_ROLES
SALES = frozenset({Role.SALES_SPECIALIST, Role.SALES_ASSISTANT, Role.SALES_SUPERVISOR,
                   Role.SALES_VP, Role.SALES_BRANCH})
QUALITY = frozenset({Role.QUALITY, Role.QUALITY_FOLLOWER, Role.QUALITY_SUPERVISOR})

# Who reads each kind besides the administrator.
READERS: dict[str, frozenset[str]] = {
    CUSTOMERS: CUSTOMER_SERVICE,
    ORDERS: CUSTOMER_SERVICE | SALES,
    DEALERS: SALES,
    SUPPLIERS: QUALITY,
    FACTORIES: QUALITY,
    PRODUCTS: QUALITY,
    PART_PRICES: QUALITY,
    IMPORTS: frozenset(),
}
READ_ONLY = frozenset({ORDERS})


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.is_active)


def is_administrator(user) -> bool:
    return _signed_in(user) and user.has_role(Role.ADMIN)


def may_view(user, kind: str) -> bool:
    """May ``user`` open the list, the pages and the export of ``kind``?"""
    if not _signed_in(user) or kind not in READERS:
        return False
    return user.has_role(Role.ADMIN) or user.has_role(*READERS[kind])


def may_edit(user, kind: str) -> bool:
    """May ``user`` create and change records of ``kind`` (and import files)?"""
    return kind in READERS and kind not in READ_ONLY and is_administrator(user)


def may_reveal_contact(user) -> bool:
    """May ``user`` see a customer's full phone, e-mail and address (each time recorded)?"""
    return may_view(user, CUSTOMERS) and (user.has_role(*CUSTOMER_FACING_ROLES))


def kinds_visible(user) -> list[str]:
    return [kind for kind in KINDS if may_view(user, kind)]
