"""Users: creation, lookup, listing, profile, deletion and registration (status, preferences,
avatars and tokens have modules of their own)."""

from __future__ import annotations

import hashlib

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import (
    RocketApiException,
    RocketAuthenticationException,
)
from rocketchat_API.rocketchat import RocketChat

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.server import ThreadedServer
from tests.rocketchat.clients import NO_PERMISSION, call


def two_factor(password: str) -> dict[str, str]:
    return {"x-2fa-code": hashlib.sha256(password.encode()).hexdigest(), "x-2fa-method": "password"}


def api_error(excinfo) -> tuple[int, dict]:
    exc = excinfo.value
    return exc.status_code, exc.response_json


# -- users.create / users.info / users.list ---------------------------------------------------


def test_create_user_then_login_and_info(admin, rc_server):
    # A verified account made live would start with e-mail 2FA on (test_twofactor covers it).
    runtime_of(rc_server.app).store.update(
        "settings", "Accounts_TwoFactorAuthentication_By_Email_Auto_Opt_In", {"value": False}
    )
    created = admin.users_create(
        "zed@example.com", "Zed Zedson", "zed-pass", "zed", roles=["user"], verified=True
    )
    assert created["success"] is True
    user = created["user"]
    assert user["username"] == "zed"
    assert user["emails"] == [{"address": "zed@example.com", "verified": True}]
    assert user["roles"] == ["user"]
    assert user["active"] is True
    assert "services" not in user
    zed = RocketChat("zed", "zed-pass", server_url=rc_server.url)
    assert zed.me()["_id"] == user["_id"]
    info = admin.users_info(username="zed", includeUserRooms="true")["user"]
    assert info["_id"] == user["_id"]
    assert [r["rid"] for r in info["rooms"]] == ["GENERAL"]


def test_create_user_needs_create_user_permission(alice):
    with pytest.raises(RocketApiException) as excinfo:
        alice.users_create("z@example.com", "Z", "pw", "zz")
    assert api_error(excinfo) == (403, NO_PERMISSION)


@pytest.mark.parametrize(
    ("body", "error", "error_type"),
    [
        (
            {"email": "a@example.com", "name": "A", "password": "p"},
            "must have required property 'username' [invalid-params]",
            "invalid-params",
        ),
        (
            {"email": "a@example.com", "name": "A", "password": "p", "username": 5},
            "/username must be string [invalid-params]",
            "invalid-params",
        ),
        (
            {"email": "a@example.com", "name": "A", "password": "p", "username": "alice"},
            "alice is already in use :( [error-field-unavailable]",
            "error-field-unavailable",
        ),
        (
            {"email": "not-an-email", "name": "A", "password": "p", "username": "newbie"},
            "Invalid email not-an-email [error-invalid-email]",
            "error-invalid-email",
        ),
        (
            {"email": "n@example.com", "name": "A", "password": "p", "username": "bad name!"},
            "bad name! is not a valid username [error-input-is-not-a-valid-field]",
            "error-input-is-not-a-valid-field",
        ),
    ],
)
def test_create_user_rejects_bad_input(admin, body, error, error_type):
    raw = call(admin, "POST", "users.create", json=body)
    assert raw.status_code == 400
    assert raw.json()["error"] == error
    assert raw.json()["errorType"] == error_type


def test_users_info_for_others_hides_private_fields(alice, admin):
    bob = alice.users_info(username="bob")["user"]
    assert bob["username"] == "bob"
    assert "emails" not in bob and "roles" not in bob and "lastLogin" not in bob
    assert "emails" in admin.users_info(username="bob")["user"]
    # Only admins (view-other-user-channels) see another user's rooms.
    assert "rooms" not in alice.users_info(username="bob", includeUserRooms="true")["user"]


def test_users_info_errors(alice):
    raw = call(alice, "GET", "users.info", params={"username": "nobody"})
    assert (raw.status_code, raw.json()) == (400, {"success": False, "error": "User not found."})
    raw = call(alice, "GET", "users.info")
    assert raw.json() == {"success": False, "error": "Invalid search query."}


def test_users_list_paginates_and_sorts(admin):
    page = admin.call_api_get("users.list", count=2, offset=1, sort='{"username": -1}')
    assert page["count"] == 2 and page["offset"] == 1
    everyone = admin.call_api_get("users.list", count=0)
    assert page["total"] == everyone["total"] == len(everyone["users"])
    names = [u["username"] for u in everyone["users"]]
    assert names == sorted(names)
    assert [u["username"] for u in page["users"]] == sorted(names, reverse=True)[1:3]
    alice = next(u for u in everyone["users"] if u["username"] == "alice")
    assert set(alice) == {
        "_id",
        "username",
        "name",
        "type",
        "active",
        "roles",
        "status",
        "emails",
        "nameInsensitive",
    }
    assert alice["nameInsensitive"] == alice["name"].lower()


def test_users_list_through_the_paginated_wrapper(alice):
    users = list(alice.users_list(count=5))
    assert len(users) == len({u["_id"] for u in users}) >= 12
    assert all("emails" not in u for u in users)


def test_users_list_ignores_query_unless_the_environment_allows_it(admin):
    everyone = admin.call_api_get("users.list", count=0)
    raw = call(admin, "GET", "users.list", params={"query": '{"username": "alice"}', "count": 0})
    assert raw.json()["total"] == everyone["total"]
    assert "x-deprecation-message" not in raw.headers


@pytest.fixture
def unsafe_server():
    config = ephemeral_config(environ={"ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS": "true"})
    server = ThreadedServer(create_app("rocketchat", config)).start()
    yield server
    server.stop()


def test_users_list_query_and_fields_when_allowed(unsafe_server):
    admin = RocketChat("admin", "admin-password", server_url=unsafe_server.url)
    raw = call(
        admin,
        "GET",
        "users.list",
        params={"query": '{"$or": [{"username": "alice"}, {"username": {"$regex": "^bo"}}]}'},
    )
    assert raw.status_code == 200
    assert sorted(u["username"] for u in raw.json()["users"]) == ["alice", "bob"]
    assert "breaks the security of the API" in raw.headers["x-deprecation-message"]
    raw = call(admin, "GET", "users.list", params={"query": '{"roles": {"$in": ["admin"]}}'})
    assert [u["username"] for u in raw.json()["users"]] == ["admin"]
    raw = call(
        admin,
        "GET",
        "users.list",
        params={"query": '{"createdAt": {"$date": "2000-01-01T00:00:00Z"}}'},
    )
    assert raw.json()["total"] == 0
    raw = call(admin, "GET", "users.list", params={"fields": '{"username": 1, "name": 0}'})
    assert "name" not in raw.json()["users"][0]
    raw = call(admin, "GET", "users.list", params={"query": "{nope"})
    assert raw.status_code == 400
    assert raw.json()["errorType"] == "error-invalid-query"
    raw = call(admin, "GET", "users.list", params={"fields": '{"name": 7}'})
    assert raw.status_code == 400
    assert raw.json()["errorType"] == "error-invalid-fields"


def test_users_list_rejects_a_bad_sort(admin):
    raw = call(admin, "GET", "users.list", params={"sort": '{"username": 2}'})
    assert raw.status_code == 400
    assert raw.json()["errorType"] == "error-invalid-sort"


# -- users.update / updateOwnBasicInfo / delete -----------------------------------------------


def test_update_needs_the_password_fallback_second_factor(admin, alice):
    bob_id = admin.users_info(username="bob")["user"]["_id"]
    with pytest.raises(RocketApiException) as excinfo:
        admin.users_update(bob_id, name="Robert")
    assert api_error(excinfo) == (
        400,
        {
            "success": False,
            "error": "TOTP Required [totp-required]",
            "errorType": "totp-required",
            "details": {"method": "password", "codeGenerated": False, "availableMethods": []},
        },
    )
    admin.headers.update(two_factor("wrong"))
    with pytest.raises(RocketApiException) as excinfo:
        admin.users_update(bob_id, name="Robert")
    assert api_error(excinfo)[1]["errorType"] == "totp-invalid"
    admin.headers.update(two_factor("admin-password"))
    updated = admin.users_update(bob_id, name="Robert", nickname="bobby")
    assert updated["user"]["name"] == "Robert"
    assert updated["user"]["nickname"] == "bobby"
    assert alice.users_info(user_id=bob_id)["user"]["name"] == "Robert"


def test_second_factor_is_remembered_for_the_same_client(admin):
    bob_id = admin.users_info(username="bob")["user"]["_id"]
    raw = call(
        admin,
        "POST",
        "users.update",
        headers=two_factor("admin-password"),
        json={"userId": bob_id, "data": {"bio": "one"}},
    )
    assert raw.status_code == 200
    again = call(admin, "POST", "users.update", json={"userId": bob_id, "data": {"bio": "two"}})
    assert again.status_code == 200 and again.json()["user"]["bio"] == "two"


def test_update_other_user_needs_edit_other_user_info(alice, admin):
    bob_id = admin.users_info(username="bob")["user"]["_id"]
    raw = call(
        alice,
        "POST",
        "users.update",
        headers=two_factor("alice-password"),
        json={"userId": bob_id, "data": {"name": "X"}},
    )
    assert raw.status_code == 400
    assert raw.json()["error"] == "Editing user is not allowed [error-action-not-allowed]"
    own = call(
        alice,
        "POST",
        "users.update",
        headers=two_factor("alice-password"),
        json={"userId": alice.headers["X-User-Id"], "data": {"name": "Alice L."}},
    )
    assert own.json()["user"]["name"] == "Alice L."


@pytest.mark.parametrize(
    "body",
    [{"data": {}}, {"userId": "x", "data": "nope"}, {"userId": "x", "data": {"colour": "red"}}],
)
def test_update_bad_bodies(admin, body):
    raw = call(admin, "POST", "users.update", json=body, headers=two_factor("admin-password"))
    assert raw.status_code == 400
    assert raw.json()["errorType"] == "invalid-params"


def test_update_password_and_deactivate(admin, rc_server):
    bob_id = admin.users_info(username="bob")["user"]["_id"]
    bob = RocketChat("bob", "bob-password", server_url=rc_server.url)
    admin.headers.update(two_factor("admin-password"))
    admin.users_update(bob_id, password="new-secret")
    RocketChat("bob", "new-secret", server_url=rc_server.url)
    admin.users_update(bob_id, active=False)
    assert (
        requests.get(f"{rc_server.url}/api/v1/me", headers=bob.headers, timeout=5).status_code
        == 401
    )


def test_update_own_basic_info(alice, rc_server):
    done = alice.call_api_post("users.updateOwnBasicInfo", data={"bio": "hi", "nickname": "al"})
    assert done["user"]["bio"] == "hi" and done["user"]["nickname"] == "al"
    assert "services" not in done["user"]
    raw = call(alice, "POST", "users.updateOwnBasicInfo", json={"data": {"newPassword": "n"}})
    assert raw.json()["errorType"] == "totp-required"
    digest = hashlib.sha256(b"alice-password").hexdigest()
    raw = call(
        alice,
        "POST",
        "users.updateOwnBasicInfo",
        json={"data": {"newPassword": "brand-new", "currentPassword": digest}},
    )
    assert raw.status_code == 200
    RocketChat("alice", "brand-new", server_url=rc_server.url)


def test_delete_user(admin, rc_server):
    bob = admin.users_info(username="bob")["user"]
    assert admin.users_delete(bob["_id"]) == {"success": True}
    raw = call(admin, "GET", "users.info", params={"userId": bob["_id"]})
    assert raw.json() == {"success": False, "error": "User not found."}
    store = runtime_of(rc_server.app).store
    assert store.find("messages", "user", bob["_id"]) == []
    assert store.find("subscriptions", "user", bob["_id"]) == []


def test_delete_user_errors(admin, alice):
    with pytest.raises(RocketApiException) as excinfo:
        alice.users_delete(admin.headers["X-User-Id"])
    assert api_error(excinfo) == (403, NO_PERMISSION)
    raw = call(admin, "POST", "users.delete", json={"userId": "nope"})
    assert raw.json() == {
        "success": False,
        "error": 'The required "userId" or "username" param provided does not match any users '
        "[error-invalid-user]",
        "errorType": "error-invalid-user",
    }
    raw = call(admin, "POST", "users.delete", json={})
    assert raw.json()["errorType"] == "error-user-param-not-provided"
    raw = call(admin, "POST", "users.delete", json={"username": "admin"})
    assert raw.json()["error"] == (
        "Leaving the app without admins is not allowed [error-action-not-allowed]"
    )


def test_delete_last_owner_needs_confirm_relinquish(admin, rc_server):
    store = runtime_of(rc_server.app).store
    owners = [
        s
        for room in store.find("rooms", "t", "c")
        if room.get("u")
        for s in store.find("subscriptions", "rid", room["_id"])
        if "owner" in s["roles"] and "admin" not in store.get("users", s["u"]["_id"])["roles"]
    ]
    owner = owners[0]["u"]
    raw = call(admin, "POST", "users.delete", json={"userId": owner["_id"]})
    assert raw.status_code == 400
    assert raw.json()["errorType"] == "user-last-owner"
    raw = call(
        admin, "POST", "users.delete", json={"userId": owner["_id"], "confirmRelinquish": True}
    )
    assert raw.json() == {"success": True}


# -- suggestions ------------------------------------------------------------------------------


def test_autocomplete(alice):
    found = alice.call_api_get("users.autocomplete", selector='{"term": "bob"}')
    assert [u["username"] for u in found["items"]] == ["bob"]
    assert set(found["items"][0]) <= {"_id", "name", "username", "nickname", "status", "avatarETag"}
    found = alice.call_api_get(
        "users.autocomplete", selector='{"term": "a", "exceptions": ["alice", "admin"]}'
    )
    assert "alice" not in [u["username"] for u in found["items"]]
    assert len(found["items"]) <= 10
    raw = call(alice, "GET", "users.autocomplete")
    assert raw.json()["errorType"] == "invalid-params"
    raw = call(alice, "GET", "users.autocomplete", params={"selector": "{oops"})
    assert raw.status_code == 400 and raw.json()["success"] is False


# -- registration -----------------------------------------------------------------------------


def test_register_public(rc_server):
    anonymous = RocketChat(server_url=rc_server.url)
    done = anonymous.users_register("new@example.com", "New Person", "pw-123", "newperson")
    assert done["success"] is True
    assert done["user"]["username"] == "newperson"
    assert "emails" not in done["user"] and "roles" not in done["user"]
    rocket = RocketChat("newperson", "pw-123", server_url=rc_server.url)
    assert rocket.me()["roles"] == ["user"]


def test_register_errors(rc_server, alice):
    anonymous = RocketChat(server_url=rc_server.url)
    with pytest.raises(RocketApiException) as excinfo:
        anonymous.users_register("x@example.com", "X", "pw", "alice")
    assert api_error(excinfo) == (400, {"success": False, "error": "Username is already in use"})
    with pytest.raises(RocketApiException) as excinfo:
        anonymous.users_register("alice@example.com", "X", "pw", "other")
    assert api_error(excinfo)[1]["error"] == "Email already exists. [403]"
    with pytest.raises(RocketApiException) as excinfo:
        alice.users_register("y@example.com", "Y", "pw", "yy")
    assert api_error(excinfo)[1]["error"] == "Logged in users can not register again."
    raw = requests.post(f"{rc_server.url}/api/v1/users.register", json={"username": "q"}, timeout=5)
    assert raw.status_code == 400 and raw.json()["errorType"] == "invalid-params"


def test_register_disabled(rc_server):
    rt = runtime_of(rc_server.app)
    rt.store.update("settings", "Accounts_RegistrationForm", {"value": "Disabled"})
    raw = requests.post(
        f"{rc_server.url}/api/v1/users.register",
        json={"username": "q", "email": "q@example.com", "pass": "p", "name": "Q"},
        timeout=5,
    )
    assert raw.json()["errorType"] == "error-user-registration-disabled"


def test_first_registered_user_on_an_empty_server_is_admin():
    server = ThreadedServer(create_app("rocketchat", ephemeral_config(workspace="empty"))).start()
    try:
        anonymous = RocketChat(server_url=server.url)
        first = anonymous.users_register("f@example.com", "First", "pw-1", "first")
        second = anonymous.users_register("s@example.com", "Second", "pw-2", "second")
        assert first["success"] and second["success"]
        roles = {
            name: RocketChat(name, pw, server_url=server.url).me()["roles"]
            for name, pw in (("first", "pw-1"), ("second", "pw-2"))
        }
        assert roles == {"first": ["user", "admin"], "second": ["user"]}
    finally:
        server.stop()


# -- the smaller users.* routes ---------------------------------------------------------------


def test_check_username_availability(alice):
    assert alice.call_api_get("users.checkUsernameAvailability", username="bob")["result"] is False
    assert alice.call_api_get("users.checkUsernameAvailability", username="alice")["result"] is True
    assert alice.call_api_get("users.checkUsernameAvailability", username="free-name") == {
        "result": True,
        "success": True,
    }
    raw = call(alice, "GET", "users.checkUsernameAvailability")
    assert raw.json()["errorType"] == "invalid-params"


def test_forgot_password(rc_server):
    anonymous = RocketChat(server_url=rc_server.url)
    assert anonymous.users_forgot_password("nobody@example.com") == {"success": True}
    raw = requests.post(f"{rc_server.url}/api/v1/users.forgotPassword", json={}, timeout=5)
    assert raw.json() == {"success": False, "error": "The 'email' param is required"}


def test_delete_own_account(alice, rc_server):
    digest = hashlib.sha256(b"alice-password").hexdigest()
    raw = call(alice, "POST", "users.deleteOwnAccount", json={"password": digest})
    assert raw.json()["errorType"] == "error-not-allowed"
    runtime_of(rc_server.app).store.update(
        "settings", "Accounts_AllowDeleteOwnAccount", {"value": True}
    )
    raw = call(alice, "POST", "users.deleteOwnAccount", json={"password": "wrong"})
    assert raw.json()["errorType"] == "error-invalid-password"
    raw = call(alice, "POST", "users.deleteOwnAccount", json={})
    assert raw.json() == {"success": False, "error": 'Body parameter "password" is required.'}
    assert call(alice, "POST", "users.deleteOwnAccount", json={"password": digest}).json() == {
        "success": True
    }
    with pytest.raises(RocketAuthenticationException):
        RocketChat("alice", "alice-password", server_url=rc_server.url)


def test_register_through_a_secret_url(rc_server):
    store = runtime_of(rc_server.app).store
    store.update("settings", "Accounts_RegistrationForm", {"value": "Secret URL"})
    store.update("settings", "Accounts_RegistrationForm_SecretURL", {"value": "let-me-in"})
    body = {"username": "sneaky", "email": "s@example.com", "pass": "p", "name": "S"}
    raw = requests.post(f"{rc_server.url}/api/v1/users.register", json=body, timeout=5)
    assert raw.json()["errorType"] == "error-user-registration-secret"
    body["secretURL"] = "let-me-in"
    raw = requests.post(f"{rc_server.url}/api/v1/users.register", json=body, timeout=5)
    assert raw.status_code == 200 and raw.json()["user"]["username"] == "sneaky"
