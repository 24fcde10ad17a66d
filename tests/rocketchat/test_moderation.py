"""moderation.*: the reports chat.reportMessage and moderation.reportUser file, and the console
that reads, dismisses and acts on them (rocketchat_API's moderation_* methods)."""

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from tests.rocketchat.clients import NO_PERMISSION


def login(server, name):
    return RocketChat(name, f"{name}-password", server_url=server.url)


def api_error(excinfo):
    return excinfo.value.status_code, excinfo.value.response_json


def uid(rocket):
    return rocket.headers["X-User-Id"]


def test_report_message_validates_and_feeds_the_console(rc_server):
    admin, alice, bob = (login(rc_server, n) for n in ("admin", "alice", "bob"))
    mid = bob.chat_post_message("buy cheap watches", room_id="GENERAL")["message"]["_id"]
    assert alice.chat_report_message(mid, "spam") == {"success": True}
    admin.chat_report_message(mid, "definitely spam")
    for message_id, description, error_type in (
        (mid, "  ", "error-invalid-description"),
        ("missing", "spam", "error-invalid-message_id"),
    ):
        with pytest.raises(RocketApiException) as exc:
            alice.chat_report_message(message_id, description)
        assert api_error(exc)[1]["errorType"] == error_type
        assert api_error(exc)[1]["details"] == {"method": "reportMessage"}
    secret = admin.chat_post_message(
        "board only", room_id=alice.groups_info(room_name="leadership")["group"]["_id"]
    )["message"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        bob.chat_report_message(secret, "peek")
    assert api_error(exc)[1]["errorType"] == "error-invalid-permissions"
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("chat.reportMessage", messageId=mid)
    assert api_error(exc)[1]["errorType"] == "invalid-params"

    assert len(list(admin.moderation_reports_by_users())) == 1
    grouped = admin.call_api_get("moderation.reportsByUsers")
    assert grouped["total"] == 1 and grouped["count"] == 1
    entry = grouped["reports"][0]
    assert (entry["userId"], entry["username"], entry["count"], entry["msgId"]) == (
        uid(bob),
        "bob",
        2,
        mid,
    )
    assert entry["roomIds"] == ["GENERAL"] and entry["isUserDeleted"] is False
    reports = list(admin.moderation_reports(mid))
    assert sorted(r["description"] for r in reports) == ["definitely spam", "spam"]
    info = admin.moderation_report_info(reports[0]["_id"])["report"]
    assert info["message"]["_id"] == mid and info["room"]["_id"] == "GENERAL"
    with pytest.raises(RocketApiException) as exc:
        admin.moderation_report_info("nope")
    assert api_error(exc)[1] == {"success": False, "error": "error-report-not-found"}
    messages = admin.moderation_user_reported_messages(uid(bob))
    assert [m["message"]["_id"] for m in messages["messages"]] == [mid]
    assert messages["count"] == 2 and messages["total"] == 2
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_get("moderation.reportsByUsers")
    assert api_error(exc) == (403, NO_PERMISSION)


def test_dismiss_reports_hides_them(rc_server):
    admin, alice, bob = (login(rc_server, n) for n in ("admin", "alice", "bob"))
    mid = bob.chat_post_message("meh", room_id="GENERAL")["message"]["_id"]
    alice.chat_report_message(mid, "rude")
    with pytest.raises(RocketApiException) as exc:
        alice.moderation_dismiss_reports(msg_id=mid)
    assert api_error(exc)[0] == 403
    assert admin.moderation_dismiss_reports(msg_id=mid, reason="fine") == {"success": True}
    assert list(admin.moderation_reports(mid)) == []
    assert list(admin.moderation_reports_by_users()) == []
    with pytest.raises(RocketApiException) as exc:
        admin.moderation_dismiss_reports(user_id=uid(bob))
    assert api_error(exc)[1] == {"success": False, "error": "no-reports-found"}


def test_delete_reported_messages(rc_server):
    admin, alice, bob = (login(rc_server, n) for n in ("admin", "alice", "bob"))
    mids = [bob.chat_post_message(t, room_id="GENERAL")["message"]["_id"] for t in ("x", "y")]
    for mid in mids:
        alice.chat_report_message(mid, "bad")
    assert admin.moderation_user_delete_reported_messages(uid(bob)) == {"success": True}
    left = {m["_id"] for m in admin.call_api_get("channels.messages", roomId="GENERAL")["messages"]}
    assert not left & set(mids)
    assert admin.moderation_user_reported_messages(uid(bob))["messages"] == []
    with pytest.raises(RocketApiException) as exc:
        admin.moderation_user_delete_reported_messages(uid(bob))
    assert api_error(exc)[1] == {
        "success": False,
        "error": "No reported messages found for this user.",
    }
    with pytest.raises(RocketApiException) as exc:
        admin.moderation_user_delete_reported_messages("nobody")
    assert api_error(exc)[1] == {"success": False, "error": "error-invalid-user"}


def test_user_reports(rc_server):
    admin, alice, bob = (login(rc_server, n) for n in ("admin", "alice", "bob"))
    body = alice.moderation_report_user(uid(bob), "impersonating me")
    assert body["success"] is True and body["acknowledged"] is True and body["insertedId"]
    admin.moderation_report_user(uid(bob), "suspicious")
    with pytest.raises(RocketApiException) as exc:
        alice.moderation_report_user("nobody", "x")
    assert api_error(exc)[1] == {"success": False, "error": "Invalid user id provided."}
    listed = list(admin.moderation_user_reports())
    assert len(listed) == 1
    assert listed[0]["reportedUser"]["username"] == "bob" and listed[0]["count"] == 2
    by_user = admin.moderation_user_reports_by_user_id(uid(bob))
    assert by_user["user"]["username"] == "bob" and by_user["total"] == 2
    assert {r["reportedBy"]["username"] for r in by_user["reports"]} == {"alice", "admin"}
    assert admin.moderation_dismiss_user_reports(uid(bob), action="none") == {"success": True}
    assert list(admin.moderation_user_reports()) == []
    with pytest.raises(RocketApiException) as exc:
        admin.moderation_dismiss_user_reports(uid(bob))
    assert api_error(exc)[1] == {"success": False, "error": "no-reports-found"}
