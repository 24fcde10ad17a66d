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
