"""Producer workspace pages under /workspace/."""

from django.urls import URLPattern, URLResolver

app_name = "workspace"
urlpatterns: list[URLPattern | URLResolver] = []
