"""The public showcase of traced products (/trung-bay/)."""

from django.urls import path

from showcase import views

app_name = "showcase"
urlpatterns = [
    path("", views.index, name="index"),
    path("danh-muc-<str:lang>.pdf", views.catalogue, name="catalogue"),
    path("<str:gtin>/", views.product, name="product"),
]
