"""IoT fixtures: a producer with a cold room, a truck and devices; one Mosquitto broker per test session."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from catalog.tests.factories import FacilityFactory
from iot import services


def basic(identifier: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{identifier}:{secret}".encode()).decode()


@pytest.fixture
def cold_room(organization):
    return FacilityFactory(organization=organization, name="Kho lạnh Đăk Hà", kind="cold_store")


@pytest.fixture
def sensor(producer, organization, cold_room):
    """A cold-room sensor placed in the cold room a day ago: (device, secret)."""
    device, secret = services.register_device(
        actor=producer,
        organization=organization,
        data={
            "identifier": "kho-lanh-01",
            "name": "Cảm biến kho lạnh",
            "kind": "cold_room",
            "quantities": ["temperature", "relative_humidity"],
        },
    )
    services.place_device(
        actor=producer,
        device=device,
        kind="facility",
        place_id=cold_room.pk,
        start=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
    )
    return device, secret


@pytest.fixture(autouse=True)
def _mqtt_dir(settings, tmp_path):
    settings.TRUYXUAT_MQTT_DIR = tmp_path / "mqtt"


@pytest.fixture(scope="session")
def _mosquitto(tmp_path_factory):
    from iot import broker

    if not broker.available():
        pytest.fail("Mosquitto is not installed (scripts/ensure-system-packages.sh installs it)")
    directory = tmp_path_factory.mktemp("mqtt")
    running = broker.start(directory, from_registry=False)
    yield running
    running.stop()


@pytest.fixture
def mqtt_broker(_mosquitto, settings):
    """The session's broker; the platform writes its files (settings.TRUYXUAT_MQTT_DIR) for this test."""
    settings.TRUYXUAT_MQTT_DIR = _mosquitto.directory
    return _mosquitto
