"""teams.*: a team, its main room, its members and its rooms."""

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat


def login(server, name):
    return RocketChat(name, f"{name}-password", server_url=server.url)


def test_create_info_list(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    team = alice.teams_create("platform", 0, members=[bob.headers["X-User-Id"]])["team"]
    assert set(team) == {"_id", "name", "type", "roomId", "createdBy", "createdAt", "_updatedAt"}
    assert team["name"] == "platform" and team["type"] == 0
    assert team["createdBy"]["username"] == "alice"
    main = alice.channels_info(room_id=team["roomId"])["channel"]
    assert main["teamMain"] is True and main["teamId"] == team["_id"]
    assert main["usersCount"] == 2
    assert alice.teams_info(team_name="platform")["teamInfo"]["_id"] == team["_id"]
    listed = bob.call_api_get("teams.list")
    # The seeded workspace's team (acme) comes first.
    assert [t["name"] for t in listed["teams"]] == ["acme", "platform"]
    assert listed["teams"][1]["numberOfUsers"] == 2 and listed["total"] == 2
    admin = login(rc_server, "admin")
    assert [t["name"] for t in admin.teams_list_all()] == ["acme", "platform"]
    with pytest.raises(RocketApiException) as exc:
        list(bob.teams_list_all())
    assert exc.value.status_code == 403
    with pytest.raises(RocketApiException) as exc:
        alice.teams_create("platform", 0)
    assert exc.value.response_json == {"success": False, "error": "team-name-already-exists"}


def test_private_team_hidden_from_outsiders(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    team = alice.teams_create("inner-circle", 1)["team"]
    with pytest.raises(RocketApiException) as exc:
        bob.teams_info(team_id=team["_id"])
    assert exc.value.status_code == 403
    with pytest.raises(RocketApiException) as exc:
        bob.teams_info(team_id="nope")
    assert exc.value.response_json == {"success": False, "error": "Team not found"}


def test_members_add_remove(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    bob_id = bob.headers["X-User-Id"]
    team = alice.teams_create("guild", 0)["team"]
    assert alice.teams_add_members(team_id=team["_id"], members=[{"userId": bob_id}]) == {
        "success": True
    }
    members = list(alice.teams_members(team_id=team["_id"]))
    assert [(m["user"]["username"], m["roles"]) for m in members] == [
        ("alice", ["owner"]),
        ("bob", ["member"]),
    ]
    assert bob.subscriptions_get_one(team["roomId"])["subscription"] is not None
    with pytest.raises(RocketApiException) as exc:
        bob.teams_remove_member(team_id=team["_id"], user_id=alice.headers["X-User-Id"])
    assert exc.value.status_code == 403
    assert alice.teams_remove_member(team_id=team["_id"], user_id=bob_id) == {"success": True}
    assert bob.subscriptions_get_one(team["roomId"])["subscription"] is None
    with pytest.raises(RocketApiException) as exc:
        alice.teams_remove_member(team_id=team["_id"], user_id=alice.headers["X-User-Id"])
    assert exc.value.response_json == {"success": False, "error": "error-you-are-last-owner"}


def test_list_rooms(rc_server):
    alice = login(rc_server, "alice")
    team = alice.teams_create("squad", 0)["team"]
    rid = alice.channels_create("squad-chat")["channel"]["_id"]
    added = alice.teams_add_rooms(team_id=team["_id"], rooms=[rid])
    assert added["rooms"][0]["teamId"] == team["_id"]
    rooms = list(alice.teams_list_rooms(team_id=team["_id"]))
    assert [r["_id"] for r in rooms] == [rid]
    # team channels are listed only to those who joined them
    bob = login(rc_server, "bob")
    names = [c["name"] for c in bob.channels_list()]
    assert "squad-chat" not in names and "squad" not in names
    assert "squad-chat" in [c["name"] for c in alice.channels_list()]
    assert alice.rooms_info(room_id=rid)["team"]["_id"] == team["_id"]


def test_errors(rc_server):
    alice = login(rc_server, "alice")
    raw = requests.post(
        f"{rc_server.url}/api/v1/teams.create", headers=alice.headers, json={"type": 0}, timeout=5
    )
    assert raw.status_code == 400
    assert raw.json() == {
        "success": False,
        "error": "must have required property 'name' [invalid-params]",
        "errorType": "invalid-params",
    }
    raw = requests.get(f"{rc_server.url}/api/v1/teams.members", headers=alice.headers, timeout=5)
    assert raw.json() == {"success": False, "error": "missing-teamId-or-teamName"}
    with pytest.raises(RocketApiException) as exc:
        list(alice.teams_members(team_name="ghosts"))
    assert exc.value.response_json == {"success": False, "error": "team-does-not-exist"}


def test_delete_team(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    team = alice.teams_create("short-lived", 0, members=[bob.headers["X-User-Id"]])["team"]
    keep = alice.channels_create("keeper")["channel"]["_id"]
    drop = alice.channels_create("dropper")["channel"]["_id"]
    alice.teams_add_rooms(team_id=team["_id"], rooms=[keep, drop])
    with pytest.raises(RocketApiException) as exc:
        bob.teams_delete(team_id=team["_id"])
    assert exc.value.status_code == 403
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("rooms.delete", roomId=team["roomId"])
    assert exc.value.response_json["errorType"] == "error-cannot-delete-team-channel"
    assert alice.teams_delete(team_id=team["_id"], roomsToRemove=[drop]) == {"success": True}
    with pytest.raises(RocketApiException) as exc:
        alice.teams_info(team_id=team["_id"])
    assert exc.value.response_json == {"success": False, "error": "Team not found"}
    assert "teamId" not in alice.channels_info(room_id=keep)["channel"]
    for rid in (drop, team["roomId"]):
        with pytest.raises(RocketApiException):
            alice.channels_info(room_id=rid)


def api_error(excinfo):
    return excinfo.value.status_code, excinfo.value.response_json


def test_update_renames_and_retypes_the_main_room(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    team = alice.teams_create("renamable", 0, members=[bob.headers["X-User-Id"]])["team"]
    body = alice.call_api_post(
        "teams.update", teamId=team["_id"], data={"name": "renamed", "type": 1}
    )
    assert body == {"success": True}
    info = alice.teams_info(team_id=team["_id"])["teamInfo"]
    assert (info["name"], info["type"]) == ("renamed", 1)
    room = alice.rooms_info(room_id=team["roomId"])["room"]
    assert (room["name"], room["t"]) == ("renamed", "p")
    kinds = [
        m.get("t") for m in alice.call_api_get("groups.messages", roomId=room["_id"])["messages"]
    ]
    assert "r" in kinds and "room_changed_privacy" in kinds
    with pytest.raises(RocketApiException) as exc:
        bob.call_api_post("teams.update", teamId=team["_id"], data={"name": "mine"})
    assert api_error(exc)[0] == 403
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("teams.update", teamId=team["_id"])
    assert api_error(exc)[1]["errorType"] == "invalid-params"
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("teams.update", teamId="nope", data={"name": "x"})
    assert api_error(exc)[1] == {"success": False, "error": "team-does-not-exist"}


def test_leave_team(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    team = alice.teams_create("leavable", 0, members=[bob.headers["X-User-Id"]])["team"]
    side = alice.channels_create("leavable-side", members=["bob"])["channel"]["_id"]
    alice.teams_add_rooms(team_id=team["_id"], rooms=[side])
    assert bob.call_api_post("teams.leave", teamId=team["_id"], rooms=[side]) == {"success": True}
    members = alice.call_api_get("teams.members", teamId=team["_id"])["members"]
    assert [m["user"]["username"] for m in members] == ["alice"]
    assert alice.channels_info(room_id=side)["channel"]["usersCount"] == 1
    with pytest.raises(RocketApiException) as exc:
        bob.call_api_post("teams.leave", teamId=team["_id"])
    assert api_error(exc)[1] == {"success": False, "error": "member-does-not-exist"}
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("teams.leave", teamName="leavable")
    assert api_error(exc)[1] == {"success": False, "error": "last-owner-can-not-be-removed"}


def test_autocomplete(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    alice.teams_create("rocket-public", 0)
    alice.teams_create("rocket-private", 1)
    names = [t["name"] for t in bob.teams_autocomplete("ROCK")["teams"]]
    assert names == ["rocket-public"]
    found = alice.teams_autocomplete("rocket")["teams"]
    assert [t["name"] for t in found] == ["rocket-private", "rocket-public"]
    assert set(found[0]) <= {"_id", "fname", "teamId", "name", "t", "avatarETag"}
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_get("teams.autocomplete")
    assert api_error(exc)[0] == 400


def test_convert_to_channel(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    team = alice.teams_create("short-lived", 0, members=[bob.headers["X-User-Id"]])["team"]
    keep = alice.channels_create("keeps")["channel"]["_id"]
    drop = alice.channels_create("drops")["channel"]["_id"]
    alice.teams_add_rooms(team_id=team["_id"], rooms=[keep, drop])
    with pytest.raises(RocketApiException) as exc:
        bob.call_api_post("teams.convertToChannel", teamId=team["_id"])
    assert api_error(exc)[0] == 403
    body = alice.call_api_post("teams.convertToChannel", teamId=team["_id"], roomsToRemove=[drop])
    assert body == {"success": True}
    main = alice.channels_info(room_id=team["roomId"])["channel"]
    assert "teamMain" not in main and "teamId" not in main and main["usersCount"] == 2
    assert "teamId" not in alice.channels_info(room_id=keep)["channel"]
    with pytest.raises(RocketApiException):
        alice.channels_info(room_id=drop)
    with pytest.raises(RocketApiException) as exc:
        alice.teams_info(team_id=team["_id"])
    assert api_error(exc)[1]["error"] == "Team not found"


def test_list_children(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    team = alice.teams_create("parents", 0)["team"]
    side = alice.groups_create("parents-private")["group"]["_id"]
    alice.teams_add_rooms(team_id=team["_id"], rooms=[side])
    talk = alice.rooms_create_discussion(team["roomId"], "Kids talk")["discussion"]["_id"]
    body = alice.call_api_get("teams.listChildren", teamId=team["_id"])
    assert {r["_id"] for r in body["data"]} == {team["roomId"], side, talk}
    assert body["total"] == 3 and body["count"] == 3 and body["offset"] == 0
    only = alice.call_api_get("teams.listChildren", roomId=team["roomId"], type="discussions")
    assert {r["_id"] for r in only["data"]} == {team["roomId"], talk}
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_get("teams.listChildren", teamId=team["_id"], type="dms")
    assert api_error(exc)[1]["errorType"] == "invalid-params"
    seen_by_bob = bob.call_api_get("teams.listChildren", teamName="parents", type="channels")
    assert [r["_id"] for r in seen_by_bob["data"]] == [team["roomId"]]
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_get("teams.listChildren", teamId="nope")
    assert api_error(exc)[0] == 404
