"""The EPCIS 2.0 REST binding, mounted at /epcis/ by the project's URL map with `patterns(after=...)`."""

from collections.abc import Sequence

from django.urls import URLPattern, URLResolver, path, re_path

from events import views, views_discovery, views_queries
from events.services.capture import AfterCapture

app_name = "epcis"

_KINDS = "|".join(views_discovery.KINDS)


def patterns(after: Sequence[AfterCapture] = ()) -> tuple[list[URLPattern | URLResolver], str]:
    """The binding's URLs (for `include`), every capture route (`capture`, POST `events`) running the steps `after`
    in its transaction: the project passes the projections of the domain apps (`truyxuat/urls.py`), which `events`
    does not import."""
    steps = {"after": tuple(after)}
    return [
        path("capture", views.capture, steps, name="capture"),
        path("capture/<str:capture_id>", views.capture_job, name="capture-job"),
        path("capture/<str:capture_id>/original", views.capture_original, name="capture-original"),
        path("events", views.events, steps, name="events"),
        path("events/<path:event_id>", views.event_detail, name="event"),
        path("queries", views_queries.queries, name="queries"),
        path("queries/<str:name>", views_queries.query_detail, name="query"),
        path("queries/<str:name>/events", views_queries.query_events, name="query-events"),
        path("queries/<str:name>/subscriptions", views_queries.subscriptions, name="subscriptions"),
        path(
            "queries/<str:name>/subscriptions/<str:subscription_id>",
            views_queries.subscription_detail,
            name="subscription",
        ),
        path(
            "queries/<str:name>/subscriptions/<str:subscription_id>/deliveries",
            views_queries.deliveries,
            name="subscription-deliveries",
        ),
        re_path(rf"^(?P<kind>{_KINDS})$", views_discovery.collection, name="discovery"),
        re_path(
            rf"^(?P<kind>{_KINDS})/(?P<value>.+)/events$", views_discovery.resource_events, name="discovery-events"
        ),
        re_path(rf"^(?P<kind>{_KINDS})/(?P<value>.+)$", views_discovery.resource, name="discovery-resource"),
    ], app_name
