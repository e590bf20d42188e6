"""The IoT settings (defined in truyxuat/settings.py from TRUYXUAT_… variables), read with their defaults."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def get(name: str, default: object) -> object:
    return getattr(settings, name, default)


def raw_days() -> int:
    return int(get("TRUYXUAT_IOT_RAW_DAYS", 30))  # type: ignore[call-overload]


def minute_days() -> int:
    return int(get("TRUYXUAT_IOT_MINUTE_DAYS", 90))  # type: ignore[call-overload]


def max_past_days() -> int:
    return int(get("TRUYXUAT_IOT_MAX_PAST_DAYS", 45))  # type: ignore[call-overload]


def max_future_seconds() -> int:
    return int(get("TRUYXUAT_IOT_MAX_FUTURE_SECONDS", 300))  # type: ignore[call-overload]


def skew_seconds() -> int:
    return int(get("TRUYXUAT_IOT_SKEW_SECONDS", 120))  # type: ignore[call-overload]


def mqtt_host() -> str:
    return str(get("TRUYXUAT_MQTT_HOST", "127.0.0.1"))


def mqtt_port() -> int:
    return int(get("TRUYXUAT_MQTT_PORT", 1883))  # type: ignore[call-overload]


def mqtt_dir() -> Path:
    return Path(str(get("TRUYXUAT_MQTT_DIR", Path(settings.DATA_DIR) / "mqtt")))


def bridge_secret(directory: Path | None = None) -> str:
    """The platform's own broker password (subscribes to every device topic); kept in the MQTT directory."""
    path = (directory or mqtt_dir()) / "platform.secret"
    if not path.exists():
        from iot.secrets import new_secret

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_secret())
        path.chmod(0o600)
    return path.read_text().strip()
