"""``api4/role.go``: reading the built-in roles."""

from __future__ import annotations

import json

import pytest
from mattermostdriver.exceptions import ResourceNotFound

from emulator.mattermost import errors, permissions
from tests.mattermost.clients import assert_error, logged_in, raw

INVALID_BODY = "api.context.invalid_body_param.app_error"
ROLE_KEYS = {
    "id",
    "name",
    "display_name",
    "description",
    "create_at",
    "update_at",
    "delete_at",
    "permissions",
    "scheme_managed",
    "built_in",
}


def test_a_role_by_name_and_by_id_through_the_driver(mm_server):
    bob = logged_in(mm_server, "bob")
    user = bob.roles.get_role_by_name("system_user")
    assert set(user) == ROLE_KEYS
    assert user["display_name"] == "authentication.roles.global_user.name"
    assert (user["scheme_managed"], user["built_in"]) == (True, True)
    assert set(user["permissions"]) == permissions.ROLES["system_user"]
    assert bob.roles.get_role_by_id(user["id"]) == user
    with pytest.raises(ResourceNotFound):
        bob.roles.get_role_by_name("no_such_role")
    with pytest.raises(ResourceNotFound):
        bob.roles.get_role_by_id("a" * 26)


def test_all_roles_are_for_system_admins(mm_server):
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    roles = admin("GET", "/roles").json()
    assert [r["name"] for r in roles] == sorted(permissions.ROLES)
    system_admin = next(r for r in roles if r["name"] == "system_admin")
    assert set(permissions.ROLES["team_admin"]) <= set(system_admin["permissions"])
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    assert_error(bob("GET", "/roles"), 403, "api.context.permissions.app_error")


def test_roles_by_names_skips_unknown_and_checks_the_list(mm_server):
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    found = bob("POST", "/roles/names", json=["team_user", "channel_user", "nope", " "]).json()
    assert [r["name"] for r in found] == ["channel_user", "team_user"]
    assert_error(
        bob("POST", "/roles/names", json=[]), 400, "api.context.invalid_body_param.app_error"
    )
    assert_error(bob("POST", "/roles/names", json={"a": 1}), 400, "api.payload.parse.error")
    assert_error(
        bob("POST", "/roles/names", json=["Bad-Name"]),
        400,
        "api.context.invalid_body_param.app_error",
    )
    too_many = [f"role_{i}" for i in range(101)]
    body = assert_error(
        bob("POST", "/roles/names", json=too_many),
        400,
        "api.roles.get_multiple_by_name_too_many.request_error",
    )
    assert "Only 100 roles" in body["message"]
    assert_error(bob("GET", "/roles/short"), 400, "api.context.invalid_url_param.app_error")
    assert_error(bob("GET", "/roles/name/Bad-Name"), 400, "api.context.invalid_url_param.app_error")


def test_ancillary_permissions_follow_the_system_console_sections(mm_server):
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    asked = ["sysconsole_write_environment_smtp", "sysconsole_read_reporting_site_statistics", "x"]
    assert bob("POST", "/permissions/ancillary", json=asked).json() == [
        *asked,
        "test_email",
        "get_analytics",
    ]
    for body in ([], {"a": 1}, [1]):
        response = bob("POST", "/permissions/ancillary", json=body)
        assert (response.status_code, response.json()["id"]) == (400, "api.payload.parse.error")


def _role(admin, name: str) -> dict:
    return admin("GET", f"/roles/name/{name}").json()


def test_a_patch_is_stored_shown_and_announced(mm_server, bus):
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    role = _role(admin, "team_user")
    wanted = [*role["permissions"], "create_emojis", "create_emojis"]
    patched = admin("PUT", f"/roles/{role['id']}/patch", json={"permissions": wanted})
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["permissions"] == [*role["permissions"], "create_emojis"]  # duplicates dropped
    assert body["update_at"] > role["update_at"]
    assert _role(admin, "team_user") == body
    assert [p["data"]["role"] for n, p in bus if n == "role_updated"] == [
        json.dumps(body, separators=(",", ":"))
    ]
    # The same list again changes nothing and tells no one.
    again = admin("PUT", f"/roles/{role['id']}/patch", json={"permissions": body["permissions"]})
    assert again.json() == body
    assert len([n for n, _ in bus if n == "role_updated"]) == 1


def test_patching_checks_in_upstream_order(mm_server):
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    user_role, admin_role = _role(admin, "system_user"), _role(admin, "system_admin")
    guest, post_all = _role(admin, "system_guest"), _role(admin, "system_post_all")
    bad_body = admin("PUT", f"/roles/{user_role['id']}/patch", json={"permissions": "x"})
    assert_error(bad_body, 400, INVALID_BODY)
    missing = admin("PUT", f"/roles/{'m' * 26}/patch", json={})
    assert_error(missing, 404, errors.ROLE_NOT_FOUND)
    # system_admin needs manage_system; the rest the permissions page.
    body = assert_error(
        bob("PUT", f"/roles/{admin_role['id']}/patch", json={}), 403, errors.PERMISSIONS
    )
    assert body["detailed_error"].endswith("permission=manage_system")
    body = assert_error(
        bob("PUT", f"/roles/{user_role['id']}/patch", json={}), 403, errors.PERMISSIONS
    )
    assert body["detailed_error"].endswith("=sysconsole_write_user_management_permissions")
    # Unlicensed: guest roles keep their permissions.
    refused = admin("PUT", f"/roles/{guest['id']}/patch", json={"permissions": []})
    assert_error(refused, 501, errors.ROLE_PATCH_LICENSE)
    locked = admin(
        "PUT",
        f"/roles/{post_all['id']}/patch",
        json={"permissions": [*post_all["permissions"], "manage_roles"]},
    )
    body = assert_error(locked, 501, errors.ROLE_PATCH_NOT_ALLOWED)
    assert body["detailed_error"] == "Cannot add or remove permission: manage_roles"
    invalid = admin("PUT", f"/roles/{user_role['id']}/patch", json={"permissions": ["Not A Name"]})
    assert_error(invalid, 400, errors.ROLE_INVALID)
    assert _role(admin, "system_user") == user_role
