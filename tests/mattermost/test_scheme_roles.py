"""Scheme roles of team and channel members, through mattermostdriver."""

import json

from tests.mattermost.test_channels import assert_error, call, login, team, user_id
from tests.mattermost.test_posts import fresh_channel


def test_team_member_scheme_roles(mm_server, bus):
    admin, alice = login(mm_server, "admin"), login(mm_server)
    team_id, bob = team(admin)["id"], user_id(admin, "bob")
    flags = {"scheme_admin": True, "scheme_user": True, "scheme_guest": False}
    answer = admin.teams.update_scheme_derived_roles_of_team_member(team_id, bob, flags)
    assert answer == {"status": "OK"}
    member = admin.teams.get_team_member(team_id, bob)
    assert member["scheme_admin"] is True and member["roles"] == "team_user team_admin"
    sent = [p for n, p in bus if n == "memberrole_updated"]
    assert json.loads(sent[-1]["data"]["member"])["scheme_admin"] is True
    assert sent[-1]["broadcast"]["user_id"] == bob
    path = f"/teams/{team_id}/members/{bob}/schemeRoles"
    assert_error(
        call(mm_server, admin, "PUT", path, json={"scheme_user": True, "scheme_guest": True}),
        400,
        "api.team.update_team_member_roles.guest_and_user.app_error",
    )
    assert_error(
        call(mm_server, admin, "PUT", path, json={"scheme_user": "yes"}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(mm_server, alice, "PUT", path, json={"scheme_user": True}),
        403,
        "api.context.permissions.app_error",
    )


def test_channel_member_scheme_roles(mm_server, bus):
    alice, bob = login(mm_server), login(mm_server, "bob")
    ch = fresh_channel(alice)
    bob_id = bob.client.userid
    flags = {"scheme_admin": True, "scheme_user": True}
    answer = alice.channels.update_scheme_derived_roles_of_channel_member(ch["id"], bob_id, flags)
    assert answer == {"status": "OK"}
    member = alice.channels.get_channel_member(ch["id"], bob_id)
    assert member["scheme_admin"] is True and member["roles"] == "channel_user channel_admin"
    sent = [p for n, p in bus if n == "channel_member_updated"]
    assert json.loads(sent[-1]["data"]["channelMember"])["user_id"] == bob_id
    path = f"/channels/{ch['id']}/members/{bob_id}/schemeRoles"
    assert_error(
        call(mm_server, alice, "PUT", path, json={"scheme_user": True, "scheme_guest": True}),
        400,
        "api.channel.update_channel_member_roles.guest_and_user.app_error",
    )
    # bob is a channel admin now and may demote himself
    call(mm_server, bob, "PUT", path, json={"scheme_user": True})
    assert bob.channels.get_channel_member(ch["id"], bob_id)["roles"] == "channel_user"
    assert_error(
        call(mm_server, bob, "PUT", path, json={"scheme_user": True, "scheme_admin": True}),
        403,
        "api.context.permissions.app_error",
    )
