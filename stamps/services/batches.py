"""Stamp batches: a producer requests, an agency officer approves (serials and check codes are issued) or rejects."""

from __future__ import annotations

import logging
import secrets as pysecrets
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, can_write, person, require
from catalog.choices import LotStatus, OrganizationStatus
from catalog.models import Lot, Product
from core import audit
from core.choices import AuditAction
from gs1.binary import MAX_SERIAL
from ledger.services import append_record
from stamps import secrets
from stamps.choices import BatchStatus, LabelLayout
from stamps.models import Stamp, StampBatch

log = logging.getLogger(__name__)

MAX_BATCH = 100_000
SERIAL_MIN = 10**9  # serials have 10–12 digits and fit SGTIN-96 (< 2^38)
CHUNK = 2_000


@transaction.atomic
def request_batch(
    *,
    actor: Actor,
    product: Product,
    quantity: int,
    lot: Lot | None = None,
    layout: str = LabelLayout.A4_65,
    note: str = "",
) -> StampBatch:
    """A member of the producing organisation asks for `quantity` stamps of a product (or of one of its lots)."""
    organization = product.organization
    require(can_write(actor, organization))
    if organization.status != OrganizationStatus.APPROVED:
        raise ValidationError(_("Tổ chức chưa được duyệt nên chưa đề nghị cấp tem được."))
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        quantity = 0
    if not 1 <= quantity <= MAX_BATCH:
        raise ValidationError({"quantity": [_("Số lượng tem từ 1 đến %(max)s.") % {"max": f"{MAX_BATCH:,}"}]})
    if lot is not None and lot.product_id != product.pk:
        raise ValidationError({"lot": [_("Lô hàng không thuộc sản phẩm này.")]})
    if lot is not None and lot.status == LotStatus.RECALLED:
        raise ValidationError({"lot": [_("Lô hàng đã bị thu hồi.")]})
    if layout not in LabelLayout.values:
        raise ValidationError({"layout": [_("Khổ tem không hợp lệ.")]})
    batch = StampBatch.objects.create(
        organization=organization,
        product=product,
        lot=lot,
        quantity=quantity,
        layout=layout,
        note=str(note)[:255],
        requested_by=person(actor),
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=batch, organization_id=organization.pk)
    return batch


def _locked_batch(batch: StampBatch, actor: Actor) -> StampBatch:
    batch = (
        StampBatch.objects.select_for_update(of=("self",))
        .select_related("organization", "product", "lot")
        .get(pk=batch.pk)
    )
    require(permissions.is_officer_for(actor, batch.organization))
    return batch


def _new_serials(gtin: str, count: int) -> list[str]:
    """`count` random serials not yet used for this GTIN (random, so that serials cannot be guessed in sequence)."""
    chosen: set[int] = set()
    while len(chosen) < count:
        want = count - len(chosen)
        candidates = {SERIAL_MIN + pysecrets.randbelow(MAX_SERIAL - SERIAL_MIN) for _ in range(want)} - chosen
        taken: set[str] = set()
        as_text = [str(c) for c in candidates]
        for start in range(0, len(as_text), 900):
            taken |= set(
                Stamp.objects.filter(gtin=gtin, serial__in=as_text[start : start + 900]).values_list(
                    "serial", flat=True
                )
            )
        chosen |= {c for c in candidates if str(c) not in taken}
    return [str(s) for s in sorted(chosen)]


def approve_batch(
    *, actor: Actor, batch: StampBatch, reason: str = "", progress: Callable[[int, int], None] | None = None
) -> StampBatch:
    """An agency officer of the province approves a requested batch: serials and check codes are issued.

    Only keyed hashes of the codes go into the database (with the batch, its audit entry and ledger leaf,
    in one transaction); the plain codes are then written to the batch's private print file.
    """
    codes: dict[str, str] = {}
    with transaction.atomic():
        batch = _locked_batch(batch, actor)
        if batch.status != BatchStatus.REQUESTED:
            raise ValidationError(_("Lô tem này không ở trạng thái chờ duyệt."))
        if batch.organization.status != OrganizationStatus.APPROVED:
            raise ValidationError(_("Tổ chức sản xuất chưa được duyệt hoặc đang bị đình chỉ."))
        gtin = batch.product.gtin
        serials = _new_serials(gtin, batch.quantity)
        for start in range(0, len(serials), CHUNK):
            rows = []
            for serial in serials[start : start + CHUNK]:
                code = secrets.new_check_code()
                codes[serial] = code
                rows.append(
                    Stamp(batch=batch, gtin=gtin, serial=serial, check_hash=secrets.check_hash(gtin, serial, code))
                )
            Stamp.objects.bulk_create(rows)
            if progress:
                progress(min(start + CHUNK, len(serials)), len(serials))
        before = audit.snapshot(batch)
        batch.status = BatchStatus.APPROVED
        batch.decided_by = person(actor)
        batch.decided_at = timezone.now()
        batch.decision_reason = reason
        batch.save()
        audit.record(
            actor=actor,
            action=AuditAction.APPROVE,
            instance=batch,
            before=before,
            organization_id=batch.organization_id,
            reason=reason,
        )
        append_record(batch)
    # After commit: a failure here leaves an approved batch without a print file; the codes are then
    # lost (by design nobody can recover them) and the batch must be revoked and requested again.
    secrets.write_codes(batch.pk, codes)
    return batch


@transaction.atomic
def reject_batch(*, actor: Actor, batch: StampBatch, reason: str) -> StampBatch:
    batch = _locked_batch(batch, actor)
    if batch.status != BatchStatus.REQUESTED:
        raise ValidationError(_("Lô tem này không ở trạng thái chờ duyệt."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Cần nêu lý do từ chối.")]})
    before = audit.snapshot(batch)
    batch.status = BatchStatus.REJECTED
    batch.decided_by = person(actor)
    batch.decided_at = timezone.now()
    batch.decision_reason = reason
    batch.save()
    audit.record(
        actor=actor,
        action=AuditAction.REJECT,
        instance=batch,
        before=before,
        organization_id=batch.organization_id,
        reason=reason,
    )
    return batch


def revoke_batch(*, actor: Actor, batch: StampBatch, reason: str) -> StampBatch:
    """An officer revokes an approved batch (lost or stolen rolls): its serials then show as invalid."""
    with transaction.atomic():
        batch = _locked_batch(batch, actor)
        if batch.status != BatchStatus.APPROVED:
            raise ValidationError(_("Chỉ huỷ được lô tem đã cấp."))
        if not reason.strip():
            raise ValidationError({"reason": [_("Cần nêu lý do huỷ.")]})
        before = audit.snapshot(batch)
        batch.status = BatchStatus.REVOKED
        batch.decision_reason = reason
        batch.save()
        audit.record(
            actor=actor,
            action=AuditAction.REVOKE,
            instance=batch,
            before=before,
            organization_id=batch.organization_id,
            reason=reason,
        )
        append_record(batch)
    secrets.delete_codes(batch.pk)
    return batch


def mark_printed(*, actor: Actor, batch: StampBatch) -> StampBatch:
    """The producer confirms the labels are printed: the plain check codes are erased from the server."""
    with transaction.atomic():
        batch = StampBatch.objects.select_for_update(of=("self",)).select_related("organization").get(pk=batch.pk)
        require(can_write(actor, batch.organization))
        if batch.status != BatchStatus.APPROVED:
            raise ValidationError(_("Chỉ lô tem đã cấp mới in được."))
        before = audit.snapshot(batch)
        batch.printed_at = timezone.now()
        batch.save(update_fields=["printed_at", "updated_at"])
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=batch, before=before, organization_id=batch.organization_id
        )
    secrets.delete_codes(batch.pk)
    return batch
