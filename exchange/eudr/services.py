"""Writes of the EUDR exchange: a prepared statement (what was packaged) and the DDS reference the EU returned."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, person
from catalog.models import Lot
from core import audit
from exchange.choices import StatementStatus
from exchange.eudr.assess import Assessment, Subject, assess_lots, for_lot, for_season, for_shipment
from exchange.models import DueDiligenceStatement
from ledger.services import append_record

HS_CODE = re.compile(r"^\d{4}(\d{2}){0,3}$")
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{5,63}$")


def _check(actor: Actor, operator: Any) -> None:
    if not (permissions.is_member(actor, operator) or permissions.is_platform_admin(actor)):
        raise PermissionDenied(_("Chỉ thành viên của bên đưa hàng ra thị trường mới lập hồ sơ EUDR này."))


def covered(
    *, shipment: Any = None, lot: Lot | None = None, season: tuple[Any, dt.date, dt.date] | None = None
) -> tuple[Subject, list[tuple[Lot, Decimal]]]:
    """The subject and its (lot, quantity) lines: a shipment, one lot, or a season (product, from, to)."""
    if shipment is not None:
        return for_shipment(shipment)
    if lot is not None:
        return for_lot(lot)
    if season is not None:
        product, start, end = season
        if end < start or (end - start).days > 731:
            raise ValidationError(_("Mùa vụ: ngày kết thúc sau ngày bắt đầu, tối đa hai năm / At most two years."))
        return for_season(product, start, end)
    raise ValidationError(_("Chọn chuyến hàng, lô hoặc mùa vụ / Choose a shipment, a lot or a season."))


@transaction.atomic
def prepare(
    *,
    actor: Actor,
    shipment: Any = None,
    lot: Lot | None = None,
    season: tuple[Any, dt.date, dt.date] | None = None,
    hs_code: str = "",
) -> tuple[DueDiligenceStatement, Assessment]:
    """Assess a shipment, a lot or a season's lots and, when every check passes, record the statement (GeoJSON
    hash, plots, period, HS code and quantities)."""
    subject, lines = covered(shipment=shipment, lot=lot, season=season)
    _check(actor, subject.operator)
    hs_code = hs_code.replace(" ", "").replace(".", "")
    if hs_code and not HS_CODE.match(hs_code):
        raise ValidationError({"hs_code": _("Mã HS gồm 4, 6, 8 hoặc 10 chữ số / HS code of 4, 6, 8 or 10 digits.")})
    a = assess_lots(subject, lines, actor, hs_code)
    if not a.ok:
        reasons = list(a.errors) + [
            _("Lô %(lot)s (vùng %(plot)s): %(reasons)s")
            % {"lot": lot.lot_code, "plot": area.code, "reasons": "; ".join(why)}
            for lot, area, why in a.failing_lots()
        ]
        raise ValidationError(reasons or [_("Chưa đạt các kiểm tra EUDR.")])
    statement = DueDiligenceStatement.objects.create(
        organization=subject.operator,
        shipment=shipment,
        subject_kind=subject.kind,
        subject_key=subject.key,
        commodity=a.commodity,
        hs_code=a.hs_code,
        quantities={unit: str(q) for unit, q in a.quantities.items()},
        period_start=a.period[0] if a.period else None,
        period_end=a.period[1] if a.period else None,
        plot_count=len(a.plots),
        geojson_sha256=a.geojson_sha256(),
        forest_layer=a.forest_layer,
        created_by=person(actor),
    )
    audit.record(actor=actor, action="create", instance=statement, organization_id=subject.operator.pk)
    append_record(statement)
    return statement, a


@transaction.atomic
def record_reference(
    *, actor: Actor, statement: DueDiligenceStatement, reference_number: str, verification_number: str = ""
) -> DueDiligenceStatement:
    """Store the reference (and verification) number the EU Information System returned for the statement."""
    statement = DueDiligenceStatement.objects.select_for_update().get(pk=statement.pk)
    _check(actor, statement.organization)
    reference_number, verification_number = reference_number.strip(), verification_number.strip()
    if not REFERENCE.match(reference_number):
        raise ValidationError(
            {"reference_number": _("Số tham chiếu gồm 6–64 chữ, số hoặc gạch nối / 6–64 letters, digits or hyphens.")}
        )
    if verification_number and not REFERENCE.match(verification_number):
        raise ValidationError({"verification_number": _("Mã xác minh không hợp lệ / Invalid verification number.")})
    before = audit.snapshot(statement)
    statement.reference_number = reference_number
    statement.verification_number = verification_number
    statement.status = StatementStatus.FILED
    statement.filed_at = timezone.now()
    statement.save()
    audit.record(
        actor=actor, action="update", instance=statement, before=before, organization_id=statement.organization_id
    )
    append_record(statement)
    return statement
