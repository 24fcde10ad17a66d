"""Channel lookups: every channel, by ids, autocomplete, GM search, memberships, common teams."""

from tests.mattermost.test_channels import assert_error, call, channel, login, team, user_id


def test_all_channels_for_admins(mm_server):
    admin, alice = login(mm_server, "admin"), login(mm_server)
    rows = call(mm_server, admin, "GET", "/channels?per_page=200").json()
    names = {r["name"] for r in rows}
    assert {"town-square", "leadership"} <= names
    assert rows[0]["team_name"] == "acme"
    counted = call(mm_server, admin, "GET", "/channels?include_total_count=true&per_page=1")
    body = counted.json()
    assert len(body["channels"]) == 1 and body["total_count"] == len(rows)
    no_defaults = call(mm_server, admin, "GET", "/channels?exclude_default_channels=true").json()
    assert "town-square" not in {r["name"] for r in no_defaults}
    assert_error(
        call(mm_server, alice, "GET", "/channels"), 403, "api.context.permissions.app_error"
    )


def test_public_channels_by_ids_and_autocomplete(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    team_id = team(alice)["id"]
    town, leadership = channel(alice, "town-square"), channel(alice, "leadership")
    found = alice.channels.get_list_of_channels_by_ids(team_id, [town["id"], leadership["id"]])
    assert [c["id"] for c in found] == [town["id"]]  # public ones only
    assert_error(
        call(mm_server, alice, "POST", f"/teams/{team_id}/channels/ids", json=[leadership["id"]]),
        404,
        "app.channel.get_channels_by_ids.not_found.app_error",
    )
    assert_error(
        call(mm_server, alice, "POST", f"/teams/{team_id}/channels/ids", json=["nope"]),
        400,
        "api.context.invalid_body_param.app_error",
    )
    mine = alice.channels.autocomplete_channels(team_id, {"name": "lead"})
    assert [c["name"] for c in mine] == ["leadership"]
    assert bob.channels.autocomplete_channels(team_id, {"name": "lead"}) == []
    searchable = call(
        mm_server, bob, "GET", f"/teams/{team_id}/channels/search_autocomplete?name=town"
    ).json()
    assert [c["name"] for c in searchable] == ["town-square"]


def test_group_messages_search_and_common_teams(mm_server):
    alice = login(mm_server)
    ids = [alice.client.userid, user_id(alice, "bob"), user_id(alice, "admin")]
    gm = alice.channels.create_group_message_channel(ids)
    found = call(mm_server, alice, "POST", "/channels/group/search", json={"term": "bob"}).json()
    assert [c["id"] for c in found] == [gm["id"]]
    none = call(mm_server, alice, "POST", "/channels/group/search", json={"term": "zzz"}).json()
    assert none == []
    common = call(mm_server, alice, "GET", f"/channels/{gm['id']}/common_teams")
    assert [t["name"] for t in common.json()] == ["acme"]
    town = channel(alice, "town-square")
    assert_error(
        call(mm_server, alice, "GET", f"/channels/{town['id']}/common_teams"),
        400,
        "app.channel.get_common_teams.incorrect_channel_type",
    )


def test_a_users_channel_memberships(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    me, team_id = alice.client.userid, team(alice)["id"]
    members = alice.channels.get_channel_members_for_user(me, team_id)
    channel_ids = {m["channel_id"] for m in members}
    assert channel(alice, "leadership")["id"] in channel_ids
    assert all(m["user_id"] == me for m in members)
    with_team = call(mm_server, alice, "GET", f"/users/{me}/channel_members").json()
    assert {m["channel_id"] for m in with_team} >= channel_ids
    assert any(m["team_name"] == "acme" for m in with_team)
    assert_error(
        call(mm_server, bob, "GET", f"/users/{me}/teams/{team_id}/channels/members"),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, bob, "GET", f"/users/{me}/channel_members"),
        403,
        "api.context.permissions.app_error",
    )
