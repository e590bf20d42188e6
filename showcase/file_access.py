"""Who may read the showcase's photos (see core.files): anyone while the organisation has a product in the
showcase (approved, a published lot); before that, its members, officers of its province and platform admins."""

from __future__ import annotations

from typing import Any

from accounts import permissions
from core import files
from showcase.models import Photo
from showcase.selectors import showcase_products


def photo_is_public(photo: Photo) -> bool:
    return showcase_products().filter(organization_id=photo.organization_id).exists()


def can_read_photo(user: Any, photo: Photo) -> bool:
    org = photo.organization
    return permissions.is_member(user, org) or permissions.is_officer_for(user, org)


files.register("showcase.photo", "image", can_read=can_read_photo, is_public=photo_is_public)
