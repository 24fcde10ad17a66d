"""Channel members: add, remove, read, roles, notify props, view, unreads and stats."""

from __future__ import annotations

from emulator.app import runtime_of
from emulator.mattermost import errors
from tests.mattermost.test_channels import assert_error, call, channel, login


def test_add_and_remove_members(mm_server, bus):
    alice, bob = login(mm_server), login(mm_server, "bob")
    leadership = channel(alice, "leadership")
    bob_id = bob.client.userid
    member = alice.channels.add_user(leadership["id"], {"user_id": bob_id})
    assert member["user_id"] == bob_id
    assert member["channel_id"] == leadership["id"]
    assert member["roles"] == "channel_user"
    assert "id" not in member
    assert bob.channels.get_channel(leadership["id"])["id"] == leadership["id"]
    added = [p for n, p in bus if n == "user_added"]
    assert added[0]["data"] == {"user_id": bob_id, "team_id": leadership["team_id"]}
    assert added[0]["broadcast"]["omit_users"] == {bob_id: True}
    assert added[1]["broadcast"]["user_id"] == bob_id
    assert alice.channels.remove_channel_member(leadership["id"], bob_id) == {"status": "OK"}
    assert call(mm_server, bob, "GET", f"/channels/{leadership['id']}").status_code == 403
    assert next(p["data"] for n, p in bus if n == "user_removed") == {
        "user_id": bob_id,
        "remover_id": alice.client.userid,
    }
    assert_error(
        call(mm_server, alice, "DELETE", f"/channels/{leadership['id']}/members/{bob_id}"),
        404,
        "app.channel.get_member.missing.app_error",
    )


def test_add_members_errors_and_bulk(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    leadership = channel(alice, "leadership")
    eng = channel(alice, "engineering")
    assert_error(
        call(
            mm_server,
            bob,
            "POST",
            f"/channels/{leadership['id']}/members",
            json={"user_id": bob.client.userid},
        ),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(
            mm_server, alice, "POST", f"/channels/{leadership['id']}/members", json={"user_id": 7}
        ),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(
            mm_server,
            alice,
            "POST",
            f"/channels/{leadership['id']}/members",
            json={"user_ids": "nope"},
        ),
        400,
        "api.context.invalid_body_param.app_error",
    )
    town = channel(alice, "town-square")
    assert_error(
        call(mm_server, alice, "DELETE", f"/channels/{town['id']}/members/{alice.client.userid}"),
        400,
        "api.channel.remove.default.app_error",
    )
    bulk = call(
        mm_server,
        alice,
        "POST",
        f"/channels/{leadership['id']}/members",
        json={"user_ids": [bob.client.userid, "n" * 26]},
    )
    # each user is tried on its own: the unknown one is skipped, bob is added
    assert bulk.status_code == 201
    assert [m["user_id"] for m in bulk.json()] == [bob.client.userid]
    body = assert_error(
        call(mm_server, alice, "POST", f"/channels/{leadership['id']}/members", json={}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert body["message"] == "Invalid or missing user_id or user_ids in request body."
    assert_error(
        call(
            mm_server,
            alice,
            "POST",
            f"/channels/{leadership['id']}/members",
            json={"user_ids": ["n" * 26]},
        ),
        404,
        "app.user.missing_account.const",
    )
    # joining a public channel oneself
    bob.channels.remove_channel_member(eng["id"], bob.client.userid)
    assert bob.channels.add_user(eng["id"], {"user_id": bob.client.userid})["user_id"]


def test_member_reads(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    leadership = channel(alice, "leadership")
    members = alice.channels.get_channel_members(leadership["id"])
    assert len(members) == 2
    mine = next(m for m in members if m["user_id"] == alice.client.userid)
    other = next(m for m in members if m["user_id"] != alice.client.userid)
    assert set(mine) == {
        "channel_id",
        "user_id",
        "roles",
        "last_viewed_at",
        "msg_count",
        "mention_count",
        "mention_count_root",
        "urgent_mention_count",
        "msg_count_root",
        "notify_props",
        "last_update_at",
        "scheme_guest",
        "scheme_user",
        "scheme_admin",
        "explicit_roles",
    }
    # another member's read timestamps are not shown (SanitizeForCurrentUser)
    assert set(mine) - set(other) == {"last_viewed_at", "last_update_at"}
    paged = call(
        mm_server, alice, "GET", f"/channels/{leadership['id']}/members?per_page=1&page=1"
    ).json()
    assert paged == [members[1]]
    by_ids = alice.channels.get_channel_members_by_ids(
        leadership["id"], [alice.client.userid, bob.client.userid]
    )
    assert [m["user_id"] for m in by_ids] == [alice.client.userid]
    assert_error(
        call(mm_server, bob, "GET", f"/channels/{leadership['id']}/members"),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, alice, "GET", f"/channels/{leadership['id']}/members/{bob.client.userid}"),
        404,
        "app.channel.get_member.missing.app_error",
    )
    assert_error(
        call(mm_server, alice, "POST", f"/channels/{leadership['id']}/members/ids", json="x"),
        400,
        "api.payload.parse.error",
    )
    eng = channel(alice, "engineering")
    if any(
        m["user_id"] == bob.client.userid for m in alice.channels.get_channel_members(eng["id"])
    ):
        bob.channels.remove_channel_member(eng["id"], bob.client.userid)
    # a public channel's members are for its members only (read_channel, not read_public_channel)
    assert_error(
        call(mm_server, bob, "GET", f"/channels/{eng['id']}/members"),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, alice, "GET", "/channels/" + "z" * 26 + "/members"),
        403,
        "api.context.permissions.app_error",
    )


def test_member_roles_and_notify_props(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    eng = channel(alice, "engineering")
    bob_id = bob.client.userid
    if not any(m["user_id"] == bob_id for m in alice.channels.get_channel_members(eng["id"])):
        alice.channels.add_user(eng["id"], {"user_id": bob_id})
    assert_error(
        call(
            mm_server,
            bob,
            "PUT",
            f"/channels/{eng['id']}/members/{bob_id}/roles",
            json={"roles": "channel_user channel_admin"},
        ),
        403,
        "api.context.permissions.app_error",
    )
    admin = login(mm_server, "admin")
    assert admin.channels.update_channel_roles(
        eng["id"], bob_id, {"roles": "channel_user channel_admin"}
    ) == {"status": "OK"}
    assert alice.channels.get_channel_member(eng["id"], bob_id)["roles"] == (
        "channel_user channel_admin"
    )
    assert_error(
        call(
            mm_server,
            admin,
            "PUT",
            f"/channels/{eng['id']}/members/{bob_id}/roles",
            json={"roles": "system_admin"},
        ),
        400,
        "api.channel.update_channel_member_roles.scheme_role.app_error",
    )
    assert bob.channels.update_channel_notifications(eng["id"], "me", {"desktop": "all"}) == {
        "status": "OK"
    }
    assert bob.channels.get_channel_member(eng["id"], "me")["notify_props"]["desktop"] == "all"
    assert_error(
        call(
            mm_server,
            bob,
            "PUT",
            f"/channels/{eng['id']}/members/{alice.client.userid}/notify_props",
            json={"desktop": "all"},
        ),
        403,
        "api.context.permissions.app_error",
    )


def test_view_unread_and_stats(mm_server, bus):
    alice, bob = login(mm_server), login(mm_server, "bob")
    eng = channel(alice, "engineering")
    bob_id = bob.client.userid
    if not any(m["user_id"] == bob_id for m in alice.channels.get_channel_members(eng["id"])):
        alice.channels.add_user(eng["id"], {"user_id": bob_id})
    bob.channels.view_channel("me", {"channel_id": eng["id"]})
    alice.posts.create_post({"channel_id": eng["id"], "message": "hello @bob"})
    alice.posts.create_post({"channel_id": eng["id"], "message": "second"})
    unread = bob.channels.get_unread_messages("me", eng["id"])
    assert unread["msg_count"] == 2
    assert unread["mention_count"] == 1
    assert unread["channel_id"] == eng["id"] and unread["team_id"] == eng["team_id"]
    viewed = bob.channels.view_channel("me", {"channel_id": eng["id"], "prev_channel_id": ""})
    assert viewed["status"] == "OK"
    assert list(viewed["last_viewed_at_times"]) == [eng["id"]]
    assert any(n == "multiple_channels_viewed" for n, _ in bus)
    unread = bob.channels.get_unread_messages("me", eng["id"])
    assert unread["msg_count"] == 0 and unread["mention_count"] == 0
    leadership = channel(alice, "leadership")
    assert_error(
        call(mm_server, bob, "GET", f"/users/me/channels/{leadership['id']}/unread"),
        403,
        "api.context.permissions.app_error",
    )
    stats = alice.channels.get_channel_statistics(leadership["id"])
    assert stats == {
        "channel_id": leadership["id"],
        "member_count": 2,
        "guest_count": 0,
        "pinnedpost_count": 0,
        "files_count": stats["files_count"],
    }
    assert_error(
        call(mm_server, bob, "GET", f"/channels/{leadership['id']}/stats"),
        403,
        "api.context.permissions.app_error",
    )
    assert call(mm_server, alice, "GET", f"/channels/{eng['id']}/timezones").json() == []


def test_pinned_posts(mm_server):
    d = login(mm_server)
    eng = channel(d, "engineering")
    empty = d.channels.get_channel_pinned_posts(eng["id"])
    assert empty["order"] == [] and empty["posts"] == {}
    post = d.posts.create_post({"channel_id": eng["id"], "message": "pin me"})
    d.posts.pin_post_to_channel(post["id"])
    pinned = d.channels.get_channel_pinned_posts(eng["id"])
    assert pinned["order"] == [post["id"]]
    assert pinned["posts"][post["id"]]["is_pinned"] is True
    assert d.channels.get_channel_statistics(eng["id"])["pinnedpost_count"] == 1


def test_member_counts_of_channels_one_may_read(mm_server):
    alice = login(mm_server, "alice")
    town = channel(alice, "town-square")
    store = runtime_of(mm_server.app).store
    members = store.count_by("channel_members", "channel_id", town["id"])
    counted = call(mm_server, alice, "POST", "/channels/stats/member_count", json=[town["id"]])
    assert counted.json() == {town["id"]: members}
    secret = alice.channels.create_channel(
        {"team_id": town["team_id"], "name": "few", "display_name": "Few", "type": "P"}
    )
    bob = login(mm_server, "bob")
    refused = call(
        mm_server, bob, "POST", "/channels/stats/member_count", json=[town["id"], secret["id"]]
    )
    assert_error(refused, 403, errors.PERMISSIONS)
    bad = call(mm_server, alice, "POST", "/channels/stats/member_count", json={"ids": []})
    assert_error(bad, 400, errors.PAYLOAD_PARSE)
