"""Choices of the events domain: capture job states, the roles an identifier plays in an event, edge kinds."""

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
