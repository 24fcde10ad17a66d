"""Reactions through mattermostdriver's ``reactions`` endpoints."""

import json

import pytest
from mattermostdriver.exceptions import NotEnoughPermissions

from tests.mattermost.test_channels import assert_error, call, channel, login

REACTION_KEYS = [
    "user_id",
    "post_id",
    "emoji_name",
    "create_at",
    "update_at",
    "delete_at",
    "remote_id",
    "channel_id",
]


def test_add_list_remove_reaction(mm_server, bus):
    alice, bob = login(mm_server), login(mm_server, "bob")
    eng = channel(alice, "engineering")
    post = alice.posts.create_post({"channel_id": eng["id"], "message": "react"})
    reaction = bob.reactions.create_reaction(
        {"user_id": bob.client.userid, "post_id": post["id"], "emoji_name": "+1"}
    )
    assert list(reaction) == REACTION_KEYS
    assert reaction["channel_id"] == eng["id"] and reaction["delete_at"] == 0
    raw = call(
        mm_server,
        alice,
        "POST",
        "/reactions",
        json={"user_id": alice.client.userid, "post_id": post["id"], "emoji_name": "tada"},
    )
    assert raw.status_code == 200
    listed = alice.reactions.get_reactions_of_post(post["id"])
    assert [r["emoji_name"] for r in listed] == ["+1", "tada"]
    fetched = alice.posts.get_post(post["id"])
    assert fetched["has_reactions"] is True
    assert [r["emoji_name"] for r in fetched["metadata"]["reactions"]] == ["+1", "tada"]
    added = [p for n, p in bus if n == "reaction_added"]
    assert json.loads(added[0]["data"]["reaction"]) == reaction
    assert added[0]["broadcast"]["channel_id"] == eng["id"]
    assert bob.reactions.delete_reaction("me", post["id"], "+1") == {"status": "OK"}
    assert alice.reactions.delete_reaction(alice.client.userid, post["id"], "tada") == {
        "status": "OK"
    }
    assert alice.reactions.get_reactions_of_post(post["id"]) == []
    assert "has_reactions" not in alice.posts.get_post(post["id"])
    removed = [p for n, p in bus if n == "reaction_removed"]
    assert json.loads(removed[0]["data"]["reaction"])["emoji_name"] == "+1"


def test_reaction_permissions_and_validation(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    leadership = channel(alice, "leadership")
    post = alice.posts.create_post({"channel_id": leadership["id"], "message": "private"})
    with pytest.raises(NotEnoughPermissions):
        bob.reactions.create_reaction(
            {"user_id": bob.client.userid, "post_id": post["id"], "emoji_name": "smile"}
        )
    assert_error(
        call(mm_server, bob, "GET", f"/posts/{post['id']}/reactions"),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(
            mm_server,
            alice,
            "POST",
            "/reactions",
            json={"user_id": bob.client.userid, "post_id": post["id"], "emoji_name": "smile"},
        ),
        403,
        "api.reaction.save_reaction.user_id.app_error",
    )
    me = alice.client.userid
    for bad, error_id in (
        (
            {"user_id": me, "post_id": post["id"], "emoji_name": "no way"},
            "model.reaction.is_valid.emoji_name.app_error",
        ),
        (
            {"user_id": me, "post_id": "x", "emoji_name": "smile"},
            "api.reaction.save_reaction.invalid.app_error",
        ),
        (
            {"user_id": me, "post_id": post["id"], "emoji_name": ""},
            "api.reaction.save_reaction.invalid.app_error",
        ),
        (
            {"user_id": me, "post_id": post["id"], "emoji_name": 3},
            "api.context.invalid_body_param.app_error",
        ),
        ([1, 2], "api.context.invalid_body_param.app_error"),
    ):
        assert_error(call(mm_server, alice, "POST", "/reactions", json=bad), 400, error_id)
    alice.reactions.create_reaction(
        {"user_id": alice.client.userid, "post_id": post["id"], "emoji_name": "smile"}
    )
    assert_error(
        call(
            mm_server,
            bob,
            "DELETE",
            f"/users/{alice.client.userid}/posts/{post['id']}/reactions/smile",
        ),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, alice, "DELETE", f"/users/me/posts/{post['id']}/reactions/bad%20name"),
        400,
        "api.context.invalid_url_param.app_error",
    )


def test_bulk_reactions(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    eng = channel(alice, "engineering")
    leadership = channel(alice, "leadership")
    p1 = alice.posts.create_post({"channel_id": eng["id"], "message": "one"})
    p2 = alice.posts.create_post({"channel_id": eng["id"], "message": "two"})
    secret = alice.posts.create_post({"channel_id": leadership["id"], "message": "s"})
    alice.reactions.create_reaction(
        {"user_id": alice.client.userid, "post_id": p1["id"], "emoji_name": "smile"}
    )
    bulk = call(mm_server, bob, "POST", "/posts/ids/reactions", json=[p1["id"], p2["id"]])
    assert bulk.status_code == 200
    body = bulk.json()
    assert set(body) == {p1["id"], p2["id"]}
    assert [r["emoji_name"] for r in body[p1["id"]]] == ["smile"]
    assert body[p2["id"]] == []
    assert_error(
        call(mm_server, bob, "POST", "/posts/ids/reactions", json=[p1["id"], secret["id"]]),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, bob, "POST", "/posts/ids/reactions", json={"x": 1}),
        400,
        "api.payload.parse.error",
    )
    assert_error(
        call(mm_server, bob, "GET", "/posts/" + "n" * 26 + "/reactions"),
        403,
        "api.context.permissions.app_error",
    )


def test_cannot_react_in_archived_channel(mm_server):
    alice = login(mm_server)
    eng = channel(alice, "engineering")
    post = alice.posts.create_post({"channel_id": eng["id"], "message": "soon archived"})
    alice.channels.delete_channel(eng["id"])
    body = {"user_id": alice.client.userid, "post_id": post["id"], "emoji_name": "smile"}
    assert_error(
        call(mm_server, alice, "POST", "/reactions", json=body),
        403,
        "api.reaction.save.archived_channel.app_error",
    )
