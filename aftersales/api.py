"""The REST API root: /api/v1/, OpenAPI document at /api/v1/docs.

Each app contributes one router from its own api.py; errors map to one JSON shape
{"code", "message", "fields"} (aftersales.core.errors).
"""

from ninja import NinjaAPI

from aftersales.calendars.api import router as calendars_router
from aftersales.cases.api import router as cases_router
from aftersales.core.api import install_error_handlers
from aftersales.core.api import router as core_router
from aftersales.policy.api import router as policy_router

api = NinjaAPI(
    title="Aftersales API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
)
install_error_handlers(api)
api.add_router("/", core_router)
api.add_router("/calendar", calendars_router)
api.add_router("/policy", policy_router)
api.add_router("/cases", cases_router)
