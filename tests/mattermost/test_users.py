"""Users: login through mattermostdriver as integrations use it, create, read, stats and bad
input (sessions, search, updates, images and channels have modules of their own)."""

import requests

from emulator.app import runtime_of
from tests.mattermost.clients import (
    ERROR_KEYS,
    assert_error,
    driver,
    logged_in,
    raw,
    set_config,
    user_id,
)


def test_login_and_me_through_mattermostdriver(mm_server):
    d = driver(mm_server)
    user = d.login()
    assert user["username"] == "alice"
    assert len(d.client.token) == 26
    me = d.users.get_user("me")
    assert me["id"] == user["id"] == d.client.userid
    assert me["email"] == "alice@example.com"
    assert me["roles"] == "system_user"
    assert "password" not in me and "auth_data" not in me


def test_me_without_a_token_is_401(mm_server):
    raw = requests.get(f"{mm_server.url}/api/v4/users/me", timeout=5)
    assert raw.status_code == 401
    assert raw.json()["id"] == "api.context.session_expired.app_error"


def test_get_user_by_id_and_unknown_ids(mm_server):
    d = driver(mm_server)
    me = d.login()
    other = requests.get(
        f"{mm_server.url}/api/v4/users/{me['id']}",
        headers={"Authorization": f"Bearer {d.client.token}"},
        timeout=5,
    )
    assert other.json()["username"] == "alice"
    missing = requests.get(
        f"{mm_server.url}/api/v4/users/{'a' * 26}",
        headers={"Authorization": f"Bearer {d.client.token}"},
        timeout=5,
    )
    assert missing.status_code == 404
    assert missing.json()["id"] == "app.user.missing_account.const"
    bad = requests.get(
        f"{mm_server.url}/api/v4/users/not-an-id",
        headers={"Authorization": f"Bearer {d.client.token}"},
        timeout=5,
    )
    assert bad.status_code == 400
    assert bad.json()["id"] == "api.context.invalid_url_param.app_error"


def test_every_response_carries_the_real_headers(mm_server):
    for response in (
        requests.get(f"{mm_server.url}/api/v4/system/ping", timeout=5),
        requests.get(f"{mm_server.url}/api/v4/no/such/route", timeout=5),
    ):
        assert len(response.headers["X-Request-Id"]) == 26
        assert response.headers["X-Version-Id"].startswith("10.11.0.")
        assert response.headers["Content-Type"] == "application/json"


def test_unknown_route_is_the_real_404(mm_server):
    response = requests.get(f"{mm_server.url}/api/v4/no/such/route", timeout=5)
    assert response.status_code == 404
    assert response.json()["id"] == "api.context.404.app_error"


# -- create -----------------------------------------------------------------------------------


NEW_USER = {"username": "carol", "email": "Carol@Example.com", "password": "carol-password"}


def test_anonymous_signup_needs_an_open_server(mm_server):
    response = requests.post(f"{mm_server.url}/api/v4/users", json=NEW_USER, timeout=5)
    assert_error(response, 403, "api.user.create_user.no_open_server")
    set_config(mm_server, "TeamSettings", "EnableOpenServer", True)
    created = driver(mm_server).users.create_user(NEW_USER)
    assert created["username"] == "carol"
    assert created["email"] == "carol@example.com"
    assert created["roles"] == "system_user"
    assert "password" not in created
    assert driver(mm_server, "carol", "carol-password").login()["id"] == created["id"]


def test_signup_with_a_team_invite_id_joins_the_team(mm_server):
    team = runtime_of(mm_server.app).store.find_one("teams", "name", "acme")
    response = requests.post(
        f"{mm_server.url}/api/v4/users", params={"iid": team["invite_id"]}, json=NEW_USER, timeout=5
    )
    assert response.status_code == 201
    carol = logged_in(mm_server, "carol")
    assert [t["name"] for t in carol.teams.get_user_teams("me")] == ["acme"]
    bad = requests.post(
        f"{mm_server.url}/api/v4/users", params={"iid": "x" * 26}, json=NEW_USER, timeout=5
    )
    assert_error(bad, 404, "app.team.get_by_invite_id.finding.app_error")


def test_admin_creates_users_and_duplicates_are_refused(mm_server):
    admin = logged_in(mm_server, "admin")
    assert admin.users.create_user(NEW_USER)["username"] == "carol"
    call = raw(mm_server, admin)
    assert_error(
        call("post", "/users", json={**NEW_USER, "email": "other@example.com"}),
        400,
        "app.user.save.username_exists.app_error",
    )
    assert_error(
        call("post", "/users", json={**NEW_USER, "username": "carol2"}),
        400,
        "app.user.save.email_exists.app_error",
    )
    short = call("post", "/users", json={**NEW_USER, "username": "dan", "password": "short"})
    body = assert_error(short, 400, "model.user.is_valid.pwd_min_length.app_error")
    assert body["message"] == "Your password must contain at least 8 characters."
    assert_error(
        call("post", "/users", json={**NEW_USER, "username": "9lives"}),
        400,
        "model.user.is_valid.username.app_error",
    )
    assert_error(
        call("post", "/users", json=["x"]), 400, "api.context.invalid_body_param.app_error"
    )


def test_the_first_user_of_an_empty_server_is_system_admin(mm_app):
    rt = runtime_of(mm_app)
    with rt.store.transaction():
        for user in rt.store.all("users"):
            rt.store.delete("users", user["id"])
    client = mm_app.test_client()
    first = client.post("/api/v4/users", json=NEW_USER)
    assert first.status_code == 201
    assert first.json["roles"] == "system_admin system_user"
    second = client.post("/api/v4/users", json={**NEW_USER, "username": "dave", "email": "d@x.io"})
    assert second.status_code == 403


# -- read -------------------------------------------------------------------------------------


def test_get_by_username_and_email(mm_server):
    alice = logged_in(mm_server)
    assert alice.users.get_user_by_username("bob")["username"] == "bob"
    assert alice.users.get_user_by_email("bob@example.com")["username"] == "bob"
    call = raw(mm_server, alice)
    assert_error(call("get", "/users/username/nobody"), 404, "app.user.get_by_username.app_error")
    assert_error(call("get", "/users/email/no@example.com"), 404, "app.user.missing_account.const")
    assert_error(
        call("get", "/users/email/not-an-email"), 400, "api.context.invalid_url_param.app_error"
    )


def test_others_see_profiles_not_private_fields(mm_server):
    alice = logged_in(mm_server)
    bob = alice.users.get_user_by_username("bob")
    assert "notify_props" not in bob and "last_password_update" not in bob
    assert bob["email"] == "bob@example.com"
    set_config(mm_server, "PrivacySettings", "ShowEmailAddress", False)
    assert alice.users.get_user(bob["id"])["email"] == ""
    assert alice.users.get_user("me")["email"] == "alice@example.com"
    admin = logged_in(mm_server, "admin")
    assert admin.users.get_user(bob["id"])["email"] == "bob@example.com"


def test_list_users_paging_and_filters(mm_server):
    alice = logged_in(mm_server)
    everyone = alice.users.get_users({"per_page": 200})
    names = [u["username"] for u in everyone]
    assert names == sorted(names) and {"admin", "alice", "bob", "helper-bot"} <= set(names)
    first = alice.users.get_users({"page": 0, "per_page": 2})
    second = alice.users.get_users({"page": 1, "per_page": 2})
    assert [u["username"] for u in first + second] == names[:4]
    rt = runtime_of(mm_server.app)
    leadership = next(c for c in rt.store.all("channels") if c["name"] == "leadership")
    members = alice.users.get_users({"in_channel": leadership["id"]})
    assert sorted(u["username"] for u in members) == ["admin", "alice"]
    team = rt.store.find_one("teams", "name", "acme")
    outside = alice.users.get_users({"in_team": team["id"], "not_in_channel": leadership["id"]})
    assert "alice" not in {u["username"] for u in outside} and "bob" in {
        u["username"] for u in outside
    }
    admins = alice.users.get_users({"role": "system_admin"})
    assert [u["username"] for u in admins] == ["admin"]
    bob_driver = logged_in(mm_server, "bob")
    assert_error(
        raw(mm_server, bob_driver)("get", "/users", params={"in_channel": leadership["id"]}),
        403,
        "api.context.permissions.app_error",
    )


def test_inactive_filter_and_by_ids_and_usernames(mm_server):
    admin = logged_in(mm_server, "admin")
    bob = user_id(mm_server, "bob")
    admin.users.deactivate_user(bob)
    assert [u["username"] for u in admin.users.get_users({"inactive": "true"})] == ["bob"]
    assert "bob" not in {u["username"] for u in admin.users.get_users({"active": "true"})}
    by_ids = admin.users.get_users_by_ids([bob, "x" * 26])
    assert [u["username"] for u in by_ids] == ["bob"]
    by_names = admin.users.get_users_by_usernames(["alice", "nobody"])
    assert [u["username"] for u in by_names] == ["alice"]
    assert_error(
        raw(mm_server, admin)("post", "/users/ids", json={"ids": []}),
        400,
        "api.context.invalid_body_param.app_error",
    )


# -- bad input never reaches a 500 ------------------------------------------------------------

_BAD_BODIES = [b"", b"{", b"null", b"[]", b"{}", b'"x"', b"5", b"[null]", b"[{}]", b"[1,2]",
               b'{"user_id":5,"status":[],"roles":{},"active":null,"term":1,"description":[],'
               b'"token_id":{},"session_id":3,"name":[],"display_name":{},"username":7}',
               b'[{"user_id":"me","category":{},"name":1}]', b'{"limit":-1}',
               b'{"limit":true}']  # fmt: skip
_WRITE_ROUTES = [
    ("post", "/users"), ("post", "/users/ids"), ("post", "/users/usernames"),
    ("post", "/users/search"), ("put", "/users/me/patch"), ("put", "/users/{me}"),
    ("put", "/users/me/roles"), ("put", "/users/me/active"), ("put", "/users/me/password"),
    ("put", "/users/me/status"), ("post", "/users/status/ids"), ("put", "/users/me/preferences"),
    ("post", "/users/me/preferences/delete"), ("post", "/users/me/tokens"),
    ("post", "/users/tokens/revoke"), ("post", "/users/tokens/disable"),
    ("post", "/users/tokens/enable"), ("post", "/users/tokens/search"),
    ("post", "/users/me/sessions/revoke"), ("post", "/teams"), ("put", "/teams/{team}/patch"),
    ("put", "/teams/{team}"), ("post", "/teams/{team}/members"),
    ("post", "/teams/{team}/members/batch"), ("post", "/teams/{team}/members/ids"),
    ("put", "/teams/{team}/members/{me}/roles"), ("post", "/bots"), ("put", "/bots/{bot}"),
    ("post", "/users/me/image"),
]  # fmt: skip


def test_malformed_bodies_get_the_app_error_shape(mm_app):
    rt = runtime_of(mm_app)
    client = mm_app.test_client()
    login = client.post(
        "/api/v4/users/login", json={"login_id": "admin", "password": "admin-password"}
    )
    headers = {
        "Authorization": f"Bearer {login.headers['Token']}",
        "Content-Type": "application/json",
    }
    ids = {
        "me": login.json["id"],
        "team": rt.store.find_one("teams", "name", "acme")["id"],
        "bot": rt.store.find_one("users", "username", "helper-bot")["id"],
    }
    for method, template in _WRITE_ROUTES:
        path = "/api/v4" + template.format(**ids)
        for body in _BAD_BODIES:
            response = getattr(client, method)(path, data=body, headers=headers)
            expected = _expected_answer(template, body)
            if expected[0] == 200:
                assert response.status_code == 200, (method, path, body, response.json)
                continue
            assert (response.status_code, response.json.get("id")) == expected, (method, path, body)
            assert list(response.json) == ERROR_KEYS, (method, path, body)


# JSON objects naming no field the route reads: they decode, then meet the route's own checks.
_EMPTY_OBJECTS = {b"{}", b'{"limit":-1}', b'{"limit":true}'}
_INVALID_BODY = "api.context.invalid_body_param.app_error"


def _expected_answer(template: str, body: bytes) -> tuple[int, str | None]:
    """What Mattermost answers a malformed body: 400 ``invalid_body_param`` unless the body
    decodes into what the handler reads and a later check speaks first."""
    if template in ("/users/tokens/revoke", "/users/tokens/disable", "/users/tokens/enable"):
        # The handler sets invalid_param without returning, then the token lookup answers.
        return 404, "app.user_access_token.get_by_user.app_error"
    if template == "/users/me/image":  # multipart: a JSON body is no file
        return 400, "api.user.upload_profile_user.no_file.app_error"
    if template in ("/users/me/preferences", "/users/me/preferences/delete") and body == b"[]":
        return 200, None  # an empty list of preferences is a valid no-op
    if body not in _EMPTY_OBJECTS:
        if template == "/teams/{team}/members" and body != b"null":
            # ``TeamMemberFromJSON`` fails; null decodes into an empty member instead, whose
            # empty team_id is then the invalid_body_param below.
            return 400, "api.team.add_team_member.invalid_body.app_error"
        return 400, _INVALID_BODY
    return {
        "/users": (400, "model.user.is_valid.username.app_error"),
        "/users/me/patch": (200, None),
        "/teams": (400, "model.team.is_valid.name.app_error"),
        "/teams/{team}/patch": (200, None),
        "/bots": (403, "api.bot.create_disabled"),
        "/bots/{bot}": (200, None),
    }.get(template, (400, _INVALID_BODY))


def test_stats_known_users_and_typing(mm_server):
    alice = logged_in(mm_server)
    rt = runtime_of(mm_server.app)
    active = sum(1 for u in rt.store.all("users") if not u["delete_at"])
    assert alice.users.get_stats() == {"total_users_count": active}
    call = raw(mm_server, alice)
    known = call("get", "/users/known").json()
    assert user_id(mm_server, "bob") in known and alice.client.userid not in known
    town = next(c for c in rt.store.all("channels") if c["name"] == "town-square")
    events = []
    unsubscribe = rt.events.subscribe(lambda name, payload: events.append((name, payload)))
    try:
        typing = call("post", "/users/me/typing", json={"channel_id": town["id"]})
    finally:
        unsubscribe()
    assert typing.json() == {"status": "OK"}
    assert [p["data"] for n, p in events if n == "typing"] == [
        {"parent_id": "", "user_id": alice.client.userid}
    ]
    bob = user_id(mm_server, "bob")
    assert_error(
        call("post", f"/users/{bob}/typing", json={"channel_id": town["id"]}),
        403,
        "api.context.permissions.app_error",
    )
    leadership = next(c for c in rt.store.all("channels") if c["name"] == "leadership")
    bob_driver = logged_in(mm_server, "bob")
    assert_error(
        raw(mm_server, bob_driver)(
            "post", "/users/me/typing", json={"channel_id": leadership["id"]}
        ),
        403,
        "api.context.permissions.app_error",
    )


def test_signup_keeps_locale_props_and_notify_props(mm_server):
    admin = logged_in(mm_server, "admin")
    created = admin.users.create_user(
        {
            **NEW_USER,
            "locale": "fr",
            "props": {"team": "ops"},
            "notify_props": {"push": "all"},
        }
    )
    assert (created["locale"], created["props"]) == ("fr", {"team": "ops"})
    assert created["notify_props"]["push"] == "all"
    assert created["notify_props"]["email"] == "true"
    assert_error(
        raw(mm_server, admin)("post", "/users", json={**NEW_USER, "props": ["x"]}),
        400,
        "api.context.invalid_body_param.app_error",
    )
