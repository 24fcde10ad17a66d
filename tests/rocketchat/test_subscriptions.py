"""subscriptions.*: the caller's view of their rooms."""

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat


def login(server, name):
    return RocketChat(name, f"{name}-password", server_url=server.url)


def test_get_and_get_one(rc_server):
    alice = login(rc_server, "alice")
    body = alice.subscriptions_get()
    assert set(body) == {"update", "remove", "success"}
    general = next(s for s in body["update"] if s["rid"] == "GENERAL")
    assert general["u"]["username"] == "alice" and general["t"] == "c"
    assert general["ts"].endswith("Z") and general["ls"].endswith("Z")
    one = alice.subscriptions_get_one("GENERAL")["subscription"]
    assert one["_id"] == general["_id"]
    assert alice.subscriptions_get_one("nope") == {"subscription": None, "success": True}


def test_updated_since_lists_removed(rc_server):
    alice = login(rc_server, "alice")
    rid = alice.channels_create("sub-room", members=["bob"])["channel"]["_id"]
    bob = login(rc_server, "bob")
    bob.channels_leave(rid)
    body = bob.subscriptions_get(updatedSince="2000-01-01T00:00:00.000Z")
    removed = [r for r in body["remove"]]
    assert len(removed) == 1 and set(removed[0]) == {"_id", "_deletedAt"}
    with pytest.raises(RocketApiException) as exc:
        bob.subscriptions_get(updatedSince="garbage")
    assert exc.value.response_json["errorType"] == "error-roomId-param-invalid"


def test_read_and_unread(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    first = bob.chat_post_message("one", room_id="GENERAL")["message"]
    sub = alice.subscriptions_get_one("GENERAL")["subscription"]
    # in channels only mentions count as unread (Unread_Count default)
    assert sub["unread"] == 0 and sub["alert"] is True
    bob.chat_post_message("two, @alice", room_id="GENERAL")
    sub = alice.subscriptions_get_one("GENERAL")["subscription"]
    assert sub["unread"] == 1 and sub["userMentions"] == 1
    assert alice.subscriptions_read("GENERAL") == {"success": True}
    sub = alice.subscriptions_get_one("GENERAL")["subscription"]
    assert sub["unread"] == 0 and sub["alert"] is False
    assert alice.subscriptions_unread(None, firstUnreadMessage={"_id": first["_id"]}) == {
        "success": True
    }
    sub = alice.subscriptions_get_one("GENERAL")["subscription"]
    assert sub["alert"] is True and sub["ls"] < first["ts"]


def test_read_errors(rc_server):
    bob = login(rc_server, "bob")
    raw = requests.post(
        f"{rc_server.url}/api/v1/subscriptions.read", headers=bob.headers, json={}, timeout=5
    )
    assert raw.status_code == 400 and raw.json()["errorType"] == "invalid-params"
    leadership_id = login(rc_server, "alice").groups_info(room_name="leadership")["group"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        bob.subscriptions_read(leadership_id)
    assert exc.value.response_json["errorType"] == "error-invalid-subscription"
    raw = requests.get(
        f"{rc_server.url}/api/v1/subscriptions.getOne", headers=bob.headers, timeout=5
    )
    assert raw.json() == {"success": False, "error": "The 'roomId' param is required"}


def test_subscription_events(rc_server):
    from emulator.app import runtime_of

    rt = runtime_of(rc_server.app)
    seen = []
    unsubscribe = rt.events.subscribe(lambda name, payload: seen.append((name, payload)))
    try:
        alice = login(rc_server, "alice")
        bob = login(rc_server, "bob")
        bob_id = bob.headers["X-User-Id"]
        rid = alice.channels_create("evented-room")["channel"]["_id"]
        alice.channels_invite(rid, bob_id)
        alice.channels_kick(rid, bob_id)
    finally:
        unsubscribe()
    user_events = [(p["eventName"], p["args"][0]) for n, p in seen if n == "stream-notify-user"]
    assert (f"{bob_id}/subscriptions-changed", "inserted") in user_events
    assert (f"{bob_id}/subscriptions-changed", "removed") in user_events
    assert (f"{bob_id}/rooms-changed", "removed") in user_events
    removed = next(
        p["args"][1]
        for n, p in seen
        if p["eventName"] == f"{bob_id}/subscriptions-changed" and p["args"][0] == "removed"
    )
    assert set(removed) == {"_id", "u", "rid", "t"} and removed["rid"] == rid
