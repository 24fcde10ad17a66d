"""Login slice, through mattermostdriver as integrations use it."""

import pytest
import requests
from mattermostdriver import Driver
from mattermostdriver.exceptions import InvalidOrMissingParameters, NoAccessTokenProvided

ERROR_KEYS = ["id", "message", "detailed_error", "request_id", "status_code"]


def driver(server, login_id="alice", password="alice-password") -> Driver:
    host, port = server.url.removeprefix("http://").split(":")
    return Driver(
        {
            "url": host,
            "port": int(port),
            "scheme": "http",
            "login_id": login_id,
            "password": password,
            "basepath": "/api/v4",
        }
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


def test_login_by_email(mm_server):
    assert driver(mm_server, "ALICE@example.com").login()["username"] == "alice"


def test_wrong_password_is_the_real_401(mm_server):
    with pytest.raises(NoAccessTokenProvided) as caught:
        driver(mm_server, password="wrong").login()
    assert caught.value.args[0] == "Enter a valid email or username and/or password."
    raw = requests.post(
        f"{mm_server.url}/api/v4/users/login",
        json={"login_id": "alice", "password": "wrong"},
        timeout=5,
    )
    assert raw.status_code == 401
    body = raw.json()
    assert list(body) == ERROR_KEYS
    assert body["id"] == "api.user.login.invalid_credentials_email_username"
    assert body["request_id"] == raw.headers["X-Request-Id"]


def test_blank_password_is_400(mm_server):
    with pytest.raises(InvalidOrMissingParameters):
        driver(mm_server, password="").login()


def test_bot_accounts_cannot_log_in_with_a_password(mm_server):
    raw = requests.post(
        f"{mm_server.url}/api/v4/users/login",
        json={"login_id": "helper-bot", "password": "helper-bot-password"},
        timeout=5,
    )
    assert raw.status_code == 401


def test_me_without_a_token_is_401(mm_server):
    raw = requests.get(f"{mm_server.url}/api/v4/users/me", timeout=5)
    assert raw.status_code == 401
    assert raw.json()["id"] == "api.context.session_expired.app_error"


def test_logout_revokes_the_session(mm_server):
    d = driver(mm_server)
    d.login()
    token = d.client.token
    assert d.logout() == {"status": "OK"}
    raw = requests.get(
        f"{mm_server.url}/api/v4/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert raw.status_code == 401


def test_browser_login_sets_cookies(mm_app):
    client = mm_app.test_client()
    plain = client.post("/api/v4/users/login", json={"login_id": "bob", "password": "bob-password"})
    assert "Set-Cookie" not in plain.headers
    browser = client.post(
        "/api/v4/users/login",
        json={"login_id": "bob", "password": "bob-password"},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    cookies = browser.headers.getlist("Set-Cookie")
    assert {c.split("=")[0] for c in cookies} == {"MMAUTHTOKEN", "MMUSERID", "MMCSRF"}
    assert any("HttpOnly" in c for c in cookies if c.startswith("MMAUTHTOKEN"))
    assert client.get("/api/v4/users/me").json["username"] == "bob"  # cookie auth


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


@pytest.mark.parametrize(
    "payload", [b"{nope", b"[]", b'"text"', b'{"login_id": 5, "password": []}']
)
def test_malformed_login_bodies_are_400_not_500(mm_server, payload):
    response = requests.post(
        f"{mm_server.url}/api/v4/users/login",
        data=payload,
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code == 400
    assert list(response.json()) == ERROR_KEYS


def test_ping(mm_server):
    d = driver(mm_server)
    assert d.system.check_system_health()["status"] == "OK"
