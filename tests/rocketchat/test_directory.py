"""``directory`` and ``spotlight`` (``v1/misc.ts``)."""

from __future__ import annotations

from tests.rocketchat.clients import call


def names(answer: dict, key: str = "result", field: str = "name") -> list:
    return [entry.get(field) for entry in answer[key]]


def test_directory_channels_users_and_teams(admin, alice, bob):
    alice.channels_create("zz-public")
    alice.groups_create("zz-private")
    channels = call(bob, "GET", "directory", params={"text": "zz-", "type": "channels"}).json()
    # bob sees the public channel, not alice's private group; sorted by name descending
    assert names(channels) == ["zz-public"]
    assert (channels["count"], channels["offset"], channels["total"]) == (1, 0, 1)
    mine = call(alice, "GET", "directory", params={"text": "zz-", "sort": '{"name": 1}'}).json()
    assert names(mine) == ["zz-private", "zz-public"]
    room = mine["result"][1]
    assert set(room) <= {
        "_id", "t", "description", "topic", "name", "fname", "lastMessage", "ts", "archived",
        "default", "featured", "usersCount", "prid", "teamId", "federated", "belongsTo",
    }  # fmt: skip
    assert room["ts"].endswith("Z")

    users = call(bob, "GET", "directory", params={"text": "ali", "type": "users"}).json()
    assert names(users, field="username") == ["alice"]
    assert "emails" not in users["result"][0]
    full = call(admin, "GET", "directory", params={"text": "ali", "type": "users"}).json()
    assert full["result"][0]["emails"][0]["address"] == "alice@example.com"

    alice.teams_create("zz-team", 0)
    teams = call(alice, "GET", "directory", params={"type": "teams", "text": "zz"}).json()
    assert names(teams) == ["zz-team"] and teams["result"][0]["roomsCount"] == 1
    # the client's own call, a plain listing
    assert "general" in [room["name"] for room in bob.directory(query={})]


def test_directory_refusals(alice):
    answer = call(alice, "GET", "directory", params={"type": "planets"})
    assert (answer.status_code, answer.json()) == (
        400,
        {"success": False, "error": "Please verify the parameters"},
    )
    answer = call(alice, "GET", "directory", params={"sort": '{"name": 1, "ts": 1}'})
    assert answer.json()["error"] == 'This method support only one "sort" parameter'
    answer = call(alice, "GET", "directory", params={"type": "users", "sort": '{"topic": 1}'})
    assert answer.json()["error"] == "Please verify the parameters"


def test_spotlight_users_and_rooms(admin, alice, bob):
    admin.channels_create("zz-lounge")
    found = alice.spotlight("zz")
    # rooms alice may join, not the ones she is in
    assert names(found, "rooms") == ["zz-lounge"]
    assert alice.spotlight("@zz")["rooms"] == []
    # the exact username first, then others by username, five at most
    users = alice.spotlight("BOB")["users"]
    assert (users[0]["username"], users[0]["outside"]) == ("bob", True)
    assert [u["username"] for u in users].count("bob") == 1
    several = alice.spotlight("o")["users"]
    assert len(several) == 5
    assert [u["username"] for u in several] == sorted(u["username"] for u in several)
    assert set(users[0]) <= {
        "_id", "username", "nickname", "name", "status", "statusText", "avatarETag", "outside",
    }  # fmt: skip
    rooms_only = call(alice, "GET", "spotlight", params={"query": "#zz"}).json()
    assert rooms_only["users"] == [] and names(rooms_only, "rooms") == ["zz-lounge"]
    missing = call(alice, "GET", "spotlight")
    assert missing.json() == {
        "success": False,
        "error": "must have required property 'query'",
        "errorType": "error-invalid-params",
    }
