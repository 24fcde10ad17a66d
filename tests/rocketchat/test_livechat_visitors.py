"""Omnichannel visitors: registration by token, lookups, custom field values, status, pages."""

from __future__ import annotations

import pytest

from emulator.app import runtime_of
from emulator.rocketchat import models
from tests.test_journal import assert_never_journaled

from .clients import NO_PERMISSION, call
from .test_livechat_conversation import register, widget


@pytest.fixture(autouse=True)
def no_agent_needed(rc_server):
    """Rooms open without an online agent here (``Livechat_accept_chats_with_no_agents``)."""
    models.set_setting_value(
        runtime_of(rc_server.app), "Livechat_accept_chats_with_no_agents", True
    )


def test_registering_again_with_the_token_updates_the_visitor(rc_server, admin):
    token = register(rc_server)
    first = admin.livechat_get_visitor(token)["visitor"]
    assert first["username"] == "guest-1" and first["visitorEmails"] == [
        {"address": "vera@example.com"}
    ]
    body = {"visitor": {"token": token, "name": "Vera Two", "phone": "+15550100"}}
    updated = widget(rc_server, "POST", "visitor", json=body).json()["visitor"]
    assert updated["_id"] == first["_id"] and updated["name"] == "Vera Two"
    assert updated["phone"] == [{"phoneNumber": "+15550100"}]
    assert register(rc_server, "Other", "other@example.com") != token
    # the same e-mail under a new token is the same visitor, now with that token
    moved = register(rc_server, "Vera", "vera@example.com")
    assert admin.livechat_get_visitor(moved)["visitor"]["_id"] == first["_id"]
    usernames = {v["username"] for v in runtime_of(rc_server.app).store.all("livechat_visitors")}
    assert usernames == {"guest-1", "guest-2"}


def test_registration_errors(rc_server):
    empty = widget(rc_server, "POST", "visitor", json={"visitor": {"token": "  "}}).json()
    assert empty == {
        "success": False,
        "error": "Token cannot be empty [error-invalid-token]",
        "errorType": "error-invalid-token",
        "details": {"method": "livechat/visitor"},
    }
    missing = widget(rc_server, "POST", "visitor", json={}).json()
    assert missing == {"success": False, "error": "Match error: Missing key 'visitor'"}
    numeric = widget(rc_server, "POST", "visitor", json={"visitor": {"token": "t", "name": 7}})
    assert numeric.json() == {
        "success": False,
        "error": "Match error: Expected string, got number in field visitor.name",
    }
    bad_email = {"visitor": {"token": "t1", "email": "nope"}}
    assert widget(rc_server, "POST", "visitor", json=bad_email).json()["errorType"] == (
        "error-invalid-email"
    )
    assert runtime_of(rc_server.app).store.all("livechat_visitors") == []


def test_get_and_delete_a_visitor(rc_server):
    token = register(rc_server)
    assert widget(rc_server, "GET", "visitor/nope").json() == {
        "success": False,
        "error": "[invalid-token]",
        "errorType": "invalid-token",
    }
    widget(rc_server, "GET", "room", params={"token": token})
    busy = widget(rc_server, "DELETE", f"visitor/{token}").json()
    assert busy["errorType"] == "visitor-has-open-rooms"
    rid = runtime_of(rc_server.app).store.find("rooms", "t", "l")[0]["_id"]
    widget(rc_server, "POST", "room.close", json={"token": token, "rid": rid})
    removed = widget(rc_server, "DELETE", f"visitor/{token}").json()
    assert removed["success"] is True and set(removed["visitor"]) == {"_id", "ts"}
    assert widget(rc_server, "GET", f"visitor/{token}").json()["success"] is False


def test_agents_look_visitors_up(rc_server, admin, bob):
    token = register(rc_server)
    visitor = admin.livechat_get_visitor(token)["visitor"]
    assert call(
        bob, "GET", "livechat/visitors.info", params={"visitorId": visitor["_id"]}
    ).json() == (NO_PERMISSION)
    info = call(admin, "GET", "livechat/visitors.info", params={"visitorId": visitor["_id"]})
    assert info.json()["visitor"]["token"] == token
    unknown = call(admin, "GET", "livechat/visitors.info", params={"visitorId": "nope"}).json()
    assert unknown == {"success": False, "error": "visitor-not-found"}
    found = call(admin, "GET", "livechat/visitors.search", params={"term": "vera@"}).json()
    assert [v["_id"] for v in found["visitors"]] == [visitor["_id"]] and found["total"] == 1
    selector = '{"term": "Vera"}'
    items = call(admin, "GET", "livechat/visitors.autocomplete", params={"selector": selector})
    assert items.json()["items"][0]["_id"] == visitor["_id"]
    rooms = call(admin, "GET", f"livechat/visitor/{token}/room").json()
    assert rooms == {"success": True, "rooms": []}


def test_custom_field_values_need_a_definition(rc_server):
    token = register(rc_server)
    body = {"token": token, "key": "plan", "value": "gold", "overwrite": True}
    assert widget(rc_server, "POST", "custom.field", json=body).json() == {
        "success": False,
        "error": "invalid-custom-field",
    }
    rt = runtime_of(rc_server.app)
    plan = {"_id": "plan", "label": "Plan", "scope": "visitor", "regexp": "^[a-z]+$"}
    rt.store.insert("livechat_custom_fields", plan)
    rt.store.insert("livechat_custom_fields", {"_id": "topic", "label": "Topic", "scope": "room"})
    assert widget(rc_server, "POST", "custom.field", json=body).json() == {
        "success": True,
        "field": {"key": "plan", "value": "gold", "overwrite": True},
    }
    shouty = {**body, "value": "GOLD"}
    assert widget(rc_server, "POST", "custom.field", json=shouty).json() == {
        "success": False,
        "error": "Invalid value for plan field",
    }
    keep = {"token": token, "customFields": [{"key": "plan", "value": "tin", "overwrite": False}]}
    assert widget(rc_server, "POST", "custom.fields", json=keep).json()["success"] is True
    assert rt.store.find_one("livechat_visitors", "token", token)["livechatData"] == {
        "plan": "gold"
    }
    both = [
        {"key": "plan", "value": "tin", "overwrite": True},
        {"key": "topic", "value": "billing", "overwrite": True},
    ]
    assert widget(
        rc_server, "POST", "custom.fields", json={"token": token, "customFields": both}
    ).json() == {
        "success": True,
        "fields": [
            {"Key": "topic", "value": "billing", "overwrite": True},
            {"Key": "plan", "value": "tin", "overwrite": True},
        ],
    }
    assert rt.store.find_one("livechat_visitors", "token", token)["livechatData"] == {"plan": "tin"}
    bad = widget(rc_server, "POST", "custom.field", json={"token": token}).json()
    assert bad["errorType"] == "invalid-params"


def test_visitor_status_reaches_its_room(rc_server):
    token = register(rc_server)
    widget(rc_server, "GET", "room", params={"token": token})
    body = {"token": token, "status": "away"}
    assert widget(rc_server, "POST", "visitor.status", json=body).json() == {
        "success": True,
        "token": token,
        "status": "away",
    }
    (room,) = runtime_of(rc_server.app).store.find("rooms", "t", "l")
    assert room["v"]["status"] == "away"


def test_pages_visited_are_messages_of_the_room(rc_server, admin):
    token = register(rc_server)
    room = widget(rc_server, "GET", "room", params={"token": token}).json()["room"]
    page = {"change": "url", "title": "Pricing", "location": {"href": "https://x.test/pricing"}}
    body = {"token": token, "rid": room["_id"], "pageInfo": page}
    visited = widget(rc_server, "POST", "page.visited", json=body).json()
    assert visited["page"]["msg"] == "Pricing - https://x.test/pricing"
    pages = call(admin, "GET", f"livechat/visitors.pagesVisited/{room['_id']}").json()
    assert pages["total"] == 1 and pages["pages"][0]["navigation"]["page"]["title"] == "Pricing"
    assert visited["success"] is True
    nav = runtime_of(rc_server.app).store.find("messages", "rid", room["_id"])[-1]
    assert nav["u"]["username"] == "rocket.cat"
    other = {**body, "pageInfo": {**page, "change": "title"}}  # not the monitored kind
    assert widget(rc_server, "POST", "page.visited", json=other).json() == {"success": True}
    bad = {**body, "pageInfo": {**page, "location": "https://x.test"}}
    assert widget(rc_server, "POST", "page.visited", json=bad).json()["errorType"] == (
        "invalid-params"
    )
    history = widget(rc_server, "GET", f"messages.history/{room['_id']}", params={"token": token})
    assert all(m.get("t") != "livechat_navigation_history" for m in history.json()["messages"])


def test_the_visitor_token_in_a_path_stays_out_of_the_journal(rc_server, admin):
    """The token is the visitor's only credential; some routes take it as a path segment."""
    token = register(rc_server)
    rid = widget(rc_server, "GET", "room", params={"token": token}).json()["room"]["_id"]
    widget(rc_server, "GET", f"visitor/{token}")
    widget(rc_server, "GET", f"agent.next/{token}")
    widget(rc_server, "GET", f"agent.info/{rid}/{token}")
    call(admin, "GET", f"livechat/visitor/{token}/room")
    shown = assert_never_journaled(rc_server, token)
    paths = {entry["path"] for entry in shown}
    assert "/api/v1/livechat/visitor/[redacted]/room" in paths
    assert f"/api/v1/livechat/agent.info/{rid}/[redacted]" in paths
