"""The EPCIS 2.0 REST binding, mounted at /epcis/."""

from django.urls import URLPattern, URLResolver, path, re_path

from events import views, views_discovery, views_queries

app_name = "epcis"

_KINDS = "|".join(views_discovery.KINDS)

urlpatterns: list[URLPattern | URLResolver] = [
    path("capture", views.capture, name="capture"),
    path("capture/<str:capture_id>", views.capture_job, name="capture-job"),
    path("capture/<str:capture_id>/original", views.capture_original, name="capture-original"),
    path("events", views.events, name="events"),
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
    re_path(rf"^(?P<kind>{_KINDS})/(?P<value>.+)/events$", views_discovery.resource_events, name="discovery-events"),
    re_path(rf"^(?P<kind>{_KINDS})/(?P<value>.+)$", views_discovery.resource, name="discovery-resource"),
]
