"""The rules ("smart contracts"), declared as data: code, version, kind of check, its parameters and texts.

Changing what a rule does means a new version here (old decisions keep the version they were made under,
in the ledger). `rules.engine` holds one evaluator per `kind`; texts are Vietnamese msgids translated when
a decision is made, with `%(name)s` placeholders filled from the decision's facts.

| code | kind | outcome | what it guards |
|---|---|---|---|
| pre_harvest_interval | waiting_period | block | harvest inside a spraying's pre-harvest interval (PHI) |
| withdrawal_period | waiting_period | block | harvest/slaughter inside a vaccination or treatment's withdrawal period |
| certificate_claim | certificate_claim | block | a claimed certificate not valid on an origin area at harvest |
| recalled_input | recalled_input | hold | a lot made from a recalled lot |
| condition_excursion | condition_hold | hold | a lot held for a sensor excursion it lived through (iot) |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

from rules.choices import Outcome


@dataclass(frozen=True)
class RuleSpec:
    code: str
    version: int
    kind: str
    outcome: str
    title: str
    reason: str
    remedy: str
    params: dict[str, Any] = field(default_factory=dict)


RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        code="pre_harvest_interval",
        version=1,
        kind="waiting_period",
        outcome=Outcome.BLOCK,
        title=gettext_noop("Thời gian cách ly thuốc bảo vệ thực vật"),
        reason=gettext_noop(
            "Thu hoạch ngày %(harvested)s tại vùng %(area)s khi chưa hết thời gian cách ly %(days)s ngày "
            "sau lần phun %(input)s ngày %(applied)s."
        ),
        remedy=gettext_noop(
            "Lô này chỉ được công bố từ ngày %(allowed_from)s. Nếu lần phun hoặc lần thu hoạch ghi nhầm, "
            "bấm “Sửa / Huỷ bản ghi” ở bản ghi đó: lô được kiểm tra lại ngay."
        ),
        params={"activities": ["spraying"], "days_field": "phi_days"},
    ),
    RuleSpec(
        code="withdrawal_period",
        version=1,
        kind="waiting_period",
        outcome=Outcome.BLOCK,
        title=gettext_noop("Thời gian ngưng thuốc thú y"),
        reason=gettext_noop(
            "Xuất bán ngày %(harvested)s từ %(area)s khi chưa hết thời gian ngưng thuốc %(days)s ngày "
            "sau lần dùng %(input)s ngày %(applied)s."
        ),
        remedy=gettext_noop("Lô này chỉ được công bố từ ngày %(allowed_from)s."),
        params={"activities": ["vaccinating", "treating"], "days_field": "withdrawal_days"},
    ),
    RuleSpec(
        code="certificate_claim",
        version=1,
        kind="certificate_claim",
        outcome=Outcome.BLOCK,
        title=gettext_noop("Chứng nhận được công bố phải còn hiệu lực"),
        reason=gettext_noop(
            "Lô công bố chứng nhận %(kind)s nhưng vùng %(area)s không có chứng nhận %(kind)s "
            "còn hiệu lực ngày %(harvested)s."
        ),
        remedy=gettext_noop(
            "Tải lên chứng nhận %(kind)s còn hiệu lực cho vùng %(area)s, hoặc bỏ công bố chứng nhận này khỏi lô."
        ),
    ),
    RuleSpec(
        code="recalled_input",
        version=1,
        kind="recalled_input",
        outcome=Outcome.HOLD,
        title=gettext_noop("Nguyên liệu bị thu hồi"),
        reason=gettext_noop("Lô được làm từ lô %(input)s (%(product)s) đã bị thu hồi."),
        remedy=gettext_noop("Lô bị tạm giữ: không bán, liên hệ cơ quan quản lý để xử lý theo thông báo thu hồi."),
    ),
    RuleSpec(
        code="condition_excursion",
        version=1,
        kind="condition_hold",
        outcome=Outcome.HOLD,
        title=gettext_noop("Điều kiện bảo quản, vận chuyển vượt ngưỡng"),
        reason=gettext_noop("Lô bị tạm giữ vì điều kiện bảo quản, vận chuyển: %(excursion)s."),
        remedy=gettext_noop(
            "Kiểm tra lại hàng, rồi giải toả tạm giữ trên trang “Cảm biến” (ghi lý do): lô được kiểm tra lại ngay."
        ),
    ),
)

BY_CODE = {rule.code: rule for rule in RULES}
