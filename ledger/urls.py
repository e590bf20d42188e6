"""Public ledger URLs (mounted at /ledger/): C2SP tlog-checkpoint and tlog-tiles, witnesses."""

from django.urls import URLPattern, URLResolver, path, re_path

from ledger import views

app_name = "ledger"

urlpatterns: list[URLPattern | URLResolver] = [
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("key", views.key, name="key"),
    re_path(r"^tile/(?P<path>[0-9a-z./]+)$", views.tile, name="tile"),
    path("witness/add-cosignature", views.add_cosignature, name="add-cosignature"),
    path("verify", views.verify_page, name="verify"),
]
