"""Messages from the visitor's side: send rules, get/edit/delete, history paging, the
integration endpoint that posts on a visitor's behalf, and an agent's view of the room."""

from __future__ import annotations

import pytest

from emulator.app import runtime_of
from emulator.rocketchat import models

from .clients import call
from .test_livechat_conversation import register, widget


@pytest.fixture(autouse=True)
def no_agent_needed(rc_server):
    """Rooms open without an online agent here (``Livechat_accept_chats_with_no_agents``)."""
    models.set_setting_value(
        runtime_of(rc_server.app), "Livechat_accept_chats_with_no_agents", True
    )


def _open(server) -> tuple[str, str]:
    token = register(server)
    room = widget(server, "GET", "room", params={"token": token}).json()["room"]
    return token, room["_id"]


def _send(server, token: str, rid: str, msg: str, **extra) -> dict:
    return widget(
        server, "POST", "message", json={"token": token, "rid": rid, "msg": msg, **extra}
    ).json()


def test_send_rules(rc_server):
    token, rid = _open(rc_server)
    assert _send(rc_server, "nope", rid, "x") == {"success": False, "error": "invalid-token"}
    assert _send(rc_server, token, "nope", "x") == {"success": False, "error": "invalid-room"}
    rt = runtime_of(rc_server.app)
    models.set_setting_value(rt, "Message_MaxAllowedSize", 3)
    assert _send(rc_server, token, rid, "long")["errorType"] == "error-message-size-exceeded"
    models.set_setting_value(rt, "Message_MaxAllowedSize", 5000)
    mine = _send(rc_server, token, rid, "picked", _id="myOwnId")
    assert mine["message"]["_id"] == "myOwnId"
    assert _send(rc_server, token, rid, "again", _id="myOwnId")["errorType"] == (
        "error-message-already-exists"
    )
    widget(rc_server, "POST", "room.close", json={"token": token, "rid": rid})
    assert _send(rc_server, token, rid, "late") == {"success": False, "error": "room-closed"}
    assert _send(rc_server, token, rid, 5)["errorType"] == "invalid-params"


def test_get_edit_delete_own_messages(rc_server):
    token, rid = _open(rc_server)
    sent = _send(rc_server, token, rid, "first")["message"]
    path = f"message/{sent['_id']}"
    got = widget(rc_server, "GET", path, params={"token": token, "rid": rid}).json()
    assert got["message"]["msg"] == "first"
    edited = widget(rc_server, "PUT", path, json={"token": token, "rid": rid, "msg": "second"})
    assert edited.json()["message"]["msg"] == "second"
    assert edited.json()["message"]["editedBy"]["_id"] == sent["u"]["_id"]
    deleted = widget(rc_server, "DELETE", path, json={"token": token, "rid": rid}).json()
    assert deleted["success"] is True and deleted["message"]["_id"] == sent["_id"]
    gone = widget(rc_server, "GET", path, params={"token": token, "rid": rid}).json()
    assert gone == {"success": False, "error": "invalid-message"}


def test_history_pages_and_searches(rc_server):
    token, rid = _open(rc_server)
    for n in range(3):
        _send(rc_server, token, rid, f"m{n}")
    path = f"messages.history/{rid}"
    assert widget(rc_server, "GET", path).json() == {
        "success": False,
        "error": "error-token-param-not-provided",
    }
    page = widget(rc_server, "GET", path, params={"token": token, "limit": 2}).json()
    assert [m["msg"] for m in page["messages"]] == ["m2", "m1"]
    found = widget(rc_server, "GET", path, params={"token": token, "searchText": "m0"}).json()
    assert [m["msg"] for m in found["messages"]] == ["m0"]


def test_messages_on_behalf_of_a_visitor_and_the_agents_view(rc_server, admin, bob):
    body = {
        "visitor": {"token": "integration-1", "name": "Ivan"},
        "messages": [{"msg": "a"}, {"msg": "b"}],
    }
    sent = call(admin, "POST", "livechat/messages", json=body).json()
    assert sent["success"] is True and [m["msg"] for m in sent["messages"]] == ["a", "b"]
    (room,) = runtime_of(rc_server.app).store.find("rooms", "t", "l")
    assert room["fname"] == "Ivan"
    listed = call(admin, "GET", f"livechat/messages/{room['_id']}").json()
    assert sorted(m["msg"] for m in listed["messages"] if not m.get("t")) == ["a", "b"]
    assert call(bob, "GET", f"livechat/messages/{room['_id']}").status_code == 403
    empty = call(admin, "POST", "livechat/messages", json={**body, "messages": []}).json()
    assert empty["errorType"] == "invalid-params"
