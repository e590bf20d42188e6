"""The error summary at the top of a form (`core/form_errors.html`): every error, each with a link to its field.

Works with a Django form (`form`) and with the workspace's hand-written forms (`errors`: {field: [messages]},
"__all__" for the form as a whole; the field's error line carries the id `err-<field>`, see
`workspace.templatetags.ws`).
"""

from __future__ import annotations

from typing import Any

from django import forms, template

register = template.Library()

ERROR_ID_PREFIX = "err-"


def error_id(name: str) -> str:
    """The id of a hand-written form's error line for field `name` (the summary links to it)."""
    return f"{ERROR_ID_PREFIX}{name}"


@register.simple_tag
def error_items(form: Any = None, errors: Any = None) -> list[tuple[str, str, str]]:
    """[(label, message, anchor)]: the form's own errors first (no anchor), then each field's in order."""
    items: list[tuple[str, str, str]] = []
    if isinstance(form, forms.BaseForm) and form.is_bound:
        items += [("", str(m), "") for m in form.non_field_errors()]
        for bound in form:
            anchor = bound.id_for_label or bound.auto_id or ""
            items += [(str(bound.label or ""), str(m), anchor) for m in bound.errors]
        return items
    for name, messages in (errors or {}).items() if hasattr(errors, "items") else []:
        anchor = "" if name in ("__all__", None) else error_id(str(name))
        items += [("", str(m), anchor) for m in messages]
    return items
