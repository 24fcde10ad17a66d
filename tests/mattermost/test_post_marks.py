"""What a user marks on posts: flagged lists, set unread, reminders."""

from __future__ import annotations

import json

from emulator.app import runtime_of
from tests.mattermost.test_channels import assert_error, call, channel, login
from tests.mattermost.test_posts import LIST_KEYS, fresh_channel


def _flag(d, post_id: str) -> None:
    me = d.client.userid
    pref = {"user_id": me, "category": "flagged_post", "name": post_id, "value": "true"}
    d.preferences.save_user_preferences("me", [pref])


def test_flagged_posts_newest_first_by_team_and_channel(mm_server):
    alice = login(mm_server)
    ch = fresh_channel(alice)
    other = channel(alice, "town-square")
    first = alice.posts.create_post({"channel_id": ch["id"], "message": "keep one"})
    second = alice.posts.create_post({"channel_id": other["id"], "message": "keep two"})
    gone = alice.posts.create_post({"channel_id": ch["id"], "message": "keep gone"})
    for post in (first, second, gone):
        _flag(alice, post["id"])
    alice.posts.delete_post(gone["id"])
    me = alice.client.userid
    flagged = alice.posts.get_list_of_flagged_posts(me)
    assert list(flagged) == LIST_KEYS
    assert flagged["order"] == [second["id"], first["id"]]
    in_channel = alice.posts.get_list_of_flagged_posts(me, {"channel_id": ch["id"]})
    assert in_channel["order"] == [first["id"]]
    in_team = alice.posts.get_list_of_flagged_posts(me, {"team_id": ch["team_id"]})
    assert in_team["order"] == flagged["order"]
    assert alice.posts.get_list_of_flagged_posts(me, {"team_id": "t" * 26})["order"] == []
    paged = alice.posts.get_list_of_flagged_posts(me, {"page": 1, "per_page": 1})
    assert paged["order"] == [first["id"]]
    bob = login(mm_server, "bob")
    assert bob.posts.get_list_of_flagged_posts(bob.client.userid)["order"] == []
    assert_error(
        call(mm_server, bob, "GET", f"/users/{me}/posts/flagged"),
        403,
        "api.context.permissions.app_error",
    )


def test_set_post_unread_rewinds_the_member_and_tells_the_user(mm_server, bus):
    alice, bob = login(mm_server), login(mm_server, "bob")
    ch = fresh_channel(alice)
    older = alice.posts.create_post({"channel_id": ch["id"], "message": "one"})
    target = alice.posts.create_post({"channel_id": ch["id"], "message": "two @bob"})
    alice.posts.create_post({"channel_id": ch["id"], "message": "three @bob"})
    bob_id = bob.client.userid
    bob.channels.view_channel(bob_id, {"channel_id": ch["id"]})
    answer = call(mm_server, bob, "POST", f"/users/{bob_id}/posts/{target['id']}/set_unread")
    assert answer.status_code == 200
    unread = answer.json()
    assert unread["channel_id"] == ch["id"] and unread["user_id"] == bob_id
    assert unread["last_viewed_at"] == target["create_at"] - 1
    assert unread["mention_count"] == 2
    # the system "bob added" post and "one" stay read
    assert unread["msg_count"] == 2 and older["create_at"] < target["create_at"]
    member = bob.channels.get_channel_member(ch["id"], bob_id)
    assert member["last_viewed_at"] == unread["last_viewed_at"]
    assert member["mention_count"] == 2
    events = [(n, p) for n, p in bus if n == "post_unread"]
    assert len(events) == 1
    data, to = events[0][1]["data"], events[0][1]["broadcast"]
    assert data["post_id"] == target["id"] and data["mention_count"] == 2
    assert to["user_id"] == bob_id and to["channel_id"] == ch["id"]
    assert_error(
        call(mm_server, alice, "POST", f"/users/{bob_id}/posts/{target['id']}/set_unread"),
        403,
        "api.context.permissions.app_error",
    )
    secret = alice.posts.create_post(
        {"channel_id": channel(alice, "leadership")["id"], "message": "s"}
    )
    assert_error(
        call(mm_server, bob, "POST", f"/users/me/posts/{secret['id']}/set_unread"),
        403,
        "api.context.permissions.app_error",
    )


def test_post_reminder_is_kept_and_announced_ephemerally(mm_server, bus):
    alice, bob = login(mm_server), login(mm_server, "bob")
    ch = fresh_channel(alice)
    post = alice.posts.create_post({"channel_id": ch["id"], "message": "remind me"})
    bob_id = bob.client.userid
    path = f"/users/{bob_id}/posts/{post['id']}/reminder"
    answer = call(mm_server, bob, "POST", path, json={"target_time": 1_900_000_000})
    assert answer.status_code == 200 and answer.json() == {"status": "OK"}
    stored = runtime_of(mm_server.app).store.get("post_reminders", f"{post['id']}:{bob_id}")
    assert stored["target_time"] == 1_900_000_000
    sent = [p for n, p in bus if n == "ephemeral_message"]
    assert len(sent) == 1
    ephemeral = json.loads(sent[0]["data"]["post"])  # sent as a JSON string, as upstream
    assert sent[0]["broadcast"]["user_id"] == bob_id
    assert ephemeral["root_id"] == post["id"] and ephemeral["props"]["type"] == "reminder"
    assert ephemeral["props"]["username"] == "alice"
    assert "by @alice at 17 Mar 30" in ephemeral["message"]
    assert_error(
        call(mm_server, bob, "POST", path, json={"target_time": "soon"}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(mm_server, alice, "POST", path, json={"target_time": 1}),
        403,
        "api.context.permissions.app_error",
    )


def test_burning_a_post_refuses_one_that_is_not_burn_on_read(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    ch = fresh_channel(alice)
    post = alice.posts.create_post({"channel_id": ch["id"], "message": "plain"})
    response = call(mm_server, bob, "DELETE", f"/posts/{post['id']}/burn")
    assert_error(response, 400, "app.burn_post.not_burn_on_read.app_error")
    # A public channel is readable by a team member who is not in it: still no burning there.
    alice.channels.remove_channel_member(ch["id"], bob.client.userid)
    response = call(mm_server, bob, "DELETE", f"/posts/{post['id']}/burn")
    assert_error(response, 403, "api.post.burn_post.user_not_in_channel.app_error")
    assert_error(
        call(mm_server, bob, "DELETE", f"/posts/{'p' * 26}/burn"), 404, "app.post.get.app_error"
    )
    assert_error(
        call(mm_server, bob, "DELETE", "/posts/short/burn"),
        400,
        "api.context.invalid_url_param.app_error",
    )
