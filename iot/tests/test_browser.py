"""Done when (issue 21), in Chromium on a phone: the producer registers a device, sees live readings arrive, sets a
threshold, and receives the excursion alert."""

from __future__ import annotations

import base64
import datetime as dt
import json
import urllib.request

import pytest

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from catalog.tests.factories import FacilityFactory, OrganizationFactory
from conftest import browser_sign_in
from iot.models import Placement
from iot.ui import views

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Kho-Lanh-2026!"


def send(base_url, identifier, secret, readings):
    request = urllib.request.Request(
        f"{base_url}/api/v1/iot/readings",
        data=json.dumps({"readings": readings}).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": "Basic " + base64.b64encode(f"{identifier}:{secret}".encode()).decode(),
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_register_device_live_readings_threshold_alert(browser, live_server, settings, tmp_path, monkeypatch):
    settings.TRUYXUAT_MQTT_DIR = tmp_path / "mqtt"
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"
    monkeypatch.setattr(views, "STREAM_SECONDS", 3.0)
    org = OrganizationFactory(name="HTX Rau Đăk Hà")
    room = FacilityFactory(organization=org, name="Kho lạnh rau", kind="cold_store")
    user = UserFactory(username="nongdan", password=PASSWORD)
    Membership.objects.create(user=user, organization=org, role="owner")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    browser_sign_in(page, live_server.url, user, PASSWORD, "/iot/")

    page.click("#add-device summary")
    page.fill("#d-name", "Cảm biến kho rau")
    page.fill("#d-identifier", "kho-rau-01")
    page.check("input[name=quantities][value=temperature]")
    page.select_option("#d-place", f"facility:{room.pk}")
    page.click("#add-device button.primary")
    secret = page.text_content("#device-secret").strip()
    assert page.text_content("#device-user").strip() == "kho-rau-01"
    # the logger has hung in the room for an hour already (its readings of the last half hour are about to come)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    Placement.objects.filter(device__identifier="kho-rau-01").update(start=now - dt.timedelta(hours=1))

    page.goto(f"{live_server.url}/iot/truc-tiep/{room.pk}/")
    page.wait_for_function("() => !!document.querySelector('#live')")
    assert (
        send(
            live_server.url, "kho-rau-01", secret, [{"time": now.isoformat(), "quantity": "temperature", "value": 3.4}]
        )["stored"]
        == 1
    )
    page.wait_for_function("() => document.querySelector('#live .value').textContent.includes('3,4')")
    assert page.text_content("#live .value") == "Nhiệt độ: 3,4 °C"

    page.goto(f"{live_server.url}/iot/")
    page.click("#add-profile summary")
    page.fill("#p-name", "Kho rau 1–5 °C")
    page.select_option("#p-place", f"facility:{room.pk}")
    page.fill("#p-low", "1")
    page.fill("#p-high", "5")
    page.fill("#p-minutes", "15")
    page.click("#add-profile button.primary")
    page.wait_for_selector("#profiles li:has-text('Kho rau 1–5 °C')")

    start = now - dt.timedelta(minutes=25)
    readings = [
        {"time": (start + dt.timedelta(minutes=m)).isoformat(), "quantity": "temperature", "value": 7.5}
        for m in range(0, 21)
    ]
    assert send(live_server.url, "kho-rau-01", secret, readings)["excursions"] == 1
    page.goto(f"{live_server.url}/workspace/notifications/")
    alert = "Vượt ngưỡng Nhiệt độ tại Kho lạnh rau: 7,5 °C (ngưỡng 1–5 °C) trong 15 phút"
    assert alert in page.text_content("main")
    page.goto(f"{live_server.url}/iot/")
    assert "Kho rau 1–5 °C" in page.text_content("#excursions")
    context.close()
