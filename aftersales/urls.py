from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from aftersales.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("accounts/", include("aftersales.accounts.urls")),
    path("calendar/", include("aftersales.calendars.urls")),
    path("policy/", include("aftersales.policy.urls")),
    path("cases/", include("aftersales.cases.urls")),
    path("returns/", include("aftersales.logistics.urls")),
    path("quality/", include("aftersales.quality.urls")),
    path("finance/", include("aftersales.finance.urls")),
    path("charges/", include("aftersales.charges.urls")),
    path("portal/", include("aftersales.portal.urls")),
    path("reports/", include("aftersales.reports.urls")),
    path("settings/", include("aftersales.administration.urls")),
    path("exports/", include("aftersales.core.urls")),
    path("", include("aftersales.workbench.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "aftersales.core.views.bad_request"
handler404 = "aftersales.core.views.page_not_found"
handler500 = "aftersales.core.views.server_error"
