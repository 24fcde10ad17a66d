"""``roles.delete`` and ``roles.getUsersInPublicRoles`` (``v1/roles.ts``)."""

from __future__ import annotations

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from emulator.app import runtime_of
from tests.rocketchat.clients import NO_PERMISSION, call, refused


def add_role(server, role_id: str, scope: str = "Users") -> None:
    # roles.create is an enterprise route: a fixture or an upgrade is how a custom role exists
    runtime_of(server.app).store.insert(
        "roles",
        {"_id": role_id, "name": role_id, "scope": scope, "description": "", "protected": False},
    )


def test_delete_refusals_then_success(rc_server, admin, alice):
    with pytest.raises(RocketApiException) as excinfo:
        admin.roles_delete("admin")
    assert refused(excinfo) == (
        400,
        {
            "success": False,
            "error": "Cannot delete a protected role [error-role-protected]",
            "errorType": "error-role-protected",
        },
    )
    with pytest.raises(RocketApiException) as excinfo:
        admin.roles_delete("nope")
    assert refused(excinfo)[1]["errorType"] == "error-invalid-roleId"
    add_role(rc_server, "reviewer")
    admin.roles_add_user_to_role("reviewer", "bob")
    with pytest.raises(RocketApiException) as excinfo:
        admin.roles_delete("reviewer")
    assert refused(excinfo)[1]["error"] == (
        "Cannot delete role because it's in use [error-role-in-use]"
    )
    admin.roles_remove_user_from_role("reviewer", "bob")
    assert admin.roles_delete("reviewer") == {"success": True}
    assert "reviewer" not in [r["_id"] for r in admin.roles_list()["roles"]]

    with pytest.raises(RocketApiException) as excinfo:
        alice.roles_delete("user")
    assert refused(excinfo) == (403, NO_PERMISSION)
    answer = call(admin, "POST", "roles.delete", json={})
    assert answer.json() == {
        "success": False,
        "error": "must have required property 'roleId'",
        "errorType": "invalid-params",
    }


def test_users_in_public_roles(rc_server, alice):
    add_role(rc_server, "hidden")  # no description: not public
    runtime = runtime_of(rc_server.app)
    bob = next(u for u in runtime.store.all("users") if u.get("username") == "bob")
    runtime.store.update("users", bob["_id"], {"roles": [*bob["roles"], "hidden"]})
    users = alice.roles_get_users_in_public_roles()["users"]
    assert [u["username"] for u in users] == sorted(u["username"] for u in users)
    by_name = {u["username"]: u for u in users}
    assert "admin" in by_name["admin"]["roles"]
    assert "hidden" not in by_name["bob"]["roles"]
    assert set(by_name["bob"]) == {"_id", "username", "roles"}
