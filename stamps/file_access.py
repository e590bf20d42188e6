"""Who may read label sheet PDFs (see core.files): whoever may print the batch (its producer's members, officers
of its province, platform admins). The sheets carry the stamps' secret check codes: never public."""

from __future__ import annotations

from typing import Any

from core import files
from stamps.models import LabelJob
from stamps.printing import can_print


def can_read(user: Any, job: LabelJob) -> bool:
    return bool(user.is_authenticated) and can_print(user, job.batch)


files.register("stamps.labeljob", "pdf", can_read=can_read)
