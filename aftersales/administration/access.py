"""Who reaches the settings pages: the administrator role or a superuser (accounts.services
.may_manage_settings, which every service checks again); policy numbers: whoever may edit
policies (policy.services.may_edit_policies). Others signed in get 403, visitors the login."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from aftersales.accounts.services import may_manage_settings


def admin_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_manage_settings(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def apply_errors(form, exc) -> None:
    """Put a service's ValidationError on the form: each named field that the form has gets
    its message, the rest (and the message itself) go to the top of the form."""
    placed = False
    for name, message in (exc.fields or {}).items():
        if name in form.fields:
            form.add_error(name, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))
