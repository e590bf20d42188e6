"""Pages: the node admin's peers, the officers' queue of recall notices from other provinces and the recall's
notices with their acknowledgements, the consumer's chain across provinces, the hub's national search."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from core.errors import Forbidden
from federation import notices, selectors, services
from federation.choices import Direction
from federation.keys import fingerprint
from federation.models import RecallNotice
from federation.trace import REFUSED, UNREACHABLE, check_root, federated_trace
from oversight.views.common import add_errors, flash_errors, forbidden, officer_required, paginate
from portal.chain import step_name
from recalls.models import Recall


class PeerForm(forms.Form):
    base_url = forms.URLField(label=gettext_lazy("Địa chỉ hệ thống của tỉnh"), max_length=200, assume_scheme="https")
    ledger_key = forms.CharField(label=gettext_lazy("Khoá xác minh sổ cái"), max_length=300)
    share_before_publication = forms.BooleanField(
        label=gettext_lazy("Chia sẻ lô hàng gửi tới tổ chức của tỉnh này trước khi công bố"), required=False
    )
    confirmed = forms.BooleanField(label=gettext_lazy("Đã đối chiếu mã vân tay với cán bộ của tỉnh đó"), required=False)


class AckForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Quyết định của tỉnh mình"), widget=forms.Textarea, required=False)


@officer_required
def peers(request: HttpRequest) -> HttpResponse:
    """Peers and their state; a platform admin adds one (URL and key, then the fingerprint to confirm)."""
    admin = permissions.is_platform_admin(request.user)
    form = PeerForm(request.POST or None)
    preview = None
    if request.method == "POST":
        if not admin:
            return forbidden(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["confirmed"]:
                    services.add_peer(actor=request.user, **data)
                    messages.success(request, _("Đã thêm tỉnh liên thông."))
                    return redirect("federation:peers")
                preview = services.fetch_identity(data["base_url"], data["ledger_key"])
                preview["fingerprint"] = fingerprint(data["ledger_key"])
            except ValidationError as exc:
                add_errors(form, exc)
    context = {
        "section": "federation",
        "admin": admin,
        "form": form,
        "preview": preview,
        "peers": selectors.peers(),
        "alarms": paginate(request, selectors.alarms()),
    }
    return render(request, "federation/peers.html", context)


@officer_required
def notice_queue(request: HttpRequest) -> HttpResponse:
    """Recall notices from other provinces, newest first, to decide locally and acknowledge."""
    page = paginate(request, selectors.incoming_notices())
    return render(request, "federation/notices.html", {"section": "federation", "page": page, "form": AckForm()})


@officer_required
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(RecallNotice, pk=pk, direction=Direction.INCOMING)
    form = AckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notices.acknowledge_notice(actor=request.user, notice=notice, note=form.cleaned_data["note"])
            messages.success(request, _("Đã xác nhận; tỉnh gửi thông báo sẽ thấy xác nhận này."))
        except ValidationError as exc:
            flash_errors(request, exc)
        except Forbidden:
            return forbidden(request)
    return redirect("federation:notices")


@officer_required
def recall_notices(request: HttpRequest, pk: int) -> HttpResponse:
    """A recall's notices to other provinces and their acknowledgements; POST sends them (confirmed on the page)."""
    recall = get_object_or_404(Recall.objects.select_related("organization"), pk=pk)
    if request.method == "POST":
        try:
            sent = notices.send_notices(actor=request.user, recall=recall)
            messages.success(request, _("Đã gửi thông báo tới %(n)s tỉnh.") % {"n": len(sent)})
        except Forbidden:
            return forbidden(request)
        return redirect("federation:recall", pk=recall.pk)
    context = {"section": "federation", "recall": recall, "notices": selectors.outgoing_notices(recall.pk)}
    return render(request, "federation/recall.html", context)


def chain(request: HttpRequest) -> HttpResponse:
    """The consumer's view of a product's chain through the provinces it crossed (`?ma=` a lot's link or code)."""
    code = request.GET.get("ma", "").strip()
    if not code:
        return render(request, "federation/chain.html", {"code": ""})
    try:
        root = check_root(code)
    except ValueError:
        return render(request, "federation/chain.html", {"code": code, "invalid": True}, status=400)
    # An officer (or admin) of this node also sees what peers share with this province before publication
    # (shipments to its organisations); the public, only what every node has published.
    shared = permissions.is_agency_officer(request.user) or permissions.is_platform_admin(request.user)
    found = federated_trace(root, "backward", shared=shared)
    context = {
        "code": code,
        "shared": shared,
        "trace": found,
        "events": [e | {"step": step_name(e["biz_step"], e["type"])} for e in found.events],
        "provinces": found.provinces,
        "unreachable": [p for p in found.parts if p.error == UNREACHABLE],
        "refused": [p for p in found.parts if p.error == REFUSED],
    }
    return render(request, "federation/chain.html", context)


def national_search(request: HttpRequest) -> HttpResponse:
    """The hub's search over every node's published lots, with each node's counts."""
    if not settings.TRUYXUAT_FEDERATION_HUB:
        raise Http404
    query = request.GET.get("q", "").strip()[:200]
    page = paginate(request, selectors.national_search(query)) if query else None
    return render(
        request, "federation/national.html", {"query": query, "page": page, "stats": selectors.national_stats()}
    )
