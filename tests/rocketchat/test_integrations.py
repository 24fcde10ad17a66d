"""integrations.*: webhook integration CRUD."""

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat


def login(server, name):
    return RocketChat(name, f"{name}-password", server_url=server.url)


def test_incoming_create_get_list_remove(rc_server):
    admin = login(rc_server, "admin")
    created = admin.integrations_create(
        "webhook-incoming", "CI hook", True, "helper-bot", "#general", False, alias="CI"
    )
    integration = created["integration"]
    assert integration["type"] == "webhook-incoming"
    assert integration["channel"] == ["#general"]
    assert integration["username"] == "helper-bot" and integration["alias"] == "CI"
    assert len(integration["token"]) == 48 and integration["token"].isalnum()
    assert integration["_createdBy"]["username"] == "admin"
    assert integration["_createdAt"].endswith("Z")
    got = admin.integrations_get(integration["_id"])["integration"]
    assert got == integration
    listed = admin.call_api_get("integrations.list")
    assert [i["_id"] for i in listed["integrations"]] == [integration["_id"]]
    assert listed["count"] == 1 and listed["total"] == 1 and listed["offset"] == 0
    removed = admin.integrations_remove("webhook-incoming", integration["_id"])
    assert removed["integration"]["_id"] == integration["_id"]
    with pytest.raises(RocketApiException) as exc:
        admin.integrations_get(integration["_id"])
    assert exc.value.response_json == {
        "success": False,
        "error": "The integration does not exists.",
    }
    with pytest.raises(RocketApiException) as exc:
        admin.integrations_remove("webhook-incoming", integration["_id"])
    assert exc.value.response_json == {"success": False, "error": "No integration found."}


def test_outgoing_create(rc_server):
    admin = login(rc_server, "admin")
    integration = admin.integrations_create(
        "webhook-outgoing",
        "notify",
        True,
        "helper-bot",
        "#engineering",
        False,
        event="sendMessage",
        urls=["http://example.invalid/hook"],
        triggerWords="deploy,ship",
    )["integration"]
    assert integration["event"] == "sendMessage"
    assert integration["urls"] == ["http://example.invalid/hook"]
    assert integration["triggerWords"] == ["deploy", "ship"]
    with pytest.raises(RocketApiException) as exc:
        admin.integrations_create(
            "webhook-outgoing", "x", True, "helper-bot", "#general", False, event="nope", urls=[]
        )
    assert exc.value.response_json["errorType"] == "error-invalid-event-type"
    removed = admin.call_api_post(
        "integrations.remove", type="webhook-outgoing", target_url="http://example.invalid/hook"
    )
    assert removed["integration"]["_id"] == integration["_id"]


def test_validation_errors(rc_server):
    admin = login(rc_server, "admin")
    with pytest.raises(RocketApiException) as exc:
        admin.integrations_create("webhook-incoming", "h", True, "helper-bot", "general", False)
    assert exc.value.response_json == {
        "success": False,
        "error": "Invalid channel. Start with @ or # [error-invalid-channel-start-with-chars]",
        "errorType": "error-invalid-channel-start-with-chars",
        "details": {"method": "addIncomingIntegration"},
    }
    with pytest.raises(RocketApiException) as exc:
        admin.integrations_create("webhook-incoming", "h", True, "helper-bot", "#nowhere", False)
    assert exc.value.response_json["errorType"] == "error-invalid-room"
    with pytest.raises(RocketApiException) as exc:
        admin.integrations_create("webhook-incoming", "h", True, "ghost", "#general", False)
    assert exc.value.response_json["errorType"] == "error-invalid-user"
    raw = requests.post(
        f"{rc_server.url}/api/v1/integrations.create",
        headers=admin.headers,
        json={"type": "webhook-incoming", "name": "h", "enabled": "yes"},
        timeout=5,
    )
    assert raw.status_code == 400
    assert raw.json()["error"] == "Match error: Expected boolean, got string in field enabled"
    raw = requests.post(
        f"{rc_server.url}/api/v1/integrations.create",
        headers=admin.headers,
        json={"type": "carrier-pigeon"},
        timeout=5,
    )
    assert raw.json() == {"success": False, "error": "Invalid integration type."}


def test_plain_users_are_refused(rc_server):
    alice = login(rc_server, "alice")
    with pytest.raises(RocketApiException) as exc:
        alice.integrations_create("webhook-incoming", "h", True, "alice", "#general", False)
    assert exc.value.response_json == {
        "success": False,
        "error": "Unauthorized [not_authorized]",
        "errorType": "not_authorized",
        "details": {"method": "addIncomingIntegration"},
    }
    with pytest.raises(RocketApiException) as exc:
        list(alice.integrations_list())
    assert exc.value.status_code == 403
    raw = requests.get(
        f"{rc_server.url}/api/v1/integrations.get",
        headers=alice.headers,
        params={"integrationId": "x"},
        timeout=5,
    )
    assert raw.status_code == 403


# -- integrations.update (``updateIncomingIntegration`` / ``updateOutgoingIntegration``) -------


def incoming(admin, **extra):
    return admin.integrations_create(
        "webhook-incoming", "CI hook", True, "helper-bot", "#general", False, **extra
    )["integration"]


def test_update_incoming_moves_the_hook_and_recompiles_its_script(rc_server):
    admin = login(rc_server, "admin")
    hook = incoming(admin, alias="CI")
    script = "class Script { process_incoming_request() { return { content: { text: 'hi' } }; } }"
    updated = admin.integrations_update(
        "webhook-incoming",
        "renamed",
        True,
        "helper-bot",
        "#engineering",
        True,
        hook["_id"],
        script=script,
    )["integration"]
    assert updated["name"] == "renamed" and updated["channel"] == ["#engineering"]
    assert updated["alias"] == "CI"  # left out of the body: kept
    assert updated["scriptCompiled"] == script and updated["scriptEngine"] == "isolated-vm"
    assert updated["_updatedBy"]["username"] == "admin" and updated["token"] == hook["token"]
    assert admin.integrations_get(hook["_id"])["integration"] == updated
    posted = requests.post(f"{rc_server.url}/hooks/{hook['_id']}/{hook['token']}", json={})
    assert posted.json() == {"success": True}
    room = admin.call_api_get("channels.info", roomName="engineering")["channel"]
    last = admin.call_api_get("channels.history", roomId=room["_id"], count=1)["messages"][0]
    assert last["msg"] == "hi"
    broken = admin.integrations_update(
        "webhook-incoming",
        "renamed",
        True,
        "helper-bot",
        "#engineering",
        True,
        hook["_id"],
        script="class Script {",
    )["integration"]
    assert broken["scriptError"]["name"] == "SyntaxError" and "scriptCompiled" not in broken


def test_update_incoming_refusals(rc_server):
    admin = login(rc_server, "admin")
    hook = incoming(admin)
    args = ("webhook-incoming", "n", True, "helper-bot")
    with pytest.raises(RocketApiException) as exc:
        admin.integrations_update(*args, "general", False, hook["_id"])
    assert exc.value.response_json == {
        "success": False,
        "error": "Invalid channel. Start with @ or # [error-invalid-channel-start-with-chars]",
        "errorType": "error-invalid-channel-start-with-chars",
        "details": {"method": "updateIncomingIntegration"},
    }
    with pytest.raises(RocketApiException) as exc:
        admin.integrations_update(*args, "#general", False, "nope")
    assert exc.value.response_json == {"success": False, "error": "No integration found."}
    with pytest.raises(RocketApiException) as exc:
        admin.integrations_update(
            "webhook-incoming", "n", True, "ghost", "#general", False, hook["_id"]
        )
    assert exc.value.response_json["errorType"] == "error-invalid-post-as-user"
    with pytest.raises(RocketApiException) as exc:
        admin.integrations_update(*args, "#nowhere", False, hook["_id"])
    assert exc.value.response_json["errorType"] == "error-invalid-room"
    alice = login(rc_server, "alice")
    with pytest.raises(RocketApiException) as exc:
        alice.integrations_update(*args, "#general", False, hook["_id"])
    assert exc.value.response_json == {
        "success": False,
        "error": "Unauthorized [not_authorized]",
        "errorType": "not_authorized",
        "details": {"method": "updateIncomingIntegration"},
    }
    assert admin.integrations_get(hook["_id"])["integration"] == hook  # nothing changed


def test_update_body_is_validated_as_upstream(rc_server):
    admin = login(rc_server, "admin")
    hook = incoming(admin)
    raw = requests.put(
        f"{rc_server.url}/api/v1/integrations.update",
        headers=admin.headers,
        json={"type": "webhook-incoming", "integrationId": hook["_id"], "channel": "#general"},
        timeout=5,
    )
    assert raw.status_code == 400
    assert raw.json() == {
        "success": False,
        "error": "must have required property 'scriptEnabled'\n must have required property "
        "'username'\n must match exactly one schema in oneOf",
        "errorType": "invalid-params",
    }


def test_update_outgoing_by_target_url(rc_server):
    admin = login(rc_server, "admin")
    created = admin.integrations_create(
        "webhook-outgoing",
        "notify",
        True,
        "helper-bot",
        "#general",
        False,
        event="sendMessage",
        urls=["http://127.0.0.1:9/old"],
        triggerWords="deploy",
        token="secret",
    )["integration"]
    body = {
        "type": "webhook-outgoing",
        "target_url": "http://127.0.0.1:9/old",
        "name": "notify",
        "enabled": False,
        "username": "helper-bot",
        "channel": "#general",
        "event": "sendMessage",
        "scriptEnabled": False,
        "urls": ["http://127.0.0.1:9/new"],
    }
    raw = requests.put(
        f"{rc_server.url}/api/v1/integrations.update", headers=admin.headers, json=body, timeout=5
    )
    assert raw.json()["errorType"] == "error-invalid-token"
    raw = requests.put(
        f"{rc_server.url}/api/v1/integrations.update",
        headers=admin.headers,
        json={**body, "token": "fresh"},
        timeout=5,
    )
    updated = raw.json()["integration"]
    assert updated["urls"] == ["http://127.0.0.1:9/new"] and updated["enabled"] is False
    assert updated["token"] == "fresh" and updated["triggerWords"] == ["deploy"]
    assert updated["_id"] == created["_id"]
    listed = admin.call_api_get("integrations.list", type="webhook-outgoing")["integrations"]
    assert [i["urls"] for i in listed] == [["http://127.0.0.1:9/new"]]
    raw = requests.put(
        f"{rc_server.url}/api/v1/integrations.update",
        headers=admin.headers,
        json={**body, "token": "x", "surprise": 1},
        timeout=5,
    )
    assert raw.json()["error"].startswith("must have required property 'integrationId'\n")
