"""A login revoked through any REST door reaches the sockets authenticated with it.

Mattermost (``Hub.InvalidateUser`` + ``WebConn.IsAuthenticated``): the socket stays open but
gets no more events, and its actions fail with ``not_authenticated`` until a new
``authentication_challenge``. Rocket.Chat (Meteor's ``_setLoginToken`` observer): the DDP
connection logged in with the removed token is closed.
"""

from __future__ import annotations

import hashlib

import pytest
import requests

from emulator.app import runtime_of
from tests.mattermost.clients import set_config
from tests.mattermost.test_websocket import Client, ids, login, post
from tests.rocketchat.test_ddp import Ddp, room_id, user_id

TIMEOUT = 5


# -- Mattermost ---------------------------------------------------------------------------------


def mm(server, token: str, method: str, path: str, body=None) -> requests.Response:
    return requests.request(
        method,
        f"{server.url}/api/v4{path}",
        headers={"Authorization": f"Bearer {token}"},
        json=body,
        timeout=TIMEOUT,
    )


def settled(client: Client) -> None:
    """Read everything the socket was sent so far (a ping action's reply comes after it)."""
    seq = client.send("ping")
    while client.recv().get("seq_reply") != seq:
        pass


def assert_deauthenticated(server, client: Client, poster: str) -> None:
    """A post by ``poster`` reaches no frame; the next action fails as unauthenticated."""
    post(server, poster, ids(server)["town-square"], "after the revocation")
    seq = client.send("get_statuses")
    reply = client.recv()  # a queued ``posted`` would come first
    assert reply == {
        "status": "FAIL",
        "seq_reply": seq,
        "error": {
            "id": "api.web_socket_router.not_authenticated.app_error",
            "message": reply["error"]["message"],
            "detailed_error": "",
            "status_code": 401,
        },
    }


def assert_still_served(server, client: Client, poster: str) -> None:
    message = "still here"
    post(server, poster, ids(server)["town-square"], message)
    while message not in client.next_event("posted")["data"]["post"]:
        pass  # earlier posts first


@pytest.fixture
def mm_clients(mm_server):
    clients: list[Client] = []

    def make(token: str) -> Client:
        client = Client(mm_server, token)
        clients.append(client)
        assert client.recv()["event"] == "hello"
        settled(client)
        return client

    yield make
    for client in clients:
        client.close()


def test_mm_logout_deauthenticates_only_that_sessions_socket(mm_server, mm_clients):
    bob, first, second = (
        login(mm_server, "bob"),
        login(mm_server, "alice"),
        login(mm_server, "alice"),
    )
    revoked, kept = mm_clients(first), mm_clients(second)
    assert mm(mm_server, first, "POST", "/users/logout").status_code == 200
    assert_deauthenticated(mm_server, revoked, bob)
    assert_still_served(mm_server, kept, bob)


def test_mm_a_new_challenge_after_revocation_signs_the_socket_in_again(mm_server, mm_clients):
    bob, token = login(mm_server, "bob"), login(mm_server, "alice")
    client = mm_clients(token)
    assert mm(mm_server, token, "POST", "/users/logout").status_code == 200
    assert_deauthenticated(mm_server, client, bob)
    seq = client.send("authentication_challenge", {"token": login(mm_server, "alice")})
    hello = client.recv()
    assert hello["event"] == "hello"
    assert client.recv() == {"status": "OK", "seq_reply": seq}
    assert_still_served(mm_server, client, bob)


def test_mm_revoking_a_session_by_id(mm_server, mm_clients):
    who, bob, token = ids(mm_server), login(mm_server, "bob"), login(mm_server, "alice")
    client = mm_clients(token)
    store = runtime_of(mm_server.app).store
    session_id = store.find_one("sessions", "token", token)["id"]
    path = f"/users/{who['alice']}/sessions/revoke"
    response = mm(mm_server, token, "POST", path, {"session_id": session_id})
    assert response.status_code == 200
    assert_deauthenticated(mm_server, client, bob)


def test_mm_revoking_all_of_a_users_sessions(mm_server, mm_clients):
    who, bob, admin = ids(mm_server), login(mm_server, "bob"), login(mm_server, "admin")
    client = mm_clients(login(mm_server, "alice"))
    other = mm_clients(login(mm_server, "bob"))
    response = mm(mm_server, admin, "POST", f"/users/{who['alice']}/sessions/revoke/all")
    assert response.status_code == 200
    assert_deauthenticated(mm_server, client, bob)
    assert_still_served(mm_server, other, admin)


def test_mm_revoking_every_session(mm_server, mm_clients):
    admin_token = login(mm_server, "admin")
    client = mm_clients(login(mm_server, "alice"))
    assert mm(mm_server, admin_token, "POST", "/users/sessions/revoke/all").status_code == 200
    assert_deauthenticated(mm_server, client, login(mm_server, "bob"))


@pytest.mark.parametrize("door", ["revoke", "disable"])
def test_mm_revoking_or_disabling_a_personal_access_token(mm_server, mm_clients, door):
    set_config(mm_server, "ServiceSettings", "EnableUserAccessTokens", True)
    admin, bob = login(mm_server, "admin"), login(mm_server, "bob")
    created = mm(mm_server, admin, "POST", "/users/me/tokens", {"description": "bot"}).json()
    client = mm_clients(created["token"])
    session = mm_clients(admin)  # the same user's session login is untouched
    response = mm(mm_server, admin, "POST", f"/users/tokens/{door}", {"token_id": created["id"]})
    assert response.status_code == 200
    assert_deauthenticated(mm_server, client, bob)
    assert_still_served(mm_server, session, bob)


@pytest.mark.parametrize("door", ["deactivate", "delete"])
def test_mm_deactivating_a_user(mm_server, mm_clients, door):
    who, admin, bob = ids(mm_server), login(mm_server, "admin"), login(mm_server, "bob")
    client = mm_clients(login(mm_server, "alice"))
    if door == "deactivate":
        response = mm(mm_server, admin, "PUT", f"/users/{who['alice']}/active", {"active": False})
    else:
        response = mm(mm_server, admin, "DELETE", f"/users/{who['alice']}")
    assert response.status_code == 200
    assert_deauthenticated(mm_server, client, bob)


def test_mm_a_device_attach_revokes_the_devices_other_session(mm_server, mm_clients):
    bob, old, new = login(mm_server, "bob"), login(mm_server, "alice"), login(mm_server, "alice")
    client = mm_clients(old)
    for token in (old, new):
        response = mm(mm_server, token, "PUT", "/users/sessions/device", {"device_id": "phone"})
        assert response.status_code == 200
    assert_deauthenticated(mm_server, client, bob)


def test_mm_a_password_change_ends_the_users_other_sessions(mm_server, mm_clients):
    who, bob = ids(mm_server), login(mm_server, "bob")
    changing, other = login(mm_server, "alice"), login(mm_server, "alice")
    kept, revoked = mm_clients(changing), mm_clients(other)
    body = {"current_password": "alice-password", "new_password": "alice-password-2"}
    response = mm(mm_server, changing, "PUT", f"/users/{who['alice']}/password", body)
    assert response.status_code == 200
    assert_deauthenticated(mm_server, revoked, bob)
    assert_still_served(mm_server, kept, bob)
    assert mm(mm_server, other, "GET", "/users/me").status_code == 401


def test_mm_a_password_change_keeps_sessions_when_termination_is_off(mm_server, mm_clients):
    set_config(mm_server, "ServiceSettings", "TerminateSessionsOnPasswordChange", False)
    who, admin, bob = ids(mm_server), login(mm_server, "admin"), login(mm_server, "bob")
    client = mm_clients(login(mm_server, "alice"))
    body = {"new_password": "alice-password-2"}
    response = mm(mm_server, admin, "PUT", f"/users/{who['alice']}/password", body)
    assert response.status_code == 200
    assert_still_served(mm_server, client, bob)


# -- Rocket.Chat --------------------------------------------------------------------------------


def rc(server, token: str, uid: str, path: str, body=None, **headers) -> requests.Response:
    return requests.post(
        f"{server.url}/api/v1/{path}",
        headers={"X-Auth-Token": token, "X-User-Id": uid, **headers},
        json=body if body is not None else {},
        timeout=TIMEOUT,
    )


def rc_login(server, username: str) -> tuple[str, str]:
    response = requests.post(
        f"{server.url}/api/v1/login",
        json={"user": username, "password": f"{username}-password"},
        timeout=TIMEOUT,
    )
    data = response.json()["data"]
    return data["authToken"], data["userId"]


@pytest.fixture
def ddp_as(rc_server):
    """A DDP connection resumed with a token and subscribed to GENERAL's messages."""
    clients: list[Ddp] = []

    def make(token: str) -> Ddp:
        client = Ddp(rc_server)
        clients.append(client)
        result, _ = client.call("login", {"resume": token})
        assert "result" in result, result
        ready = client.sub("stream-room-messages", room_id(rc_server, "general"), False)
        assert ready["msg"] == "ready"
        return client

    yield make
    for client in clients:
        client.close()


def assert_closed_without_events(server, client: Ddp) -> None:
    """A message posted after the revocation is not delivered; the socket closes (1000)."""
    bob, bob_id = rc_login(server, "bob")
    sent = rc(server, bob, bob_id, "chat.postMessage", {"channel": "#general", "text": "later"})
    assert sent.status_code == 200
    assert client.close_code() == 1000
    assert not [m for m in client.backlog if m.get("msg") == "changed"]


def assert_served(server, client: Ddp) -> None:
    bob, bob_id = rc_login(server, "bob")
    rc(server, bob, bob_id, "chat.postMessage", {"channel": "#general", "text": "kept"})
    while client.next_msg("changed")["fields"]["args"][0]["msg"] != "kept":
        pass  # earlier messages first


def test_rc_rest_logout_closes_the_ddp_connection_of_that_token(rc_server, ddp_as):
    token, uid = rc_login(rc_server, "alice")
    other_token, _ = rc_login(rc_server, "alice")
    revoked, kept = ddp_as(token), ddp_as(other_token)
    assert rc(rc_server, token, uid, "logout").status_code == 200
    assert_closed_without_events(rc_server, revoked)
    assert_served(rc_server, kept)


def test_rc_users_logout_closes_every_connection_of_the_user(rc_server, ddp_as):
    token, uid = rc_login(rc_server, "alice")
    client = ddp_as(token)
    admin, admin_id = rc_login(rc_server, "admin")
    assert rc(rc_server, admin, admin_id, "users.logout", {"userId": uid}).status_code == 200
    assert_closed_without_events(rc_server, client)


def test_rc_remove_other_tokens_spares_the_callers_connection(rc_server, ddp_as):
    token, uid = rc_login(rc_server, "alice")
    other_token, _ = rc_login(rc_server, "alice")
    mine, other = ddp_as(token), ddp_as(other_token)
    assert rc(rc_server, token, uid, "users.removeOtherTokens").status_code == 200
    assert_closed_without_events(rc_server, other)
    assert_served(rc_server, mine)


def test_rc_removing_a_personal_access_token(rc_server, ddp_as):
    token, uid = rc_login(rc_server, "alice")
    code = {"x-2fa-code": hashlib.sha256(b"alice-password").hexdigest(), "x-2fa-method": "password"}
    made = rc(
        rc_server, token, uid, "users.generatePersonalAccessToken", {"tokenName": "ci"}, **code
    )
    client, session = ddp_as(made.json()["token"]), ddp_as(token)
    removed = rc(
        rc_server, token, uid, "users.removePersonalAccessToken", {"tokenName": "ci"}, **code
    )
    assert removed.status_code == 200
    assert_closed_without_events(rc_server, client)
    assert_served(rc_server, session)


@pytest.mark.parametrize("door", ["users.setActiveStatus", "users.delete"])
def test_rc_deactivating_or_deleting_the_user(rc_server, ddp_as, door):
    token, uid = rc_login(rc_server, "alice")
    client = ddp_as(token)
    admin, admin_id = rc_login(rc_server, "admin")
    body = (
        {"userId": uid, "activeStatus": False}
        if door == "users.setActiveStatus"
        else {
            "userId": uid,
            "confirmRelinquish": True,
        }
    )
    assert rc(rc_server, admin, admin_id, door, body).status_code == 200
    assert_closed_without_events(rc_server, client)


def test_rc_ddp_logout_keeps_the_connection_but_closes_others_on_the_token(rc_server, ddp_as):
    token, _ = rc_login(rc_server, "alice")
    caller, twin = ddp_as(token), ddp_as(token)
    result, _ = caller.call("logout")
    assert "error" not in result
    assert_closed_without_events(rc_server, twin)
    sent, _ = caller.call("sendMessage", {"rid": room_id(rc_server, "general"), "msg": "nope"})
    assert sent["error"]["error"] == "error-invalid-user"
    assert user_id(rc_server, "alice")  # the user is untouched


def test_rc_changing_ones_own_password_closes_the_other_connections(rc_server, ddp_as):
    token, uid = rc_login(rc_server, "alice")
    other_token, _ = rc_login(rc_server, "alice")
    mine, other = ddp_as(token), ddp_as(other_token)
    current = hashlib.sha256(b"alice-password").hexdigest()
    data = {"newPassword": "alice-password-2", "currentPassword": current}
    assert rc(rc_server, token, uid, "users.updateOwnBasicInfo", {"data": data}).status_code == 200
    assert_closed_without_events(rc_server, other)
    assert_served(rc_server, mine)


def test_rc_an_admin_setting_a_password_closes_every_connection(rc_server, ddp_as):
    token, uid = rc_login(rc_server, "alice")
    client = ddp_as(token)
    admin, admin_id = rc_login(rc_server, "admin")
    body = {"userId": uid, "data": {"password": "alice-password-2"}}
    code = {"x-2fa-code": hashlib.sha256(b"admin-password").hexdigest(), "x-2fa-method": "password"}
    assert rc(rc_server, admin, admin_id, "users.update", body, **code).status_code == 200
    assert_closed_without_events(rc_server, client)
