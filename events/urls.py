"""The EPCIS 2.0 REST binding, mounted at /epcis/."""

from django.urls import URLPattern, URLResolver, path

from events import views

app_name = "epcis"

urlpatterns: list[URLPattern | URLResolver] = [
    path("capture", views.capture, name="capture"),
    path("capture/<str:capture_id>", views.capture_job, name="capture-job"),
    path("events", views.events, name="events"),
    path("events/<path:event_id>", views.event_detail, name="event"),
]
