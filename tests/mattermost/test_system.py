"""``GET /system/ping``: the health check integrations poll."""

from __future__ import annotations

import requests

from emulator.mattermost import settings
from tests.mattermost.clients import driver

PING_KEYS = {
    "status",
    "ActiveSearchBackend",
    "AndroidLatestVersion",
    "AndroidMinVersion",
    "IosLatestVersion",
    "IosMinVersion",
    "version",
}


def test_ping(mm_server):
    d = driver(mm_server)
    assert d.system.check_system_health()["status"] == "OK"


def test_ping_needs_no_login_and_names_the_version(mm_server):
    response = requests.get(f"{mm_server.url}/api/v4/system/ping", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == PING_KEYS
    assert (body["status"], body["version"]) == ("OK", settings.VERSION)


def test_ping_with_server_status_adds_the_store_checks(mm_server):
    url = f"{mm_server.url}/api/v4/system/ping"
    body = requests.get(url, params={"get_server_status": "true"}, timeout=5).json()
    assert set(body) == PING_KEYS | {"database_status", "filestore_status"}
    assert (body["database_status"], body["filestore_status"]) == ("OK", "OK")
    other = requests.get(url, params={"get_server_status": "yes"}, timeout=5).json()
    assert set(other) == PING_KEYS
