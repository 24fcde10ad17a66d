"""User statuses through mattermostdriver's ``status`` endpoints."""

import json

from tests.mattermost.clients import assert_error, logged_in, raw, set_config, user_id

STATUS_KEYS = ["user_id", "status", "manual", "last_activity_at", "dnd_end_time"]


def test_statuses_start_offline(mm_server):
    alice = logged_in(mm_server)
    status = alice.status.get_user_status("me")
    assert list(status) == STATUS_KEYS
    assert (status["status"], status["manual"]) == ("offline", False)


def test_set_status_and_read_in_bulk(mm_server):
    alice = logged_in(mm_server)
    me = alice.client.userid
    changed = alice.status.update_user_status(
        "me", {"user_id": me, "status": "dnd", "dnd_end_time": 1_900_000_000}
    )
    assert (changed["status"], changed["manual"], changed["dnd_end_time"]) == (
        "dnd",
        True,
        1_900_000_000,
    )
    assert changed["last_activity_at"] > 0
    bob = user_id(mm_server, "bob")
    found = alice.status.get_user_statuses_by_id([me, bob, "a" * 26])
    assert [(s["user_id"], s["status"]) for s in found] == [(me, "dnd"), (bob, "offline")]


def test_bad_status_requests(mm_server):
    alice = logged_in(mm_server)
    me = alice.client.userid
    call = raw(mm_server, alice)
    assert_error(
        call("put", "/users/me/status", json={"user_id": me, "status": "sleeping"}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call("put", "/users/me/status", json={"user_id": "a" * 26, "status": "online"}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    bob = user_id(mm_server, "bob")
    assert_error(
        call("put", f"/users/{bob}/status", json={"user_id": bob, "status": "away"}),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call("get", f"/users/{'a' * 26}/status"), 404, "api.status.user_not_found.app_error"
    )
    assert_error(
        call("post", "/users/status/ids", json={"ids": [me]}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    admin = logged_in(mm_server, "admin")
    other = admin.status.update_user_status(bob, {"user_id": bob, "status": "away"})
    assert other["status"] == "away"


def test_custom_status_set_recent_and_clear(mm_server, bus):
    alice = logged_in(mm_server)
    me = alice.client.userid
    call = raw(mm_server, alice)
    lunch = {"emoji": "taco", "text": "At lunch"}
    assert call("put", "/users/me/status/custom", json=lunch).json() == {"status": "OK"}
    stored = json.loads(alice.users.get_user("me")["props"]["customStatus"])
    assert stored == {**lunch, "duration": "", "expires_at": "0001-01-01T00:00:00Z"}
    assert any(n == "user_updated" and p["data"]["user"]["id"] == me for n, p in bus)
    later = {"emoji": "calendar", "text": "Meeting", "duration": "one_hour"}
    later["expires_at"] = "2099-01-01T10:00:00Z"
    call("put", f"/users/{me}/status/custom", json=later)
    again = {"emoji": "burrito", "text": "At lunch"}  # same text: replaces the older one
    call("put", "/users/me/status/custom", json=again)
    recent = alice.preferences.get_specific_user_preference(
        "me", "custom_status", "recent_custom_statuses"
    )
    texts = [(s["emoji"], s["text"]) for s in json.loads(recent["value"])]
    assert texts == [("burrito", "At lunch"), ("calendar", "Meeting")]
    assert call("delete", "/users/me/status/custom").json() == {"status": "OK"}
    assert alice.users.get_user("me")["props"]["customStatus"] == ""
    meeting = {**later}
    ok = call("post", "/users/me/status/custom/recent/delete", json=meeting)
    assert ok.json() == {"status": "OK"}
    assert_error(
        call("delete", "/users/me/status/custom/recent", json=meeting),
        400,
        "api.custom_status.recent_custom_statuses.delete.app_error",
    )


def test_custom_status_refusals(mm_server):
    alice, bob = logged_in(mm_server), logged_in(mm_server, "bob")
    call = raw(mm_server, alice)
    for body in (
        {},
        {"emoji": "taco", "duration": "fortnight", "expires_at": "2099-01-01T00:00:00Z"},
        {"emoji": "taco", "duration": "today"},  # a duration needs a future expiry
        {"emoji": "taco", "expires_at": "2001-01-01T00:00:00Z"},
        {"emoji": 5},
        {"emoji": "taco", "expires_at": "tomorrow"},
    ):
        assert_error(
            call("put", "/users/me/status/custom", json=body),
            400,
            "api.context.invalid_body_param.app_error",
        )
    assert_error(
        call("put", f"/users/{bob.client.userid}/status/custom", json={"text": "hi"}),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call("delete", "/users/me/status/custom/recent", json={"text": "never set"}),
        404,
        "app.preference.get.app_error",
    )
    set_config(mm_server, "TeamSettings", "EnableCustomUserStatuses", False)
    assert_error(
        call("put", "/users/me/status/custom", json={"text": "hi"}),
        501,
        "api.custom_status.disabled",
    )
