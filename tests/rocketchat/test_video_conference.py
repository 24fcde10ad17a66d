"""video-conference.*: a Community server with no conference-call app."""

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from emulator.app import runtime_of

from .clients import call


def test_no_provider_on_community(rc_server, admin):
    assert admin.call_api_get("video-conference.providers") == {"success": True, "data": []}
    seen = []
    unsubscribe = runtime_of(rc_server.app).events.subscribe(
        lambda name, payload: seen.append((name, payload))
    )
    try:
        with pytest.raises(RocketApiException) as exc:
            admin.call_api_post("video-conference.start", roomId="GENERAL")
    finally:
        unsubscribe()
    assert exc.value.response_json == {"success": False, "error": "no-videoconf-provider-app"}
    assert any("Conference call apps are available" in str(payload) for _, payload in seen)
    answer = call(admin, "GET", "video-conference.capabilities")
    assert answer.json() == {"success": False, "error": "no-videoconf-provider-app"}


def test_calls_are_listed_and_shown_per_room(rc_server, admin, alice):
    rt = runtime_of(rc_server.app)
    rt.store.insert(
        "video_conferences",
        {
            "_id": "call-1",
            "type": "videoconference",
            "rid": "GENERAL",
            "status": 1,
            "createdAt": 1_700_000_000_000,
            "providerName": "jitsi",
        },
    )
    listed = alice.call_api_get("video-conference.list", roomId="GENERAL")
    assert [c["_id"] for c in listed["data"]] == ["call-1"] and listed["total"] == 1
    shown = alice.call_api_get("video-conference.info", callId="call-1")
    assert shown["providerName"] == "jitsi" and shown["capabilities"] == {}
    assert alice.call_api_post("video-conference.cancel", callId="call-1") == {"success": True}
    assert rt.store.get("video_conferences", "call-1")["status"] == 3
    answer = call(alice, "GET", "video-conference.info", params={"callId": "nope"})
    assert answer.json() == {"success": False, "error": "invalid-params"}
    answer = call(alice, "POST", "video-conference.start", json={})
    assert answer.json()["error"] == "must have required property 'roomId'"
