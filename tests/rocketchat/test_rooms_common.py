"""What every room family reads the same way (``resources/_rooms_common.py``): history bounds and
order, counters and members, through ``channels.*``, ``groups.*`` and ``im.*`` alike."""

from __future__ import annotations

import pytest

from emulator.app import runtime_of
from tests.rocketchat.clients import call


def new_room(admin, prefix: str) -> str:
    """A room of the family with admin and alice in it."""
    if prefix == "im":
        response = call(admin, "POST", "im.create", json={"username": "alice"})
        return response.json()["room"]["_id"]
    response = call(
        admin, "POST", f"{prefix}.create", json={"name": f"common-{prefix}", "members": ["alice"]}
    )
    return response.json()["channel" if prefix == "channels" else "group"]["_id"]


@pytest.fixture(params=["channels", "groups", "im"])
def room(request, admin, rc_server) -> tuple[str, str]:
    runtime_of(rc_server.app).clock.freeze()
    return request.param, new_room(admin, request.param)


def post(rocket, rc_server, room_id: str, text: str) -> str:
    clock = runtime_of(rc_server.app).clock
    clock.advance(500)
    sent = call(rocket, "POST", "chat.postMessage", json={"roomId": room_id, "text": text})
    assert sent.status_code == 200, sent.text
    clock.advance(500)  # "now", the default ``latest``, lies after the message (bounds exclude)
    return sent.json()["message"]["ts"]


def texts(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [m["msg"] for m in response.json()["messages"]]


def test_history_is_newest_first_between_the_bounds(room, admin, alice, rc_server):
    prefix, room_id = room
    stamps = [post(admin, rc_server, room_id, text) for text in ("one", "two", "three")]
    url = f"{prefix}.history"
    everything = texts(call(alice, "GET", url, params={"roomId": room_id}))
    assert everything[:3] == ["three", "two", "one"]
    bounds = {"roomId": room_id, "oldest": stamps[0], "latest": stamps[2]}
    assert texts(call(alice, "GET", url, params=bounds)) == ["two"]
    inclusive = {**bounds, "inclusive": "true"}
    assert texts(call(alice, "GET", url, params=inclusive)) == ["three", "two", "one"]
    assert texts(call(alice, "GET", url, params={**inclusive, "count": 1})) == ["three"]


def test_history_counts_unreads_not_loaded(room, admin, alice, rc_server):
    prefix, room_id = room
    stamps = [post(admin, rc_server, room_id, text) for text in ("a", "b", "c")]
    args = {"roomId": room_id, "oldest": stamps[0], "count": 1, "unreads": "true"}
    body = call(alice, "GET", f"{prefix}.history", params=args).json()
    assert [m["msg"] for m in body["messages"]] == ["c"]
    assert body["unreadNotLoaded"] == 1  # "b": after oldest, before the first loaded message
    assert body["firstUnread"]["msg"] == "b"


def test_counters_and_members(room, admin, alice, rc_server):
    prefix, room_id = room
    post(admin, rc_server, room_id, "unread for alice")
    counters = call(alice, "GET", f"{prefix}.counters", params={"roomId": room_id}).json()
    assert counters["success"] is True
    assert (counters["joined"], counters["members"], counters["unreads"]) == (True, 2, 1)
    assert counters["msgs"] == runtime_of(rc_server.app).store.get("rooms", room_id)["msgs"]
    members = call(alice, "GET", f"{prefix}.members", params={"roomId": room_id}).json()
    assert [m["username"] for m in members["members"]] == ["admin", "alice"]
    assert (members["count"], members["total"]) == (2, 2)
