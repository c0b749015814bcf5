"""Reference data of the demo company: categories, material classes, suppliers, factories,
dealers, products, components and the S4.1 parts price list.

Idempotent: rows are keyed on their codes; what exists is left as it is (a demo load never
overwrites what a user changed), what is missing is created in bulk.
"""

from decimal import Decimal

from aftersales.catalog.models import Category, Component, MaterialClass, PartPrice, Product
from aftersales.demo import catalog_data as data
from aftersales.demo.company import COMPANY_NAME, Pool
from aftersales.parties.models import Dealer, OutsourcedFactory, Supplier


def ensure_rows(model, key: str, rows: list[dict]) -> dict:
    """Create the rows whose `key` value is missing; return {key value: instance} for all."""
    wanted = {row[key]: row for row in rows}
    existing = {getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": wanted})}
    missing = [model(**row) for k, row in wanted.items() if k not in existing]
    if missing:
        model.objects.bulk_create(missing)
        new_keys = [getattr(m, key) for m in missing]
        existing.update({getattr(obj, key): obj
                         for obj in model.objects.filter(**{f"{key}__in": new_keys})})
    return existing


def load_reference(pool: Pool) -> dict:
    """Load the reference data; return lookups by code for the order generators."""
    categories = ensure_rows(Category, "code", [
        dict(code=code, name=name, name_en=en, three_guarantees=sanbao)
        for code, name, en, sanbao, _parent in data.CATEGORIES])
    for code, _name, _en, _sanbao, parent in data.CATEGORIES:
        cat = categories[code]
        if parent and cat.parent_id is None:
            cat.parent = categories[parent]
            cat.save(update_fields=["parent"])

    material_classes = ensure_rows(MaterialClass, "code", [
        dict(code=code, name=name) for code, name in data.MATERIAL_CLASSES])

    suppliers = ensure_rows(Supplier, "code", [
        dict(code=code, name=name, contact=contact, phone=pool.phone(), address=address,
             email=f"{code.lower()}@supplier.example.cn")
        for code, name, contact, address in data.SUPPLIERS])

    factories = ensure_rows(OutsourcedFactory, "code", [
        dict(code=code, name=name, responsible_person=person, phone=phone, address=address,
             email=f"qc.{code.lower()}@factory.example.cn")
        for code, name, person, phone, address in data.FACTORIES])

    dealers = ensure_rows(Dealer, "code", [
        dict(code=code, name=name, region=region, province=province, contact=contact,
             phone=pool.phone(), address=address)
        for code, name, region, province, contact, address in data.DEALERS])

    product_rows = []
    for row in data.PRODUCTS:
        row = dict(row)
        flags = row.pop("flags")
        row["category"] = categories[row["category"]]
        row["supplier"] = suppliers[row["supplier"]] if row["supplier"] else None
        row["factory"] = factories[row["factory"]] if row["factory"] else None
        product_rows.append({**row, **flags})
    products = ensure_rows(Product, "sku", product_rows)

    existing_parts = set(Component.objects.filter(product__sku__in=data.COMPONENTS)
                         .values_list("product__sku", "part_no"))
    Component.objects.bulk_create([
        Component(product=products[sku], part_no=part_no, name=name,
                  material_class=material_classes[mc] if mc else None,
                  supplier=suppliers[sup] if sup else None, quantity=Decimal(qty))
        for sku, parts in data.COMPONENTS.items()
        for part_no, name, mc, sup, qty in parts
        if (sku, part_no) not in existing_parts])

    _load_price_list(categories)
    return {"categories": categories, "suppliers": suppliers, "factories": factories,
            "dealers": dealers, "products": products, "company": COMPANY_NAME}


def _load_price_list(categories: dict) -> None:
    """S4.1: the member store's parts price list, with units and validity dates."""
    old_from, old_to, old_prices = data.OLD_PRICE_LIST
    rows = []
    for code, name, unit, price, cat in data.PART_PRICES:
        category = categories[cat] if cat else None
        rows.append(PartPrice(code=code, name=name, unit=unit, price=price, category=category,
                              valid_from=data.PRICE_LIST_FROM, valid_to=None))
        if code in old_prices:
            rows.append(PartPrice(code=code, name=name, unit=unit, price=old_prices[code],
                                  category=category, valid_from=old_from, valid_to=old_to))
    existing = set(PartPrice.objects.filter(code__in=[r.code for r in rows])
                   .values_list("code", "valid_from"))
    PartPrice.objects.bulk_create([r for r in rows if (r.code, r.valid_from) not in existing])
