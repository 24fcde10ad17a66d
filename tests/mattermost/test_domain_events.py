"""Realtime events come from the domain operation that does the write, so every door sends them.

Each event is checked through REST and through the other doors that reach the same operation:
seeding and the control plane call ``models`` directly, the dashboard posts with ``post_as``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from emulator.app import runtime_of
from emulator.mattermost import models, wire
from tests.mattermost.clients import as_sent

Published = list[tuple[str, dict[str, Any]]]


@pytest.fixture
def published(mm_app: Flask) -> Published:
    seen: Published = []
    runtime_of(mm_app).events.subscribe(lambda name, payload: seen.append((name, as_sent(payload))))
    return seen


def _login(client: FlaskClient, username: str) -> dict[str, str]:
    response = client.post(
        "/api/v4/users/login", json={"login_id": username, "password": f"{username}-password"}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.headers['Token']}"}


def _user_id(app: Flask, username: str) -> str:
    return runtime_of(app).store.find_one("users", "username", username)["id"]


def _stranger(app: Flask) -> str:
    """A generated person with whom alice has no direct or group channel yet."""
    store = runtime_of(app).store
    alice = _user_id(app, "alice")
    shared = set()
    for channel in store.all("channels"):
        members = {m["user_id"] for m in store.find("channel_members", "channel_id", channel["id"])}
        if channel["type"] in ("D", "G") and alice in members:
            shared |= members
    fixture = {"admin", "alice", "bob", "helper-bot"}
    return next(
        u["id"]
        for u in store.all("users")
        if u["username"] not in fixture and not u["is_bot"] and u["id"] not in shared
    )


def _named(published: Published, event: str) -> list[dict[str, Any]]:
    return [payload for name, payload in published if name == event]


def _broadcast(channel_id: str = "", user_id: str = "") -> dict[str, Any]:
    return {"omit_users": None, "user_id": user_id, "channel_id": channel_id, "team_id": ""}


# -- direct_added -------------------------------------------------------------------------------


def test_rest_direct_channel_announces_direct_added_once(mm_app, published):
    client = mm_app.test_client()
    headers = _login(client, "alice")
    alice, david = _user_id(mm_app, "alice"), _stranger(mm_app)
    created = client.post("/api/v4/channels/direct", json=[alice, david], headers=headers)
    assert created.status_code == 201
    assert _named(published, "direct_added") == [
        {
            "data": {"creator_id": alice, "teammate_id": david},
            "broadcast": _broadcast(channel_id=created.json["id"]),
        }
    ]
    again = client.post("/api/v4/channels/direct", json=[david, alice], headers=headers)
    assert again.json["id"] == created.json["id"]
    assert len(_named(published, "direct_added")) == 1


def test_rest_direct_channel_made_by_an_admin_for_two_others_names_the_admin(mm_app, published):
    client = mm_app.test_client()
    admin, alice, david = _user_id(mm_app, "admin"), _user_id(mm_app, "alice"), _stranger(mm_app)
    created = client.post(
        "/api/v4/channels/direct", json=[david, alice], headers=_login(client, "admin")
    )
    assert created.status_code == 201
    assert _named(published, "direct_added")[0]["data"] == {
        "creator_id": admin,
        "teammate_id": david,
    }


def test_direct_channel_made_outside_http_announces_direct_added(mm_app, published):
    """The door seeding takes: the domain operation itself, no request anywhere."""
    rt = runtime_of(mm_app)
    alice, tanya = _user_id(mm_app, "alice"), _stranger(mm_app)
    channel = models.create_direct_channel(rt, tanya, alice)
    assert _named(published, "direct_added") == [
        {
            "data": {"creator_id": tanya, "teammate_id": alice},
            "broadcast": _broadcast(channel_id=channel["id"]),
        }
    ]
    assert models.create_direct_channel(rt, alice, tanya)["id"] == channel["id"]
    assert len(_named(published, "direct_added")) == 1


# -- group_added --------------------------------------------------------------------------------


def _group_added(published: Published) -> dict[str, list[str]]:
    """Each recipient's teammate_ids, by recipient."""
    return {
        p["broadcast"]["user_id"]: json.loads(p["data"]["teammate_ids"])
        for p in _named(published, "group_added")
    }


def test_rest_group_channel_announces_group_added_to_each_member(mm_app, published):
    client = mm_app.test_client()
    headers = _login(client, "alice")
    alice, bob, admin = (_user_id(mm_app, n) for n in ("alice", "bob", "admin"))
    created = client.post("/api/v4/channels/group", json=[bob, admin], headers=headers)
    assert created.status_code == 201
    members = sorted([alice, bob, admin])
    assert _group_added(published) == {m: [o for o in members if o != m] for m in members}
    assert {p["broadcast"]["channel_id"] for p in _named(published, "group_added")} == {
        created.json["id"]
    }
    client.post("/api/v4/channels/group", json=[admin, bob], headers=headers)
    assert len(_named(published, "group_added")) == 3


def test_group_channel_made_outside_http_announces_group_added(mm_app, published):
    rt = runtime_of(mm_app)
    members = sorted([_user_id(mm_app, "alice"), _user_id(mm_app, "bob"), _stranger(mm_app)])
    channel = models.create_group_channel(rt, members)
    assert _group_added(published) == {m: [o for o in members if o != m] for m in members}
    assert _named(published, "group_added")[0]["broadcast"]["channel_id"] == channel["id"]


# -- ephemeral_message --------------------------------------------------------------------------


def test_rest_ephemeral_post_is_announced_to_its_one_user(mm_app, published):
    client = mm_app.test_client()
    alice = _user_id(mm_app, "alice")
    channel_id = runtime_of(mm_app).store.find("channels", "name", "town-square")[0]["id"]
    body = {"user_id": alice, "post": {"channel_id": channel_id, "message": "psst"}}
    sent = client.post("/api/v4/posts/ephemeral", json=body, headers=_login(client, "admin"))
    assert sent.status_code == 201
    [event] = _named(published, "ephemeral_message")
    assert json.loads(event["data"]["post"]) == sent.json
    assert event["broadcast"] == _broadcast(channel_id=channel_id, user_id=alice)


def test_ephemeral_post_sent_outside_http_is_announced(mm_app, published):
    rt = runtime_of(mm_app)
    admin, alice = _user_id(mm_app, "admin"), _user_id(mm_app, "alice")
    channel_id = rt.store.find("channels", "name", "town-square")[0]["id"]
    post = models.send_ephemeral_post(
        rt, sender_id=admin, target_id=alice, channel_id=channel_id, message="psst"
    )
    [event] = _named(published, "ephemeral_message")
    sent = json.loads(event["data"]["post"])
    assert (sent["id"], sent["message"], sent["type"]) == (post["id"], "psst", "system_ephemeral")
    assert event["broadcast"] == _broadcast(channel_id=channel_id, user_id=alice)
    assert rt.store.get("posts", post["id"]) is None


# -- posted -------------------------------------------------------------------------------------


def test_a_post_is_announced_whether_it_comes_from_rest_or_the_dashboard(mm_app, published):
    client = mm_app.test_client()
    channel_id = runtime_of(mm_app).store.find("channels", "name", "town-square")[0]["id"]
    rest = client.post(
        "/api/v4/posts",
        json={"channel_id": channel_id, "message": "from rest"},
        headers=_login(client, "alice"),
    )
    assert rest.status_code == 201
    dashboard = client.post(
        "/_emulator/post",
        json={"username": "bob", "channel_id": channel_id, "text": "from the dashboard"},
    )
    assert dashboard.status_code == 201
    posted = [json.loads(p["data"]["post"]) for p in _named(published, "posted")]
    assert [(p["id"], p["message"]) for p in posted] == [
        (rest.json["id"], "from rest"),
        (dashboard.json["id"], "from the dashboard"),
    ]


# -- typing -------------------------------------------------------------------------------------


def test_typing_is_published_only_for_someone_who_may_post_there(mm_app, published):
    """The rule the REST route and the WebSocket ``user_typing`` action share."""
    rt = runtime_of(mm_app)
    bob = _user_id(mm_app, "bob")
    town_square = rt.store.find("channels", "name", "town-square")[0]["id"]
    leadership = rt.store.find("channels", "name", "leadership")[0]["id"]
    assert models.user_typing(rt, bob, leadership) is False
    assert models.user_typing(rt, bob, "no-such-channel") is False
    assert _named(published, "typing") == []
    assert models.user_typing(rt, bob, town_square, "") is True
    assert _named(published, "typing") == [
        {
            "data": {"parent_id": "", "user_id": bob},
            "broadcast": {
                "channel_id": town_square,
                "team_id": "",
                "user_id": "",
                "omit_users": {bob: True},
            },
        }
    ]


# -- documents on the bus, wire on the way out ------------------------------------------------


def test_the_domain_publishes_documents_and_wire_renders_the_json_encoded_fields(mm_app):
    rt = runtime_of(mm_app)
    raw: Published = []
    rt.events.subscribe(lambda name, payload: raw.append((name, payload)))
    channel = rt.store.find("channels", "name", "town-square")[0]
    alice = rt.store.get("users", _user_id(mm_app, "alice"))
    bob = rt.store.get("users", _user_id(mm_app, "bob"))
    post = models.create_post(rt, alice, channel_id=channel["id"], message="hi")
    reaction = models.save_reaction(rt, bob, bob["id"], post["id"], "smile")
    [posted] = _named(raw, "posted")
    assert posted["data"]["post"] == post
    assert posted["data"]["post_metadata"] == {}
    [added] = _named(raw, "reaction_added")
    assert added["data"]["reaction"] == reaction
    sent = wire.ws_event_data(posted["data"])
    assert "post_metadata" not in sent
    assert json.loads(sent["post"]) == {**wire.post(post), "metadata": {}}
    assert json.loads(wire.ws_event_data(added["data"])["reaction"]) == wire.reaction(reaction)
