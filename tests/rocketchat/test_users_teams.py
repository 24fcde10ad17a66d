"""``users.listTeams`` (``v1/users.ts``)."""

from __future__ import annotations

from tests.rocketchat.clients import call


def uid(client) -> str:
    return client.headers["X-User-Id"]


def teams_of(caller, user_id):
    """The teams ``users.listTeams`` shows ``caller``, without the seeded company's team."""
    found = call(caller, "GET", "users.listTeams", params={"userId": user_id}).json()["teams"]
    return [t for t in found if t["name"].startswith("zz-")]


def test_teams_of_a_user(admin, alice, bob):
    public = alice.teams_create("zz-open-team", 0, members=[uid(bob)])["team"]
    private = alice.teams_create("zz-closed-team", 1)["team"]
    owned = {t["name"]: t["isOwner"] for t in teams_of(alice, uid(alice))}
    assert owned == {"zz-open-team": True, "zz-closed-team": True}
    # bob may see alice's public team, not her private one; an admin sees both
    assert [t["_id"] for t in teams_of(bob, uid(alice))] == [public["_id"]]
    everything = teams_of(admin, uid(alice))
    assert {t["_id"] for t in everything} == {public["_id"], private["_id"]}
    bobs = teams_of(bob, uid(bob))
    assert [(t["name"], t["isOwner"]) for t in bobs] == [("zz-open-team", False)]
    missing = call(bob, "GET", "users.listTeams")
    assert missing.json() == {
        "success": False,
        "error": "must have required property 'userId' [invalid-params]",
        "errorType": "invalid-params",
    }
