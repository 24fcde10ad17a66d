"""Personal access tokens, through mattermostdriver where it wraps them."""

import requests

from tests.mattermost.clients import (
    assert_error,
    driver,
    logged_in,
    raw,
    set_config,
    user_id,
)


def _grant_token_role(server, username):
    admin = logged_in(server, "admin")
    admin.users.update_user_role(
        user_id(server, username), {"roles": "system_user system_user_access_token"}
    )


def test_tokens_are_off_by_default_with_the_real_501(mm_server):
    admin = logged_in(mm_server, "admin")
    response = raw(mm_server, admin)("post", "/users/me/tokens", json={"description": "ci"})
    body = assert_error(response, 501, "app.user_access_token.disabled")
    assert body["message"].startswith("Personal access tokens are disabled")


def test_create_and_use_a_token(mm_server):
    set_config(mm_server, "ServiceSettings", "EnableUserAccessTokens", True)
    admin = logged_in(mm_server, "admin")
    created = admin.users.create_user_access_token("me", {"description": "ci"})
    assert list(created) == ["id", "token", "user_id", "description", "is_active"]
    assert created["is_active"] is True and len(created["token"]) == 26
    me = driver(mm_server, "admin", token=created["token"])
    me.login()  # with a token the driver just reads /users/me
    assert me.users.get_user("me")["username"] == "admin"
    listed = admin.users.client.get(f"/users/{created['user_id']}/tokens")
    assert listed == [{k: v for k, v in created.items() if k != "token"}]
    assert admin.users.get_user_access_token(created["id"])["description"] == "ci"
    set_config(mm_server, "ServiceSettings", "EnableUserAccessTokens", False)
    off = requests.get(
        f"{mm_server.url}/api/v4/users/me",
        headers={"Authorization": f"Bearer {created['token']}"},
        timeout=5,
    )
    assert_error(off, 401, "api.context.session_expired.app_error")


def test_token_permissions(mm_server):
    set_config(mm_server, "ServiceSettings", "EnableUserAccessTokens", True)
    alice = logged_in(mm_server)
    call = raw(mm_server, alice)
    assert_error(
        call("post", "/users/me/tokens", json={"description": "x"}),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call("post", "/users/me/tokens", json={"description": ""}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    _grant_token_role(mm_server, "alice")
    assert call("post", "/users/me/tokens", json={"description": "mine"}).status_code == 200
    bob = user_id(mm_server, "bob")
    body = assert_error(
        call("post", f"/users/{bob}/tokens", json={"description": "x"}),
        403,
        "api.context.permissions.app_error",
    )
    assert body["detailed_error"].endswith("permission=edit_other_users")
    assert_error(call("get", "/users/tokens"), 403, "api.context.permissions.app_error")


def test_disable_enable_revoke_and_search(mm_server):
    set_config(mm_server, "ServiceSettings", "EnableUserAccessTokens", True)
    admin = logged_in(mm_server, "admin")
    token = admin.users.create_user_access_token("me", {"description": "deploy"})
    headers = {"Authorization": f"Bearer {token['token']}"}
    me = f"{mm_server.url}/api/v4/users/me"
    assert admin.users.disable_personal_access_token({"token_id": token["id"]}) == {"status": "OK"}
    assert requests.get(me, headers=headers, timeout=5).status_code == 401
    assert admin.users.get_user_access_token(token["id"])["is_active"] is False
    admin.users.enable_personal_access_token({"token_id": token["id"]})
    assert requests.get(me, headers=headers, timeout=5).status_code == 200
    assert [t["id"] for t in admin.users.search_tokens({"term": "adm"})] == [token["id"]]
    everything = raw(mm_server, admin)("get", "/users/tokens").json()
    assert [t["id"] for t in everything] == [token["id"]] and "token" not in everything[0]
    call = raw(mm_server, admin)
    assert call("post", "/users/tokens/revoke", json={"token_id": token["id"]}).json() == {
        "status": "OK"
    }
    assert requests.get(me, headers=headers, timeout=5).status_code == 401
    assert_error(
        call("get", f"/users/tokens/{token['id']}"),
        404,
        "app.user_access_token.get_by_user.app_error",
    )
    # Upstream does not stop at the missing token_id: the lookup of "" is what fails.
    assert_error(
        call("post", "/users/tokens/revoke", json={}),
        404,
        "app.user_access_token.get_by_user.app_error",
    )
    assert_error(
        call("post", "/users/tokens/search", json={"term": ""}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(call("get", "/users/tokens/bad"), 400, "api.context.invalid_url_param.app_error")
