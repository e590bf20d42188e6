"""Choices of the events domain: capture job states, the roles an identifier plays in an event and whether it
is an end of the event's edges there, edge kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaptureStatus(models.TextChoices):
    RUNNING = "running", _("Đang ghi nhận")
    SUCCESS = "success", _("Thành công")
    FAILED = "failed", _("Thất bại")


class EpcRole(models.IntegerChoices):
    """Where an identifier appears in an event (what the EPCIS MATCH_* query parameters look at)."""

    EPC = 1, _("epcList / childEPCs")
    PARENT = 2, _("parentID")
    INPUT = 3, _("inputEPCList")
    OUTPUT = 4, _("outputEPCList")
    EPC_CLASS = 5, _("quantityList / childQuantityList")
    INPUT_CLASS = 6, _("inputQuantityList")
    OUTPUT_CLASS = 7, _("outputQuantityList")


INSTANCE_ROLES = (EpcRole.EPC, EpcRole.PARENT, EpcRole.INPUT, EpcRole.OUTPUT)
CLASS_ROLES = (EpcRole.EPC_CLASS, EpcRole.INPUT_CLASS, EpcRole.OUTPUT_CLASS)


class EdgeKind(models.IntegerChoices):
    """Why one lot (or logistic unit) leads to another in the genealogy."""

    TRANSFORMATION = 1, _("Chế biến (đầu vào → đầu ra)")
    AGGREGATION = 2, _("Đóng gói (bên trong → đơn vị chứa)")


EDGE_KIND_NAMES = {EdgeKind.TRANSFORMATION: "transformation", EdgeKind.AGGREGATION: "aggregation"}


class EpcLink(models.IntegerChoices):
    """Whether an identifier, in the role an event mentions it, is an end of that event's genealogy edges.

    A mention's side is the end an edge has there: an input or aggregated child (`SRC_ROLES`) is the source of
    the event's edges, an output or parent (`DST_ROLES`) their destination. Set at capture (`genealogy.derive`)
    so that a trace tells, from the mentions of its lots alone, which events lead out of it (`trace_chain`).
    """

    NONE = 0, _("không có cạnh phả hệ của sự kiện tại mã này")  # no edge of this event ends here, on this side
    # every edge of this event at this key (on this side) has its other end mentioned by the event (other side)
    MENTIONED = 1, _("mọi cạnh tại mã này nối tới mã sự kiện cũng nêu")
    # an edge of this event at this key ends at a key the event does not mention on the other side (a later
    # TransformationEvent sharing a transformationID links the earlier events' inputs or outputs), or ends at
    # this key on the side the event does not mention it
    FOREIGN = 2, _("có cạnh tại mã này nối tới mã sự kiện không nêu")


# the roles in which a mentioned identifier is the source of the event's edges (an input, an aggregated child)
# or their destination (an output, the parent); EPC and EPC_CLASS are also an ObjectEvent's, which has no edges
SRC_ROLES = frozenset({int(EpcRole.INPUT), int(EpcRole.INPUT_CLASS), int(EpcRole.EPC), int(EpcRole.EPC_CLASS)})
DST_ROLES = frozenset({int(EpcRole.OUTPUT), int(EpcRole.OUTPUT_CLASS), int(EpcRole.PARENT)})
