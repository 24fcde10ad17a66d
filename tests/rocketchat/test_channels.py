"""channels.*: public rooms, through rocketchat_API where it wraps the endpoint."""

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from emulator.rocketchat import models

NOT_FOUND = (
    'The required "roomId" or "roomName" param provided does not match any channel '
    "[error-room-not-found]"
)


def login(server, name):
    return RocketChat(name, f"{name}-password", server_url=server.url)


def api_error(excinfo):
    return excinfo.value.status_code, excinfo.value.response_json


def room_id(rocket, name):
    return rocket.channels_info(channel=name)["channel"]["_id"]


def messages_of(rocket, rid):
    return rocket.call_api_get("channels.messages", roomId=rid, count=100)["messages"]


def test_create_info_and_list(rc_server):
    alice = login(rc_server, "alice")
    created = alice.channels_create("release-train", members=["bob"], readOnly=True)
    assert created["success"] is True
    channel = created["channel"]
    assert channel["t"] == "c" and channel["name"] == "release-train" and channel["ro"] is True
    assert channel["u"] == {"_id": alice.headers["X-User-Id"], "username": "alice"}
    assert channel["usersCount"] == 2
    assert channel["ts"].endswith("Z")
    info = alice.channels_info(room_id=channel["_id"])
    assert info["channel"]["_id"] == channel["_id"]
    names = [c["name"] for c in alice.channels_list()]
    assert {"general", "engineering", "release-train"} <= set(names)
    assert "leadership" not in names
    bob = login(rc_server, "bob")
    assert "release-train" in [c["name"] for c in bob.channels_list_joined()]
    roles = alice.channels_roles(room_id=channel["_id"])["roles"]
    assert [(r["u"]["username"], r["roles"]) for r in roles] == [("alice", ["owner"])]


def test_list_envelope_has_count_offset_total(rc_server):
    alice = login(rc_server, "alice")
    body = alice.call_api_get("channels.list", count=1, offset=1)
    assert body["count"] == 1 and body["offset"] == 1 and body["total"] >= 2
    assert len(body["channels"]) == 1 and body["success"] is True


def test_create_errors(rc_server):
    alice = login(rc_server, "alice")
    with pytest.raises(RocketApiException) as exc:
        alice.channels_create("engineering")
    status, body = api_error(exc)
    assert status == 400
    assert body["errorType"] == "error-duplicate-channel-name"
    assert body["error"].startswith("A channel with name 'engineering' exists")
    with pytest.raises(RocketApiException) as exc:
        alice.channels_create("bad name!")
    assert api_error(exc)[1]["errorType"] == "error-invalid-room-name"
    raw = requests.post(
        f"{rc_server.url}/api/v1/channels.create", headers=alice.headers, data="{nope", timeout=5
    )
    assert raw.status_code == 400 and raw.json()["success"] is False
    raw = requests.post(
        f"{rc_server.url}/api/v1/channels.create", headers=alice.headers, json={}, timeout=5
    )
    assert raw.status_code == 400
    assert raw.json() == {"success": False, "error": 'Param "name" is required'}


def test_info_unknown_room_and_missing_param(rc_server):
    alice = login(rc_server, "alice")
    with pytest.raises(RocketApiException) as exc:
        alice.channels_info(room_id="nope")
    assert api_error(exc) == (
        400,
        {"success": False, "error": NOT_FOUND, "errorType": "error-room-not-found"},
    )
    raw = requests.get(f"{rc_server.url}/api/v1/channels.info", headers=alice.headers, timeout=5)
    assert raw.status_code == 400
    assert raw.json()["errorType"] == "error-roomid-param-not-provided"
    # a private group is not a channel
    with pytest.raises(RocketApiException):
        alice.channels_info(channel="leadership")


def test_unauthenticated_is_401(rc_server):
    raw = requests.get(f"{rc_server.url}/api/v1/channels.list", timeout=5)
    assert raw.status_code == 401
    assert raw.json()["error"] == "You must be logged in to do this."


def test_join_leave_and_system_messages(rc_server):
    admin = login(rc_server, "admin")
    bob = login(rc_server, "bob")
    rid = admin.channels_create("watercooler")["channel"]["_id"]
    joined = bob.channels_join(rid, None)
    assert joined["channel"]["usersCount"] == 2
    left = bob.channels_leave(rid)
    assert left["channel"]["usersCount"] == 1
    kinds = [(m.get("t"), m["msg"]) for m in messages_of(admin, rid)]
    assert kinds[:2] == [("ul", "bob"), ("uj", "bob")]
    # the last owner cannot leave
    with pytest.raises(RocketApiException) as exc:
        admin.channels_leave(rid)
    status, body = api_error(exc)
    assert status == 400
    assert body == {
        "success": False,
        "error": "You are the last owner. Please set new owner before leaving the room. "
        "[error-you-are-last-owner]",
        "errorType": "error-you-are-last-owner",
        "details": {"method": "leaveRoom"},
    }


def test_invite_kick_and_permissions(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    rid = alice.channels_create("design")["channel"]["_id"]
    bob_id = bob.headers["X-User-Id"]
    invited = alice.channels_invite(rid, bob_id)
    assert invited["channel"]["usersCount"] == 2
    members = [m["username"] for m in alice.channels_members(room_id=rid)]
    assert members == ["alice", "bob"]
    # bob is a plain member: he cannot kick alice
    with pytest.raises(RocketApiException) as exc:
        bob.channels_kick(rid, alice.headers["X-User-Id"])
    assert api_error(exc)[1] == {
        "success": False,
        "error": "Not allowed [error-not-allowed]",
        "errorType": "error-not-allowed",
        "details": {"method": "removeUserFromRoom"},
    }
    kicked = alice.channels_kick(rid, bob_id)
    assert kicked["channel"]["usersCount"] == 1
    top = messages_of(alice, rid)[0]
    assert top["t"] == "ru" and top["msg"] == "bob" and top["u"]["username"] == "alice"
    with pytest.raises(RocketApiException) as exc:
        alice.channels_kick(rid, bob_id)
    assert api_error(exc)[1]["errorType"] == "error-user-not-in-room"
    with pytest.raises(RocketApiException) as exc:
        alice.channels_invite(rid, "no-such-user")
    assert api_error(exc)[1]["errorType"] == "error-invalid-user"


def test_owner_and_moderator_roles(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    rid = alice.channels_create("ops", members=["bob"])["channel"]["_id"]
    bob_id = bob.headers["X-User-Id"]
    assert alice.channels_add_moderator(rid, bob_id) == {"success": True}
    with pytest.raises(RocketApiException) as exc:
        alice.channels_add_moderator(rid, bob_id)
    assert (
        api_error(exc)[1]["error"] == "User is already a moderator [error-user-already-moderator]"
    )
    assert alice.channels_add_owner(rid, user_id=bob_id) == {"success": True}
    roles = {r["u"]["username"]: r["roles"] for r in alice.channels_roles(room_id=rid)["roles"]}
    assert roles == {"alice": ["owner"], "bob": ["moderator", "owner"]}
    assert alice.channels_remove_owner(rid, bob_id) == {"success": True}
    with pytest.raises(RocketApiException) as exc:
        alice.channels_remove_owner(rid, alice.headers["X-User-Id"])
    assert api_error(exc)[1]["errorType"] == "error-remove-last-owner"
    assert alice.channels_remove_moderator(rid, bob_id) == {"success": True}
    kinds = [(m["t"], m.get("role")) for m in messages_of(alice, rid)[:2]]
    assert kinds == [
        ("subscription-role-removed", "moderator"),
        ("subscription-role-removed", "owner"),
    ]
    # a plain member cannot hand out roles
    with pytest.raises(RocketApiException) as exc:
        bob.channels_add_owner(rid, user_id=bob_id)
    assert api_error(exc)[1]["error"] == "Not allowed [error-not-allowed]"


def test_settings_rename_topic_readonly_type(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    rid = alice.channels_create("plans", members=["bob"])["channel"]["_id"]
    assert alice.channels_set_topic(rid, "Q3") == {"topic": "Q3", "success": True}
    with pytest.raises(RocketApiException) as exc:
        alice.channels_set_topic(rid, "Q3")
    assert api_error(exc)[1] == {
        "success": False,
        "error": "The channel topic is the same as what it would be changed to.",
    }
    assert alice.channels_set_description(rid, "d")["description"] == "d"
    assert alice.channels_set_announcement(rid, "a")["announcement"] == "a"
    with pytest.raises(RocketApiException) as exc:
        bob.channels_set_topic(rid, "mine")
    assert api_error(exc)[1]["errorType"] == "error-action-not-allowed"
    renamed = alice.channels_rename(rid, "plans-2026")
    assert renamed["channel"]["name"] == "plans-2026"
    sub = alice.call_api_get("subscriptions.getOne", roomId=rid)["subscription"]
    assert sub["name"] == "plans-2026"
    assert alice.channels_set_read_only(rid, True)["channel"]["ro"] is True
    kinds = [m["t"] for m in messages_of(alice, rid)[:5]]
    assert kinds == [
        "room-set-read-only",
        "r",
        "room_changed_announcement",
        "room_changed_description",
        "room_changed_topic",
    ]
    private = alice.channels_set_type(rid, "p")
    assert private["channel"]["t"] == "p"
    assert alice.groups_info(room_id=rid)["group"]["name"] == "plans-2026"


def test_archive_flow(rc_server):
    admin = login(rc_server, "admin")
    rid = admin.channels_create("old-stuff")["channel"]["_id"]
    assert admin.channels_archive(rid) == {"success": True}
    with pytest.raises(RocketApiException) as exc:
        admin.channels_archive(rid)
    assert api_error(exc)[1] == {
        "success": False,
        "error": "The channel, old-stuff, is archived [error-room-archived]",
        "errorType": "error-room-archived",
    }
    assert admin.channels_info(room_id=rid)["channel"]["archived"] is True
    assert admin.channels_unarchive(rid) == {"success": True}
    with pytest.raises(RocketApiException) as exc:
        admin.channels_unarchive(rid)
    assert api_error(exc)[1]["error"] == "The channel, old-stuff, is not archived"
    assert admin.channels_delete(room_id=rid) == {"success": True}
    with pytest.raises(RocketApiException):
        admin.channels_info(room_id=rid)


def test_delete_needs_permission(rc_server):
    bob = login(rc_server, "bob")
    rid = room_id(bob, "engineering")
    with pytest.raises(RocketApiException) as exc:
        bob.channels_delete(room_id=rid)
    assert api_error(exc)[1]["details"] == {"method": "eraseRoom"}


def test_open_close_counters(rc_server):
    alice = login(rc_server, "alice")
    rid = room_id(alice, "engineering")
    assert alice.channels_close(rid) == {"success": True}
    with pytest.raises(RocketApiException) as exc:
        alice.channels_close(rid)
    assert api_error(exc)[1]["error"] == "The channel, engineering, is already closed to the sender"
    assert alice.channels_open(rid) == {"success": True}
    counters = alice.channels_counters(room_id=rid)
    assert counters["joined"] is True and counters["unreads"] == 0
    assert set(counters) == {
        "joined",
        "members",
        "unreads",
        "unreadsFrom",
        "msgs",
        "latest",
        "userMentions",
        "success",
    }
    bob = login(rc_server, "bob")
    bob.chat_post_message("hi @alice", room_id=rid)
    counters = alice.channels_counters(room_id=rid)
    assert counters["unreads"] == 1


def test_history_newest_first_with_bounds(rc_server):
    alice = login(rc_server, "alice")
    rid = alice.channels_create("hist")["channel"]["_id"]
    posted = [alice.chat_post_message(f"m{i}", room_id=rid)["message"] for i in range(3)]
    body = alice.call_api_get("channels.history", roomId=rid)
    assert [m["msg"] for m in body["messages"]] == ["m2", "m1", "m0"]
    assert set(body) == {"messages", "success"}
    body = alice.call_api_get(
        "channels.history", roomId=rid, oldest=posted[0]["ts"], latest=posted[2]["ts"]
    )
    assert [m["msg"] for m in body["messages"]] == ["m1"]
    body = alice.call_api_get(
        "channels.history",
        roomId=rid,
        oldest=posted[0]["ts"],
        latest=posted[2]["ts"],
        inclusive="true",
        count=2,
    )
    assert [m["msg"] for m in body["messages"]] == ["m2", "m1"]
    body = alice.call_api_get("channels.history", roomId=rid, count=1, unreads="true")
    assert "unreadNotLoaded" in body
    paged = alice.call_api_get("channels.messages", roomId=rid, count=2)
    assert paged["count"] == 2 and paged["total"] == 3 and paged["offset"] == 0


def test_set_default_is_admin_only(rc_server):
    admin = login(rc_server, "admin")
    alice = login(rc_server, "alice")
    rid = room_id(admin, "engineering")
    assert admin.channels_set_default(rid, True)["channel"]["default"] is True
    with pytest.raises(RocketApiException) as exc:
        alice.channels_set_default(rid, False)
    assert api_error(exc)[1]["errorType"] == "error-action-not-allowed"


def test_history_hides_thread_replies_unless_asked(rc_server):
    alice = login(rc_server, "alice")
    rid = alice.channels_create("threaded")["channel"]["_id"]
    parent = alice.chat_post_message("root", room_id=rid)["message"]["_id"]
    alice.chat_post_message("reply", room_id=rid, tmid=parent)
    plain = alice.call_api_get("channels.history", roomId=rid)["messages"]
    assert [m["msg"] for m in plain] == ["root"]
    full = alice.call_api_get("channels.history", roomId=rid, showThreadMessages="true")
    assert [m["msg"] for m in full["messages"]] == ["reply", "root"]


def test_create_without_permission_is_401(rc_server):
    runtime_of(rc_server.app).store.update("permissions", "create-c", {"roles": ["admin"]})
    alice = login(rc_server, "alice")
    raw = requests.post(
        f"{rc_server.url}/api/v1/channels.create",
        headers=alice.headers,
        json={"name": "nope"},
        timeout=5,
    )
    assert raw.status_code == 401
    assert raw.json() == {"success": False, "error": "unauthorized"}


def test_non_member_open_close_texts(rc_server):
    admin = login(rc_server, "admin")
    bob = login(rc_server, "bob")
    rid = admin.channels_create("lonely")["channel"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        bob.channels_close(rid)
    assert exc.value.response_json["error"] == 'The user/callee is not in the channel "lonely.'
    with pytest.raises(RocketApiException) as exc:
        bob.channels_open(rid)
    assert exc.value.response_json["error"] == 'The user/callee is not in the channel "lonely".'
    with pytest.raises(RocketApiException) as exc:
        admin.channels_open(rid)
    assert exc.value.response_json["error"] == "The channel, lonely, is already open to the sender"


def test_invite_lists_and_counters_for_other_user(rc_server):
    alice = login(rc_server, "alice")
    rid = alice.channels_create("crowd")["channel"]["_id"]
    body = alice.call_api_post("channels.invite", roomId=rid, usernames=["bob", "admin"])
    assert body["channel"]["usersCount"] == 3
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("channels.invite", roomId=rid, usernames=["ghost"])
    assert exc.value.response_json == {
        "success": False,
        "error": "invalid-user-invite-list",
        "errorType": "Cannot invite if no users are provided",
    }
    raw = requests.post(
        f"{rc_server.url}/api/v1/channels.invite",
        headers=alice.headers,
        json={"roomId": rid},
        timeout=5,
    )
    assert raw.json()["errorType"] == "error-users-params-not-provided"
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_get("channels.counters", roomId=rid, userId="someone")
    assert exc.value.status_code == 401
    admin = login(rc_server, "admin")
    other = admin.call_api_get("channels.counters", roomId=rid, userId=alice.headers["X-User-Id"])
    assert other["joined"] is True and other["members"] == 3


def test_moderators_leaders_online_files(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    rid = alice.channels_create("staffed", members=["bob"])["channel"]["_id"]
    bob_id = bob.headers["X-User-Id"]
    alice.channels_add_moderator(rid, bob_id)
    assert alice.channels_moderators(room_id=rid)["moderators"] == [
        {"_id": bob_id, "username": "bob", "name": bob.me()["name"]}
    ]
    assert alice.channels_add_leader(rid, bob_id) == {"success": True}
    with pytest.raises(RocketApiException) as exc:
        alice.channels_add_leader(rid, bob_id)
    assert (
        exc.value.response_json["error"] == "User is already a leader [error-user-already-leader]"
    )
    assert alice.channels_online(rid) == {"online": [], "success": True}
    raw = requests.get(f"{rc_server.url}/api/v1/channels.online", headers=alice.headers, timeout=5)
    assert raw.json() == {"success": False, "error": "Invalid query"}
    assert list(alice.channels_files(room_id=rid)) == []


FAMILY_POSTS = [
    f"{family}.{action}"
    for family in ("channels", "groups")
    for action in (
        "create",
        "leave",
        "invite",
        "kick",
        "addOwner",
        "removeModerator",
        "setTopic",
        "rename",
        "archive",
        "unarchive",
        "delete",
        "open",
        "close",
        "setReadOnly",
        "setType",
    )
]


def test_bad_bodies_get_the_rocket_chat_400(rc_server):
    alice = login(rc_server, "alice")
    headers = {**alice.headers, "Content-Type": "application/json"}
    for endpoint in FAMILY_POSTS:
        for body in ("{not json", "[1, 2]", '{"roomId": 5, "userId": ["x"], "name": {}}'):
            response = requests.post(
                f"{rc_server.url}/api/v1/{endpoint}", data=body, headers=headers, timeout=5
            )
            assert response.status_code == 400, (endpoint, body, response.text)
            assert response.json()["success"] is False


def test_set_default_error_types(rc_server):
    admin = login(rc_server, "admin")
    rid = room_id(admin, "engineering")
    raw = requests.post(
        f"{rc_server.url}/api/v1/channels.setDefault",
        headers=admin.headers,
        json={"roomId": rid},
        timeout=5,
    )
    assert raw.json() == {
        "success": False,
        "error": 'The bodyParam "default" is required',
        "errorType": "error-channels-setdefault-is-same",
    }
    with pytest.raises(RocketApiException) as exc:
        admin.channels_set_default(rid, False)
    assert exc.value.response_json["errorType"] == "error-channels-setdefault-missing-default-param"


def test_add_all_needs_add_all_to_room_then_joins_everyone(rc_server):
    admin, alice = login(rc_server, "admin"), login(rc_server, "alice")
    rid = alice.channels_create("everyone-here")["channel"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        alice.channels_add_all(rid)
    assert api_error(exc) == (
        400,
        {
            "success": False,
            "error": "Access to Method Forbidden [403]",
            "errorType": 403,
            "details": {"method": "addAllToRoom"},
        },
    )
    channel = admin.channels_add_all(rid)["channel"]
    users = runtime_of(rc_server.app).store.all("users")
    assert channel["usersCount"] == len(users)
    joined = [m for m in messages_of(alice, rid) if m.get("t") == "uj"]
    assert len(joined) == len(users) - 1  # everyone but the owner, who was in already


def test_set_custom_fields(rc_server):
    alice = login(rc_server, "alice")
    rid = alice.channels_create("with-fields")["channel"]["_id"]
    channel = alice.channels_set_custom_fields(rid, {"tier": "gold"})["channel"]
    assert channel["customFields"] == {"tier": "gold"}
    with pytest.raises(RocketApiException) as exc:
        alice.channels_set_custom_fields(rid, "gold")
    assert api_error(exc) == (
        400,
        {
            "success": False,
            "error": 'The bodyParam "customFields" is required with a type like object.',
        },
    )
    bob = login(rc_server, "bob")
    with pytest.raises(RocketApiException) as exc:
        bob.channels_set_custom_fields(rid, {"tier": "tin"})
    assert api_error(exc)[1]["errorType"] == "error-action-not-allowed"
    assert api_error(exc)[1]["details"] == {"method": "saveRoomSettings", "action": "Editing_room"}


def test_join_code_is_required_then_checked(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    rid = alice.channels_create("locked")["channel"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        alice.channels_set_join_code(rid, " ")
    assert api_error(exc)[1] == {
        "success": False,
        "error": 'The bodyParam "joinCode" is required',
    }
    channel = alice.channels_set_join_code(rid, "s3cret")["channel"]
    assert channel["joinCodeRequired"] is True and "joinCode" not in channel
    for code, error_type in ((None, "error-code-required"), ("nope", "error-code-invalid")):
        with pytest.raises(RocketApiException) as exc:
            bob.channels_join(rid, code)
        assert api_error(exc)[1]["errorType"] == error_type
        assert api_error(exc)[1]["details"] == {"method": "joinRoom"}
    assert bob.channels_join(rid, "s3cret")["channel"]["usersCount"] == 2
    # join-without-join-code: admins skip it
    assert login(rc_server, "admin").channels_join(rid, None)["success"] is True


def test_anonymous_read_follows_the_setting(rc_server):
    url = f"{rc_server.url}/api/v1/channels.anonymousread"
    raw = requests.get(url, params={"roomName": "engineering"}, timeout=5)
    assert raw.status_code == 400
    assert raw.json() == {
        "success": False,
        "error": 'Enable "Allow Anonymous Read" [error-not-allowed]',
        "errorType": "error-not-allowed",
        "details": {"method": "channels.anonymousread"},
    }
    missing = requests.get(url, params={"roomName": "nowhere"}, timeout=5)
    assert missing.json()["errorType"] == "error-room-not-found"
    models.set_setting_value(runtime_of(rc_server.app), "Accounts_AllowAnonymousRead", True)
    body = requests.get(url, params={"roomName": "engineering"}, timeout=5).json()
    assert body["success"] is True and body["total"] == len(body["messages"]) >= 1
    assert body["messages"][0]["rid"] == room_id(login(rc_server, "alice"), "engineering")


def test_user_mentions_by_channel(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    rid = room_id(alice, "engineering")
    bob.chat_post_message("hey @alice, look", room_id=rid)
    bob.chat_post_message("no mention here", room_id=rid)
    mentions = alice.channels_get_all_user_mentions_by_channel(rid)
    assert [m["msg"] for m in mentions] == ["hey @alice, look"]
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_get("channels.getAllUserMentionsByChannel")
    assert api_error(exc)[1]["errorType"] == "invalid-params"
    with pytest.raises(RocketApiException) as exc:
        alice.channels_get_all_user_mentions_by_channel("nowhere")
    assert api_error(exc)[1]["errorType"] == "error-invalid-room"


def test_get_integrations_of_a_channel(rc_server):
    admin, alice = login(rc_server, "admin"), login(rc_server, "alice")
    rid = room_id(admin, "engineering")
    for channel in ("#engineering", "#general"):
        admin.integrations_create(
            integrations_type="webhook-incoming",
            name=f"hook {channel}",
            enabled=True,
            username="admin",
            channel=channel,
            script_enabled=False,
        )
    found = admin.channels_get_integrations(rid)
    assert [i["name"] for i in found] == ["hook #engineering"]
    with pytest.raises(RocketApiException) as exc:
        alice.channels_get_integrations(rid)
    assert api_error(exc)[0] == 403


def test_convert_to_team(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    rid = alice.channels_create("squad", members=["bob"])["channel"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        bob.call_api_post("channels.convertToTeam", channelId=rid)
    assert api_error(exc)[0] == 401
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("channels.convertToTeam")
    assert api_error(exc)[1] == {
        "success": False,
        "error": 'The parameter "channelId" or "channelName" is required',
    }
    team = alice.call_api_post("channels.convertToTeam", channelName="squad")["team"]
    assert team["name"] == "squad" and team["type"] == 0 and team["roomId"] == rid
    info = alice.channels_info(room_id=rid)["channel"]
    assert info["teamMain"] is True and info["teamId"] == team["_id"]
    members = alice.call_api_get("teams.members", teamId=team["_id"])["members"]
    assert sorted(m["user"]["username"] for m in members) == ["alice", "bob"]
    assert messages_of(alice, rid)[0]["t"] == "user-converted-to-team"
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("channels.convertToTeam", channelId=rid)
    assert api_error(exc)[1] == {"success": False, "error": "team-name-already-exists"}
