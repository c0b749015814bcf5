"""A policy's everyday numbers as a form, beside the YAML editor (policy:edit): edit → confirm
(old → new per number and the YAML diff) → save as a new version through the same service.
Who may: whoever may edit policies (policy.services.may_edit_policies)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.administration.forms import PolicyNumbersForm
from aftersales.core.errors import ApplicationError, Conflict
from aftersales.policy import selectors, services
from aftersales.policy.numbers import numbers_apply, numbers_of


def _diff_rows(diff: str) -> list[tuple[str, str]]:
    rows = []
    for line in diff.splitlines():
        kind = ("add" if line.startswith("+") and not line.startswith("+++") else
                "del" if line.startswith("-") and not line.startswith("---") else
                "hunk" if line.startswith("@@") else "")
        rows.append((kind, line))
    return rows


def _place_errors(form, exc, found) -> None:
    """Field keys go on their field; a document path (the YAML check) on the number that
    lives there, else on top of the form."""
    by_path = {path: n.key for n in found for path in n.paths}
    placed = False
    for name, message in (exc.fields or {}).items():
        key = name if name in form.fields else by_path.get(name)
        if key and key not in ("effective_from", "comment", "based_on"):
            form.add_error(key, str(message))
            placed = True
    if not placed or not isinstance(exc.fields, dict) or "__all__" in exc.fields:
        form.add_error(None, str(exc.message))


@login_required
def policy_numbers(request, name: str):
    if not services.may_edit_policies(request.user):
        raise PermissionDenied
    try:
        policy = selectors.policy_get(name=name)
        latest = selectors.policy_version_get(name=name)
    except ApplicationError as exc:
        raise Http404(str(exc.message)) from exc
    found = numbers_of(latest.source_text)
    context = {"policy": policy, "latest": latest}
    if request.method != "POST":
        form = PolicyNumbersForm(numbers=found, initial={"based_on": latest.number})
        return render(request, "administration/policy_numbers.html", {**context, "form": form})
    form = PolicyNumbersForm(request.POST, numbers=found)
    status = 200
    if form.is_valid():
        values = form.values()
        try:
            if request.POST.get("action") == "save":
                version = services.policy_numbers_save(
                    actor=request.user, policy=policy, values=values,
                    effective_from=form.cleaned_data["effective_from"],
                    based_on=form.cleaned_data["based_on"],
                    comment=form.cleaned_data["comment"])
                messages.success(request, _("Saved %(name)s version %(number)s.")
                                 % {"name": name, "number": version.number})
                return redirect(reverse("policy:detail", args=[name])
                                + f"?version={version.number}")
            draft = services.policy_numbers_draft(actor=request.user, policy=policy,
                                                  values=values,
                                                  based_on=form.cleaned_data["based_on"])
            context.update(confirm=True, changes=draft.changes,
                           diff_rows=_diff_rows(draft.diff))
        except Conflict as exc:
            form.add_error(None, str(exc.message))
            status = 409
        except ApplicationError as exc:
            _place_errors(form, exc, found)
            status = 422
    else:
        # the date or the comment is wrong: say what is wrong with the numbers too
        for key, message in numbers_apply(latest.source_text, found, form.values())[2].items():
            form.add_error(key, message)
        status = 422
    return render(request, "administration/policy_numbers.html", {**context, "form": form},
                  status=status)
