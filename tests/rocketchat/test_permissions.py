"""``permissions.listAll`` and ``permissions.update``."""

from __future__ import annotations

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from emulator.app import runtime_of
from tests.rocketchat.clients import NO_PERMISSION, call, refused


def test_permissions_list_all(alice):
    listed = alice.permissions_list_all()
    assert listed["remove"] == [] and listed["success"] is True
    by_id = {p["_id"]: p for p in listed["update"]}
    assert by_id["create-personal-access-tokens"]["roles"] == ["admin", "user"]
    assert by_id["view-statistics"]["_updatedAt"].endswith("Z")
    assert set(by_id["access-permissions"]) == {"_id", "roles", "_updatedAt"}


def test_permissions_update_and_updated_since(admin, alice, rc_server):
    since = requests.get(
        f"{rc_server.url}/api/v1/permissions.listAll", headers=alice.headers, timeout=5
    ).json()["update"][0]["_updatedAt"]
    runtime_of(rc_server.app).clock.advance(1000)
    done = admin.permissions_update([{"_id": "view-statistics", "roles": ["admin", "user"]}])
    assert done["success"] is True
    assert {"_id": "view-statistics", "roles": ["admin", "user"]}.items() <= next(
        p for p in done["permissions"] if p["_id"] == "view-statistics"
    ).items()
    changed = alice.permissions_list_all(updatedSince=since)
    assert [p["_id"] for p in changed["update"]] == ["view-statistics"]
    assert alice.statistics()["success"] is True


def test_permissions_update_errors(admin, alice):
    with pytest.raises(RocketApiException) as excinfo:
        alice.permissions_update([{"_id": "view-statistics", "roles": ["user"]}])
    assert refused(excinfo) == (403, NO_PERMISSION)
    raw = call(admin, "POST", "permissions.update", json={"permissions": "all"})
    assert raw.json() == {
        "success": False,
        "error": "Invalid body params",
        "errorType": "error-invalid-body-params",
    }
    raw = call(
        admin,
        "POST",
        "permissions.update",
        json={"permissions": [{"_id": "no-such", "roles": ["admin"]}]},
    )
    assert raw.json()["errorType"] == "error-invalid-permission"
    raw = call(
        admin,
        "POST",
        "permissions.update",
        json={"permissions": [{"_id": "view-statistics", "roles": ["wizard"]}]},
    )
    assert raw.json()["errorType"] == "error-invalid-role"
    raw = call(alice, "GET", "permissions.listAll", params={"updatedSince": "yesterday"})
    assert raw.status_code == 400
    assert raw.json()["errorType"] == "error-updatedSince-param-invalid"
