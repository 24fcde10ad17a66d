"""``im.setTopic`` / ``dm.setTopic`` (``v1/im.ts``)."""

from __future__ import annotations

from tests.rocketchat.clients import call


def test_admin_sets_a_dm_topic_with_its_system_message(admin):
    rid = admin.dm_create(username="alice")["room"]["_id"]
    assert admin.dm_set_topic(rid, "Budget") == {"topic": "Budget", "success": True}
    messages = call(admin, "GET", "im.messages", params={"roomId": rid}).json()["messages"]
    assert (messages[0]["t"], messages[0]["msg"]) == ("room_changed_topic", "Budget")
    assert call(admin, "POST", "im.setTopic", json={"roomId": rid, "topic": "Budget"}).ok


def test_a_member_without_edit_room_is_refused(admin, alice, bob):
    rid = alice.dm_create(username="bob")["room"]["_id"]
    answer = call(alice, "POST", "im.setTopic", json={"roomId": rid, "topic": "x"})
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "success": False,
            "error": "Editing room is not allowed [error-action-not-allowed]",
            "errorType": "error-action-not-allowed",
            "details": {"method": "saveRoomSettings", "action": "Editing_room"},
        },
    )
    # a room the caller cannot read: API.v1.forbidden()
    outsider = call(admin, "POST", "im.setTopic", json={"roomId": rid, "topic": "x"})
    assert (outsider.status_code, outsider.json()) == (
        403,
        {"success": False, "error": "unauthorized"},
    )
    missing = call(alice, "POST", "im.setTopic", json={"topic": "x"})
    assert missing.json()["errorType"] == "error-room-param-not-provided"
    general = call(alice, "POST", "im.setTopic", json={"roomId": "GENERAL", "topic": "x"})
    assert general.json()["errorType"] == "error-room-not-found"
