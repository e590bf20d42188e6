"""Peers (other provinces' nodes), recall notices across borders, and what a hub aggregates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from federation.choices import Direction, HubKind, NoticeStatus


class Peer(models.Model):
    """Another node, added by its URL and its ledger key (whose fingerprint was confirmed out of band).

    Everything else (origin, witness and request-signing keys, prefixes, GLNs, province, hub or not) comes from its
    identity document, a note signed by that ledger key (`federation.identity`), refreshed when it is witnessed.
    `seen_*` is the latest checkpoint of its ledger this node has verified (witnessing and remote trace parts)."""

    name = models.CharField(_("tên"), max_length=200)
    base_url = models.URLField(_("địa chỉ"), unique=True)
    origin = models.CharField(max_length=200, unique=True)
    ledger_key = models.CharField(max_length=300)
    witness_key = models.CharField(max_length=300)
    http_keyid = models.CharField(max_length=200)
    http_public_key = models.CharField(max_length=100)
    province_code = models.PositiveIntegerField(null=True, blank=True)
    prefixes = models.JSONField(default=list, blank=True)
    glns = models.JSONField(default=list, blank=True)
    hub = models.BooleanField(default=False)
    share_before_publication = models.BooleanField(
        _("chia sẻ lô hàng gửi tới tổ chức của tỉnh này trước khi công bố"), default=False
    )
    active = models.BooleanField(default=True)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    seen_size = models.BigIntegerField(null=True, blank=True)
    seen_root = models.CharField(max_length=60, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tỉnh liên thông")
        verbose_name_plural = _("tỉnh liên thông")

    def __str__(self) -> str:
        return self.name


class RecallNotice(models.Model):
    """A recall's reach into another node: sent by the origin, received by the peer, acknowledged back."""

    direction = models.CharField(max_length=8, choices=Direction.choices)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="notices")
    recall = models.ForeignKey("recalls.Recall", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("số hiệu"), max_length=40)
    reason = models.TextField(_("lý do thu hồi"))
    hazard_class = models.CharField(max_length=3)
    lots = models.JSONField(default=list)
    evidence = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=NoticeStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivery_error = models.TextField(blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=200, blank=True)
    ack_note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "peer", "code"], name="federation_one_notice_per_peer")
        ]
        verbose_name = _("thông báo thu hồi liên tỉnh")
        verbose_name_plural = _("thông báo thu hồi liên tỉnh")

    def __str__(self) -> str:
        return f"{self.code} {self.direction} {self.peer_id}"


class HubRecord(models.Model):
    """What a hub holds of a node: its published lots (for the national search) and its statistics."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=8, choices=HubKind.choices)
    key = models.CharField(max_length=300)
    name = models.CharField(max_length=300, blank=True)
    search_text = models.TextField(blank=True)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["peer", "kind", "key"], name="federation_one_hub_record")]
        verbose_name = _("bản ghi tổng hợp")
        verbose_name_plural = _("bản ghi tổng hợp")

    def __str__(self) -> str:
        return self.key
