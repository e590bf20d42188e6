"""Every write of lots' movements: atomic, checks the actor, audit entry, EPCIS events through `events`.

Views, the API, imports and commands call exactly one of these.
"""

from logistics.services.harvest import harvest, next_lot_code, update_claims
from logistics.services.processing import pack, transform
from logistics.services.shipments import cancel_shipment, confirm_receipt, create_shipment, reject_shipment

__all__ = [
    "cancel_shipment",
    "confirm_receipt",
    "create_shipment",
    "harvest",
    "next_lot_code",
    "pack",
    "reject_shipment",
    "transform",
    "update_claims",
]
