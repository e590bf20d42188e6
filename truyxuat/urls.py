"""URL map of the portal."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from core import views as core_views
from truyxuat.api import api

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("accounts.urls")),
    path("workspace/", include("workspace.urls")),
    path("oversight/", include("oversight.urls")),
    path("ledger/", include("ledger.urls")),
    path("epcis/", include("events.urls")),
    path("", include("stamps.urls")),
    path("", include("portal.urls")),
]
# Uploaded product photos and certificate scans are public material; a reverse proxy may serve
# MEDIA_ROOT directly in front of this in production.
urlpatterns += [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
