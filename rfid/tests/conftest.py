"""RFID fixtures: a coffee cooperative with cartons of one lot, a roaster, the gates of `rfid.simulate`."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.permissions import SYSTEM
from catalog.tests.factories import FacilityFactory, OrganizationFactory
from diary.tests.factories import days_ago, farm
from logistics import services as logistics
from rfid import payloads, services, simulate

START = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)  # 08:00 in Kon Tum


@pytest.fixture(autouse=True)
def _mqtt_dir(settings, tmp_path):
    settings.TRUYXUAT_MQTT_DIR = tmp_path / "mqtt"


def world(organization, producer, cartons=6):
    """(gates, lot, cartons): the cooperative's packing station and door, the roaster's door."""
    roaster = OrganizationFactory(name="Xưởng rang Kon Tum")
    warehouse = FacilityFactory(organization=organization, name="Kho Đăk Hà", kind="warehouse")
    area, product = farm(organization)
    lot = logistics.harvest(
        actor=producer,
        organization=organization,
        data={"product": product, "growing_area": area, "quantity": str(10 * cartons), "harvested_at": days_ago(3)},
    )
    units = logistics.pack(
        actor=producer,
        organization=organization,
        data={"kind": "carton", "contents": [{"lot": lot, "quantity": "10"}], "count": cartons},
    )
    gates = simulate.setup(SYSTEM, organization, roaster, sender_place=warehouse)
    return gates, lot, sorted(units, key=lambda u: u.sscc)


def direct(point, message):
    return services.record_reads(actor=SYSTEM, device=point.device, reads=payloads.parse(message), now=NOW)


NOW = START + dt.timedelta(hours=4)


@pytest.fixture
def sensor_device(organization):
    from iot.models import Device

    return Device.objects.create(organization=organization, identifier="kho-lanh", name="Kho lạnh", kind="cold_room")


@pytest.fixture(scope="session")
def _mosquitto(tmp_path_factory):
    from iot import broker

    if not broker.available():
        pytest.fail("Mosquitto is not installed (scripts/ensure-system-packages.sh installs it)")
    running = broker.start(tmp_path_factory.mktemp("mqtt"), from_registry=False)
    yield running
    running.stop()


@pytest.fixture
def mqtt_broker(_mosquitto, settings):
    """The session's broker; the platform writes its password and ACL files for this test."""
    settings.TRUYXUAT_MQTT_DIR = _mosquitto.directory
    return _mosquitto
