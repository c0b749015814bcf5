"""POST /api/v1/bench/ping → 201 {"id": …}, authenticated like the product API (X-API-Key)."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.responses import Status

from aftersales.api import ApiKey
from aftersales.core.api import install_error_handlers
from bench.pingapp.models import Ping


class PingOut(Schema):
    id: int


api = NinjaAPI(title="Aftersales bench", version="bench", urls_namespace="bench_api",
               docs_url=None, openapi_url=None, auth=[ApiKey()])
install_error_handlers(api)


@api.post("/ping", response={201: PingOut})
def ping(request: HttpRequest):
    return Status(201, {"id": Ping.objects.create(note=str(timezone.now().microsecond)).pk})
