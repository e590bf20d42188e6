"""`{% load core_files %}`: links to stored files through `core.files` (never MEDIA_URL)."""

from __future__ import annotations

from django import template
from django.db.models.fields.files import FieldFile

from core import files

register = template.Library()


@register.filter
def file_url(fieldfile: FieldFile | None) -> str:
    """`{{ product.image|file_url }}`: the link; the file's app decides who may follow it."""
    return files.url(fieldfile)


@register.filter
def granted_file_url(fieldfile: FieldFile | None) -> str:
    """`{{ feedback.photo|granted_file_url }}`: a link that lets whoever holds it read the file for an hour."""
    return files.url(fieldfile, grant=True)
