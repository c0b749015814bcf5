"""The real URLs plus one view that fails, to see the 500 page (test only)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from aftersales.urls import handler404, handler500  # noqa: F401
from aftersales.urls import urlpatterns as real_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("boom/", boom), path("forbidden/", forbidden), *real_urlpatterns]
