"""Team members: add, remove, roles, batches, invites, a user's teams and unreads."""

from __future__ import annotations

import requests

from emulator.app import runtime_of
from tests.mattermost.clients import assert_error, logged_in, raw, team_id, user_id


def test_members_add_remove_and_roles(mm_server):
    admin = logged_in(mm_server, "admin")
    ops = admin.teams.create_team({"name": "ops", "display_name": "Ops", "type": "O"})
    bob = user_id(mm_server, "bob")
    alice = user_id(mm_server, "alice")
    added = admin.teams.add_user_to_team(ops["id"], {"team_id": ops["id"], "user_id": bob})
    assert added["roles"] == "team_user" and added["user_id"] == bob
    rt = runtime_of(mm_server.app)
    town = rt.store.find_one("channels", "team_name", (ops["id"], "town-square"))
    assert rt.store.get("channel_members", f"{town['id']}:{bob}") is not None
    batch = admin.teams.add_multiple_users_to_team(
        ops["id"], [{"team_id": ops["id"], "user_id": alice}]
    )
    assert [m["user_id"] for m in batch] == [alice]
    members = admin.teams.get_team_members(ops["id"])
    assert {m["user_id"] for m in members} == {admin.client.userid, bob, alice}
    assert [m["user_id"] for m in admin.teams.get_team_members_by_id(ops["id"], [bob])] == [bob]
    stats = admin.teams.get_team_stats(ops["id"])
    assert stats == {"team_id": ops["id"], "total_member_count": 3, "active_member_count": 3}
    admin.teams.update_team_member_roles(ops["id"], bob, {"roles": "team_user team_admin"})
    assert admin.teams.get_team_member(ops["id"], bob)["scheme_admin"] is True
    assert_error(
        raw(mm_server, admin)(
            "put", f"/teams/{ops['id']}/members/{bob}/roles", json={"roles": "x"}
        ),
        400,
        "api.context.invalid_body_param.app_error",
    )
    bob_driver = logged_in(mm_server, "bob")
    assert bob_driver.teams.remove_user_from_team(ops["id"], "me") == {"status": "OK"}
    assert rt.store.get("channel_members", f"{town['id']}:{bob}") is None
    assert_error(
        raw(mm_server, admin)("get", f"/teams/{ops['id']}/members/{bob}"),
        404,
        "app.team.get_member.missing.app_error",
    )
    assert_error(
        raw(mm_server, admin)("delete", f"/teams/{ops['id']}/members/{bob}"),
        400,
        "api.team.remove_user_from_team.missing.app_error",
    )


def test_member_permissions_and_bad_bodies(mm_server):
    admin = logged_in(mm_server, "admin")
    secret = admin.teams.create_team({"name": "secret", "display_name": "S", "type": "I"})
    bob = logged_in(mm_server, "bob")
    call = raw(mm_server, bob)
    body = assert_error(
        call(
            "post",
            f"/teams/{secret['id']}/members",
            json={"team_id": secret["id"], "user_id": bob.client.userid},
        ),
        403,
        "api.context.permissions.app_error",
    )
    assert body["detailed_error"].endswith("permission=join_private_teams")
    acme = team_id(mm_server)
    assert_error(
        call("post", f"/teams/{acme}/members", json={"team_id": secret["id"], "user_id": "x"}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call("post", f"/teams/{acme}/members", data=b"{oops"),
        400,
        "api.team.add_team_member.invalid_body.app_error",
    )
    assert_error(
        call("post", f"/teams/{acme}/members/batch", json=[]),
        400,
        "api.context.invalid_body_param.app_error",
    )
    alice = user_id(mm_server, "alice")
    assert_error(
        call("delete", f"/teams/{acme}/members/{alice}"), 403, "api.context.permissions.app_error"
    )


def test_teams_of_a_user_and_unreads(mm_server):
    alice = logged_in(mm_server)
    acme = team_id(mm_server)
    assert [t["name"] for t in alice.teams.get_user_teams("me")] == ["acme"]
    assert [m["team_id"] for m in alice.teams.get_team_members_for_user("me")] == [acme]
    unread = alice.teams.get_team_unreads_for_user("me")
    assert unread == [
        {
            "team_id": acme,
            "msg_count": 0,
            "mention_count": 0,
            "mention_count_root": 0,
            "msg_count_root": 0,
            "thread_count": 0,
            "thread_mention_count": 0,
            "thread_urgent_mention_count": 0,
        }
    ]
    rt = runtime_of(mm_server.app)
    town = rt.store.find_one("channels", "team_name", (acme, "town-square"))
    bob = logged_in(mm_server, "bob")
    bob.posts.create_post({"channel_id": town["id"], "message": "news"})
    assert alice.teams.get_unreads_for_team("me", acme)["msg_count"] == 1
    assert alice.teams.get_team_unreads_for_user("me", {"exclude_team": acme}) == []
    bob_id = user_id(mm_server, "bob")
    assert_error(
        raw(mm_server, alice)("get", f"/users/{bob_id}/teams"),
        403,
        "api.context.permissions.app_error",
    )


def test_batch_add_graceful_reports_each_user(mm_server):
    admin = logged_in(mm_server, "admin")
    ops = admin.teams.create_team({"name": "ops", "display_name": "Ops", "type": "O"})
    bob = user_id(mm_server, "bob")
    response = raw(mm_server, admin)(
        "post",
        f"/teams/{ops['id']}/members/batch",
        params={"graceful": "1"},
        json=[{"team_id": ops["id"], "user_id": bob}, {"team_id": ops["id"], "user_id": "a" * 26}],
    )
    assert response.status_code == 201
    first, second = response.json()
    assert (first["user_id"], first["member"]["user_id"], first["error"]) == (bob, bob, None)
    assert second["member"] is None and second["error"]["id"] == "app.user.missing_account.const"


def test_invite_info_and_joining_by_invite_id(mm_server):
    admin = logged_in(mm_server, "admin")
    ops = admin.teams.create_team({"name": "ops", "display_name": "Ops", "type": "O"})
    info = requests.get(f"{mm_server.url}/api/v4/teams/invite/{ops['invite_id']}", timeout=5)
    assert info.json() == {"display_name": "Ops", "description": "", "name": "ops", "id": ops["id"]}
    bob = logged_in(mm_server, "bob")
    joined = bob.teams.add_user_to_team_from_invite({"invite_id": ops["invite_id"]})
    assert (joined["team_id"], joined["user_id"]) == (ops["id"], bob.client.userid)
    call = raw(mm_server, bob)
    assert_error(
        call("post", "/teams/members/invite"),
        400,
        "api.team.add_user_to_team.missing_parameter.app_error",
    )
    assert_error(
        call("post", "/teams/members/invite", params={"invite_id": "a" * 26}),
        404,
        "app.team.get_by_invite_id.finding.app_error",
    )
    secret = admin.teams.create_team({"name": "secret", "display_name": "S", "type": "I"})
    closed = requests.get(f"{mm_server.url}/api/v4/teams/invite/{secret['invite_id']}", timeout=5)
    assert_error(closed, 403, "api.team.get_invite_info.not_open_team")
