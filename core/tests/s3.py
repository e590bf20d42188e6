"""A real S3-API server for tests: moto's standalone server (`moto[server]`, from PyPI: `moto.server
.ThreadedMotoServer`, the same server as the `moto_server` command) on a free loopback port, one per test session.

    from core.tests.s3 import s3_endpoint, s3_storage  # noqa: F401  (the fixtures)

`s3_storage` points `STORAGES["default"]` at `core.storage.objects.PrivateS3Storage` on a fresh private bucket
(what `TRUYXUAT_S3_*` configure in production) and yields the bucket's boto3 client and name.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

KEYS = {"access_key": "truyxuat-test", "secret_key": "truyxuat-test-secret", "region_name": "ap-southeast-1"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
        region_name=KEYS["region_name"],
    )


def storage_settings(endpoint: str, bucket: str) -> dict[str, Any]:
    """`STORAGES["default"]` as settings.py writes it from TRUYXUAT_S3_* (a bucket on `endpoint`)."""
    return {
        "BACKEND": "core.storage.objects.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            **KEYS,
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 300,
        },
    }


@pytest.fixture
def s3_storage(s3_endpoint: str, settings: Any) -> Iterator[tuple[Any, str]]:
    client = s3_client(s3_endpoint)
    bucket = "truyxuat-" + secrets.token_hex(4)
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": KEYS["region_name"]})
    settings.STORAGES = {**settings.STORAGES, "default": storage_settings(s3_endpoint, bucket)}
    settings.TRUYXUAT_S3_BUCKET = bucket
    yield client, bucket
