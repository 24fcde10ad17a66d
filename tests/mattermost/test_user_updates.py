"""Changing users: patch, update, roles, activation, password, email."""

from __future__ import annotations

import requests

from tests.mattermost.clients import (
    assert_error,
    driver,
    logged_in,
    raw,
    set_config,
    user_id,
)


def test_patch_and_update_user(mm_server):
    alice = logged_in(mm_server)
    patched = alice.users.patch_user("me", {"nickname": "Al", "position": "CTO"})
    assert (patched["nickname"], patched["position"], patched["username"]) == ("Al", "CTO", "alice")
    assert patched["update_at"] > patched["create_at"]
    call = raw(mm_server, alice)
    assert_error(
        call("put", "/users/me/patch", json={"username": "bob"}),
        400,
        "app.user.save.username_exists.app_error",
    )
    assert_error(
        call("put", "/users/me/patch", json={"nickname": 5}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    bob = user_id(mm_server, "bob")
    assert_error(
        call("put", f"/users/{bob}/patch", json={"nickname": "x"}),
        403,
        "api.context.permissions.app_error",
    )
    me = alice.users.get_user("me")
    updated = alice.users.update_user(me["id"], {**me, "first_name": "Alicia", "nickname": ""})
    assert updated["first_name"] == "Alicia" and updated["nickname"] == ""
    assert_error(
        call("put", f"/users/{me['id']}", json={**me, "id": bob}),
        400,
        "api.context.invalid_body_param.app_error",
    )


def test_update_roles_needs_manage_roles(mm_server):
    bob = user_id(mm_server, "bob")
    alice = logged_in(mm_server)
    assert_error(
        raw(mm_server, alice)("put", f"/users/{bob}/roles", json={"roles": "system_user"}),
        403,
        "api.context.permissions.app_error",
    )
    admin = logged_in(mm_server, "admin")
    assert admin.users.update_user_role(bob, {"roles": "system_user system_admin"}) == {
        "status": "OK"
    }
    assert admin.users.get_user(bob)["roles"] == "system_user system_admin"
    assert_error(
        raw(mm_server, admin)("put", f"/users/{bob}/roles", json={"roles": "wizard"}),
        400,
        "api.context.invalid_body_param.app_error",
    )


def test_deactivation_rules(mm_server):
    bob = logged_in(mm_server, "bob")
    call = raw(mm_server, bob)
    assert_error(
        call("put", "/users/me/active", json={"active": False}),
        401,
        "api.user.update_active.not_enable.app_error",
    )
    alice = user_id(mm_server, "alice")
    assert_error(
        call("put", f"/users/{alice}/active", json={"active": False}),
        403,
        "api.user.update_active.permissions.app_error",
    )
    assert_error(
        call("put", "/users/me/active", json={"active": "no"}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    set_config(mm_server, "TeamSettings", "EnableUserDeactivation", True)
    token = bob.client.token
    assert bob.users.deactivate_user("me") == {"status": "OK"}
    after = requests.get(
        f"{mm_server.url}/api/v4/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert after.status_code == 401
    admin = logged_in(mm_server, "admin")
    bob_id = user_id(mm_server, "bob")
    assert admin.users.get_user(bob_id)["delete_at"] > 0
    admin.users.update_user_active_status(bob_id, {"active": True})
    assert admin.users.get_user(bob_id)["delete_at"] == 0


def test_password_change(mm_server):
    alice = logged_in(mm_server)
    call = raw(mm_server, alice)
    assert_error(
        call(
            "put", "/users/me/password", json={"current_password": "nope", "new_password": "x" * 9}
        ),
        400,
        "api.user.update_password.incorrect.app_error",
    )
    assert_error(
        call("put", "/users/me/password", json={"new_password": "x" * 9}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(
            "put",
            "/users/me/password",
            json={"current_password": "alice-password", "new_password": "x"},
        ),
        400,
        "model.user.is_valid.pwd_min_length.app_error",
    )
    alice.users.update_user_password(
        "me", {"current_password": "alice-password", "new_password": "new-secret-1"}
    )
    assert driver(mm_server, "alice", "new-secret-1").login()["username"] == "alice"
    bob = user_id(mm_server, "bob")
    assert_error(
        call("put", f"/users/{bob}/password", json={"new_password": "y" * 9}),
        403,
        "api.user.update_password.context.app_error",
    )


def test_own_email_change_needs_the_password(mm_server):
    alice = logged_in(mm_server)
    call = raw(mm_server, alice)
    assert_error(
        call("put", "/users/me/patch", json={"email": "new@example.com"}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call("put", "/users/me/patch", json={"email": "new@example.com", "password": "nope"}),
        401,
        "api.user.check_user_password.invalid.app_error",
    )
    changed = alice.users.patch_user(
        "me", {"email": "new@example.com", "password": "alice-password"}
    )
    assert changed["email"] == "new@example.com"
    bob = logged_in(mm_server, "bob")
    admin_id = user_id(mm_server, "admin")
    set_config(mm_server, "TeamSettings", "EnableUserDeactivation", True)
    body = assert_error(
        raw(mm_server, bob)("put", f"/users/{admin_id}/patch", json={"nickname": "x"}),
        403,
        "api.context.permissions.app_error",
    )
    assert body["detailed_error"].endswith("permission=edit_other_users")
