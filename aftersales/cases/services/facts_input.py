"""The facts of a case the policy decides from (docs/case-facts.md): each line's condition, the
evidence held, the goods wanted in exchange, the damage cause. Checked here for intake and for
later changes alike; a bad value is named in a ValidationError and nothing is stored.

- a condition is a set of the POLICY-API checks (``unused``, ``packaging_intact``, …), each
  yes or no; an unknown check is refused (``unknown_condition``);
- evidence is a list of the POLICY-API evidence kinds (``unknown_evidence``);
- exchange goods are catalogue products that may be exchanged (catalog.selectors), named by
  SKU with a quantity; their price and points are the catalogue's, never the caller's
  (``unknown_goods``), so 多不退少补 (S4.2) is computed on real prices.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.services.intake_input import Problems, whole_number
from aftersales.catalog.selectors import exchange_goods_by_sku
from aftersales.core.money import fmt
from aftersales.policy.engine.reader import QUANTITY_MAX
from aftersales.policy.engine.request import CONDITION_KEYS, DAMAGE_CAUSES, EVIDENCE


def clean_condition(problems: Problems, name: str, raw: Any) -> dict[str, bool]:
    """{check: yes/no} from what was given; a check given as None is "not known" (left out)."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        problems.add(name, _("The condition is a set of named checks."))
        return {}
    out: dict[str, bool] = {}
    for key, value in raw.items():
        if key not in CONDITION_KEYS:
            problems.add(f"{name}.{key}",
                         _("Unknown condition check “%(key)s”; one of: %(known)s.")
                         % {"key": str(key)[:40], "known": ", ".join(CONDITION_KEYS)},
                         code=CaseErrorCode.UNKNOWN_CONDITION)
        elif value is None:
            continue
        elif not isinstance(value, bool):
            problems.add(f"{name}.{key}", _("Answer yes or no (true or false)."))
        else:
            out[key] = value
    return out


def clean_evidence(problems: Problems, raw: Any) -> list[str]:
    """The evidence kinds, each once, in the order given."""
    if raw in (None, ""):
        return []
    if isinstance(raw, str) or not isinstance(raw, list | tuple):
        problems.add("evidence", _("Evidence is a list of evidence kinds."))
        return []
    out: list[str] = []
    for value in raw:
        if value not in EVIDENCE:
            problems.add("evidence", _("Unknown evidence “%(value)s”; one of: %(known)s.")
                         % {"value": str(value)[:40], "known": ", ".join(EVIDENCE)},
                         code=CaseErrorCode.UNKNOWN_EVIDENCE)
        elif value not in out:
            out.append(value)
    return out


def clean_exchange_for(problems: Problems, raw: Any) -> list[dict[str, Any]]:
    """[{"sku", "quantity"}] → the catalogue's goods with their price and points (one query)."""
    if raw in (None, ""):
        return []
    if isinstance(raw, str) or not isinstance(raw, list | tuple):
        problems.add("exchange_for", _("Name the goods wanted by SKU and quantity."))
        return []
    items = list(raw)
    if not items:  # nothing asked for: no catalogue query to build (most intakes)
        return []
    skus = [str(x.get("sku") or "").strip() for x in items if isinstance(x, dict)]
    found = exchange_goods_by_sku(skus)
    out: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        name = f"exchange_for[{i}]"
        if not isinstance(item, dict):
            problems.add(name, _("Name the goods wanted by SKU and quantity."))
            continue
        sku = str(item.get("sku") or "").strip()
        product = found.get(sku)
        if product is None:
            problems.add(f"{name}.sku",
                         _("“%(sku)s” is not in the catalogue of goods that can be asked for "
                           "in exchange.") % {"sku": sku[:60] or "—"},
                         code=CaseErrorCode.UNKNOWN_GOODS)
            continue
        quantity = whole_number(item.get("quantity", 1))
        if quantity is None or not 1 <= quantity <= QUANTITY_MAX:
            problems.add(f"{name}.quantity",
                         _("Quantity for %(name)s must be a whole number from 1 to %(n)d.")
                         % {"name": product.name, "n": QUANTITY_MAX})
            continue
        out.append({"sku": product.sku, "name": product.name,
                    "unit_price": fmt(product.list_price), "points": product.points,
                    "quantity": quantity})
    return out


def clean_damage_cause(problems: Problems, raw: Any) -> str:
    value = str(raw or "").strip()
    if value and value not in DAMAGE_CAUSES:
        problems.add("damage_cause", _("Unknown damage cause."))
        return ""
    return value
