"""Non-API URLs of the stamps app: QR images of any code."""

from django.urls import URLPattern, URLResolver, path

from stamps import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("qr", views.qr_image, name="qr"),
]
