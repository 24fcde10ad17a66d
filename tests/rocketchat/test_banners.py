"""Banners (``v1/banners.ts``), through rocketchat_API's banner methods."""

from __future__ import annotations

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from emulator.app import runtime_of
from tests.rocketchat.clients import call, refused


def add_banner(server, banner_id: str, **extra) -> None:
    rt = runtime_of(server.app)
    now = rt.clock.now_ms()
    rt.store.insert(
        "banners",
        {
            "_id": banner_id,
            "platform": ["web"],
            "startAt": now - 1000,
            "expireAt": now + 86_400_000,
            "createdBy": {"_id": "rocket.cat", "username": "rocket.cat"},
            "createdAt": now,
            "_updatedAt": now,
            "view": {"appId": "banner-core", "blocks": []},
            **extra,
        },
    )


def test_a_fresh_server_has_none(alice):
    assert alice.banners(platform="web") == {"banners": [], "success": True}


def test_active_banners_by_role_and_dismissal(rc_server, admin, alice):
    add_banner(rc_server, "everyone")
    add_banner(rc_server, "admins", roles=["admin"])
    add_banner(rc_server, "mobile", platform=["mobile"])
    add_banner(rc_server, "off", active=False)
    seen = alice.banners(platform="web")["banners"]
    assert [b["_id"] for b in seen] == ["everyone"]
    assert seen[0]["view"]["viewId"] == "everyone" and seen[0]["surface"] == "banner"
    assert seen[0]["startAt"].endswith("Z")
    assert {b["_id"] for b in admin.banners(platform="web")["banners"]} == {"everyone", "admins"}
    assert [b["_id"] for b in alice.banners(platform="mobile")["banners"]] == ["mobile"]
    assert [b["_id"] for b in admin.banners_get_by_id("admins", "web")["banners"]] == ["admins"]
    assert alice.banners_get_by_id("admins", "web")["banners"] == []

    assert alice.banners_dismiss("everyone") == {"success": True}
    assert alice.banners(platform="web")["banners"] == []
    assert [b["_id"] for b in admin.banners(platform="web")["banners"]] != []


def test_refusals(alice):
    with pytest.raises(RocketApiException) as excinfo:
        alice.banners_dismiss("nope")
    assert refused(excinfo) == (400, {"success": False, "error": "Banner not found"})
    with pytest.raises(RocketApiException) as excinfo:
        alice.banners(platform="tv")
    assert refused(excinfo) == (
        400,
        {
            "success": False,
            "error": "must be equal to one of the allowed values",
            "errorType": "error-invalid-params",
        },
    )
    answer = call(alice, "GET", "banners")
    assert answer.json()["error"] == "must have required property 'platform'"
    answer = call(alice, "POST", "banners.dismiss", json={"bannerId": ""})
    assert answer.json() == {
        "success": False,
        "error": "must NOT have fewer than 1 characters",
        "errorType": "invalid-params",
    }
