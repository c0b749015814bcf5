"""Products and customers files: one row per record, keyed on SKU / customer code.

Only the columns present in the file are compared and written: a file with just sku, name and
list_price updates those and leaves the flags alone. A blank cell in a present column clears
the value (back to the field's default).
"""

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.catalog.models import Category, Product
from aftersales.core.bulk import bulk_insert
from aftersales.core.money import ZERO, fmt
from aftersales.imports.columns import CUSTOMER_COLUMNS, PRODUCT_COLUMNS
from aftersales.imports.models import ImportKind
from aftersales.imports.reading import (
    choice_table,
    parse_bool,
    parse_choice,
    parse_int,
    parse_money,
    text,
)
from aftersales.imports.services.base import Importer, diff, short_hash
from aftersales.parties.models import Customer, CustomerKind, Dealer, OutsourcedFactory, Supplier

CUSTOMER_KINDS = choice_table(CustomerKind, {"消费者": "consumer", "个人": "consumer",
                                             "会员": "member", "企业客户": "business",
                                             "企业": "business", "经销商": "dealer"})

# (column, model field, how to read it); "fk:<app model>" columns hold the other record's code.
TEXT, MONEY, INT, BOOL, BOOL_TRUE = "text", "money", "int", "bool", "bool_true"


class RecordImporter(Importer):
    model: type[models.Model]
    key_column: str
    key_field: str
    spec: tuple[tuple[str, str, str], ...]
    fk_models: dict[str, type[models.Model]] = {}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.batch: list[tuple[int, str, dict[str, Any]]] = []
        self.seen: dict[str, tuple[int, int]] = {}
        self.codes: dict[str, dict[str, int]] = {name: {} for name in self.fk_models}

    def feed(self, row_no: int, cells: list[Any]) -> None:
        self.rows += 1
        r = self.cells(cells)
        key = text(r[self.key_column])
        if not key:
            self.error(row_no, self.key_column, _("the key is empty"))
            return
        self.limited(row_no, self.key_column, key, self.model, self.key_field)
        fingerprint = short_hash(text(v) for v in r.values())
        seen = self.seen.get(key)
        if seen is not None:
            if seen[0] != fingerprint:
                self.error(row_no, self.key_column, _(
                    "%(key)s appears again with other content (first at row %(row)d)")
                    % {"key": key, "row": seen[1]})
            return
        self.seen[key] = (fingerprint, row_no)
        errors_before = len(self.errors)
        content = {}
        for column, name, how in self.spec:
            if column not in r:
                continue
            content[name] = self.field(row_no, column, lambda c=column, h=how: self.read(
                r[c], h))
            if how == TEXT:
                self.limited(row_no, column, content[name], self.model, name)
            elif how == MONEY and content[name] is not None:
                self.amount_fits(row_no, column, Decimal(content[name]), self.model, name)
        self.check(row_no, content)
        if len(self.errors) > errors_before:
            return
        self.batch.append((row_no, key, content))
        if len(self.batch) >= self.batch_size:
            self.flush()

    def read(self, value: Any, how: str) -> Any:
        if how == TEXT or how.startswith("fk:"):
            return text(value) or ("" if how == TEXT else None)
        if how == MONEY:
            return fmt(parse_money(value, blank=ZERO))
        if how == INT:
            return parse_int(value, blank=0)
        if how == BOOL:
            return parse_bool(value)
        if how == BOOL_TRUE:
            return True if not text(value) else parse_bool(value)
        return parse_choice(value, how_tables[how], blank=self.model._meta.get_field(
            self.choice_field(how)).default)

    def choice_field(self, how: str) -> str:
        return next(name for _c, name, h in self.spec if h == how)

    def check(self, row_no: int, content: dict[str, Any]) -> None:
        """Required values of a row (beyond parsing); overridden per kind."""

    def finish(self) -> None:
        self.flush()

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        self.resolve(batch)
        if self.errors:
            return
        self.write(batch)
        if self.progress:
            self.progress(self.rows)

    def resolve(self, batch: list[tuple[int, str, dict]]) -> None:
        for column, name, how in self.spec:
            if not how.startswith("fk:"):
                continue
            model = self.fk_models[name]
            known = self.codes[name]
            wanted = {c[name] for _r, _k, c in batch if c.get(name)} - known.keys()
            known.update(model.objects.filter(code__in=wanted).values_list("code", "pk"))
            for row_no, _key, content in batch:
                code = content.get(name)
                if code and code not in known and not self.create_missing(name, code):
                    self.error(row_no, column, _("unknown %(what)s code %(code)r")
                               % {"what": model._meta.verbose_name, "code": code})

    def create_missing(self, name: str, code: str) -> bool:
        return False

    def snapshot(self, values: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for _column, name, how in self.spec:
            value = values[f"{name}__code" if how.startswith("fk:") else name]
            out[name] = fmt(value) if how == MONEY else value
        return out

    def write(self, batch: list[tuple[int, str, dict]]) -> None:
        lookups = [f"{n}__code" if h.startswith("fk:") else n for _c, n, h in self.spec]
        existing = {v[self.key_field]: v for v in self.model.objects.filter(**{
            f"{self.key_field}__in": [k for _r, k, _c in batch]}).values(
            "pk", self.key_field, *lookups)}
        created, changed, fields = [], [], set()
        for _row, key, content in batch:
            values = existing.get(key)
            if values is None:
                created.append(self.apply(self.model(**{self.key_field: key}), content))
                continue
            before, after = diff({k: v for k, v in self.snapshot(values).items()
                                  if k in content}, content)
            if not after:
                self.unchanged += 1
                continue
            obj = self.apply(self.model(pk=values["pk"], **{self.key_field: key}), after)
            changed.append(obj)
            fields.update(f"{k}_id" if k in self.fk_models else k for k in after)
            self.record_change(key, before, after)
        if created:
            bulk_insert(self.model, created)
            self.created += len(created)
        if changed:
            now = timezone.now()
            for obj in changed:
                obj.updated_at = now
            self.model.objects.bulk_update(changed, [*sorted(fields), "updated_at"])
            self.updated += len(changed)
        self.flush_changes()

    def apply(self, obj: models.Model, content: dict[str, Any]) -> models.Model:
        for name, value in content.items():
            if name in self.fk_models:
                setattr(obj, f"{name}_id", self.codes[name].get(value) if value else None)
            elif isinstance(value, str) and self.money_field(name):
                setattr(obj, name, Decimal(value))
            else:
                setattr(obj, name, value)
        return obj

    def money_field(self, name: str) -> bool:
        return any(n == name and h == MONEY for _c, n, h in self.spec)


how_tables = {"choice:customer_kind": CUSTOMER_KINDS}


class ProductImporter(RecordImporter):
    kind = ImportKind.PRODUCTS
    columns = PRODUCT_COLUMNS
    model = Product
    key_column = key_field = "sku"
    spec = (
        ("name", "name", TEXT), ("category_code", "category", "fk:category"),
        ("model", "model", TEXT), ("color", "color", TEXT), ("spec", "spec", TEXT),
        ("unit", "unit", TEXT), ("list_price", "list_price", MONEY), ("points", "points", INT),
        ("is_consumable", "is_consumable", BOOL), ("is_custom_made", "is_custom_made", BOOL),
        ("is_perishable", "is_perishable", BOOL), ("is_key_product", "is_key_product", BOOL),
        ("not_exchangeable", "not_exchangeable", BOOL),
        ("is_promo_bundle", "is_promo_bundle", BOOL),
        ("supplier_code", "supplier", "fk:supplier"), ("factory_code", "factory", "fk:factory"),
        ("active", "active", BOOL_TRUE),
    )
    fk_models = {"category": Category, "supplier": Supplier, "factory": OutsourcedFactory}

    def check(self, row_no: int, content: dict[str, Any]) -> None:
        if not content.get("name"):
            self.error(row_no, "name", _("the product name is empty"))
        if not content.get("category"):
            self.error(row_no, "category_code", _("the category code is empty"))
        if "unit" in content and not content["unit"]:
            content["unit"] = Product._meta.get_field("unit").default

    def create_missing(self, name: str, code: str) -> bool:
        """--create-categories: an unknown category code becomes a category named by its code."""
        if name != "category" or not self.options.get("create_categories"):
            return False
        if not self.errors:
            limit = Category._meta.get_field("code").max_length
            self.codes[name][code] = Category.objects.create(code=code[:limit],
                                                             name=code[:80]).pk
        return True


class CustomerImporter(RecordImporter):
    kind = ImportKind.CUSTOMERS
    columns = CUSTOMER_COLUMNS
    model = Customer
    key_column = "customer_code"
    key_field = "code"
    spec = (
        ("name", "name", TEXT), ("kind", "kind", "choice:customer_kind"),
        ("company", "company", TEXT), ("phone", "phone", TEXT), ("email", "email", TEXT),
        ("province", "province", TEXT), ("city", "city", TEXT), ("address", "address", TEXT),
        ("key_account", "key_account", BOOL), ("member_no", "member_no", TEXT),
        ("points_balance", "points_balance", INT), ("dealer_code", "dealer", "fk:dealer"),
    )
    fk_models = {"dealer": Dealer}

    def check(self, row_no: int, content: dict[str, Any]) -> None:
        if not content.get("name"):
            self.error(row_no, "name", _("the customer name is empty"))
        email = content.get("email")
        if email and ("@" not in email or " " in email):
            self.error(row_no, "email", _("not an e-mail address: %(value)r") % {"value": email})
