"""Recall workflow: start (scope from the EPCIS genealogy), notify, acknowledge and withdraw, close.

`start_recall` is atomic: the recall, its scope rows, every affected lot's new status (through
`catalog.services.recall_lot`, with audit and ledger leaf), the parties' notifications and the recall's own
ledger leaf commit together; e-mails to organisations and to consumers who watch the product go after commit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, agency_of, person, require
from catalog.choices import QuantityUnit
from catalog.models import Facility, Lot, Organization
from catalog.selectors import digital_link
from catalog.services import recall_lot
from core import audit, generations
from core.choices import AuditAction
from core.forms import message
from core.numbers import RECEIVED_QUANTITY, NumberError, parse_plain
from exchange.national import services as national
from ledger.services import append_record
from notifications.choices import NotificationKind
from notifications.models import ProductWatch
from notifications.services import email_after_commit, notify_organization, unsubscribe_link
from quality.models import LabTest
from recalls.choices import HazardClass, RecallStatus
from recalls.models import Recall, RecallLot, RecallParty, RecallShipment
from recalls.scope import ScopeChanged, build_scope, lot_key, origin_organization, root_lots
from reports.document_text import abbreviation, number_text
from reports.numbering import take_number
from reports.signers import chosen
from rules import rechecks

__all__ = ["ScopeChanged", "acknowledge", "close_recall", "default_notice", "lot_key", "root_lots", "start_recall"]


def _next_code() -> str:
    year = timezone.localdate().year
    prefix = f"TH-{year}-"
    last = Recall.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def default_notice(reason: str) -> str:
    """The consumers' notice composed from the reason (one full stop after it, however the reason ends)."""
    return _(
        "Cơ quan quản lý yêu cầu thu hồi sản phẩm thuộc lô này. Lý do: %(reason)s. Không sử dụng sản phẩm; "
        "liên hệ nơi bán để được hướng dẫn."
    ) % {"reason": reason.strip().rstrip(".;:,… ").strip()}


def _complaint_case(actor: Actor, complaint: Any, origin_org: Organization) -> Any:
    """The complaint case the recall answers, locked; only an officer for the complaint's organisation links it."""
    if complaint is None:
        return None
    case_model = apps.get_model("complaints", "ComplaintCase")  # complaints imports recalls, not the reverse
    case = (
        case_model.objects.select_for_update(of=("self",))
        .select_related("feedback__organization")
        .get(pk=getattr(complaint, "pk", complaint))
    )
    org = case.feedback.organization
    require(org is not None and permissions.is_officer_for(actor, org))
    if case.recall_id is not None:
        raise ValidationError(_("Phản ánh này đã gắn với một đợt thu hồi khác."))
    return case


def _issuer(actor: Actor) -> str:
    """The agency that issues the decision, by its Vietnamese name (the document is always in Vietnamese)."""
    agency = agency_of(actor)
    with translation.override(settings.LANGUAGE_CODE):
        return agency.name if agency else _("Sở Khoa học và Công nghệ")


@transaction.atomic
def start_recall(
    *,
    actor: Actor,
    reason: str,
    notice: str = "",
    hazard_class: str = HazardClass.CLASS_II,
    lot: Lot | None = None,
    facility: Facility | None = None,
    lab_test: LabTest | None = None,
    complaint: Any = None,
    expected_scope: str | None = None,
    signer: int | None = None,
) -> Recall:
    """An officer starts a recall; every downstream lot, party and shipment is found and notified.

    `expected_scope`: the digest of the scope the officer previewed (`recalls.scope.Scope.digest`); when the
    scope is different now, nothing is written and `ScopeChanged` carries the new scope. `complaint`: the
    complaint case (or its pk) the recall answers; it is linked to the recall in the same transaction.
    `signer`: one of the agency's signers (`reports.signers.signers_for(actor)`), printed on the decision and the
    public notice, which take the agency's next numbers of the year ("01/QĐ-…", "01/TB-…") here.
    """
    origin_org = origin_organization(lot=lot, facility=facility, lab_test=lab_test)
    require(permissions.is_officer_for(actor, origin_org, lot.product.category_id if lot is not None else None))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Cần nêu lý do thu hồi.")]})
    if hazard_class not in HazardClass.values:
        raise ValidationError({"hazard_class": [_("Mức độ không hợp lệ.")]})
    case = _complaint_case(actor, complaint, origin_org)
    scope = build_scope(actor, lot=lot, facility=facility, lab_test=lab_test)
    if expected_scope is not None and expected_scope != scope.digest:
        raise ScopeChanged(scope)
    notice = (notice or "").strip() or default_notice(reason)
    on_behalf_of, signer_title, signer_name = chosen(actor, signer)
    issuer = _issuer(actor)
    year = timezone.localdate().year
    recall = Recall.objects.create(
        issuer=issuer,
        decision_number=number_text(take_number(issuer, year, "QĐ"), f"QĐ-{abbreviation(issuer)}"),
        notice_number=number_text(take_number(issuer, year, "TB"), f"TB-{abbreviation(issuer)}"),
        signer_on_behalf_of=on_behalf_of,
        signer_title=signer_title,
        signer_name=signer_name,
        code=_next_code(),
        origin=scope.origin,
        root_lot=lot,
        root_facility=facility,
        root_lab_test=lab_test,
        organization=origin_org,
        hazard_class=hazard_class,
        reason=reason,
        notice=notice,
        started_by=person(actor),
        unknown_roots=scope.unknown_roots,
    )
    RecallLot.objects.bulk_create(
        RecallLot(
            recall=recall,
            key=s.key,
            gtin=s.gtin,
            lot_code=s.lot_code,
            depth=s.depth,
            lot=s.lot,
            organization=s.organization,
            outside_jurisdiction=s.outside_jurisdiction,
        )
        for s in scope.lots
    )
    recalled = scope.recalled
    for match in recalled:
        recall_lot(actor=actor, lot=match, reason=f"{recall.code}: {reason}")
    rechecks.after_recall(recalled)  # lots made from a recalled one are held by the recalled-input rule
    # every lot in the scope (all downstream of the roots) shows the recall on its next request, in any process
    generations.bump_lots((s.gtin, s.lot_code) for s in scope.lots)
    RecallShipment.objects.bulk_create(
        RecallShipment(
            recall=recall,
            epc=s.epc,
            source=s.source,
            destination=s.destination,
            ship_event_id=s.ship_event_id,
            receive_event_id=s.receive_event_id,
        )
        for s in scope.shipments
    )
    now = timezone.now()
    link = reverse("oversight:recall", args=[recall.pk])
    for p in scope.parties:
        party = RecallParty.objects.create(
            recall=recall,
            organization=p.organization,
            party_key=p.party_key,
            name=p.name,
            gln=p.gln,
            notified_at=now if p.organization is not None else None,
        )
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
    if case is not None:
        before = audit.snapshot(case)
        case.recall = recall
        case.save(update_fields=["recall"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=case,
            before=before,
            organization_id=case.feedback.organization_id,
            reason=recall.code,
        )
    append_record(recall)
    national.enqueue_published(actor=actor, instance=recall)  # the national portal's outbox, in this transaction
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


def can_answer_for(actor: Actor, party: RecallParty) -> bool:
    org = party.organization
    return org is not None and (
        permissions.can_edit_organization_data(actor, org)
        or permissions.is_officer_for(actor, party.recall.organization)
    )


@transaction.atomic
def acknowledge(
    *, actor: Actor, party: RecallParty, quantity_withdrawn: Any = None, unit: str = "", note: str = ""
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
        party.acknowledged_by = person(actor)
    if note.strip():
        party.note = note.strip()
    party.save()
    audit.record(
        actor=actor, action=AuditAction.UPDATE, instance=party, before=before, organization_id=party.organization_id
    )
    return party


@transaction.atomic
def close_recall(*, actor: Actor, recall: Recall, note: str = "") -> Recall:
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
    recall.closed_by = person(actor)
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
    national.enqueue_published(actor=actor, instance=recall)  # the closed recall replaces the open one there
    return recall
