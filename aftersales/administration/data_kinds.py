"""What each reference data page shows: its search, filters, columns (the table and the Excel
file), sorting, detail fields and form. One description per kind drives the list, the export,
the detail page and the form (views/data.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts import data_access as access
from aftersales.administration import data_forms as forms
from aftersales.catalog.models import Category, PartPrice, Product
from aftersales.core.choices import BusinessLine
from aftersales.core.listing import ListSpec
from aftersales.core.pii import mask_address, mask_email, mask_phone
from aftersales.parties.models import (
    Customer,
    CustomerKind,
    Dealer,
    OutsourcedFactory,
    Region,
    Supplier,
)
from aftersales.sales.models import Order

# A dealer's, supplier's or product's name (名称), not a person's (姓名).
THING_NAME = pgettext_lazy("organisation or thing", "Name")


def yes_no(value: bool) -> str:
    return str(_("yes")) if value else str(_("no"))


def text(value) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    get: Callable[[Any], Any]
    sort: str | None = None
    type: str = "text"  # core.export column type
    css: str = ""
    on_page: bool = True  # also in the table (every column is in the Excel file)


@dataclass(frozen=True)
class Filter:
    param: str
    label: Any
    choices: Callable[[], Sequence[tuple[str, Any]]]
    apply: Callable[[Any, str], Any]


@dataclass(frozen=True)
class Field:
    label: Any
    get: Callable[[Any], Any]
    mask: Callable[[Any], str] | None = None  # personal data: shown masked until revealed


@dataclass(frozen=True)
class DataKind:
    key: str  # data_access kind
    name: str  # URL name prefix: customer_list, customer_detail…
    title: Any
    singular: Any
    model: type
    form: type | None
    search: tuple[str, ...]
    search_hint: Any
    columns: tuple[Column, ...]
    default_sort: str
    fields: tuple[Field, ...]
    filters: tuple[Filter, ...] = ()
    related: tuple[str, ...] = ()
    key_field: str = "code"
    has_active: bool = True
    date_field: str | None = None
    date_label: Any = ""
    annotate: dict = field(default_factory=dict)

    def spec(self) -> ListSpec:
        sorts = {c.key: (c.sort, "pk") for c in self.columns if c.sort}
        return ListSpec(sorts=sorts, default=self.default_sort, date_field=self.date_field,
                        date_label=str(self.date_label),
                        keep=("q", *(f.param for f in self.filters)))

    def queryset(self):
        qs = self.model.objects.all()
        if self.related:
            qs = qs.select_related(*self.related)
        if self.annotate:
            qs = qs.annotate(**self.annotate)
        return qs

    def search_rows(self, params) -> Any:
        qs = self.queryset()
        q = str(params.get("q", "") or "").strip()
        if q:
            cond = Q()
            for name in self.search:
                cond |= Q(**{f"{name}__icontains": q})
            qs = qs.filter(cond)
        for f in self.filters:
            value = str(params.get(f.param, "") or "").strip()
            if value and value in {str(v) for v, _label in f.choices()}:
                qs = f.apply(qs, value)
        return qs


def _active_filter() -> Filter:
    return Filter("active", _("Status"),
                  lambda: [("1", _("Active")), ("0", _("Inactive"))],
                  lambda qs, v: qs.filter(active=(v == "1")))


def _active_column() -> Column:
    return Column("active", _("Status"), lambda o: str(_("Active")) if o.active
                  else str(_("Inactive")), sort="active")


CUSTOMER = DataKind(
    key=access.CUSTOMERS, name="customer", title=_("Customers"), singular=_("Customer"),
    model=Customer, form=forms.CustomerForm, has_active=False,
    search=("code", "name", "company", "phone", "member_no"),
    search_hint=_("Code, name, company, phone or member number"),
    related=("dealer",),
    filters=(
        Filter("kind", _("Kind"), lambda: CustomerKind.choices,
               lambda qs, v: qs.filter(kind=v)),
        Filter("key_account", _("Key account"), lambda: [("1", _("yes")), ("0", _("no"))],
               lambda qs, v: qs.filter(key_account=(v == "1"))),
    ),
    columns=(
        Column("code", _("Customer code"), lambda o: o.code, sort="code"),
        Column("name", _("Name"), lambda o: o.name, sort="name"),
        Column("company", _("Company"), lambda o: o.company, sort="company"),
        Column("kind", _("Kind"), lambda o: o.get_kind_display(), sort="kind"),
        Column("phone", _("Phone"), lambda o: mask_phone(o.phone)),
        Column("city", _("City"), lambda o: f"{o.province}{o.city}", sort="city"),
        Column("dealer", _("Dealer"), lambda o: text(o.dealer), sort="dealer__code"),
        Column("key_account", _("Key account"), lambda o: yes_no(o.key_account),
               sort="key_account"),
        Column("member_no", _("Member number"), lambda o: o.member_no, on_page=False),
        Column("points", _("Points balance"), lambda o: o.points_balance, type="int",
               on_page=False),
    ),
    default_sort="code",
    fields=(
        Field(_("Customer code"), lambda o: o.code),
        Field(_("Kind"), lambda o: o.get_kind_display()),
        Field(_("Name"), lambda o: o.name),
        Field(_("Company"), lambda o: o.company),
        Field(_("Phone"), lambda o: o.phone, mask=mask_phone),
        Field(_("E-mail"), lambda o: o.email, mask=mask_email),
        Field(_("Province"), lambda o: o.province),
        Field(_("City"), lambda o: o.city),
        Field(_("Address"), lambda o: o.address, mask=mask_address),
        Field(_("Key account"), lambda o: yes_no(o.key_account)),
        Field(_("Member number"), lambda o: o.member_no),
        Field(_("Points balance"), lambda o: o.points_balance),
        Field(_("Dealer"), lambda o: text(o.dealer)),
    ),
)

DEALER = DataKind(
    key=access.DEALERS, name="dealer", title=_("Dealers"), singular=_("Dealer"),
    model=Dealer, form=forms.DealerForm,
    search=("code", "name", "contact", "phone", "province"),
    search_hint=_("Code, name, contact, phone or province"),
    annotate={"customer_count": Count("customers", distinct=True)},
    filters=(
        Filter("region", _("Region"), lambda: Region.choices,
               lambda qs, v: qs.filter(region=v)),
        _active_filter(),
    ),
    columns=(
        Column("code", _("Dealer code"), lambda o: o.code, sort="code"),
        Column("name", THING_NAME, lambda o: o.name, sort="name"),
        Column("region", _("Region"), lambda o: o.get_region_display(), sort="region"),
        Column("province", _("Province"), lambda o: o.province, sort="province"),
        Column("contact", _("Contact person"), lambda o: o.contact),
        Column("phone", _("Phone"), lambda o: o.phone),
        Column("customers", _("Customers"), lambda o: o.customer_count, sort="customer_count",
               type="int", css="num"),
        Column("address", _("Address"), lambda o: o.address, on_page=False),
        _active_column(),
    ),
    default_sort="code",
    fields=(
        Field(_("Dealer code"), lambda o: o.code), Field(THING_NAME, lambda o: o.name),
        Field(_("Region"), lambda o: o.get_region_display()),
        Field(_("Province"), lambda o: o.province),
        Field(_("Contact person"), lambda o: o.contact), Field(_("Phone"), lambda o: o.phone),
        Field(_("Address"), lambda o: o.address),
        Field(_("Status"), lambda o: _("Active") if o.active else _("Inactive")),
    ),
)

SUPPLIER = DataKind(
    key=access.SUPPLIERS, name="supplier", title=_("Suppliers"), singular=_("Supplier"),
    model=Supplier, form=forms.SupplierForm,
    search=("code", "name", "contact", "phone"),
    search_hint=_("Code, name, contact or phone"),
    filters=(_active_filter(),),
    columns=(
        Column("code", _("Supplier code"), lambda o: o.code, sort="code"),
        Column("name", THING_NAME, lambda o: o.name, sort="name"),
        Column("contact", _("Contact person"), lambda o: o.contact),
        Column("phone", _("Phone"), lambda o: o.phone),
        Column("email", _("E-mail"), lambda o: o.email),
        Column("address", _("Address"), lambda o: o.address, on_page=False),
        _active_column(),
    ),
    default_sort="code",
    fields=(
        Field(_("Supplier code"), lambda o: o.code), Field(THING_NAME, lambda o: o.name),
        Field(_("Contact person"), lambda o: o.contact), Field(_("Phone"), lambda o: o.phone),
        Field(_("E-mail"), lambda o: o.email), Field(_("Address"), lambda o: o.address),
        Field(_("Status"), lambda o: _("Active") if o.active else _("Inactive")),
    ),
)

FACTORY = DataKind(
    key=access.FACTORIES, name="factory", title=_("Outsourced factories"),
    singular=_("Outsourced factory"), model=OutsourcedFactory, form=forms.FactoryForm,
    search=("code", "name", "responsible_person", "phone"),
    search_hint=_("Code, name, responsible person or phone"),
    filters=(_active_filter(),),
    columns=(
        Column("code", _("Factory code"), lambda o: o.code, sort="code"),
        Column("name", THING_NAME, lambda o: o.name, sort="name"),
        Column("responsible", _("Responsible person"), lambda o: o.responsible_person),
        Column("phone", _("Phone"), lambda o: o.phone),
        Column("email", _("E-mail"), lambda o: o.email),
        Column("address", _("Address"), lambda o: o.address, on_page=False),
        _active_column(),
    ),
    default_sort="code",
    fields=(
        Field(_("Factory code"), lambda o: o.code), Field(THING_NAME, lambda o: o.name),
        Field(_("Responsible person"), lambda o: o.responsible_person),
        Field(_("Phone"), lambda o: o.phone), Field(_("E-mail"), lambda o: o.email),
        Field(_("Address"), lambda o: o.address),
        Field(_("Status"), lambda o: _("Active") if o.active else _("Inactive")),
    ),
)


def _flags(o: Product) -> str:
    labels = [str(Product._meta.get_field(name).verbose_name)
              for name in ("is_consumable", "is_custom_made", "is_perishable",
                           "is_key_product", "not_exchangeable", "is_promo_bundle")
              if getattr(o, name)]
    return "、".join(labels)


PRODUCT = DataKind(
    key=access.PRODUCTS, name="product", title=_("Products"), singular=_("Product"),
    model=Product, form=forms.ProductForm, key_field="sku",
    search=("sku", "name", "model", "spec"),
    search_hint=_("SKU, name, model or specification"),
    related=("category", "supplier", "factory"),
    filters=(
        Filter("category", _("Category"),
               lambda: [(str(c.pk), c.name) for c in Category.objects.order_by("code")],
               lambda qs, v: qs.filter(category_id=int(v))),
        _active_filter(),
    ),
    columns=(
        Column("sku", _("SKU"), lambda o: o.sku, sort="sku"),
        Column("name", THING_NAME, lambda o: o.name, sort="name"),
        Column("category", _("Category"), lambda o: text(o.category), sort="category__code"),
        Column("model", _("Model"), lambda o: o.model, sort="model"),
        Column("price", _("List price"), lambda o: o.list_price, sort="list_price",
               type="money", css="num"),
        Column("flags", _("After-sales flags"), lambda o: _flags(o)),
        Column("supplier", _("Supplier"), lambda o: text(o.supplier), on_page=False),
        Column("factory", _("Outsourced factory"), lambda o: text(o.factory), on_page=False),
        _active_column(),
    ),
    default_sort="sku",
    fields=(
        Field(_("SKU"), lambda o: o.sku), Field(THING_NAME, lambda o: o.name),
        Field(_("Category"), lambda o: text(o.category)),
        Field(_("Model"), lambda o: o.model), Field(_("Colour"), lambda o: o.color),
        Field(_("Specification"), lambda o: o.spec), Field(_("Unit"), lambda o: o.unit),
        Field(_("List price"), lambda o: f"¥{o.list_price:,.2f}"),
        Field(_("Points value"), lambda o: o.points),
        Field(_("After-sales flags"), lambda o: _flags(o) or "—"),
        Field(_("Supplier"), lambda o: text(o.supplier)),
        Field(_("Outsourced factory"), lambda o: text(o.factory)),
        Field(_("Status"), lambda o: _("Active") if o.active else _("Inactive")),
    ),
)

PART_PRICE = DataKind(
    key=access.PART_PRICES, name="partprice", title=_("Parts price list"),
    singular=_("Part price"), model=PartPrice, form=forms.PartPriceForm, has_active=False,
    search=("code", "name"), search_hint=_("Part code or name"), related=("category",),
    columns=(
        Column("code", _("Part code"), lambda o: o.code, sort="code"),
        Column("name", THING_NAME, lambda o: o.name, sort="name"),
        Column("unit", _("Unit"), lambda o: o.unit),
        Column("price", _("Price per unit"), lambda o: o.price, sort="price", type="money",
               css="num"),
        Column("category", _("For category"), lambda o: text(o.category)),
        Column("valid_from", _("Valid from"), lambda o: o.valid_from, sort="valid_from",
               type="date"),
        Column("valid_to", _("Valid to"), lambda o: o.valid_to, sort="valid_to", type="date"),
    ),
    default_sort="code",
    fields=(
        Field(_("Part code"), lambda o: o.code), Field(THING_NAME, lambda o: o.name),
        Field(_("Unit"), lambda o: o.unit), Field(_("Price per unit"), lambda o: o.price),
        Field(_("For category"), lambda o: text(o.category)),
        Field(_("Valid from"), lambda o: o.valid_from),
        Field(_("Valid to"), lambda o: o.valid_to or "—"),
    ),
)

ORDER = DataKind(
    key=access.ORDERS, name="order", title=_("Orders"), singular=_("Order"), model=Order,
    form=None, has_active=False, key_field="number",
    search=("number", "customer__name", "customer__company", "customer__phone",
            "customer__code", "receiver_phone"),
    search_hint=_("Order number, customer name, code or phone"),
    related=("customer", "dealer"),
    date_field="placed_at", date_label=_("Placed on"),
    filters=(
        Filter("business_line", _("Business line"), lambda: BusinessLine.choices,
               lambda qs, v: qs.filter(business_line=v)),
    ),
    columns=(
        Column("number", _("Order number"), lambda o: o.number, sort="number"),
        Column("placed", _("Placed at"), lambda o: o.placed_at, sort="placed_at",
               type="datetime"),
        Column("customer", _("Customer"), lambda o: text(o.customer), sort="customer__code"),
        Column("customer_code", _("Customer code"), lambda o: o.customer.code, on_page=False),
        Column("business_line", _("Business line"), lambda o: o.get_business_line_display(),
               sort="business_line"),
        Column("channel", _("Sales channel"), lambda o: o.get_channel_display()),
        Column("dealer", _("Dealer"), lambda o: text(o.dealer)),
        Column("total", _("Order total"), lambda o: o.total, sort="total", type="money",
               css="num"),
        Column("receiver_phone", _("Receiver phone"), lambda o: mask_phone(o.receiver_phone),
               on_page=False),
        Column("source", _("Source"), lambda o: o.get_source_display(), on_page=False),
    ),
    default_sort="-placed",
    fields=(),
)

KINDS: dict[str, DataKind] = {k.key: k for k in (CUSTOMER, DEALER, SUPPLIER, FACTORY,
                                                  PRODUCT, PART_PRICE, ORDER)}
BY_NAME: dict[str, DataKind] = {k.name: k for k in KINDS.values()}
