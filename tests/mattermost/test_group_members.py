"""Members outside groups (``resources/group_members.py``): no group can exist unlicensed, so
every live member is listed, by username, with its scheme flags."""

from __future__ import annotations

from emulator.app import runtime_of
from tests.mattermost.clients import assert_error, logged_in, raw, team_id

GROUPS = ",".join(["g" * 26, "h" * 26])
PERMISSIONS = "api.context.permissions.app_error"
INVALID_URL = "api.context.invalid_url_param.app_error"


def test_team_members_minus_group_members_lists_every_member(mm_server):
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    team = team_id(mm_server)
    rt = runtime_of(mm_server.app)
    expected = sorted(
        rt.store.get("users", m["user_id"])["username"]
        for m in rt.store.find("team_members", "team_id", team)
        if not m["delete_at"] and not rt.store.get("users", m["user_id"])["delete_at"]
    )
    path = f"/teams/{team}/members_minus_group_members"
    body = admin("GET", path, params={"group_ids": GROUPS}).json()
    assert body["total_count"] == len(expected)
    assert [u["username"] for u in body["users"]] == expected
    first = body["users"][0]
    assert first["groups"] is None and first["scheme_user"] is True
    paged = admin("GET", path, params={"group_ids": GROUPS, "page": 1, "per_page": 1}).json()
    assert [u["username"] for u in paged["users"]] == expected[1:2]
    assert paged["total_count"] == len(expected)


def test_group_ids_are_checked_before_the_permission(mm_server):
    team = team_id(mm_server)
    town = runtime_of(mm_server.app).store.find_one("channels", "team_name", (team, "town-square"))
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    for path in (
        f"/teams/{team}/members_minus_group_members",
        f"/channels/{town['id']}/members_minus_group_members",
    ):
        assert_error(bob("GET", path), 400, INVALID_URL)
        assert_error(bob("GET", path, params={"group_ids": "g" * 26 + ",x"}), 400, INVALID_URL)
        assert_error(bob("GET", path, params={"group_ids": GROUPS}), 403, PERMISSIONS)


def test_channel_members_minus_group_members_lists_channel_members(mm_server):
    team = team_id(mm_server)
    rt = runtime_of(mm_server.app)
    town = rt.store.find_one("channels", "team_name", (team, "town-square"))
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    path = f"/channels/{town['id']}/members_minus_group_members"
    body = admin("GET", path, params={"group_ids": GROUPS}).json()
    members = rt.store.find("channel_members", "channel_id", town["id"])
    assert body["total_count"] == len(members)
    assert {u["id"] for u in body["users"]} == {m["user_id"] for m in members}
