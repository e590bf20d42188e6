"""Who reads diary photos and voice notes (diary.file_access through core.files): 200 for exactly these."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from core import files
from core.tests.filematrix import expect, png, statuses, users
from diary.tests.factories import DiaryEntryFactory

pytestmark = pytest.mark.django_db
OGG = b"OggS\x00\x02" + b"\x00" * 40


def test_photo_and_voice(client, producer, producer_staff, other_producer, officer, organization):
    people = users(producer, producer_staff, other_producer, officer)
    entry = DiaryEntryFactory(
        organization=organization,
        photo=ContentFile(png(), name="ruong.png"),
        voice=ContentFile(OGG, name="ghi-am.ogg"),
    )
    insiders = expect({"owner", "staff", "officer", "admin"})
    assert statuses(people, files.url(entry.photo), type(client)) == insiders
    assert statuses(people, files.url(entry.voice), type(client)) == insiders
    client.force_login(producer)
    voice = client.get(files.url(entry.voice))
    assert voice["Content-Type"] == "audio/ogg"
    assert voice["Content-Disposition"] == 'inline; filename="ghi-am.ogg"'  # the page's <audio> plays it
    page = client.get("/workspace/diary/history/").content.decode()
    assert f'src="{files.url(entry.voice)}"' in page
    assert f'href="{files.url(entry.photo)}"' in page
