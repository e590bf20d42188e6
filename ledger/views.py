"""Public ledger endpoints: checkpoint, key, C2SP tlog-tiles, witness cosignatures, verifier page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ledger import checkpoints, selectors, tiles, witness

FULL_TILE_CACHE = "public, max-age=31536000, immutable"
PARTIAL_CACHE = "public, max-age=5"
TEXT = "text/plain; charset=utf-8"


def _text(body: str, status: int = 200, cache: str = "no-cache") -> HttpResponse:
    resp = HttpResponse(body, content_type=TEXT, status=status)
    resp["Cache-Control"] = cache
    resp["Access-Control-Allow-Origin"] = "*"
    return resp


@require_GET
def checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest signed checkpoint, with the witness cosignatures collected for it."""
    cp = checkpoints.maybe_checkpoint()
    if cp is None:  # pragma: no cover - maybe_checkpoint signs the empty tree on a fresh node
        return _text("no checkpoint yet\n", 404)
    return _text(checkpoints.with_cosignatures(cp), cache="no-cache, max-age=0")


@require_GET
def key(request: HttpRequest) -> HttpResponse:
    """The log's verifier key in note format (``origin+keyid+base64``)."""
    return _text(checkpoints.verifier_key() + "\n", cache="public, max-age=300")


@require_GET
def tile(request: HttpRequest, path: str) -> HttpResponse:
    """``tile/<L>/<N>[.p/<W>]`` and ``tile/entries/<N>[.p/<W>]``, up to the latest checkpoint."""
    try:
        t = tiles.parse_tile_path("tile/" + path)
    except ValueError:
        return _text("malformed tile path\n", 400)
    cp = checkpoints.latest()
    if cp is None or not selectors.tile_available(t, cp.size):
        return _text("tile not available at the latest checkpoint\n", 404, cache="public, max-age=5")
    try:
        data = selectors.tile_bytes(t)
    except (LookupError, IndexError):
        return _text("tile not available\n", 404, cache="public, max-age=5")
    resp = HttpResponse(data, content_type="application/octet-stream")
    resp["Cache-Control"] = FULL_TILE_CACHE if t.width == tiles.TILE_WIDTH else PARTIAL_CACHE
    resp["Access-Control-Allow-Origin"] = "*"
    return resp


@csrf_exempt
@require_POST
def add_cosignature(request: HttpRequest) -> HttpResponse:
    """A witness sends back one of our checkpoints with its cosignature/v1 line(s) (text/plain).

    200 with the stored lines; 400 malformed; 403 no cosignature by an accepted witness key
    (``TRUYXUAT_LEDGER_WITNESS_KEYS``) or an invalid one; 409 not a checkpoint of this log.
    """
    if len(request.body) > 64 * 1024:
        return _text("request too large\n", 413)
    try:
        body = request.body.decode("utf-8")
        stored = witness.add_cosignatures(body)
    except UnicodeDecodeError:
        return _text("not UTF-8\n", 400)
    except witness.CosignatureRejected as exc:
        return _text(f"{exc}\n", exc.status)
    return _text("".join(c.line for c in stored))


@require_GET
def verify_page(request: HttpRequest, witnesses_url: str = "") -> HttpResponse:
    """Check a proof bundle in the browser (``?bundle=<url>``), with ledger/static/ledger/verify.js. `witnesses_url`
    (given by the project's URL map, `ledger.urls.patterns`): where the page reads the keys of the peers whose
    cosignatures vouch for a checkpoint; the ledger itself knows no peers."""
    context = {"bundle_url": request.GET.get("bundle", ""), "witnesses_url": witnesses_url}
    return render(request, "ledger/verify.html", context)
