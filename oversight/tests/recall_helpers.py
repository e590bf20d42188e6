"""Start a recall through the officer's pages as a person does: preview the scope (GET), then commit it (POST)."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse


def previewed_digest(client: Any, data: dict[str, Any]) -> str:
    """The scope digest the preview page (GET with `data`) puts in its confirmation form."""
    page = client.get(reverse("oversight:recall_new"), data)
    assert page.status_code == 200, page.status_code
    found = re.search(r'name="scope" value="([0-9a-f]{64})"', page.content.decode())
    assert found is not None, "no confirmation form on the preview"
    return found.group(1)


def start_recall(client: Any, data: dict[str, Any]) -> Any:
    """Preview, then commit with the previewed digest; the POST's response."""
    return client.post(reverse("oversight:recall_new"), {**data, "scope": previewed_digest(client, data)})
