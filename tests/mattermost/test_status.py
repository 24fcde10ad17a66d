"""User statuses through mattermostdriver's ``status`` endpoints."""

from tests.mattermost.clients import assert_error, logged_in, raw, user_id

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
