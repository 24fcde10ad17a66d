"""Omnichannel rooms beyond the happy path: closing, joining, forwarding, surveys, room info,
the agents' lists, deletion, the widget's config, transcripts, offline messages, uploads."""

from __future__ import annotations

import pytest
import requests

from emulator.app import runtime_of
from emulator.rocketchat import models

from .clients import NO_PERMISSION, call
from .test_ddp import ddp  # noqa: F401 - the ddp fixture
from .test_livechat_conversation import agent_bob, register, widget  # noqa: F401


@pytest.fixture
def served(rc_server, agent_bob):  # noqa: F811
    """A visitor's room served by bob: (bob's client, token, room)."""
    rest_bob, _ = agent_bob
    token = register(rc_server)
    room = widget(rc_server, "GET", "room", params={"token": token}).json()["room"]
    return rest_bob, token, room


def test_opening_twice_gives_the_same_room_and_a_bad_token_is_refused(rc_server, served):
    _, token, room = served
    again = widget(rc_server, "GET", "room", params={"token": token}).json()
    assert again["newRoom"] is False and again["room"]["_id"] == room["_id"]
    assert widget(rc_server, "GET", "room", params={"token": "nope"}).json() == {
        "success": False,
        "error": "invalid-token",
    }
    missing = widget(rc_server, "GET", "room")
    assert missing.status_code == 400 and missing.json()["success"] is False


def test_without_online_agents_a_chat_is_refused_unless_the_server_accepts_it(rc_server, admin):
    token = register(rc_server)
    assert widget(rc_server, "GET", "room", params={"token": token}).json() == {
        "success": False,
        "error": "Sorry, no online agents [no-agent-online]",
        "errorType": "no-agent-online",
    }
    rt = runtime_of(rc_server.app)
    assert rt.store.find("rooms", "t", "l") == []
    models.set_setting_value(rt, "Livechat_accept_chats_with_no_agents", True)
    room = widget(rc_server, "GET", "room", params={"token": token}).json()["room"]
    assert "servedBy" not in room
    # auto selection found nobody: the inquiry stays ready, outside the queue
    assert rt.store.find("livechat_inquiries", "rid", room["_id"])[0]["status"] == "ready"
    assert list(admin.livechat_inquiries_list()) == []


def test_manual_selection_lists_the_chat_in_the_queue(rc_server, admin, served):
    rt = runtime_of(rc_server.app)
    models.set_setting_value(rt, "Livechat_Routing_Method", "Manual_Selection")
    token = register(rc_server, "Quinn", "quinn@example.com")
    room = widget(rc_server, "GET", "room", params={"token": token}).json()["room"]
    inquiries = admin.livechat_inquiries_list()
    assert [i["rid"] for i in inquiries] == [room["_id"]]
    # the queue metrics count served chats per agent: bob's, not the waiting one
    queue = call(admin, "GET", "livechat/queue").json()
    assert queue["total"] == 1
    assert queue["queue"][0]["chats"] == 1 and queue["queue"][0]["user"]["username"] == "bob"


def test_the_visitor_closes_its_room(rc_server, served, admin):
    rest_bob, token, room = served
    body = {"token": token, "rid": room["_id"]}
    closed = widget(rc_server, "POST", "room.close", json=body).json()
    assert closed == {"success": True, "rid": room["_id"], "comment": "Closed by visitor"}
    assert widget(rc_server, "POST", "room.close", json=body).json() == {
        "success": False,
        "error": "room-closed",
    }
    stored = runtime_of(rc_server.app).store.get("rooms", room["_id"])
    assert "open" not in stored and stored["closer"] == "visitor"
    (closed,) = admin.livechat_rooms()  # dates as ISO strings, as every REST date
    assert closed["closedAt"].endswith("Z") and closed["queuedAt"].endswith("Z")
    assert stored["closedBy"]["username"] == room["v"]["username"]
    # the agent's subscription went with the open room
    assert rest_bob.call_api_get("subscriptions.getOne", roomId=room["_id"])["subscription"] is None


def test_close_by_user_needs_the_room_or_close_others(rc_server, served, alice):
    rest_bob, _, room = served
    refused = call(alice, "POST", "livechat/room.closeByUser", json={"rid": room["_id"]})
    assert refused.status_code == 403 and refused.json() == NO_PERMISSION
    runtime_of(rc_server.app).store.update(
        "users", _user_id(rc_server, "alice"), {"roles": ["user", "livechat-agent"]}
    )
    other = call(alice, "POST", "livechat/room.closeByUser", json={"rid": room["_id"]})
    assert other.json() == {"success": False, "error": "error-not-authorized"}
    missing = call(rest_bob, "POST", "livechat/room.closeByUser", json={})
    assert missing.json()["errorType"] == "invalid-params"
    assert call(rest_bob, "POST", "livechat/room.closeByUser", json={"rid": "nope"}).json() == {
        "success": False,
        "error": "error-invalid-room",
    }
    assert call(
        rest_bob, "POST", "livechat/room.closeByUser", json={"rid": room["_id"]}
    ).json() == {"success": True}
    assert call(
        rest_bob, "POST", "livechat/room.closeByUser", json={"rid": room["_id"]}
    ).json() == {
        "success": False,
        "error": "error-room-already-closed",
    }


def _user_id(server, username: str) -> str:
    return runtime_of(server.app).store.find_one("users", "username", username)["_id"]


def test_a_manager_joins_a_livechat_room_named_after_the_visitor(rc_server, served, admin):
    _, _, room = served
    assert call(admin, "GET", "livechat/room.join", params={"roomId": room["_id"]}).json() == {
        "success": True
    }
    sub = admin.call_api_get("subscriptions.getOne", roomId=room["_id"])["subscription"]
    assert sub["t"] == "l" and sub["name"] == "Vera Visitor"
    assert call(admin, "GET", "livechat/room.join", params={"roomId": "nope"}).json() == {
        "success": False,
        "error": "error-invalid-room",
    }


def test_forwarding_to_another_online_agent(rc_server, served, admin, ddp):  # noqa: F811
    rest_bob, _token, room = served
    assert admin.livechat_create_user("agent", username="alice")["success"]
    body = {"roomId": room["_id"], "userId": _user_id(rc_server, "alice")}
    offline = call(rest_bob, "POST", "livechat/room.forward", json=body).json()
    assert offline == {"success": False, "error": "error-user-is-offline"}
    ddp().login("alice")
    assert call(rest_bob, "POST", "livechat/room.forward", json=body).json() == {"success": True}
    stored = runtime_of(rc_server.app).store.get("rooms", room["_id"])
    assert stored["servedBy"]["username"] == "alice"
    subs = runtime_of(rc_server.app).store.find("subscriptions", "rid", room["_id"])
    assert [s["u"]["username"] for s in subs] == ["alice"]
    history = call(admin, "GET", f"livechat/transfer.history/{room['_id']}").json()
    (transfer,) = history["history"]
    assert transfer["scope"] == "agent" and transfer["transferredTo"]["username"] == "alice"
    assert transfer["transferredBy"]["username"] == "bob"
    same = call(admin, "POST", "livechat/room.forward", json=body).json()
    assert same == {"success": False, "error": "error-selected-agent-room-agent-are-same"}


def test_the_visitor_rates_the_conversation(rc_server, served):
    _, token, room = served
    data = [{"name": "satisfaction", "value": "5"}, {"name": "bogus", "value": "1"}]
    body = {"token": token, "rid": room["_id"], "data": data}
    assert widget(rc_server, "POST", "room.survey", json=body).json() == {
        "success": True,
        "rid": room["_id"],
        "data": {"satisfaction": "5"},
    }
    body["data"] = [{"name": "satisfaction", "value": "9"}]
    assert widget(rc_server, "POST", "room.survey", json=body).json() == {
        "success": False,
        "error": "invalid-data",
    }


def test_save_info_is_for_the_serving_agent_or_managers(rc_server, served, alice):
    rest_bob, _, room = served
    body = {
        "roomData": {"_id": room["_id"], "topic": "billing", "tags": ["vip"]},
        "guestData": {"_id": room["v"]["_id"], "name": "Vera V."},
    }
    assert call(rest_bob, "POST", "livechat/room.saveInfo", json=body).json() == {"success": True}
    stored = runtime_of(rc_server.app).store.get("rooms", room["_id"])
    assert (
        stored["topic"] == "billing" and stored["tags"] == ["vip"] and stored["fname"] == "Vera V."
    )
    runtime_of(rc_server.app).store.update(
        "users", _user_id(rc_server, "alice"), {"roles": ["user", "livechat-agent"]}
    )
    other = call(alice, "POST", "livechat/room.saveInfo", json=body)
    assert other.status_code == 403 and other.json() == {"success": False, "error": "unauthorized"}


def test_rooms_list_filters_and_deletion(rc_server, served, admin, bob):
    _rest_bob, token, room = served
    assert call(bob, "GET", "livechat/rooms").status_code == 403
    listed = admin.livechat_rooms()
    assert [r["_id"] for r in listed] == [room["_id"]]
    closed = call(admin, "GET", "livechat/rooms", params={"open": "false"}).json()
    assert closed["rooms"] == [] and closed["total"] == 0
    by_agent = call(admin, "GET", "livechat/rooms", params={"agents[]": _user_id(rc_server, "bob")})
    assert by_agent.json()["total"] == 1
    still_open = call(admin, "POST", "livechat/rooms.delete", json={"roomId": room["_id"]})
    assert still_open.json() == {"success": False}
    unknown = call(admin, "POST", "livechat/rooms.delete", json={"roomId": "nope"}).json()
    assert unknown == {"success": False, "error": "Invalid room"}
    widget(rc_server, "POST", "room.close", json={"token": token, "rid": room["_id"]})
    removed = call(admin, "POST", "livechat/rooms.removeAllClosedRooms", json={}).json()
    assert removed == {"success": True, "removedRooms": 1}
    assert runtime_of(rc_server.app).store.get("rooms", room["_id"]) is None
    filters = call(admin, "GET", "livechat/rooms/filters").json()
    assert filters == {"success": True, "filters": []}


def test_agent_info_and_next_agent_for_the_widget(rc_server, served):
    _, token, room = served
    info = widget(rc_server, "GET", f"agent.info/{room['_id']}/{token}").json()
    assert info["agent"]["username"] == "bob" and "emails" in info["agent"]
    assert widget(rc_server, "GET", f"agent.next/{token}").json() == {"success": True}
    newcomer = register(rc_server, "Nina", "nina@example.com")
    assert widget(rc_server, "GET", f"agent.next/{newcomer}").json()["agent"]["username"] == "bob"


def test_config_tells_the_widget_about_its_room_and_agent(rc_server, served):
    _, token, room = served
    config = widget(rc_server, "GET", "config", params={"token": token}).json()["config"]
    assert config["enabled"] is True and config["online"] is True
    assert config["room"]["_id"] == room["_id"] and config["agent"]["username"] == "bob"
    assert config["guest"]["token"] == token
    assert config["survey"]["values"] == ["1", "2", "3", "4", "5"]
    anonymous = widget(rc_server, "GET", "config").json()["config"]
    assert "room" not in anonymous and "guest" not in anonymous
    elsewhere = widget(rc_server, "GET", "config", params={"department": "nobody-here"}).json()
    assert elsewhere["config"]["online"] is False
    rt = runtime_of(rc_server.app)
    models.set_setting_value(rt, "Livechat_accept_chats_with_no_agents", True)
    elsewhere = widget(rc_server, "GET", "config", params={"department": "nobody-here"}).json()
    assert elsewhere["config"]["online"] is True


def test_transcript_requests_are_records(rc_server, served, admin):
    rest_bob, token, room = served
    body = {"token": token, "rid": room["_id"], "email": "not-an-email"}
    assert widget(rc_server, "POST", "transcript", json=body).json()["success"] is False
    path = f"livechat/transcript/{room['_id']}"
    assert call(rest_bob, "POST", path, json={"email": "a@b.co", "subject": "s"}).status_code == 403
    assert call(admin, "POST", path, json={"email": "a@b.co", "subject": "s"}).json() == {
        "success": True
    }
    again = call(admin, "POST", path, json={"email": "a@b.co", "subject": "s"}).json()
    assert again == {"success": False, "error": "error-transcript-already-requested"}
    assert call(admin, "DELETE", path).json() == {"success": True}
    stored = runtime_of(rc_server.app).store.get("rooms", room["_id"])
    assert "transcriptRequest" not in stored


def test_offline_messages_are_kept(rc_server):
    body = {"name": "Olga", "email": "olga@example.com", "message": "call me"}
    assert widget(rc_server, "POST", "offline.message", json=body).json() == {
        "success": True,
        "message": "Livechat offline message sent",
    }
    (record,) = runtime_of(rc_server.app).store.all("livechat_mail_records")
    assert record["kind"] == "offline-message" and record["message"] == "call me"
    missing = widget(rc_server, "POST", "offline.message", json={"name": "Olga"}).json()
    assert missing["errorType"] == "invalid-params"


def test_the_visitor_uploads_a_file_into_its_room(rc_server, served):
    _, token, room = served
    url = f"{rc_server.url}/api/v1/livechat/upload/{room['_id']}"
    files = {"file": ("note.txt", b"hello", "text/plain")}
    refused = requests.post(url, files=files, timeout=5)
    assert refused.status_code == 401
    sent = requests.post(url, files=files, headers={"x-visitor-token": token}, timeout=5).json()
    assert sent["success"] is True and sent["file"]["name"] == "note.txt"
    assert sent["u"]["username"] == room["v"]["username"]


def test_return_as_inquiry_puts_the_chat_back_in_the_queue(rc_server, served, admin):
    rest_bob, _, room = served
    returned = call(
        rest_bob, "POST", "livechat/inquiries.returnAsInquiry", json={"roomId": room["_id"]}
    )
    assert returned.json() == {"success": True, "result": True}
    history = runtime_of(rc_server.app).store.find("messages", "rid", room["_id"])
    (transfer,) = [m["transferData"] for m in history if m.get("t") == "livechat_transfer_history"]
    assert transfer["scope"] == "queue" and transfer["transferredBy"]["type"] == "user"
    inquiry = rest_bob.livechat_inquiries_get_one(room["_id"])["inquiry"]
    assert inquiry["status"] == "queued"
    assert "servedBy" not in runtime_of(rc_server.app).store.get("rooms", room["_id"])
    taken = rest_bob.livechat_inquiries_take(inquiry["_id"])
    assert taken == {"success": True}
    again = call(rest_bob, "POST", "livechat/inquiries.take", json={"inquiryId": inquiry["_id"]})
    assert again.json()["errorType"] == "error-inquiry-taken"
    unknown = call(rest_bob, "POST", "livechat/inquiries.take", json={"inquiryId": "nope"})
    assert unknown.json() == {
        "success": False,
        "error": "Inquiry not found [error-not-found]",
        "errorType": "error-not-found",
        "details": {"method": "livechat:takeInquiry"},
    }


def test_closing_rules_comment_tags_and_a_requested_transcript(rc_server, served, admin):
    rest_bob, _, room = served
    rt = runtime_of(rc_server.app)
    close = {"rid": room["_id"]}
    models.set_setting_value(rt, "Livechat_request_comment_when_closing_conversation", True)
    assert call(rest_bob, "POST", "livechat/room.closeByUser", json=close).json() == {
        "success": False,
        "error": "error-comment-is-required",
    }
    close["comment"] = "done"
    department = {"_id": "d1", "name": "Support", "requestTagBeforeClosingChat": True}
    rt.store.insert("livechat_departments", {**department, "chatClosingTags": ["closed"]})
    rt.store.update("rooms", room["_id"], {"departmentId": "d1"})
    assert call(rest_bob, "POST", "livechat/room.closeByUser", json=close).json() == {
        "success": False,
        "error": "error-tags-must-be-assigned-before-closing-chat",
    }
    close["tags"] = ["billing"]
    path = f"livechat/transcript/{room['_id']}"
    call(admin, "POST", path, json={"email": "vera@example.com", "subject": "Your chat"})
    assert call(rest_bob, "POST", "livechat/room.closeByUser", json=close).json() == {
        "success": True
    }
    stored = rt.store.get("rooms", room["_id"])
    assert stored["tags"] == ["billing", "closed"] and stored["v"]["status"] == "offline"
    assert "serviceTimeDuration" in stored["metrics"]
    (record,) = rt.store.all("livechat_mail_records")
    assert record["subject"] == "Your chat" and record["requestedBy"]["username"] == "admin"
    closing = [
        m for m in rt.store.find("messages", "rid", room["_id"]) if m.get("t") == "livechat-close"
    ]
    assert closing[0]["msg"] == "done" and closing[0]["transcriptRequested"] is True


def test_sms_incoming_without_a_provider(rc_server):
    sms = widget(rc_server, "POST", "sms-incoming/twilio", data={"From": "+1555"})
    assert sms.status_code == 400 and sms.json() == {"success": False, "error": "Invalid service"}


def test_taking_a_room_one_already_joined_counts_the_agent_once(rc_server, admin, ddp):  # noqa: F811
    rt = runtime_of(rc_server.app)
    models.set_setting_value(rt, "Livechat_Routing_Method", "Manual_Selection")
    admin.livechat_create_user("agent", username="admin")
    ddp().login("admin")
    token = register(rc_server)
    room = widget(rc_server, "GET", "room", params={"token": token}).json()["room"]
    call(admin, "GET", "livechat/room.join", params={"roomId": room["_id"]})
    assert rt.store.get("rooms", room["_id"])["usersCount"] == 2  # the visitor and admin
    inquiry = admin.livechat_inquiries_get_one(room["_id"])["inquiry"]
    assert admin.livechat_inquiries_take(inquiry["_id"]) == {"success": True}
    taken = rt.store.get("rooms", room["_id"])
    assert taken["servedBy"]["username"] == "admin" and taken["usersCount"] == 2


def test_return_as_inquiry_errors_are_bare_codes(rc_server, served):
    rest_bob, token, room = served
    path = "livechat/inquiries.returnAsInquiry"
    assert call(rest_bob, "POST", path, json={"roomId": "nope"}).json() == {
        "success": False,
        "error": "error-room-not-found",
    }
    widget(rc_server, "POST", "room.close", json={"token": token, "rid": room["_id"]})
    assert call(rest_bob, "POST", path, json={"roomId": room["_id"]}).json() == {
        "success": False,
        "error": "room-closed",
    }


def test_a_visitor_renamed_renames_its_open_room_for_the_agent(rc_server, served):
    rest_bob, token, room = served
    body = {"visitor": {"token": token, "name": "Vera Renamed"}}
    assert widget(rc_server, "POST", "visitor", json=body).json()["success"] is True
    assert runtime_of(rc_server.app).store.get("rooms", room["_id"])["fname"] == "Vera Renamed"
    sub = rest_bob.call_api_get("subscriptions.getOne", roomId=room["_id"])["subscription"]
    assert sub["name"] == sub["fname"] == "Vera Renamed"
