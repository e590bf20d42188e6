"""Who reads catalogue files (catalog.file_access through core.files): 200 for exactly these, 404 for the rest."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from catalog.tests.factories import CertificateFactory, GrowingAreaFactory, LotFactory, ProductFactory
from core import files
from core.tests.filematrix import ROLES, expect, plain_pdf, png, statuses, users

pytestmark = pytest.mark.django_db
INSIDERS = {"owner", "staff", "officer", "admin"}


@pytest.fixture
def people(producer, producer_staff, other_producer, officer):
    return users(producer, producer_staff, other_producer, officer)


def test_product_image_of_an_approved_organisation_is_public(client, people, organization):
    product = ProductFactory(organization=organization, image=ContentFile(png(), name="anh.png"))
    assert statuses(people, files.url(product.image), type(client)) == expect(set(ROLES))


@pytest.mark.parametrize("status", ["pending", "suspended"])
def test_product_image_of_an_unapproved_organisation_is_private(client, people, organization, status):
    product = ProductFactory(organization=organization, image=ContentFile(png(), name="anh.png"))
    organization.status = status
    organization.save()
    assert statuses(people, files.url(product.image), type(client)) == expect(INSIDERS)


def test_certificate_scan_is_private_until_it_speaks_for_a_public_lot(client, people, organization):
    area = GrowingAreaFactory(organization=organization)
    cert = CertificateFactory(
        organization=organization,
        scope="growing_area",
        growing_area=area,
        document=ContentFile(plain_pdf(), name="vietgap.pdf"),
    )
    url = files.url(cert.document)
    lot = LotFactory(product=ProductFactory(organization=organization), origin_areas=[area], status="submitted")
    assert statuses(people, url, type(client)) == expect(INSIDERS)
    lot.status = "published"
    lot.save()
    assert statuses(people, url, type(client)) == expect(set(ROLES))  # the lot page links it
    organization.status = "suspended"
    organization.save()
    assert statuses(people, url, type(client)) == expect(INSIDERS)


def test_organisation_certificate_of_another_producer_stays_private(client, people, organization, other_organization):
    """A published lot of another producer does not make this organisation's certificate public."""
    cert = CertificateFactory(organization=organization, document=ContentFile(plain_pdf(), name="haccp.pdf"))
    LotFactory(product=ProductFactory(organization=other_organization), status="published")
    assert statuses(people, files.url(cert.document), type(client)) == expect(INSIDERS)


def test_portal_story_links_through_core_files(client, organization):
    product = ProductFactory(organization=organization, image=ContentFile(png(), name="anh.png"))
    cert = CertificateFactory(organization=organization, document=ContentFile(plain_pdf(), name="vietgap.pdf"))
    lot = LotFactory(product=product, status="published")
    page = client.get(f"/01/{product.gtin}/10/{lot.lot_code}").content.decode()
    assert files.url(product.image) in page
    assert files.url(cert.document) in page
    assert "/media/" not in page
    assert client.get(files.url(cert.document)).status_code == 200
