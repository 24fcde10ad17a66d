"""``teams.removeRoom``, ``teams.updateRoom``, ``teams.updateMember`` through rocketchat_API."""

from __future__ import annotations

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from tests.rocketchat.clients import call, refused


def uid(client) -> str:
    return client.headers["X-User-Id"]


def team_with_room(alice, bob):
    team = alice.teams_create("zz-crew", 0, members=[uid(bob)])["team"]
    room = alice.channels_create("zz-crew-chat")["channel"]
    alice.teams_add_rooms(team_id=team["_id"], rooms=[room["_id"]])
    return team, room


def test_update_room_makes_it_default_and_adds_the_members(alice, bob):
    _team, room = team_with_room(alice, bob)
    updated = alice.teams_update_room(room["_id"], True)["room"]
    assert updated["teamDefault"] is True
    members = [m["username"] for m in alice.channels_members(room_id=room["_id"])]
    assert "bob" in members
    with pytest.raises(RocketApiException) as excinfo:
        bob.teams_update_room(room["_id"], False)
    assert refused(excinfo) == (403, {"success": False, "error": "unauthorized"})
    answer = call(alice, "POST", "teams.updateRoom", json={"roomId": room["_id"]})
    assert answer.json() == {"success": False, "error": "Match error: Missing key 'isDefault'"}
    general = call(alice, "POST", "teams.updateRoom", json={"roomId": "GENERAL", "isDefault": True})
    assert general.json() == {"success": False, "error": "room-not-on-team"}


def test_remove_room_leaves_the_team_with_a_system_message(alice, bob):
    team, room = team_with_room(alice, bob)
    removed = alice.teams_remove_room(team_id=team["_id"], room_id=room["_id"])["room"]
    assert "teamId" not in removed
    rooms = list(alice.teams_list_rooms(team_id=team["_id"]))
    assert room["_id"] not in [r["_id"] for r in rooms]
    history = call(alice, "GET", "channels.messages", params={"roomId": team["roomId"]}).json()
    assert history["messages"][0]["t"] == "user-removed-room-from-team"
    with pytest.raises(RocketApiException) as excinfo:
        alice.teams_remove_room(team_id=team["_id"], room_id=room["_id"])
    assert refused(excinfo) == (400, {"success": False, "error": "room-not-on-that-team"})
    with pytest.raises(RocketApiException) as excinfo:
        bob.teams_remove_room(team_id=team["_id"], room_id=room["_id"])
    assert refused(excinfo)[0] == 403
    answer = call(alice, "POST", "teams.removeRoom", json={"teamId": team["_id"]})
    assert answer.json()["error"] == (
        "must have required property 'roomId'\n must have required property 'teamName'\n"
        " must match exactly one schema in oneOf [invalid-params]"
    )


def test_update_member_roles(alice, bob):
    team, _room = team_with_room(alice, bob)
    member = {"userId": uid(bob), "roles": ["moderator"]}
    assert alice.teams_update_member(team_id=team["_id"], member=member) == {"success": True}
    listed = list(alice.teams_members(team_id=team["_id"]))
    assert next(m for m in listed if m["user"]["username"] == "bob")["roles"] == ["moderator"]
    sub = bob.subscriptions_get_one(room_id=team["roomId"])["subscription"]
    assert sub["roles"] == ["moderator"]
    with pytest.raises(RocketApiException) as excinfo:
        alice.teams_update_member(team_name="nope", member=member)
    assert refused(excinfo) == (400, {"success": False, "error": "team-does-not-exist"})


def test_rooms_of_user(alice, bob):
    team, room = team_with_room(alice, bob)
    found = alice.teams_list_rooms_of_user(team_id=team["_id"], user_id=uid(alice))
    assert {r["_id"] for r in found} == {team["roomId"], room["_id"]}
    params = {"teamId": team["_id"], "userId": uid(alice)}
    raw = call(alice, "GET", "teams.listRoomsOfUser", params=params).json()
    assert (raw["total"], raw["count"], raw["offset"]) == (2, 2, 0)
    # bob is in the main room only; he may ask about himself, not about alice
    mine = bob.teams_list_rooms_of_user(team_id=team["_id"], user_id=uid(bob))
    assert [r["_id"] for r in mine] == [team["roomId"]]
    denied = call(bob, "GET", "teams.listRoomsOfUser", params=params)
    assert (denied.status_code, denied.json()) == (403, {"success": False, "error": "unauthorized"})
    deletable = call(
        alice,
        "GET",
        "teams.listRoomsOfUser",
        params={"teamId": team["_id"], "userId": uid(bob), "canUserDelete": "true"},
    ).json()
    assert deletable["rooms"] == []
    missing = call(alice, "GET", "teams.listRoomsOfUser", params={"teamId": team["_id"]})
    assert missing.json() == {"success": False, "error": "Match error: Missing key 'userId'"}
