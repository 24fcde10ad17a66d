"""One authentication for every Rocket.Chat door (``emulator/rocketchat/auth.py``).

REST v1, the DDP REST bridge, the legacy API, ``/api/info``, file downloads, ``users.register``,
the journal, fault targeting and the limiter all ask ``auth.authenticate``: each door takes a
valid token as its user and refuses a removed token, an expired one and a deactivated user's
alike.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.rocketchat import auth, identity

Headers = dict[str, str]


@pytest.fixture
def rc() -> FlaskClient:
    return create_app("rocketchat", ephemeral_config()).test_client()


def login(client: FlaskClient, username: str) -> Headers:
    data = client.post(
        "/api/v1/login", json={"user": username, "password": f"{username}-password"}
    ).get_json()["data"]
    return {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}


def upload(client: FlaskClient, headers: Headers) -> str:
    """A file in #general, readable by its members: its download path."""
    uploaded = client.post(
        "/api/v1/rooms.media/GENERAL",
        headers=headers,
        data={"file": (io.BytesIO(b"abc"), "a.txt", "text/plain")},
    ).get_json()
    return uploaded["file"]["url"]


# -- the doors: each answers whether it took the credentials as their user --------------------


def rest(client: FlaskClient, headers: Headers) -> bool:
    return client.get("/api/v1/me", headers=headers).status_code == 200


def rest_cookies(client: FlaskClient, headers: Headers) -> bool:
    client.set_cookie("rc_uid", headers["X-User-Id"])
    client.set_cookie("rc_token", headers["X-Auth-Token"])
    try:
        return client.get("/api/v1/me").status_code == 200
    finally:
        client.delete_cookie("rc_uid")
        client.delete_cookie("rc_token")


def ddp_bridge(client: FlaskClient, headers: Headers) -> bool:
    message = '{"msg": "method", "id": "1", "method": "getRoomNameById", "params": ["GENERAL"]}'
    response = client.post(
        "/api/v1/method.call/getRoomNameById", headers=headers, json={"message": message}
    )
    return response.status_code == 200 and '"result":"general"' in response.get_json()["message"]


def legacy(client: FlaskClient, headers: Headers) -> bool:
    return client.get("/api/publicRooms", headers=headers).status_code == 200


def legacy_logout(client: FlaskClient, headers: Headers) -> bool:
    return client.post("/api/logout", headers=headers).status_code == 200


def info(client: FlaskClient, headers: Headers) -> bool:
    # An admin (view-statistics) sees the build; anybody else the short answer.
    return "info" in client.get("/api/info", headers=headers).get_json()


def file_download(client: FlaskClient, headers: Headers, url: str) -> bool:
    return client.get(url, headers=headers).status_code == 200


def file_download_by_query(client: FlaskClient, headers: Headers, url: str) -> bool:
    query = {"rc_uid": headers["X-User-Id"], "rc_token": headers["X-Auth-Token"]}
    return client.get(url, query_string=query).status_code == 200


def register(client: FlaskClient, headers: Headers) -> bool:
    response = client.post(
        "/api/v1/users.register",
        headers=headers,
        json={"username": "newbie", "email": "newbie@example.com", "pass": "pw", "name": "N"},
    )
    return response.get_json().get("error") == "Logged in users can not register again."


def journal(client: FlaskClient, headers: Headers) -> bool:
    client.get("/api/v1/me", headers=headers)
    found = client.get("/_emulator/requests?path=/api/v1/me&limit=1").get_json()["requests"]
    return found[0]["user"] == "admin"


def fault_targeting(client: FlaskClient, headers: Headers) -> bool:
    rule = client.post(
        "/_emulator/faults", json={"match": {"user": "admin"}, "error": {"status": 503}}
    ).get_json()
    status = client.get("/api/v1/me", headers=headers).status_code
    client.delete(f"/_emulator/faults/{rule['id']}")
    return status == 503


DOORS: dict[str, Callable[[FlaskClient, Headers], bool]] = {
    "rest": rest,
    "rest-cookies": rest_cookies,
    "ddp-bridge": ddp_bridge,
    "legacy": legacy,
    "legacy-logout": legacy_logout,
    "info": info,
    "register": register,
    "journal": journal,
    "fault-targeting": fault_targeting,
}
FILE_DOORS = {"file-download": file_download, "file-download-query": file_download_by_query}

NINETY_ONE_DAYS_MS = 91 * 86_400_000


def lose(client: FlaskClient, headers: Headers, how: str) -> None:
    """Make the admin's token one no door may take."""
    rt = runtime_of(client.application)
    if how == "removed":
        assert client.post("/api/v1/logout", headers=headers).status_code == 200
    elif how == "expired":  # Accounts_LoginExpiration: 90 days
        rt.clock.advance(NINETY_ONE_DAYS_MS)
    else:
        rt.store.update("users", headers["X-User-Id"], {"active": False})


@pytest.mark.parametrize("door", DOORS)
def test_each_door_takes_a_valid_token_as_its_user(rc, door):
    assert DOORS[door](rc, login(rc, "admin"))


@pytest.mark.parametrize("how", ["removed", "expired", "deactivated"])
@pytest.mark.parametrize("door", DOORS)
def test_each_door_refuses_a_lost_token(rc, door, how):
    admin = login(rc, "admin")
    lose(rc, admin, how)
    assert not DOORS[door](rc, admin)


@pytest.mark.parametrize("door", FILE_DOORS)
def test_file_downloads_take_a_valid_token(rc, door):
    admin = login(rc, "admin")
    assert FILE_DOORS[door](rc, admin, upload(rc, admin))


@pytest.mark.parametrize("how", ["removed", "expired", "deactivated"])
@pytest.mark.parametrize("door", FILE_DOORS)
def test_file_downloads_refuse_a_lost_token(rc, door, how):
    admin = login(rc, "admin")
    url = upload(rc, admin)
    lose(rc, admin, how)
    assert not FILE_DOORS[door](rc, admin, url)


# -- where each door reads credentials -----------------------------------------------------------


def environ(path: str, headers: Headers | None = None, **options: object) -> dict:
    return EnvironBuilder(path=path, headers=headers or {}, **options).get_environ()


def test_headers_win_over_cookies():
    env = environ(
        "/api/v1/me",
        headers={"X-User-Id": "u1", "X-Auth-Token": "t1", "Cookie": "rc_uid=u2; rc_token=t2"},
    )
    assert auth.credentials(env) == ("u1", "t1")


def test_rest_v1_reads_the_rc_cookies_but_not_the_query():
    cookie = {"Cookie": "rc_uid=u2; rc_token=t2"}
    assert auth.credentials(environ("/api/v1/me", cookie)) == ("u2", "t2")
    assert auth.credentials(environ("/api/v1/me", query_string="rc_uid=u&rc_token=t")) == (
        None,
        None,
    )


def test_legacy_and_info_read_the_headers_only():
    cookie = {"Cookie": "rc_uid=u2; rc_token=t2"}
    assert auth.credentials(environ("/api/publicRooms", cookie)) == (None, None)
    assert auth.credentials(environ("/api/info", cookie)) == (None, None)


def test_file_downloads_also_read_the_query():
    env = environ("/file-upload/f/a.txt", query_string="rc_uid=u3&rc_token=t3")
    assert auth.credentials(env) == ("u3", "t3")


def test_the_journal_names_who_the_door_would_take(rc):
    admin = login(rc, "admin")
    rt = runtime_of(rc.application)
    cookie = {"Cookie": f"rc_uid={admin['X-User-Id']}; rc_token={admin['X-Auth-Token']}"}
    assert identity.identify_user(rt, environ("/api/v1/me", cookie)) is not None
    # Restivus never read cookies: the legacy API refuses them, so they name nobody there.
    assert rc.get("/api/publicRooms", headers=cookie).status_code == 401
    assert identity.identify_user(rt, environ("/api/publicRooms", cookie)) is None


def test_register_sees_a_cookie_login_as_every_v1_route_does(rc):
    alice = login(rc, "alice")
    rc.set_cookie("rc_uid", alice["X-User-Id"])
    rc.set_cookie("rc_token", alice["X-Auth-Token"])
    assert register(rc, {})
