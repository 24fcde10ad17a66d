"""calendar-events.*: each user's own events, as records."""

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from .clients import call

EVENT = {
    "startTime": "2026-03-02T10:00:00.000Z",
    "subject": "Standup",
    "description": "Join at https://meet.example/x?callUrl=https%3A%2F%2Fcall.example%2Fabc",
}


def test_create_list_info_update_delete(alice):
    created = alice.call_api_post("calendar-events.create", **EVENT)
    event_id = created["id"]
    event = alice.call_api_get("calendar-events.info", id=event_id)["event"]
    assert event["subject"] == "Standup" and event["startTime"] == "2026-03-02T10:00:00.000Z"
    assert event["reminderMinutesBeforeStart"] == 5
    assert event["reminderTime"] == "2026-03-02T09:55:00.000Z"
    assert event["notificationSent"] is False
    listed = alice.call_api_get("calendar-events.list", date="2026-03-02T08:00:00.000Z")["data"]
    assert [e["_id"] for e in listed] == [event_id]
    assert alice.call_api_get("calendar-events.list", date="2026-03-04T00:00:00Z")["data"] == []
    alice.call_api_post(
        "calendar-events.update",
        eventId=event_id,
        startTime="2026-03-02T11:00:00.000Z",
        subject="Standup (moved)",
        description=EVENT["description"],
    )
    moved = alice.call_api_get("calendar-events.info", id=event_id)["event"]
    assert moved["subject"] == "Standup (moved)"
    assert moved["meetingUrl"] == "https://call.example/abc"  # found in the description
    alice.call_api_post("calendar-events.delete", eventId=event_id)
    answer = call(alice, "GET", "calendar-events.info", params={"id": event_id})
    assert answer.status_code == 400 and answer.json() == {"success": False}


def test_import_updates_by_external_id(alice):
    first = alice.call_api_post("calendar-events.import", **EVENT, externalId="ext-1")["id"]
    again = alice.call_api_post(
        "calendar-events.import", **{**EVENT, "subject": "Renamed"}, externalId="ext-1"
    )["id"]
    assert again == first
    assert alice.call_api_get("calendar-events.info", id=first)["event"]["subject"] == "Renamed"


def test_events_are_their_owners(alice, bob):
    event_id = alice.call_api_post("calendar-events.create", **EVENT)["id"]
    with pytest.raises(RocketApiException) as exc:
        bob.call_api_post("calendar-events.delete", eventId=event_id)
    assert exc.value.response_json == {"success": False, "error": "invalid-calendar-event"}
    answer = call(bob, "GET", "calendar-events.info", params={"id": event_id})
    assert answer.json() == {"success": False}
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("calendar-events.create", subject="x", description="y")
    assert exc.value.response_json["error"] == ("must have required property 'startTime'")
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("calendar-events.create", **EVENT, colour="red")
    assert exc.value.response_json["error"] == ("must NOT have additional properties")
