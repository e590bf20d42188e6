"""URL map of the portal."""

from django.contrib import admin
from django.urls import include, path

from core import files as core_files
from core import views as core_views
from events.urls import patterns as epcis_patterns
from ledger.urls import patterns as ledger_patterns
from truyxuat.api import api
from workflows.chain import CAPTURE_STEPS

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),  # load balancers: database, Redis, object store (deploy/)
    # Uploaded files, each to those its app lets read it (core.files); nothing is served from MEDIA_ROOT directly.
    path("files/<str:model>/<int:pk>/<str:field>/<str:name>", core_files.serve, name="file"),
    # Every capture route runs the domain projections in its transaction (events imports none of them). Early in the
    # list: partners' systems send thousands of requests a minute, and each pattern before it is tried in turn.
    path("epcis/", include(epcis_patterns(after=CAPTURE_STEPS))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("accounts.urls")),
    path("workspace/", include("workspace.urls")),
    path("", include("training.urls")),  # trainings under /oversight/dao-tao/, certificate checks (issue 25)
    path("", include("news.urls")),  # news and guidance pages, participating organisations (issue 25)
    path("huong-dan/", include("guidance.urls")),  # lessons per role, offline in the PWA (issue 25)
    path("oversight/", include("oversight.urls")),
    # The verifier page counts the provinces vouching for a checkpoint from federation's list of peers' keys.
    path("ledger/", include(ledger_patterns(witnesses_url="/federation/witnesses"))),
    path("iot/", include("iot.ui.urls")),
    path("rfid/", include("rfid.ui.urls")),  # gates, live view, unit labels (issue 26)
    path("trung-bay/", include("showcase.urls")),  # the showcase of traced products (issue 25)
    path("trung-bay-cua-toi/", include("showcase.ui.urls")),  # the producer's side of it
    path("phan-tich/", include("analysis.ui.urls")),  # analysis and forecasts (issue 24)
    path("", include("exchange.urls")),  # EUDR, national portal outbox, open data (issue 22)
    path("", include("federation.urls")),  # peers, cross-province trace and recalls, the hub (issue 23)
    path("", include("stamps.urls")),
    path("", include("portal.urls")),
]

# Error pages in Vietnamese (English in English mode) on the base template; the 500 page needs no database.
handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
