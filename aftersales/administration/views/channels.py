"""Notification channels: what is configured (settings/env), the outbox's counts and its
latest failures, and a test message through a channel."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aftersales.administration import selectors, services
from aftersales.administration.access import admin_required, apply_errors
from aftersales.administration.forms import ChannelTestForm
from aftersales.core.errors import ApplicationError


@admin_required
def channels(request):
    form = ChannelTestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_test_send(actor=request.user,
                                       channel=form.cleaned_data["channel"],
                                       recipient=form.cleaned_data["recipient"])
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The test message is in the outbox; the worker sends "
                                        "it within a minute. Its result shows below."))
            return redirect("administration:channels")
    return render(request, "administration/channels.html", {
        "channels": selectors.channels_overview(), "failed": selectors.outbox_failures(),
        "failures": selectors.recent_failures(), "form": form})
