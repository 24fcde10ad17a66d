"""``users.listTeams`` (``v1/users.ts``)."""

from __future__ import annotations

from tests.rocketchat.clients import call


def uid(client) -> str:
    return client.headers["X-User-Id"]


def test_teams_of_a_user(admin, alice, bob):
    public = alice.teams_create("zz-open-team", 0, members=[uid(bob)])["team"]
    private = alice.teams_create("zz-closed-team", 1)["team"]
    mine = call(alice, "GET", "users.listTeams", params={"userId": uid(alice)}).json()
    owned = {t["name"]: t["isOwner"] for t in mine["teams"]}
    assert owned == {"zz-open-team": True, "zz-closed-team": True}
    # bob may see alice's public team, not her private one; an admin sees both
    seen = call(bob, "GET", "users.listTeams", params={"userId": uid(alice)}).json()
    assert [t["_id"] for t in seen["teams"]] == [public["_id"]]
    everything = call(admin, "GET", "users.listTeams", params={"userId": uid(alice)}).json()
    assert {t["_id"] for t in everything["teams"]} == {public["_id"], private["_id"]}
    bobs = call(bob, "GET", "users.listTeams", params={"userId": uid(bob)}).json()
    assert [(t["name"], t["isOwner"]) for t in bobs["teams"]] == [("zz-open-team", False)]
    missing = call(bob, "GET", "users.listTeams")
    assert missing.json() == {
        "success": False,
        "error": "must have required property 'userId' [invalid-params]",
        "errorType": "invalid-params",
    }
