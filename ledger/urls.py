"""Public ledger URLs (mounted at /ledger/): C2SP tlog-checkpoint and tlog-tiles, witnesses."""

from django.urls import URLPattern, URLResolver, path, re_path

from ledger import views

app_name = "ledger"


def patterns(witnesses_url: str = "") -> tuple[list[URLPattern | URLResolver], str]:
    """The ledger's URLs (for `include`); `witnesses_url` is where the verifier page reads the peers' witness keys
    (the project passes federation's list, `truyxuat/urls.py`, which the ledger does not import)."""
    return [
        path("checkpoint", views.checkpoint, name="checkpoint"),
        path("key", views.key, name="key"),
        re_path(r"^tile/(?P<path>[0-9a-z./]+)$", views.tile, name="tile"),
        path("witness/add-cosignature", views.add_cosignature, name="add-cosignature"),
        path("verify", views.verify_page, {"witnesses_url": witnesses_url}, name="verify"),
    ], app_name


urlpatterns: list[URLPattern | URLResolver] = patterns()[0]
