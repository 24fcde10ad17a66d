"""System endpoints: mailer, smtp.check, pw.getPolicy, shield.svg, fingerprint, cloud
registration, WebDAV accounts, and documented routes 8.3 does not serve."""

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of

from .clients import NO_PERMISSION, call

BODY = "Hello [name], bye: [unsubscribe]"


def test_mailer_records_one_mail_per_subscribed_user(rc_server, admin, alice):
    store = runtime_of(rc_server.app).store
    news = {"from": "news@example.com", "subject": "News", "body": BODY}
    assert call(admin, "POST", "mailer", json=news).json() == {"success": True}
    sent = store.all("mails")
    users_with_mail = [u for u in store.all("users") if u.get("emails")]
    assert len(sent) == len(users_with_mail)
    to_alice = next(m for m in sent if m["to"] == "alice@example.com")
    alice_doc = store.find_one("users", "username", "alice")
    link = f"/mailer/unsubscribe/{alice_doc['_id']}/{alice_doc['createdAt']}"
    assert (
        to_alice["html"].startswith(f"Hello {alice_doc['name']}, bye: ")
        and link in to_alice["html"]
    )
    alice.call_api_post(
        "mailer.unsubscribe", _id=alice_doc["_id"], createdAt=str(alice_doc["createdAt"])
    )
    call(admin, "POST", "mailer", json={**news, "subject": "2"})
    second = [m for m in store.all("mails") if m["subject"] == "2"]
    assert "alice@example.com" not in [m["to"] for m in second] and second


def test_mailer_refusals(admin, alice):
    answer = call(admin, "POST", "mailer", json={"from": "a@b.c", "subject": "s", "body": "x"})
    assert answer.json() == {
        "success": False,
        "error": "You must provide the [unsubscribe] link. [error-missing-unsubscribe-link]",
        "errorType": "error-missing-unsubscribe-link",
        "details": {"function": "Mailer.sendMail"},
    }
    answer = call(admin, "POST", "mailer", json={"from": "nobody", "subject": "s", "body": BODY})
    assert answer.json()["errorType"] == "error-invalid-from-address"
    answer = call(alice, "POST", "mailer", json={"from": "a@b.c", "subject": "s", "body": BODY})
    assert answer.status_code == 403 and answer.json() == NO_PERMISSION


def test_smtp_check_and_password_policy(rc_server, alice):
    assert alice.call_api_get("smtp.check") == {"success": True, "isSMTPConfigured": False}
    anonymous = requests.get(f"{rc_server.url}/api/v1/pw.getPolicy", timeout=5).json()
    assert anonymous == {"success": True, "enabled": False, "policy": []}
    runtime_of(rc_server.app).store.update(
        "settings", "Accounts_Password_Policy_Enabled", {"value": True}
    )
    policy = requests.get(f"{rc_server.url}/api/v1/pw.getPolicy", timeout=5).json()
    assert policy["enabled"] is True
    assert policy["policy"][0] == ["get-password-policy-minLength", {"minLength": 7}]
    assert ["get-password-policy-mustContainAtLeastOneNumber"] in policy["policy"]
    assert alice.call_api_get("smtp.check")["isSMTPConfigured"] is False


def test_shield(rc_server):
    url = f"{rc_server.url}/api/v1/shield.svg"
    join = requests.get(url, timeout=5)
    assert join.headers["Content-Type"].startswith("image/svg+xml") and "JOIN CHAT" in join.text
    user = requests.get(url, params={"type": "user", "username": "alice"}, timeout=5)
    assert "@alice" in user.text
    channel = requests.get(url, params={"type": "channel", "channel": "general"}, timeout=5)
    assert "#general" in channel.text
    hidden = requests.get(url, params={"icon": "false"}, timeout=5)
    assert hidden.json() == {
        "success": False,
        "error": "Name cannot be empty when icon is hidden",
    }


def test_fingerprint_and_cloud(rc_server, admin, alice):
    before = admin.call_api_get("cloud.registrationStatus")["registrationStatus"]
    assert before["workspaceRegistered"] is False and before["email"]
    assert admin.call_api_post("fingerprint", setDeploymentAs="new-workspace") == {"success": True}
    after = admin.call_api_get("cloud.registrationStatus")["registrationStatus"]
    assert after["uniqueId"] != before["uniqueId"]
    assert admin.call_api_get("statistics")["uniqueId"] == after["uniqueId"]
    answer = call(alice, "GET", "cloud.registrationStatus")
    assert answer.status_code == 403
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("cloud.manualRegister", cloudBlob="bm90IGpzb24=")
    assert exc.value.response_json["success"] is False


def test_webdav_and_unrouted(admin):
    assert admin.call_api_get("webdav.getMyAccounts") == {"success": True, "accounts": []}
    assert admin.call_api_post("webdav.removeWebdavAccount", accountId="x") == {
        "success": True,
        "result": {"acknowledged": True, "deletedCount": 0},
    }
    for path in ("dns.resolve.txt", "dns.resolve.srv", "cloud.connectWorkspace"):
        answer = call(admin, "POST", path, json={})
        assert answer.status_code == 404, path


def test_body_is_checked_before_the_login(rc_server):
    anonymous = RocketChat(server_url=rc_server.url)
    answer = call(anonymous, "POST", "webdav.removeWebdavAccount", json={})
    assert answer.status_code == 400
    assert answer.json() == {
        "success": False,
        "error": "must have required property 'accountId'",
        "errorType": "invalid-params",
    }
