"""Non-API URLs of this app (filled in by its issue)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
