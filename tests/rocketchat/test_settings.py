"""``settings.public``, ``settings`` and ``settings/:_id``."""

from __future__ import annotations

import hashlib

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from tests.rocketchat.clients import NO_PERMISSION, call, refused

TWO_FACTOR = {
    "x-2fa-code": hashlib.sha256(b"admin-password").hexdigest(),
    "x-2fa-method": "password",
}


def test_public_settings_need_no_login(rc_server):
    public = RocketChat(server_url=rc_server.url)
    listed = public.call_api_get("settings.public", count=0)
    ids = [s["_id"] for s in listed["settings"]]
    assert "Site_Name" in ids and "API_Default_Count" not in ids
    assert ids == sorted(ids)
    assert listed["total"] == len(ids) == listed["count"]
    one = public.call_api_get("settings.public", _id="Site_Name,Language")
    assert one["settings"] == [
        {"_id": "Language", "value": "en"},
        {"_id": "Site_Name", "value": "Rocket.Chat"},
    ]


def test_private_settings_list(admin, alice):
    assert "API_Default_Count" in [s["_id"] for s in admin.settings(count=100)]
    assert "API_Default_Count" not in [s["_id"] for s in alice.settings(count=100)]
    with_defaults = admin.call_api_get("settings", _id="API_Default_Count", includeDefaults="true")
    assert with_defaults["settings"] == [
        {"_id": "API_Default_Count", "value": 50, "packageValue": 50}
    ]


def test_get_and_set_a_setting(admin, alice, rc_server):
    assert admin.settings_get("Site_Name") == {
        "_id": "Site_Name",
        "value": "Rocket.Chat",
        "success": True,
    }
    with pytest.raises(RocketApiException) as excinfo:
        admin.settings_update("Site_Name", "Acme Chat")
    assert refused(excinfo)[1]["errorType"] == "totp-required"
    admin.headers.update(TWO_FACTOR)
    assert admin.settings_update("Site_Name", "Acme Chat") == {"success": True}
    assert alice.call_api_get("settings.public", _id="Site_Name")["settings"][0]["value"] == (
        "Acme Chat"
    )
    admin.settings_update("API_Default_Count", 2)
    assert admin.call_api_get("users.list")["count"] == 2


def test_setting_errors(admin, alice):
    with pytest.raises(RocketApiException) as excinfo:
        alice.settings_get("Site_Name")
    assert refused(excinfo) == (403, NO_PERMISSION)
    with pytest.raises(RocketApiException) as excinfo:
        alice.settings_update("Site_Name", "x")
    assert refused(excinfo) == (403, NO_PERMISSION)
    raw = call(admin, "GET", "settings/No_Such_Setting")
    assert (raw.status_code, raw.json()) == (400, {"success": False})
    raw = call(
        admin, "POST", "settings/API_Default_Count", json={"value": "many"}, headers=TWO_FACTOR
    )
    assert (raw.status_code, raw.json()) == (400, {"success": False})
    raw = call(admin, "POST", "settings/Site_Name", json={}, headers=TWO_FACTOR)
    assert (raw.status_code, raw.json()) == (400, {"success": False})
