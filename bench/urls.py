"""The product's URLs plus the benchmark's baseline endpoint (bench.pingapp)."""

from django.urls import path

from aftersales.urls import handler400, handler404, handler500  # noqa: F401 - Django reads them
from aftersales.urls import urlpatterns as product_urlpatterns
from bench.pingapp.api import api as bench_api

urlpatterns = [path("api/v1/bench/", bench_api.urls), *product_urlpatterns]
