"""email-inbox*: inbox records needing manage-email-inbox; test mail recorded, never sent."""

from emulator.app import runtime_of

from .clients import NO_PERMISSION, call

SERVER = {
    "password": "pw",
    "port": 993,
    "secure": True,
    "server": "127.0.0.1",
    "username": "support",
}
INBOX = {
    "name": "Support",
    "email": "support@example.com",
    "active": True,
    "smtp": {**SERVER, "port": 465},
    "imap": SERVER,
}


def test_inbox_crud(rc_server, admin):
    inbox_id = admin.call_api_post("email-inbox", **INBOX)["_id"]
    inbox = call(admin, "GET", f"email-inbox/{inbox_id}").json()
    assert inbox["success"] is True and inbox["imap"]["maxRetries"] == 5
    assert inbox["_createdBy"]["username"] == "admin"
    listed = admin.call_api_get("email-inbox.list")
    assert [i["_id"] for i in listed["emailInboxes"]] == [inbox_id] and listed["total"] == 1
    found = admin.call_api_get("email-inbox.search", email="support@example.com")
    assert found["emailInbox"]["_id"] == inbox_id
    assert admin.call_api_get("email-inbox.search", email="x@y.z")["emailInbox"] is None
    admin.call_api_post("email-inbox", **INBOX, _id=inbox_id, description="help desk")
    updated = call(admin, "GET", f"email-inbox/{inbox_id}").json()
    assert updated["description"] == "help desk"
    sent = call(admin, "POST", f"email-inbox.send-test/{inbox_id}")
    assert sent.json() == {"success": True, "_id": inbox_id}
    (mail,) = runtime_of(rc_server.app).store.all("mails")
    assert mail["from"] == "support@example.com" and mail["to"] == "admin@example.com"
    deleted = call(admin, "DELETE", f"email-inbox/{inbox_id}")
    assert deleted.json() == {"success": True, "_id": inbox_id}
    assert call(admin, "GET", f"email-inbox/{inbox_id}").status_code == 404
    assert call(admin, "DELETE", f"email-inbox/{inbox_id}").status_code == 404


def test_inbox_refusals(admin, alice):
    answer = call(admin, "POST", "email-inbox", json={**INBOX, "imap": {"port": 1}})
    assert answer.json()["error"] == "must have required property 'password'"
    answer = call(admin, "POST", "email-inbox", json={**INBOX, "_id": "nope"})
    assert answer.json() == {"success": False, "error": "error-invalid-email-inbox"}
    answer = call(alice, "GET", "email-inbox.list")
    assert answer.status_code == 403 and answer.json() == NO_PERMISSION
