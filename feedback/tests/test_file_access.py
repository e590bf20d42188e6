"""Who sees a feedback (complaint) photo (feedback.file_access through core.files): the producer's members,
the officers handling it, platform admins, and whoever holds the follow page's link (it knows the code)."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from complaints.models import ComplaintCase
from core import files
from core.tests.filematrix import ROLES, expect, png, statuses, users
from feedback.models import Feedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(organization):
    return Feedback.objects.create(
        tracking_code="PA-7K2M-9QXR",
        kind="complaint",
        organization=organization,
        product=ProductFactory(organization=organization),
        message="Bao bì bị rách",
        address_hash="x" * 32,
        photo=ContentFile(png(), name="bao-bi.png"),
    )


def test_photo_matrix(client, producer, producer_staff, other_producer, officer, item):
    people = users(producer, producer_staff, other_producer, officer)
    assert statuses(people, files.url(item.photo), type(client)) == expect({"owner", "staff", "officer", "admin"})


def test_follow_page_link_works_for_its_holder(client, producer, producer_staff, other_producer, officer, item):
    page = Client().get(f"/phan-anh/{item.tracking_code}").content.decode()
    link = re.search(r'<img src="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert link.startswith(files.url(item.photo) + "?g=")
    people = users(producer, producer_staff, other_producer, officer)
    assert statuses(people, link, type(client)) == expect(set(ROLES))


def test_oversight_complaint_page_links_the_photo(client, officer, item):
    case = ComplaintCase.objects.create(feedback=item, response_due=timezone.now())
    client.force_login(officer)
    page = client.get(f"/oversight/phan-anh/{case.pk}/").content.decode()
    assert f'src="{files.url(item.photo)}"' in page
