"""The ``livechat:*`` DDP methods (``app/livechat/server/methods``) over the websocket and
``method.call``/``method.callAnon``, through the domain operations REST uses."""

from __future__ import annotations

import json

import requests

from emulator.app import runtime_of
from emulator.rocketchat import models
from tests.rocketchat.clients import call

from .test_ddp import Ddp, ddp  # noqa: F401 - the ddp fixture
from .test_livechat_conversation import agent_bob, room_message, widget  # noqa: F401
from .test_twofactor import method_call

TIMEOUT = 5


def call_anon(server, method: str, *params: object) -> dict:
    message = json.dumps({"msg": "method", "id": "1", "method": method, "params": list(params)})
    response = requests.post(
        f"{server.url}/api/v1/method.callAnon/{method}",
        json={"message": message},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    return json.loads(response.json()["message"])


def test_a_widget_and_an_agent_over_ddp(rc_server, agent_bob, ddp):  # noqa: F811
    _rest_bob, bob_stream = agent_bob
    widget_ddp = ddp()  # no login
    result, _ = widget_ddp.call(
        "livechat:registerGuest",
        {
            "token": "ddp-visitor",
            "name": "Dana",
            "email": "dana@example.com",
            "customFields": [{"key": "plan", "value": "gold", "overwrite": True}],
        },
    )
    assert "result" in result, result
    registered = result["result"]
    visitor = registered["visitor"]
    assert registered["userId"] == visitor["_id"]
    assert (visitor["token"], visitor["name"]) == ("ddp-visitor", "Dana")
    assert visitor["visitorEmails"] == [{"address": "dana@example.com"}]
    assert visitor["username"].startswith("guest-")
    rt = runtime_of(rc_server.app)
    stored = models.livechat.find_visitor(rt, "ddp-visitor")
    assert "plan" not in stored.get("livechatData", {})  # no such visitor custom field

    room = widget(rc_server, "GET", "room", params={"token": "ddp-visitor"}).json()["room"]
    message = {"token": "ddp-visitor", "_id": "ddp-msg-1", "rid": room["_id"], "msg": "hi there"}
    result, _ = widget_ddp.call("sendMessageLivechat", message)
    assert result["result"]["_id"] == "ddp-msg-1" and result["result"]["msg"] == "hi there"
    heard = room_message(bob_stream, room["_id"], "hi there")
    assert heard["_id"] == "ddp-msg-1" and heard["token"] == "ddp-visitor"
    result, _ = widget_ddp.call("sendMessageLivechat", {**message, "token": "nobody"})
    assert result["error"]["error"] == "invalid-token"

    result, _ = bob_stream.call("livechat:closeRoom", room["_id"], "done")
    assert "error" not in result and "result" not in result  # resolves to undefined
    assert not rt.store.get("rooms", room["_id"]).get("open")
    result, _ = bob_stream.call("livechat:closeRoom", room["_id"], "again")
    assert (result["error"]["error"], result["error"]["reason"]) == ("room-closed", "Room closed")


def test_close_room_refusals(rc_server, alice, agent_bob, ddp):  # noqa: F811
    token = "closing-visitor"
    widget(rc_server, "POST", "visitor", json={"visitor": {"token": token, "name": "Cy"}})
    room = widget(rc_server, "GET", "room", params={"token": token}).json()["room"]
    reply = method_call(alice, "livechat:closeRoom", room["_id"])
    assert reply["error"]["error"] == "error-not-authorized"
    admin_ddp = ddp()
    admin_ddp.login("admin")
    result, _ = admin_ddp.call("livechat:closeRoom", "not-a-room")
    assert (result["error"]["error"], result["error"]["reason"]) == (
        "error-invalid-room",
        "Invalid room",
    )


def test_take_inquiry_over_method_call(rc_server, alice, agent_bob):  # noqa: F811
    rest_bob, _stream = agent_bob
    models.set_setting_value(
        runtime_of(rc_server.app), "Livechat_Routing_Method", "Manual_Selection"
    )
    token = "queued-visitor"
    registered = call_anon(rc_server, "livechat:registerGuest", {"token": token, "name": "Q"})
    assert registered["result"]["visitor"]["token"] == token
    room = widget(rc_server, "GET", "room", params={"token": token}).json()["room"]
    (inquiry,) = rest_bob.call_api_get("livechat/inquiries.queuedForUser")["inquiries"]

    refused = method_call(alice, "livechat:takeInquiry", inquiry["_id"])
    assert (refused["error"]["error"], refused["error"]["reason"]) == (
        "error-not-allowed",
        "Not allowed",
    )
    taken = method_call(rest_bob, "livechat:takeInquiry", inquiry["_id"])
    assert "error" not in taken
    assert rest_bob.livechat_inquiries_get_one(room["_id"])["inquiry"]["status"] == "taken"
    again = method_call(rest_bob, "livechat:takeInquiry", inquiry["_id"])
    assert again["error"]["error"] == "error-inquiry-taken"
    assert (
        call(rest_bob, "GET", "subscriptions.getOne", params={"roomId": room["_id"]}).json()[
            "subscription"
        ]["t"]
        == "l"
    )


def test_register_guest_needs_a_token(rc_server):
    reply = call_anon(rc_server, "livechat:registerGuest", {"name": "x"})
    assert (reply["error"]["error"], reply["error"]["reason"]) == (
        "error-invalid-token",
        "Invalid token",
    )
