"""API keys: list, issue (the key is shown once, on the answer to the POST), revoke."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from aftersales.accounts import selectors as accounts
from aftersales.accounts import services
from aftersales.accounts.models import ApiToken
from aftersales.administration.access import admin_required, apply_errors
from aftersales.administration.forms import ApiTokenForm
from aftersales.core.errors import ApplicationError


@never_cache
@admin_required
def apikey_list(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = services.api_token_issue(actor=request.user,
                                                  user=form.cleaned_data["user"],
                                                  name=form.cleaned_data["name"])
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            # The clear key is on this answer only (never stored, never cached).
            return render(request, "administration/apikey_issued.html",
                          {"token": token, "key": key})
    return render(request, "administration/apikey_list.html",
                  {"tokens": accounts.api_tokens_list(), "form": form})


@require_POST
@admin_required
def apikey_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk)
    try:
        services.api_token_revoke(actor=request.user, token=token)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Key %(prefix)s… revoked: it no longer works.")
                         % {"prefix": token.prefix})
    return redirect("administration:apikey_list")
