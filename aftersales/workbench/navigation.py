"""The staff menu and the home-page shortcuts (UX.md "Staff pages").

Entries name a URL; an entry whose URL name doesn't reverse (its module isn't built yet) is
skipped, and a group with no entry left is hidden. To add a page to the menu, give its view
one of the URL names below, or add an entry here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aftersales.accounts import data_access
from aftersales.accounts.roles import SUPERVISOR_ROLES, Role


@dataclass(frozen=True)
class Entry:
    label: str | Promise
    url_name: str
    roles: frozenset[str] = frozenset()  # empty: every signed-in user
    perm: str = ""  # a Django permission the user must have
    staff: bool = False  # Django admin pages: superusers only (administration/site.py)

    def url_for(self, user) -> str | None:
        """The entry's URL if this user may see it and the URL exists, else None."""
        if self.staff and not (user.is_staff and user.is_superuser):
            return None
        if self.perm and not user.has_perm(self.perm):
            return None
        if self.roles and not (user.is_superuser or user.has_role(*self.roles)):
            return None
        return resolve_url_name(self.url_name)


@dataclass(frozen=True)
class Group:
    label: str | Promise
    key: str
    entries: tuple[Entry, ...] = field(default_factory=tuple)


def resolve_url_name(url_name: str) -> str | None:
    """The entry's URL (None if the name doesn't reverse). Every page draws the menu, so each
    name is reversed once per script prefix and URLconf (neither changes while running)."""
    return _reverse(url_name, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=512)
def _reverse(url_name: str, _prefix: str, urlconf) -> str | None:
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


STAFF_ROLES = frozenset(set(Role.values) - {Role.DEALER, Role.FACTORY})
# Who reads the fine ledger (S3.4): finance, the cashier and the supervisors.
FINE_ROLES = frozenset(SUPERVISOR_ROLES | {Role.FINANCE, Role.CASHIER, Role.ADMIN})
MONEY_ROLES = frozenset({Role.FINANCE, Role.CASHIER, Role.CS_SUPERVISOR, Role.MANAGEMENT,
                         Role.SALES_SUPERVISOR, Role.SALES_VP})



def _data_readers(*kinds: str) -> frozenset[str]:
    """Who opens these reference data pages (accounts.data_access): their readers and the
    administrator."""
    roles = {Role.ADMIN}
    for kind in kinds:
        roles |= data_access.READERS[kind]
    return frozenset(roles)


DATA_READERS = _data_readers(*data_access.READERS)

MENU: tuple[Group, ...] = (
    Group(_("My tasks"), "tasks", (  # 我的待办
        Entry(_("Workbench"), "home"),
        Entry(_("My queue"), "cases:queue"),
        Entry(_("My exports"), "core:exports", roles=STAFF_ROLES | {Role.DEALER, Role.FACTORY}),
    )),
    Group(_("After-sales cases"), "cases", (  # 售后单
        Entry(_("All cases"), "cases:list"),
        Entry(_("Overdue"), "cases:overdue"),
        Entry(_("New case"), "cases:create", roles=STAFF_ROLES | {Role.DEALER}),
        Entry(_("Policy check"), "policy:evaluate", roles=STAFF_ROLES),
        Entry(_("Orders"), "administration:order_list",
              roles=_data_readers(data_access.ORDERS)),
        Entry(_("Import"), "administration:import_list", roles=frozenset({Role.ADMIN})),
    )),
    Group(_("Returns & receipts"), "logistics", (  # 退货收货
        Entry(_("Return authorizations"), "logistics:rma_list"),
        Entry(_("Receipts"), "logistics:receipt_list"),
    )),
    Group(_("Repairs"), "repairs", (  # 维修
        Entry(_("Repair work orders"), "repairs:workorder_list"),
        Entry(_("Material requests"), "repairs:material_request_list"),
        Entry(_("Inspections"), "quality:inspection_list",
              roles=frozenset({Role.QUALITY, Role.QUALITY_FOLLOWER, Role.QUALITY_SUPERVISOR,
                               Role.WAREHOUSE, Role.SALES_SPECIALIST, Role.SALES_SUPERVISOR,
                               Role.SALES_VP, Role.MANAGEMENT, Role.PURCHASING, Role.FACTORY})),
    )),
    Group(_("Refunds"), "finance", (  # 退款
        Entry(_("Refunds"), "finance:refund_list", roles=MONEY_ROLES),
        Entry(_("Payments due from customers"), "charges:collection_list", roles=MONEY_ROLES),
        Entry(_("Fines"), "cases:fines", roles=FINE_ROLES),
        # 物料异常联络函 (S3.5): issued by purchasing/quality, passed to finance.
        Entry(_("Supplier claims"), "quality:supplier_claim_list",
              roles=MONEY_ROLES | {Role.PURCHASING, Role.QUALITY, Role.QUALITY_SUPERVISOR}),
    )),
    Group(_("Dealers"), "dealers", (  # 经销商
        Entry(_("Dealers"), "administration:dealer_list",
              roles=_data_readers(data_access.DEALERS)),
        Entry(_("Service register"), "cases:service_register"),
    )),
    Group(_("Reports"), "reports", (  # 报表
        Entry(_("Reports"), "reports:index", roles=STAFF_ROLES),
    )),
    Group(_("Settings"), "settings", (  # 设置
        Entry(_("System settings"), "administration:index", roles=frozenset({Role.ADMIN})),
        Entry(_("Reference data"), "administration:data_index", roles=DATA_READERS),
        Entry(_("Policies"), "policy:list", roles=STAFF_ROLES),
        Entry(_("Working-day calendar"), "calendars:list", roles=STAFF_ROLES),
        Entry(_("Administration"), "admin:index", staff=True),
        Entry(_("Change password"), "password_change"),
    )),
)


def menu_for(user, path: str = "") -> list[dict]:
    """The menu groups this user sees, each with its reachable entries; the entry owning
    ``path`` (longest URL prefix) is marked current."""
    groups: list[dict] = []
    for group in MENU:
        items = [{"label": e.label, "url": url} for e in group.entries
                 if (url := e.url_for(user))]
        if items:
            groups.append({"label": group.label, "key": group.key, "items": items})
    best = None
    for group in groups:
        for item in group["items"]:
            url = item["url"]
            if path == url or (url != "/" and path.startswith(url)):
                if best is None or len(url) > len(best["url"]):
                    best = item
    if best is not None:
        best["current"] = True
    return groups


# Home-page shortcuts per role: the first things that role does (only resolvable URLs shown).
COMMON_SHORTCUTS = (Entry(_("Change password"), "password_change"),)
ROLE_SHORTCUTS: dict[str, tuple[Entry, ...]] = {
    Role.CUSTOMER_SERVICE: (
        Entry(_("New case"), "cases:create"), Entry(_("Find a case or order"), "cases:search"),
        Entry(_("All cases"), "cases:list"),
        Entry(_("Overdue"), "cases:overdue"),
        Entry(_("Policy check"), "policy:evaluate"),
        Entry(_("Customers"), "administration:customer_list"),
    ),
    Role.CS_SUPERVISOR: (
        Entry(_("All cases"), "cases:list"),
        Entry(_("Overdue"), "cases:overdue"), Entry(_("Overdue cases"), "cases:overdue"),
        Entry(_("Reports"), "reports:index"),
    ),
    Role.SALES_SPECIALIST: (Entry(_("All cases"), "cases:list"),
                            Entry(_("Find a case or order"), "cases:search")),
    Role.SALES_ASSISTANT: (Entry(_("All cases"), "cases:list"),
                           Entry(_("Orders"), "administration:order_list")),
    Role.SALES_SUPERVISOR: (Entry(_("All cases"), "cases:list"),
                            Entry(_("Reports"), "reports:index")),
    Role.SALES_VP: (Entry(_("Reports"), "reports:index"),),
    Role.QUALITY: (Entry(_("Inspections"), "quality:inspection_list"),),
    Role.QUALITY_FOLLOWER: (Entry(_("Inspections"), "quality:inspection_list"),),
    Role.QUALITY_SUPERVISOR: (Entry(_("Inspections"), "quality:inspection_list"),
                              Entry(_("Reports"), "reports:index")),
    Role.REPAIR_TECHNICIAN: (Entry(_("Repair work orders"), "repairs:workorder_list"),),
    Role.FIELD_ENGINEER: (Entry(_("Repair work orders"), "repairs:workorder_list"),),
    Role.PMC: (Entry(_("Material requests"), "repairs:material_request_list"),),
    Role.PURCHASING: (Entry(_("Supplier claims"), "quality:supplier_claim_list"),),
    Role.WAREHOUSE: (Entry(_("Receipts"), "logistics:receipt_list"),
                     Entry(_("Return authorizations"), "logistics:rma_list")),
    Role.FINANCE: (Entry(_("Refunds"), "finance:refund_list"),
                   Entry(_("Payments due from customers"), "charges:collection_list")),
    Role.CASHIER: (Entry(_("Payments due from customers"), "charges:collection_list"),
                   Entry(_("Refunds"), "finance:refund_list")),
    Role.SALES_BRANCH: (Entry(_("New case"), "cases:create"),
                        Entry(_("Service register"), "cases:service_register")),
    Role.TECHNICAL: (Entry(_("All cases"), "cases:list"),),
    Role.MANAGEMENT: (Entry(_("Reports"), "reports:index"), Entry(_("Policies"), "policy:list")),
    Role.DEALER: (Entry(_("New case"), "cases:create"), Entry(_("All cases"), "cases:list")),
    Role.FACTORY: (Entry(_("All cases"), "cases:list"),),
    Role.ADMIN: (Entry(_("System settings"), "administration:index"),
                 Entry(_("Users"), "administration:user_list"),
                 Entry(_("Departments"), "administration:department_list"),
                 Entry(_("Reference data"), "administration:data_index"),
                 Entry(_("Import data"), "administration:import_list"),
                 Entry(_("Policies"), "policy:list"),
                 Entry(_("API keys"), "administration:apikey_list"),
                 Entry(_("Notification channels"), "administration:channels"),
                 Entry(_("Working-day calendar"), "calendars:list"),
                 Entry(_("Reports"), "reports:index"),
                 Entry(_("Administration"), "admin:index", staff=True)),
}


def shortcuts_for(user, role: str | None) -> list[dict]:
    entries = ROLE_SHORTCUTS.get(role or "", ()) + COMMON_SHORTCUTS
    seen: set[str] = set()
    out = []
    for entry in entries:
        url = entry.url_for(user)
        if url and url not in seen:
            seen.add(url)
            out.append({"label": entry.label, "url": url})
    return out
