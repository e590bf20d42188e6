"""The sensor pages (/iot/), the device description an EPCIS deviceID points at, and CSV exports."""

from django.urls import path

from iot.ui import agency, views

app_name = "iot"
urlpatterns = [
    path("", views.index, name="index"),
    path("thiet-bi/<slug:identifier>/", views.device_page, name="device"),
    path("thiet-bi/<slug:identifier>/<str:action>/", views.device_action, name="device_action"),
    path("truc-tiep/<int:pk>/", views.live, name="live"),
    path("truc-tiep/<int:pk>/stream", views.live_stream, name="live_stream"),
    path("tam-giu/<int:pk>/giai-toa/", views.hold_release, name="hold_release"),
    path("lo/<int:pk>/readings.csv", views.lot_csv, name="lot_csv"),
    path("co-quan/co-so/<int:pk>/", agency.facility, name="agency_facility"),
    path("co-quan/thiet-bi/<slug:identifier>/", agency.device, name="agency_device"),
    path("co-quan/lo/<int:pk>/", agency.lot, name="agency_lot"),
    path("d/<slug:identifier>", views.device_info, name="device_info"),
    path("d/<slug:identifier>/readings.csv", views.readings_csv, name="readings_csv"),
]
