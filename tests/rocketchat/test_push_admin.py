"""push.get (the notification a message makes) and push.test."""

from emulator.app import runtime_of

from .clients import call


def test_push_get(admin, alice):
    sent = admin.chat_post_message("deploy done", channel="#general")["message"]
    data = alice.call_api_get("push.get", id=sent["_id"])["data"]
    notification = data["notification"]
    assert data["message"]["_id"] == sent["_id"]
    assert notification["title"] == "#general" and notification["text"] == "admin: deploy done"
    assert notification["payload"]["rid"] == "GENERAL"
    assert notification["payload"]["sender"]["username"] == "admin"
    assert isinstance(notification["notId"], int)
    answer = call(alice, "GET", "push.get", params={"id": "nope"})
    assert answer.json() == {"success": False, "error": "error-message-not-found"}


def test_push_test(rc_server, alice):
    answer = call(alice, "POST", "push.test", json={})
    assert answer.json() == {
        "success": False,
        "error": "There are no tokens for this user [error-no-tokens-for-this-user]",
        "errorType": "error-no-tokens-for-this-user",
        "details": {"method": "push_test"},
    }
    alice.call_api_post("push.token", type="gcm", value="device-token", appName="chat.app")
    assert call(alice, "POST", "push.test", json={}).json() == {"success": True, "tokensCount": 1}
    runtime_of(rc_server.app).store.update("settings", "Push_enable", {"value": False})
    answer = call(alice, "POST", "push.test", json={})
    assert answer.json()["errorType"] == "error-push-disabled"
