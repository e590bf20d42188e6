"""Label sheets of an approved batch and RFID EPCs of its stamps (SGTIN-96, filter 1: a point-of-sale item, GS1 EPC
Tag Data Standard §10.1), the one EPC every label output of a stamp carries: the PDF sheet and the ZPL for RFID
printers (`rfid.labels.stamp_labels`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, can_write, require
from catalog.models import Product
from catalog.selectors import digital_link
from gs1 import keys as gs1_keys
from gs1.binary import FILTER_POS_ITEM, encode_sgtin96
from stamps import secrets
from stamps.choices import BatchStatus
from stamps.models import StampBatch

if TYPE_CHECKING:
    from stamps import sheets


def can_print(actor: Actor, batch: StampBatch) -> bool:
    return can_write(actor, batch.organization) or permissions.is_officer_for(actor, batch.organization)


def company_prefix_length(product: Product) -> int:
    """The GS1 company prefix length of a product's GTIN: the organisation's own, or the provincial one."""
    own = product.organization.gs1_company_prefix
    body = product.gtin[1:]
    if own and body.startswith(own):
        return len(own)
    provincial = settings.TRUYXUAT_PROVINCIAL_GS1_PREFIX
    if body.startswith(provincial):
        return len(provincial)
    try:
        return gs1_keys.company_prefix_length(body)
    except ValueError:
        return 7


def batch_labels(batch: StampBatch) -> Iterator[sheets.Label]:
    codes = secrets.read_codes(batch.pk)
    if batch.status != BatchStatus.APPROVED:
        raise ValidationError(_("Chỉ in được lô tem đã cấp."))
    if codes is None:
        raise ValidationError(
            _("Mã kiểm tra của lô tem này đã được xoá sau khi in (hoặc bị mất); không in lại được. Hãy đề nghị lô mới.")
        )
    product = batch.product
    lot_code = batch.lot.lot_code if batch.lot else ""
    length = company_prefix_length(product)
    from stamps import sheets  # ReportLab loads in the worker that prints, not at every start-up

    for serial in batch.stamps.order_by("id").values_list("serial", flat=True).iterator(chunk_size=2000):
        yield sheets.Label(
            url=digital_link(product.gtin, lot_code or None, serial),
            product=product.name,
            lot=lot_code,
            serial=serial,
            check_code=codes[serial],
            epc=encode_sgtin96(product.gtin, serial, length, FILTER_POS_ITEM),
        )


def render_batch(
    *,
    actor: Actor,
    batch: StampBatch,
    out: IO[bytes] | str,
    layout: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the label sheet PDF of an approved batch (members of the producer, or officers). Returns pages."""
    require(can_print(actor, batch))
    items = batch_labels(batch)
    first = next(items, None)
    if first is None:
        raise ValidationError(_("Lô tem không có tem nào."))

    from stamps import sheets

    def all_items() -> Iterator[sheets.Label]:
        yield first
        yield from items

    return sheets.render(
        all_items(),
        batch.quantity,
        out,
        layout or batch.layout,
        progress,
        title=f"{batch.product.name} — {batch.quantity}",
    )


def batch_epcs(batch: StampBatch) -> Iterator[tuple[str, str]]:
    """(serial, SGTIN-96 hex) for each stamp of a batch, to encode RFID tags."""
    length = company_prefix_length(batch.product)
    for serial in batch.stamps.order_by("id").values_list("serial", flat=True).iterator(chunk_size=2000):
        yield serial, encode_sgtin96(batch.product.gtin, serial, length, FILTER_POS_ITEM)
