"""Consumer scans: record each resolution of a code, a coarse location if shared, and check-code attempts."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Throttled
from stamps import secrets
from stamps.choices import CheckResult
from stamps.models import Scan, Stamp

CHECK_ATTEMPTS_PER_ADDRESS_HOUR = 10
CHECK_ATTEMPTS_PER_STAMP_HOUR = 60
LOCATION_SALT = "stamps.scan-location"


def record_scan(*, gtin: str, address: str, serial: str = "", lot_code: str = "", stamp: Stamp | None = None) -> Scan:
    """Record that a consumer resolved a code (no personal data: the address is stored as a keyed hash)."""
    return Scan.objects.create(
        gtin=gtin,
        serial=serial[:20],
        lot_code=lot_code[:20],
        stamp=stamp,
        address_hash=secrets.address_hash(address),
    )


def location_token(scan: Scan) -> str:
    """A token that lets the page that recorded `scan` add its coarse location, and nothing else."""
    return signing.dumps(scan.pk, salt=LOCATION_SALT)


def _coarse(value: object, limit: int) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(_("Toạ độ không hợp lệ.")) from exc
    if not number.is_finite() or abs(number) > limit:
        raise ValidationError(_("Toạ độ không hợp lệ."))
    return number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@transaction.atomic
def attach_location(*, token: str, latitude: object, longitude: object) -> Scan:
    """Attach a coarse location (rounded to 0.1°, about 11 km) to a recent scan, once."""
    try:
        scan_id = signing.loads(token, salt=LOCATION_SALT, max_age=3600)
    except signing.BadSignature as exc:
        raise ValidationError(_("Phiên quét đã hết hạn.")) from exc
    scan = Scan.objects.select_for_update().filter(pk=scan_id).first()
    if scan is None:
        raise ValidationError(_("Phiên quét đã hết hạn."))
    if scan.latitude is None:
        scan.latitude = _coarse(latitude, 90)
        scan.longitude = _coarse(longitude, 180)
        scan.save(update_fields=["latitude", "longitude"])
    return scan


def verify_check_code(*, stamp: Stamp, code: str, address: str) -> bool:
    """Compare the code a consumer typed with the stamp's; every attempt is recorded, and limited per hour."""
    address_hash = secrets.address_hash(address)
    since = timezone.now() - dt.timedelta(hours=1)
    attempts = Scan.objects.filter(stamp=stamp, at__gte=since).exclude(check_result=CheckResult.NONE)
    if (
        attempts.filter(address_hash=address_hash).count() >= CHECK_ATTEMPTS_PER_ADDRESS_HOUR
        or attempts.count() >= CHECK_ATTEMPTS_PER_STAMP_HOUR
    ):
        raise Throttled()
    ok = bool(code.strip()) and secrets.code_matches(stamp.check_hash, stamp.gtin, stamp.serial, code)
    Scan.objects.create(
        gtin=stamp.gtin,
        serial=stamp.serial,
        stamp=stamp,
        address_hash=address_hash,
        check_result=CheckResult.MATCH if ok else CheckResult.MISMATCH,
    )
    return ok
