"""Users administration and mail: avatar suggestions, data downloads, welcome, confirmation and
invitation mail (recorded, never sent), ``users.listByStatus``, and avatars by room and id."""

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from emulator.app import runtime_of

from .clients import NO_PERMISSION, call


def mails(rc_server):
    return runtime_of(rc_server.app).store.all("mails")


def test_avatar_suggestion_is_empty_without_outside_services(alice):
    assert alice.call_api_get("users.getAvatarSuggestion") == {"success": True, "suggestions": {}}


def test_request_data_download_records_one_operation_a_day(alice):
    first = alice.call_api_get("users.requestDataDownload")
    operation = first["exportOperation"]
    assert first["requested"] is True and operation["status"] == "pending"
    assert operation["fullExport"] is False and operation["userData"]["username"] == "alice"
    assert "services" not in operation["userData"]
    again = alice.call_api_get("users.requestDataDownload")
    assert again["requested"] is False and again["exportOperation"]["_id"] == operation["_id"]
    full = alice.call_api_get("users.requestDataDownload", fullExport="true")
    assert full["requested"] is True and full["exportOperation"]["fullExport"] is True


def test_welcome_email_needs_smtp_then_is_recorded(rc_server, admin, alice):
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("users.sendWelcomeEmail", email="alice@example.com")
    assert exc.value.response_json == {
        "success": False,
        "error": "SMTP is not configured [error-email-send-failed]",
        "errorType": "error-email-send-failed",
        "details": {"method": "sendWelcomeEmail"},
    }
    assert mails(rc_server) == []
    runtime_of(rc_server.app).store.update("settings", "SMTP_Host", {"value": "127.0.0.1"})
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("users.sendWelcomeEmail", email="nobody@example.com")
    assert exc.value.response_json["errorType"] == "error-invalid-user"
    assert admin.call_api_post("users.sendWelcomeEmail", email="alice@example.com") == {
        "success": True
    }
    assert [m["to"] for m in mails(rc_server)] == ["alice@example.com"]
    answer = call(alice, "POST", "users.sendWelcomeEmail", json={"email": "alice@example.com"})
    assert answer.status_code == 403 and answer.json() == NO_PERMISSION


def test_confirmation_email_stores_a_verification_token(rc_server, alice):
    answer = call(alice, "POST", "users.sendConfirmationEmail", json={"email": "x@nowhere.test"})
    assert answer.status_code == 400 and answer.json() == {"success": False}
    answer = call(alice, "POST", "users.sendConfirmationEmail", json={"email": "bob@example.com"})
    assert answer.json() == {"success": True}
    bob = runtime_of(rc_server.app).store.find_one("users", "username", "bob")
    token = bob["services"]["email"]["verificationTokens"][0]["token"]
    (sent,) = mails(rc_server)
    assert sent["to"] == "bob@example.com" and token in sent["html"]


def test_invitation_email(rc_server, admin, alice):
    assert admin.send_invitation_email(["new@example.com", "not-an-address"]) == {"success": True}
    assert [m["to"] for m in mails(rc_server)] == ["new@example.com"]
    assert admin.settings_get("Invitation_Email_Count")["value"] == 1
    with pytest.raises(RocketApiException) as exc:
        admin.send_invitation_email(["nope"])
    assert exc.value.response_json == {
        "success": False,
        "error": "No valid email addresses [error-email-send-failed]",
    }
    with pytest.raises(RocketApiException) as exc:
        alice.send_invitation_email(["new@example.com"])
    assert exc.value.response_json == {"success": False, "error": "Not allowed [error-not-allowed]"}


def test_list_by_status(admin, alice):
    admin.users_set_active_status(alice.headers["X-User-Id"], False)
    inactive = admin.call_api_get("users.listByStatus", status="deactivated")
    assert [u["username"] for u in inactive["users"]] == ["alice"]
    assert inactive["total"] == 1 and set(inactive["users"][0]) <= {
        "_id",
        "name",
        "username",
        "emails",
        "roles",
        "status",
        "active",
        "type",
        "lastLogin",
    }
    active = admin.call_api_get("users.listByStatus", status="active", searchTerm="BOB")
    assert [u["username"] for u in active["users"]] == ["bob"]
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_get("users.listByStatus", status="asleep")
    assert exc.value.response_json["errorType"] == "invalid-params"
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_get("users.listByStatus", colour="red")
    assert exc.value.response_json["error"] == (
        "must NOT have additional properties [invalid-params]"
    )


@pytest.mark.parametrize("path", ["users.verifyEmail", "permissions.addRole"])
def test_documented_but_unrouted(admin, path):
    answer = call(admin, "POST", path, json={})
    assert answer.status_code == 404 and answer.json()["success"] is False


def test_avatars_by_room_id_and_at_name(rc_server, admin):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    admin.call_api_post(
        "users.setAvatar", files={"image": ("a.png", png, "image/png")}, use_json=False
    )
    by_name = requests.get(f"{rc_server.url}/avatar/admin", timeout=5)
    assert by_name.content == png
    by_id = requests.get(f"{rc_server.url}/avatar/uid/{admin.headers['X-User-Id']}", timeout=5)
    assert by_id.content == png
    letters = requests.get(f"{rc_server.url}/avatar/@admin", timeout=5)
    assert letters.headers["Content-Type"].startswith("image/svg+xml")
    room = requests.get(f"{rc_server.url}/avatar/room/GENERAL", timeout=5)
    assert room.headers["Content-Type"].startswith("image/svg+xml") and b"\nG\n" in room.content
    assert requests.get(f"{rc_server.url}/avatar/room/nope", timeout=5).status_code == 404
