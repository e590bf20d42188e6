"""Recall workflow: start (scope from the EPCIS genealogy), notify, acknowledge and withdraw, close.

`start_recall` is atomic: the recall, its scope rows, every affected lot's new status (through
`catalog.services.recall_lot`, with audit and ledger leaf), the parties' notifications and the recall's own
ledger leaf commit together; e-mails to organisations and to consumers who watch the product go after commit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from catalog.choices import LotStatus, QuantityUnit
from catalog.models import Facility, Lot, Organization
from catalog.selectors import digital_link
from catalog.services import recall_lot
from catalog.services.common import require
from core import audit, generations
from core.choices import AuditAction
from core.forms import message
from core.numbers import RECEIVED_QUANTITY, NumberError, parse_plain
from events.epcis import key_of
from events.services import recall_scope
from ledger.services import append_record
from notifications.choices import NotificationKind
from notifications.models import ProductWatch
from notifications.services import email_after_commit, notify_organization, unsubscribe_link
from quality.models import LabTest
from quality.services import lots_to_hold
from recalls.choices import HazardClass, RecallOrigin, RecallStatus
from recalls.models import Recall, RecallLot, RecallParty, RecallShipment


def lot_key(lot: Lot) -> str:
    """The canonical identifier key of a catalogue lot (the LGTIN Digital Link on id.gs1.org)."""
    return key_of(f"https://id.gs1.org/01/{lot.product.gtin}/10/{quote(lot.lot_code, safe='')}")


def root_lots(*, lot: Lot | None, facility: Facility | None, lab_test: LabTest | None) -> tuple[str, list[Lot]]:
    """The origin and the root lots of a recall started from a lot, a facility or a failed test result."""
    given = [x for x in (lot, facility, lab_test) if x is not None]
    if len(given) != 1:
        raise ValidationError(_("Chọn đúng một điểm khởi đầu: một lô, một cơ sở hoặc một kết quả kiểm nghiệm."))
    if lot is not None:
        return RecallOrigin.LOT, [lot]
    if facility is not None:
        lots = Lot.objects.filter(Q(origin_areas__facility=facility) | Q(lab_tests__facility=facility)).exclude(
            status=LotStatus.RECALLED
        )
        return RecallOrigin.FACILITY, list(lots.distinct().order_by("pk"))
    assert lab_test is not None
    if lab_test.passed:
        raise ValidationError(_("Kết quả này đạt: không có căn cứ thu hồi."))
    return RecallOrigin.LAB_TEST, lots_to_hold(lab_test)


def _next_code() -> str:
    year = timezone.localdate().year
    prefix = f"TH-{year}-"
    last = Recall.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _catalog_lots(nodes: list[dict[str, Any]]) -> dict[tuple[str, str], Lot]:
    pairs = {(n["gtin"], n["lot"]) for n in nodes if n.get("gtin") and n.get("lot")}
    found: dict[tuple[str, str], Lot] = {}
    items = sorted(pairs)
    for i in range(0, len(items), 500):
        query = Q()
        for gtin, code in items[i : i + 500]:
            query |= Q(product__gtin=gtin, lot_code=code)
        for lot in Lot.objects.filter(query).select_related("product__organization"):
            found[(lot.product.gtin, lot.lot_code)] = lot
    return found


@transaction.atomic
def start_recall(
    *,
    actor: Any,
    reason: str,
    notice: str = "",
    hazard_class: str = HazardClass.CLASS_II,
    lot: Lot | None = None,
    facility: Facility | None = None,
    lab_test: LabTest | None = None,
) -> Recall:
    """An officer starts a recall; every downstream lot, party and shipment is found and notified."""
    origin_org = (
        (
            lot.product.organization if lot else facility.organization if facility else lab_test.organization  # type: ignore[union-attr]
        )
        if (lot or facility or lab_test)
        else None
    )
    if origin_org is None:
        raise ValidationError(_("Chọn đúng một điểm khởi đầu: một lô, một cơ sở hoặc một kết quả kiểm nghiệm."))
    require(permissions.is_officer_for(actor, origin_org))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Cần nêu lý do thu hồi.")]})
    if hazard_class not in HazardClass.values:
        raise ValidationError({"hazard_class": [_("Mức độ không hợp lệ.")]})
    origin, roots = root_lots(lot=lot, facility=facility, lab_test=lab_test)
    if not roots:
        raise ValidationError(_("Không tìm thấy lô nào để thu hồi từ điểm khởi đầu này."))
    notice = (notice or "").strip() or _(
        "Cơ quan quản lý yêu cầu thu hồi sản phẩm thuộc lô này. Lý do: %(reason)s. Không sử dụng sản phẩm; "
        "liên hệ nơi bán để được hướng dẫn."
    ) % {"reason": reason}
    recall = Recall.objects.create(
        code=_next_code(),
        origin=origin,
        root_lot=lot,
        root_facility=facility,
        root_lab_test=lab_test,
        organization=origin_org,
        hazard_class=hazard_class,
        reason=reason,
        notice=notice,
        started_by=actor if getattr(actor, "pk", None) else None,
    )
    root_keys = {lot_key(r): r for r in roots}
    scope = recall_scope(list(root_keys))
    nodes = [n for n in scope.lots]
    seen = {n["key"] for n in nodes}
    for key, root in root_keys.items():  # roots no event mentions are still recalled
        if key not in seen:
            nodes.append({"key": key, "gtin": root.product.gtin, "lot": root.lot_code, "depth": 0})
    catalog = _catalog_lots(nodes) | {(r.product.gtin, r.lot_code): r for r in roots}
    affected_orgs: dict[int, Organization] = {}
    recalled: list[Lot] = []
    for n in sorted(nodes, key=lambda n: (n.get("depth", 0), n["key"])):
        match = catalog.get((n.get("gtin") or "", n.get("lot") or ""))
        outside = match is not None and not permissions.is_officer_for(actor, match.product.organization)
        RecallLot.objects.create(
            recall=recall,
            key=n["key"][:1000],
            gtin=n.get("gtin") or "",
            lot_code=(n.get("lot") or "")[:80],
            depth=n.get("depth", 0),
            lot=match,
            organization=match.product.organization if match else None,
            outside_jurisdiction=outside,
        )
        if match is not None:
            affected_orgs[match.product.organization_id] = match.product.organization
            if not outside:
                recall_lot(actor=actor, lot=match, reason=f"{recall.code}: {reason}")
                recalled.append(match)
    # every lot in the scope (all downstream of the roots) shows the recall on its next request, in any process
    generations.bump_lots((n.get("gtin") or "", n.get("lot") or "") for n in nodes)
    for s in scope.shipments:
        RecallShipment.objects.create(
            recall=recall,
            epc=s["epc"][:1000],
            source=(s.get("source") or "")[:1000],
            destination=(s.get("destination") or "")[:1000],
            ship_event_id=(s.get("ship_event_id") or "")[:1000],
            receive_event_id=(s.get("receive_event_id") or "")[:1000],
        )
    parties: dict[str, RecallParty] = {}
    by_tax = {
        o.tax_code: o
        for o in Organization.objects.filter(tax_code__in=[p["tax_code"] for p in scope.parties if p.get("tax_code")])
    }
    for p in scope.parties:
        org = by_tax.get(p.get("tax_code") or "")
        ident = f"org:{org.pk}" if org else p["key"]
        if ident in parties:
            continue
        parties[ident] = RecallParty(
            recall=recall,
            organization=org,
            party_key=p["key"][:1000],
            name=(p.get("organization") or p.get("name") or p["key"])[:255],
            gln=p.get("gln") or "",
        )
    for org in affected_orgs.values():
        ident = f"org:{org.pk}"
        if ident not in parties:
            parties[ident] = RecallParty(recall=recall, organization=org, name=org.name, gln=org.gln or "")
    now = timezone.now()
    link = reverse("oversight:recall", args=[recall.pk])
    for party in parties.values():
        if party.organization is not None:
            party.notified_at = now
        party.save()
        if party.organization is not None:
            notify_organization(
                party.organization,
                kind=NotificationKind.RECALL,
                title=_("Yêu cầu thu hồi %(code)s") % {"code": recall.code},
                body=_("%(notice)s\n\nĐề nghị ngừng bán, thu hồi các lô liên quan và xác nhận số lượng đã thu hồi.")
                % {"notice": notice},
                link=link,
                about=recall,
            )
    recall.consumers_notified = _notify_consumers(recall, recalled)
    recall.save(update_fields=["consumers_notified"])
    audit.record(actor=actor, action=AuditAction.RECALL, instance=recall, organization_id=origin_org.pk, reason=reason)
    append_record(recall)
    return recall


def _notify_consumers(recall: Recall, lots: list[Lot]) -> int:
    """E-mail the recall notice to every confirmed watcher of a recalled product, with a link to stop."""
    products = {lot.product_id: lot for lot in lots}
    watches = ProductWatch.objects.filter(product_id__in=products, confirmed_at__isnull=False).select_related("product")
    by_email: dict[str, list[str]] = {}
    for w in watches:
        lot = products[w.product_id]
        by_email.setdefault(w.email, []).append(
            _("- %(product)s, lô %(lot)s: %(link)s")
            % {"product": w.product.name, "lot": lot.lot_code, "link": digital_link(lot.product.gtin, lot.lot_code)}
            + "\n  "
            + _("Ngừng nhận thông báo về sản phẩm này: %(link)s") % {"link": unsubscribe_link(w)}
        )
    for email, lines in by_email.items():
        email_after_commit(
            _("Thông báo thu hồi sản phẩm %(code)s") % {"code": recall.code},
            recall.notice + "\n\n" + "\n".join(lines),
            [email],
        )
    return len(by_email)


def can_answer_for(actor: Any, party: RecallParty) -> bool:
    org = party.organization
    return org is not None and (
        permissions.can_edit_organization_data(actor, org)
        or permissions.is_officer_for(actor, party.recall.organization)
    )


@transaction.atomic
def acknowledge(
    *, actor: Any, party: RecallParty, quantity_withdrawn: Any = None, unit: str = "", note: str = ""
) -> RecallParty:
    """The affected party (a member of it, or an officer recording a phone call) acknowledges the recall and
    reports the quantity withdrawn so far; it can be updated until the recall closes."""
    party = (
        RecallParty.objects.select_for_update(of=("self",))
        .select_related("recall__organization", "organization")
        .get(pk=party.pk)
    )
    require(can_answer_for(actor, party))
    if party.recall.status != RecallStatus.OPEN:
        raise ValidationError(_("Đợt thu hồi đã kết thúc."))
    before = audit.snapshot(party)
    if quantity_withdrawn not in (None, ""):
        try:  # a Decimal read by the page (core.forms), or a plain decimal; bounded by its column
            qty = parse_plain(quantity_withdrawn, RECEIVED_QUANTITY) or Decimal(0)
        except NumberError as exc:
            if exc.code == "below_min":
                raise ValidationError({"quantity_withdrawn": [_("Số lượng không được âm.")]}) from None
            if exc.code == "not_a_number":
                raise ValidationError({"quantity_withdrawn": [_("Cần nhập một số.")]}) from None
            raise ValidationError({"quantity_withdrawn": [message(exc)]}) from None
        if unit and unit not in QuantityUnit.values:
            raise ValidationError({"unit": [_("Đơn vị không hợp lệ.")]})
        party.quantity_withdrawn = qty
        party.unit = unit or QuantityUnit.KG
    if party.acknowledged_at is None:
        party.acknowledged_at = timezone.now()
        party.acknowledged_by = actor if getattr(actor, "pk", None) else None
    if note.strip():
        party.note = note.strip()
    party.save()
    audit.record(
        actor=actor, action=AuditAction.UPDATE, instance=party, before=before, organization_id=party.organization_id
    )
    return party


@transaction.atomic
def close_recall(*, actor: Any, recall: Recall, note: str = "") -> Recall:
    """An officer closes the recall. Every notified party must have acknowledged, unless the note explains why not."""
    recall = Recall.objects.select_for_update().select_related("organization").get(pk=recall.pk)
    require(permissions.is_officer_for(actor, recall.organization))
    if recall.status != RecallStatus.OPEN:
        raise ValidationError(_("Đợt thu hồi đã kết thúc."))
    missing = recall.parties.filter(organization__isnull=False, acknowledged_at__isnull=True)
    if missing.exists() and not note.strip():
        raise ValidationError(
            {
                "note": [
                    _("Còn %(n)s bên chưa xác nhận (%(names)s); cần ghi lý do kết thúc.")
                    % {"n": missing.count(), "names": ", ".join(missing.values_list("name", flat=True)[:5])}
                ]
            }
        )
    before = audit.snapshot(recall)
    recall.status = RecallStatus.CLOSED
    recall.closed_at = timezone.now()
    recall.closed_by = actor if getattr(actor, "pk", None) else None
    recall.close_note = note.strip()
    recall.save()
    generations.bump_lots(recall.lots.values_list("gtin", "lot_code"))  # the notice says it is closed
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=recall,
        before=before,
        organization_id=recall.organization_id,
        reason=note,
    )
    append_record(recall)
    return recall
