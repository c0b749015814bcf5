"""Policy pages (staff): list, versions with diffs, the YAML editor (with validation and the
simulation of item 7 before saving), and the agent's evaluate page."""

import difflib
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.labels import pick_label
from aftersales.policy import selectors, services
from aftersales.policy.errors import PolicyErrorCode
from aftersales.policy.forms import EvaluateForm, PolicyEditForm
from aftersales.policy.models import EvaluationChannel
from aftersales.sales.selectors import orders_visible_to


def can_edit_policies(user) -> bool:
    return services.may_edit_policies(user)  # the YAML editor and the number form alike


def _diff_lines(diff: str) -> list[tuple[str, str]]:
    """(css class, line) for coloured display of a unified diff."""
    rows = []
    for line in diff.splitlines():
        kind = ("add" if line.startswith("+") and not line.startswith("+++") else
                "del" if line.startswith("-") and not line.startswith("---") else
                "hunk" if line.startswith("@@") else "")
        rows.append((kind, line))
    return rows


RESOLUTION_LABELS = {
    "return": gettext_lazy("Return"), "exchange": gettext_lazy("Exchange"),
    "repair": gettext_lazy("Repair"), "paid_repair": gettext_lazy("Paid repair"),
    "refund_only": gettext_lazy("Refund only"),
}
PAYER_LABELS = {"customer": gettext_lazy("Customer"), "company": gettext_lazy("Company")}
DEADLINE_LABELS = {
    "decide_by": gettext_lazy("Decide by"), "ship_back_by": gettext_lazy("Ship back by"),
    "refund_by": gettext_lazy("Refund by"), "repair_by": gettext_lazy("Repair by"),
}


def decision_display(decision: dict) -> dict:
    """The decision with each reason's message in the UI language and labelled codes."""
    options = []
    for option in decision.get("options") or []:
        deadlines = [(DEADLINE_LABELS.get(k, k), v)
                     for k, v in (option.get("deadlines") or {}).items() if v]
        options.append({**option, "deadline_rows": deadlines,
                        "resolution_label": RESOLUTION_LABELS.get(option.get("resolution"),
                                                                  option.get("resolution")),
                        "payer_label": PAYER_LABELS.get(option.get("shipping_paid_by"),
                                                        option.get("shipping_paid_by") or "")})
    reasons = []
    for reason in decision.get("reasons") or []:
        message = reason.get("message") or {}
        if isinstance(message, dict):
            text = pick_label(message)
        else:
            text = str(message)
        reasons.append({**reason, "text": text})
    return {**decision, "options": options, "reasons": reasons}


def _require_staff(user) -> None:
    if not selectors.is_staff_member(user):
        raise PermissionDenied


@login_required
def policy_list(request):
    _require_staff(request.user)
    rows = []
    for policy in selectors.policy_list():
        versions = list(policy.versions.all())
        rows.append({"policy": policy, "count": len(versions),
                     "newest": versions[-1] if versions else None})
    return render(request, "policy/list.html", {
        "rows": rows, "can_edit": can_edit_policies(request.user)})


@login_required
def policy_detail(request, name: str):
    _require_staff(request.user)
    try:
        policy = selectors.policy_get(name=name)
    except ApplicationError as exc:
        raise Http404(str(exc.message)) from exc
    versions = list(policy.versions.all())
    shown = None
    diff = ""
    try:
        a, b = int(request.GET.get("a", 0)), int(request.GET.get("b", 0))
    except ValueError:
        a = b = 0
    if a and b:
        try:
            diff = selectors.policy_versions_diff(name=name, a=a, b=b)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    elif versions:
        number = request.GET.get("version")
        try:
            shown = selectors.policy_version_get(
                name=name, number=int(number) if number and number.isdigit() else None)
        except ApplicationError as exc:
            raise Http404(str(exc.message)) from exc
        diff = shown.diff_from_previous
    return render(request, "policy/detail.html", {
        "policy": policy, "versions": versions, "shown": shown, "a": a, "b": b,
        "diff_rows": _diff_lines(diff), "can_edit": can_edit_policies(request.user),
    })


@login_required
def policy_edit(request, name: str):
    if not can_edit_policies(request.user):
        raise PermissionDenied
    try:
        policy = selectors.policy_get(name=name)
        latest = selectors.policy_version_get(name=name)
    except ApplicationError as exc:
        raise Http404(str(exc.message)) from exc
    context = {"policy": policy, "latest": latest}
    if request.method != "POST":
        form = PolicyEditForm(initial={
            "text": latest.source_text,
            "effective_from": timezone.localdate() + timedelta(days=1)})
        return render(request, "policy/edit.html", {**context, "form": form})
    form = PolicyEditForm(request.POST)
    if form.is_valid():
        text = form.cleaned_data["text"].replace("\r\n", "\n")
        try:
            if request.POST.get("action") == "save":
                version = services.policy_version_save(
                    policy=policy, text=text, effective_from=form.cleaned_data["effective_from"],
                    actor=request.user, comment=form.cleaned_data["comment"])
                messages.success(request, _("Saved %(name)s version %(number)s.")
                                 % {"name": name, "number": version.number})
                return redirect("policy:detail", name=name)
            services.policy_version_check(name=name, text=text)
            context["validated"] = True
            context["diff_rows"] = _diff_lines(_draft_diff(latest, text, name))
            context["simulation"] = services.policy_simulate(name=name, draft_text=text).as_dict()
        except ApplicationError as exc:
            context["problem"] = str(exc.message)
            context["problem_fields"] = exc.fields
    return render(request, "policy/edit.html", {**context, "form": form})


def _draft_diff(latest, text: str, name: str) -> str:
    return "".join(difflib.unified_diff(
        latest.source_text.splitlines(keepends=True), text.splitlines(keepends=True),
        fromfile=f"{name} v{latest.number}", tofile=f"{name} (draft)"))


@login_required
def evaluate(request):
    """An agent picks an order, a request kind and reason, the conditions; sees the decision."""
    query = request.GET.get("q", "").strip()
    number = request.GET.get("order") or request.POST.get("order") or ""
    # Only the orders this user may reach (a dealer its own, a factory those it made).
    visible = orders_visible_to(request.user)
    found = list(selectors.order_search(query=query)) if query else []
    reachable = set(visible.filter(pk__in=[o.pk for o in found]).values_list("pk", flat=True))
    context = {"q": query, "orders": [o for o in found if o.pk in reachable]}
    if not number:
        return render(request, "policy/evaluate.html", context)
    try:
        if not visible.filter(number=number).exists():  # answered like an unknown order
            raise NotFound(_("No order %(number)s.") % {"number": number},
                           code=PolicyErrorCode.UNKNOWN_ORDER,
                           fields={"order": _("no such order")})
        order = selectors.order_for_request(number=number)
    except ApplicationError as exc:
        context["problem"] = str(exc.message)
        return render(request, "policy/evaluate.html", context, status=404)
    lines = sorted(order.lines.all(), key=lambda ln: ln.line_no)
    context["order"] = order
    if request.method != "POST":
        context["form"] = EvaluateForm(lines=lines)
        return render(request, "policy/evaluate.html", context)
    form = EvaluateForm(request.POST, lines=lines)
    context["form"] = form
    if form.is_valid():
        data = selectors.request_from_order(
            order, kind=form.cleaned_data["kind"], reason=form.cleaned_data["reason"],
            items=form.items(), asked_at=form.asked_at_value(),
            evidence=form.cleaned_data["evidence"],
            damage_cause=form.cleaned_data["damage_cause"] or None)
        try:
            decision = services.policy_evaluate(data=data, actor=request.user,
                                                channel=EvaluationChannel.PAGE)
            context["decision"] = decision_display(decision)
        except ApplicationError as exc:
            context["problem"] = str(exc.message)
            context["problem_fields"] = exc.fields
    return render(request, "policy/evaluate.html", context)
