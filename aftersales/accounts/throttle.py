"""Which login failure limit applies (django-axes, settings.AXES_FAILURE_LIMIT).

Axes counts failures per lockout parameter — (username, address) and the address alone — and
locks when the largest count reaches the limit. The address alone always counts the most, so
the limit depends on the username: a username with LOGIN_FAILURE_LIMIT failures from this
address is locked at that limit; any other attempt from the address only at
LOGIN_FAILURE_LIMIT_PER_ADDRESS (password spraying across usernames). Both checks run in
axes's backend, before Django's backend hashes any password.
"""

from django.conf import settings
from django.db.models import Sum


def failure_limit(request, credentials) -> int:
    from axes.helpers import get_client_ip_address, get_client_username
    from axes.models import AccessAttempt

    username = get_client_username(request, credentials)
    per_user = settings.LOGIN_FAILURE_LIMIT
    if username is None:
        return settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
    failures = (AccessAttempt.objects
                .filter(username=username, ip_address=get_client_ip_address(request))
                .aggregate(n=Sum("failures_since_start"))["n"] or 0)
    return per_user if failures >= per_user else settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
