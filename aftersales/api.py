"""The REST API root: /api/v1/, OpenAPI document at /api/v1/openapi.json, docs at /api/v1/docs.

Each app contributes one router from its own api.py; errors map to one JSON shape
{"code", "message", "fields"} (aftersales.core.api, aftersales.core.middleware).

Auth on every route unless the route says ``auth=None`` (the health check, the published
working-day calendar): an API key in the ``X-API-Key`` header (machine clients), or a staff
session (browser; unsafe methods need the CSRF token).
"""

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, django_auth

from aftersales.accounts.models import ApiToken, hash_key
from aftersales.calendars.api import router as calendars_router
from aftersales.cases.api import router as cases_router
from aftersales.charges.api import router as charges_router
from aftersales.core.api import VendoredSwagger, install_error_handlers
from aftersales.core.api import router as core_router
from aftersales.finance.api import router as finance_router
from aftersales.logistics.api import router as logistics_router
from aftersales.policy.api import router as policy_router
from aftersales.quality.api import router as quality_router
from aftersales.reports.api import router as reports_router

# last_used_at is written at most this often per key: a busy client costs one UPDATE a minute.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKey(APIKeyHeader):
    """``X-API-Key: <key>`` → the key's user (an active key of an active user)."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None):
        if not key:
            return None
        token = (ApiToken.objects.select_related("user")
                 .filter(key_hash=hash_key(key), active=True, user__is_active=True).first())
        if token is None:
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        request.user = token.user
        return token.user


api = NinjaAPI(
    title="Aftersales API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    docs=VendoredSwagger(),
    auth=[ApiKey(), django_auth],
)
install_error_handlers(api)
api.add_router("/", core_router)
api.add_router("/calendar", calendars_router)
api.add_router("/policy", policy_router)
api.add_router("/cases", cases_router)
api.add_router("/reports", reports_router)
api.add_router("/returns", logistics_router)
api.add_router("/quality", quality_router)
api.add_router("/finance", finance_router)
api.add_router("/charges", charges_router)
