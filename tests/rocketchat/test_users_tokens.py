"""Login tokens of a user: ``users.logout``, ``users.logoutOtherClients`` and
``users.removeOtherTokens``."""

from __future__ import annotations

from rocketchat_API.rocketchat import RocketChat

from tests.rocketchat.clients import call


def test_logout_other_clients_and_remove_other_tokens(rc_server, alice):
    other = RocketChat("alice", "alice-password", server_url=rc_server.url)
    done = alice.call_api_post("users.logoutOtherClients")
    assert done["token"] == alice.headers["X-Auth-Token"]
    assert done["tokenExpires"].endswith("Z")
    assert call(other, "GET", "me").status_code == 401
    assert call(alice, "GET", "me").status_code == 200
    third = RocketChat("alice", "alice-password", server_url=rc_server.url)
    assert alice.call_api_post("users.removeOtherTokens") == {"success": True}
    assert call(third, "GET", "me").status_code == 401


def test_users_logout(admin, alice):
    alice_id = alice.headers["X-User-Id"]
    raw = call(alice, "POST", "users.logout", json={"userId": admin.headers["X-User-Id"]})
    assert (raw.status_code, raw.json()) == (401, {"success": False, "error": "unauthorized"})
    done = admin.call_api_post("users.logout", userId=alice_id)
    assert done == {"message": f"User {alice_id} has been logged out!", "success": True}
    assert call(alice, "GET", "me").status_code == 401
    raw = call(admin, "POST", "users.logout", json={"userId": "nope"})
    assert raw.json()["errorType"] == "error-invalid-user-id"
