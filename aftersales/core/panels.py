"""Slots on a page that apps above fill in (issue 11 item 10).

The case page lives in the cases app, the home page in the workbench, the portal's case page in
the portal; the return authorization, the inspection, the refund and the charges belong to apps
above cases. Rather than the cases app importing upward, each app registers a panel for a slot
in its ``AppConfig.ready()``:

    panels.register("case", key="logistics", order=10,
                    template="logistics/_case_panel.html", context=case_panel_context)

and the page renders ``panels.render_for("case", request=request, case=case)``. ``context`` gets
the page's keyword arguments and returns the template's context, or None to show nothing (the
user may not see it, or the case has no such record).

Slots in use: ``case`` (staff case page: case, user), ``portal_case`` (the customer's case page:
case), ``home`` (the staff home page: user, role).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Panel:
    slot: str
    key: str
    order: int
    template: str
    context: Callable[..., dict[str, Any] | None]


_PANELS: dict[str, dict[str, Panel]] = {}


def register(slot: str, *, key: str, template: str,
             context: Callable[..., dict[str, Any] | None], order: int = 50) -> None:
    """Add (or replace, by key) a panel in a slot."""
    _PANELS.setdefault(slot, {})[key] = Panel(slot, key, order, template, context)


def panels(slot: str) -> list[Panel]:
    return sorted(_PANELS.get(slot, {}).values(), key=lambda p: (p.order, p.key))


def render_for(slot: str, *, request=None, **kwargs: Any) -> list[SafeString]:
    """The slot's panels rendered for this page, in order; panels with nothing to show are
    left out."""
    out = []
    for panel in panels(slot):
        context = panel.context(request=request, **kwargs)
        if context is None:
            continue
        out.append(mark_safe(render_to_string(panel.template, context, request=request)))  # noqa: S308 - rendered by the template engine, which escapes
    return out
