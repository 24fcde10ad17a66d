"""groups.*: private rooms; a user never reads a group they are not in."""

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from emulator.rocketchat import models

NOT_FOUND = {
    "success": False,
    "error": 'The required "roomId" or "roomName" param provided does not match any group '
    "[error-room-not-found]",
    "errorType": "error-room-not-found",
}


def login(server, name):
    return RocketChat(name, f"{name}-password", server_url=server.url)


def test_member_sees_group_outsider_gets_not_found(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    info = alice.groups_info(room_name="leadership")
    assert info["group"]["t"] == "p" and info["success"] is True
    rid = info["group"]["_id"]
    for call in (
        lambda: bob.groups_info(room_id=rid),
        lambda: bob.groups_info(room_name="leadership"),
        lambda: bob.call_api_get("groups.history", roomId=rid),
        lambda: bob.call_api_get("groups.members", roomId=rid),
        lambda: bob.call_api_get("groups.messages", roomId=rid),
    ):
        with pytest.raises(RocketApiException) as exc:
            call()
        assert exc.value.status_code == 400
        assert exc.value.response_json == NOT_FOUND
    assert "leadership" in [g["name"] for g in alice.groups_list()]
    assert "leadership" not in [g["name"] for g in bob.groups_list()]


def test_missing_room_param(rc_server):
    alice = login(rc_server, "alice")
    raw = requests.get(f"{rc_server.url}/api/v1/groups.info", headers=alice.headers, timeout=5)
    assert raw.status_code == 400
    assert raw.json() == {
        "success": False,
        "error": 'The parameter "roomId" or "roomName" is required [error-room-param-not-provided]',
        "errorType": "error-room-param-not-provided",
    }


def test_create_invite_kick_leave(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    group = alice.groups_create("secret-project", members=["bob"])["group"]
    assert group["t"] == "p" and group["usersCount"] == 2
    rid = group["_id"]
    assert bob.groups_info(room_id=rid)["group"]["name"] == "secret-project"
    bob_id = bob.headers["X-User-Id"]
    assert alice.groups_kick(rid, bob_id) == {"success": True}
    assert alice.groups_info(room_id=rid)["group"]["usersCount"] == 1
    with pytest.raises(RocketApiException) as exc:
        bob.groups_info(room_id=rid)
    assert exc.value.response_json == NOT_FOUND
    assert alice.groups_invite(rid, bob_id)["group"]["usersCount"] == 2
    assert bob.groups_leave(rid) == {"success": True}
    kinds = [m["t"] for m in alice.call_api_get("groups.messages", roomId=rid)["messages"]]
    assert kinds == ["ul", "au", "ru"]


def test_list_all_needs_admin(rc_server):
    admin = login(rc_server, "admin")
    alice = login(rc_server, "alice")
    assert "leadership" in [g["name"] for g in admin.groups_list_all()]
    with pytest.raises(RocketApiException) as exc:
        list(alice.groups_list_all())
    assert exc.value.status_code == 403
    assert exc.value.response_json == {
        "success": False,
        "error": "User does not have the permissions required for this action [error-unauthorized]",
    }


def test_archive_message_names_private_group(rc_server):
    admin = login(rc_server, "admin")
    rid = admin.groups_info(room_name="leadership")["group"]["_id"]
    assert admin.groups_archive(rid) == {"success": True}
    with pytest.raises(RocketApiException) as exc:
        admin.groups_set_topic(rid, "x")
    assert exc.value.response_json == {
        "success": False,
        "error": "The private group, leadership, is archived [error-room-archived]",
        "errorType": "error-room-archived",
    }
    # nobody posts to an archived room
    raw = requests.post(
        f"{rc_server.url}/api/v1/chat.postMessage",
        headers=admin.headers,
        json={"roomId": rid, "text": "hello?"},
        timeout=5,
    )
    assert raw.status_code == 400 and raw.json()["success"] is False


def test_set_type_to_public_and_delete(rc_server):
    alice = login(rc_server, "alice")
    rid = alice.groups_create("to-publish")["group"]["_id"]
    assert alice.groups_set_type(rid, "c")["group"]["t"] == "c"
    assert alice.channels_info(room_id=rid)["channel"]["name"] == "to-publish"
    assert alice.channels_delete(room_id=rid) == {"success": True}
    rid = alice.groups_create("to-delete")["group"]["_id"]
    assert alice.groups_delete(room_id=rid) == {"success": True}
    with pytest.raises(RocketApiException) as exc:
        alice.groups_info(room_id=rid)
    assert exc.value.response_json == NOT_FOUND


def test_group_history_defaults_and_texts(rc_server):
    alice = login(rc_server, "alice")
    rid = alice.groups_create("g-hist")["group"]["_id"]
    parent = alice.chat_post_message("root", room_id=rid)["message"]["_id"]
    alice.chat_post_message("reply", room_id=rid, tmid=parent)
    history = alice.call_api_get("groups.history", roomId=rid)["messages"]
    assert [m["msg"] for m in history] == ["reply", "root"]
    with pytest.raises(RocketApiException) as exc:
        alice.groups_open(rid)
    assert exc.value.response_json["error"] == (
        "The private group, g-hist, is already open for the sender"
    )
    # groups.* answer 403 where channels.* answer 401
    raw = requests.get(
        f"{rc_server.url}/api/v1/groups.counters",
        headers=alice.headers,
        params={"roomId": rid, "userId": "x"},
        timeout=5,
    )
    assert raw.status_code == 403 and raw.json() == {"success": False, "error": "unauthorized"}
    # no "same value" checks for groups
    assert alice.groups_set_topic(rid, "")["topic"] == ""
    assert alice.groups_set_topic(rid, "")["topic"] == ""


def api_error(excinfo):
    return excinfo.value.status_code, excinfo.value.response_json


def test_add_all_and_custom_fields(rc_server):
    admin = login(rc_server, "admin")
    rid = admin.groups_create("all-hands-private")["group"]["_id"]
    group = admin.call_api_post("groups.addAll", roomId=rid)["group"]
    assert group["usersCount"] == len(runtime_of(rc_server.app).store.all("users"))
    group = admin.groups_set_custom_fields({"cost": "centre"}, room_id=rid)["group"]
    assert group["customFields"] == {"cost": "centre"}
    alice = login(rc_server, "alice")
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("groups.addAll", roomId=rid)
    assert api_error(exc)[1]["error"] == "Access to Method Forbidden [403]"


def test_set_encrypted_follows_e2e_enable(rc_server):
    alice = login(rc_server, "alice")
    rid = alice.groups_create("secrets")["group"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        alice.groups_set_encrypted(rid, True)
    assert api_error(exc)[1] == {
        "success": False,
        "error": "Only groups or direct channels can enable encryption [error-action-not-allowed]",
        "errorType": "error-action-not-allowed",
        "details": {"method": "saveRoomSettings", "action": "Change_Room_Encrypted"},
    }
    raw = alice.call_api_post  # without ``encrypted``
    with pytest.raises(RocketApiException) as exc:
        raw("groups.setEncrypted", roomId=rid)
    assert api_error(exc)[1] == {"success": False, "error": 'The bodyParam "encrypted" is required'}
    models.set_setting_value(runtime_of(rc_server.app), "E2E_Enable", True)
    assert alice.groups_set_encrypted(rid, True)["group"]["encrypted"] is True
    last = alice.call_api_get("groups.messages", roomId=rid)["messages"][0]
    assert last["t"] == "room_e2e_enabled"


def test_group_integrations_and_convert_to_team(rc_server):
    admin, alice = login(rc_server, "admin"), login(rc_server, "alice")
    rid = alice.groups_info(room_name="leadership")["group"]["_id"]
    admin.integrations_create(
        integrations_type="webhook-incoming",
        name="board hook",
        enabled=True,
        username="admin",
        channel="#leadership",
        script_enabled=False,
    )
    assert [i["name"] for i in admin.groups_get_integrations(rid)] == ["board hook"]
    own = alice.groups_create("private-squad", members=["bob"])["group"]["_id"]
    team = alice.groups_convert_to_team(room_id=own)["team"]
    assert team["type"] == 1 and team["roomId"] == own
    assert alice.groups_info(room_id=own)["group"]["teamMain"] is True
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("groups.convertToTeam", roomId="")
    assert api_error(exc)[1] == {
        "success": False,
        "error": 'The parameter "roomId" or "roomName" is required',
    }
