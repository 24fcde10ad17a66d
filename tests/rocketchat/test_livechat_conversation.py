"""A whole omnichannel conversation: the widget's side over raw REST with a visitor token, the
agent's side with rocketchat_API and DDP, as a livechat widget and an agent bot drive it."""

from __future__ import annotations

import uuid

import pytest
import requests
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from emulator.rocketchat import models

from .test_ddp import Ddp, ddp  # noqa: F401 - the ddp fixture

TIMEOUT = 5


def widget(server, method: str, path: str, **kwargs) -> requests.Response:
    """The widget's calls: no login, the visitor's token in the parameters."""
    url = f"{server.url}/api/v1/livechat/{path}"
    return requests.request(method, url, timeout=TIMEOUT, **kwargs)


def room_event(client: Ddp, rid: str, text: str) -> list:
    """The args of the next stream-room-messages event carrying ``text`` in ``rid``."""
    while True:
        args = client.next_msg("changed")["fields"]["args"]
        if args[0]["rid"] == rid and args[0]["msg"] == text:
            return args


def room_message(client: Ddp, rid: str, text: str) -> dict:
    return room_event(client, rid, text)[0]


@pytest.fixture
def agent_bob(rc_server, admin: RocketChat, ddp) -> tuple[RocketChat, Ddp]:  # noqa: F811
    """bob made an agent by the admin, online over DDP and listening to all its rooms."""
    assert admin.livechat_create_user("agent", username="bob")["success"] is True
    client = ddp()
    client.login("bob")
    assert client.sub("stream-room-messages", "__my_messages__", False)["msg"] == "ready"
    return RocketChat("bob", "bob-password", server_url=rc_server.url), client


def register(server, name: str = "Vera Visitor", email: str = "vera@example.com") -> str:
    token = uuid.uuid4().hex
    body = {"visitor": {"token": token, "name": name, "email": email}}
    response = widget(server, "POST", "visitor", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["visitor"]["token"] == token
    return token


def test_a_conversation_from_the_widget_to_the_transcript(rc_server, agent_bob):
    rest_bob, stream = agent_bob
    token = register(rc_server)

    opened = widget(rc_server, "GET", "room", params={"token": token}).json()
    assert opened["success"] is True and opened["newRoom"] is True
    room = opened["room"]
    assert room["t"] == "l" and room["open"] is True
    assert room["v"]["token"] == token and room["fname"] == "Vera Visitor"
    assert room["servedBy"]["username"] == "bob"  # Auto_Selection: the only available agent

    sent = widget(
        rc_server, "POST", "message", json={"token": token, "rid": room["_id"], "msg": "hello?"}
    ).json()
    assert sent["success"] is True
    assert sent["message"]["token"] == token
    heard, meta = room_event(stream, room["_id"], "hello?")
    assert heard["u"]["username"].startswith("guest-")
    # what bots filter livechat messages by (the SDKs' ``respondToMessages``)
    assert meta == {"roomParticipant": True, "roomType": "l"}

    rt = runtime_of(rc_server.app)
    assert rt.store.get("rooms", room["_id"])["waitingResponse"] is True
    answer = rest_bob.chat_send_message({"rid": room["_id"], "msg": "Hi Vera, how can I help?"})
    assert answer["success"] is True
    answered = rt.store.get("rooms", room["_id"])
    assert "waitingResponse" not in answered and answered["responseBy"]["username"] == "bob"

    history = widget(
        rc_server, "GET", f"messages.history/{room['_id']}", params={"token": token}
    ).json()
    texts = [m["msg"] for m in history["messages"]]
    assert texts.index("Hi Vera, how can I help?") < texts.index("hello?")  # newest first

    closed = requests.post(
        f"{rc_server.url}/api/v1/livechat/room.closeByUser",
        json={"rid": room["_id"], "comment": "solved"},
        headers=rest_bob.headers,
        timeout=TIMEOUT,
    ).json()
    assert closed == {"success": True}
    again = widget(rc_server, "GET", "room", params={"token": token, "rid": room["_id"]}).json()
    assert again == {"success": False, "error": "invalid-room"}

    asked = widget(
        rc_server,
        "POST",
        "transcript",
        json={"token": token, "rid": room["_id"], "email": "vera@example.com"},
    ).json()
    assert asked == {"success": True, "message": "Your email has been queued for sending"}
    (record,) = rt.store.all("livechat_mail_records")
    assert record["kind"] == "transcript" and record["email"] == "vera@example.com"
    assert record["rid"] == room["_id"] and len(record["messages"]) == 2


def test_manual_selection_queues_the_chat_until_an_agent_takes_it(rc_server, agent_bob):
    rest_bob, stream = agent_bob
    rt = runtime_of(rc_server.app)
    models.set_setting_value(rt, "Livechat_Routing_Method", "Manual_Selection")
    token = register(rc_server)

    room = widget(rc_server, "GET", "room", params={"token": token}).json()["room"]
    assert "servedBy" not in room
    queued = rest_bob.call_api_get("livechat/inquiries.queuedForUser")
    (inquiry,) = queued["inquiries"]
    assert inquiry["rid"] == room["_id"] and inquiry["status"] == "queued"

    assert rest_bob.livechat_inquiries_take(inquiry["_id"]) == {"success": True}
    taken = rest_bob.livechat_inquiries_get_one(room["_id"])["inquiry"]
    assert taken["status"] == "taken"

    widget(rc_server, "POST", "message", json={"token": token, "rid": room["_id"], "msg": "hi"})
    assert room_message(stream, room["_id"], "hi")["token"] == token


def test_the_widget_hears_the_agent_on_its_room_stream_with_its_token(rc_server, agent_bob, ddp):  # noqa: F811
    rest_bob, bob_stream = agent_bob
    token = register(rc_server)
    room = widget(rc_server, "GET", "room", params={"token": token}).json()["room"]
    visitor = ddp()  # no login: the widget subscribes with its visitor token
    args = {"useCollection": False, "args": [{"token": token, "visitorToken": token}]}
    assert visitor.sub("stream-room-messages", room["_id"], args)["msg"] == "ready"
    rest_bob.chat_send_message({"rid": room["_id"], "msg": "Hello from bob"})
    assert room_message(visitor, room["_id"], "Hello from bob")["u"]["username"] == "bob"
    # an agent bot answers over DDP, as the SDKs' sendToRoomId does
    sent, _ = bob_stream.call("sendMessage", {"rid": room["_id"], "msg": "And over DDP"})
    assert "error" not in sent
    assert room_message(visitor, room["_id"], "And over DDP")["u"]["username"] == "bob"
    stranger = ddp()
    wrong = {"useCollection": False, "args": [{"token": "not-mine", "visitorToken": "not-mine"}]}
    refused = stranger.sub("stream-room-messages", room["_id"], wrong)
    assert refused["msg"] == "nosub" and refused["error"]["error"] == "not-allowed"
