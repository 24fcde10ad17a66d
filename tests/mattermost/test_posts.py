"""Posts: create, edit, delete, history paging, threads, search, pins."""

import json

import pytest
from mattermostdriver.exceptions import NotEnoughPermissions, ResourceNotFound

from emulator.app import runtime_of
from emulator.mattermost import errors
from tests.mattermost.test_channels import assert_error, call, channel, login, user_id

POST_KEYS = {
    "id",
    "create_at",
    "update_at",
    "edit_at",
    "delete_at",
    "is_pinned",
    "user_id",
    "channel_id",
    "root_id",
    "original_id",
    "message",
    "type",
    "props",
    "hashtags",
    "file_ids",
    "pending_post_id",
    "reply_count",
    "last_reply_at",
    "participants",
}
LIST_KEYS = [
    "order",
    "posts",
    "next_post_id",
    "prev_post_id",
    "has_next",
    "first_inaccessible_post_time",
]


def fresh_channel(d, name="scratch"):
    """A new public channel with alice and bob, so histories start empty."""
    team = runtime_of_team(d)
    created = d.channels.create_channel(
        {"team_id": team, "name": name, "display_name": name.title(), "type": "O"}
    )
    d.channels.add_user(created["id"], {"user_id": user_id(d, "bob")})
    return created


def runtime_of_team(d):
    from tests.mattermost.test_channels import team

    return team(d)["id"]


def test_create_post_shape_and_event(mm_server, bus):
    d = login(mm_server)
    ch = fresh_channel(d)
    post = d.posts.create_post(
        {"channel_id": ch["id"], "message": "hello @bob and @nobody", "pending_post_id": "p1"}
    )
    assert set(post) >= POST_KEYS
    assert post["message"] == "hello @bob and @nobody"
    assert post["user_id"] == d.client.userid
    assert post["pending_post_id"] == "p1"
    assert post["root_id"] == "" and post["type"] == ""
    assert post["create_at"] == post["update_at"] and post["edit_at"] == 0
    assert "has_reactions" not in post
    assert post["metadata"] == {}  # PreparePostForClient always sets it
    posted = [p for n, p in bus if n == "posted" and json.loads(p["data"]["post"])["type"] == ""]
    assert len(posted) == 1
    data = posted[0]["data"]
    assert json.loads(data["post"])["id"] == post["id"]
    assert data["channel_name"] == "scratch" and data["channel_type"] == "O"
    assert data["sender_name"] == "@alice"
    assert "mentions" not in data  # added per recipient by the WebSocket hub
    bob_member = d.channels.get_channel_member(ch["id"], user_id(d, "bob"))
    assert bob_member["mention_count"] == 1
    assert posted[0]["broadcast"]["channel_id"] == ch["id"]
    status = runtime_of(mm_server.app).store.get("statuses", d.client.userid)
    assert (status["status"], status["manual"]) == ("online", False)
    bob = login(mm_server, "bob")
    raw = call(
        mm_server,
        bob,
        "POST",
        "/posts?set_online=false",
        json={"channel_id": ch["id"], "message": "raw"},
    )
    assert raw.status_code == 201
    assert runtime_of(mm_server.app).store.get("statuses", bob.client.userid)["status"] != "online"


def test_attachments_make_slack_attachment_posts(mm_server):
    d = login(mm_server)
    ch = fresh_channel(d)
    post = d.posts.create_post(
        {
            "channel_id": ch["id"],
            "message": "",
            "props": {"attachments": [{"text": "build green", "color": "#00ff00"}]},
        }
    )
    assert post["type"] == "slack_attachment"
    assert post["props"]["attachments"][0]["text"] == "build green"


def test_create_post_errors(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    leadership = channel(alice, "leadership")
    assert_error(
        call(
            mm_server, bob, "POST", "/posts", json={"channel_id": leadership["id"], "message": "x"}
        ),
        403,
        "api.context.permissions.app_error",
    )
    with pytest.raises(NotEnoughPermissions):
        bob.posts.create_post({"channel_id": leadership["id"], "message": "x"})
    assert_error(
        call(mm_server, alice, "POST", "/posts", json={"channel_id": "z" * 26, "message": "x"}),
        403,
        "api.context.permissions.app_error",
    )
    body = assert_error(
        call(mm_server, alice, "POST", "/posts", json={"channel_id": 3}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert body["message"] == "Invalid or missing post in request body."
    assert_error(
        call(mm_server, alice, "POST", "/posts", json={"message": "no channel"}),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, alice, "POST", "/posts", data="not json"),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(
            mm_server,
            alice,
            "POST",
            "/posts",
            json={"channel_id": leadership["id"], "message": "x" * 16384},
        ),
        400,
        "model.post.is_valid.message_length.app_error",
    )
    assert_error(
        call(
            mm_server,
            alice,
            "POST",
            "/posts",
            json={"channel_id": leadership["id"], "message": "x", "root_id": "r" * 26},
        ),
        400,
        "api.post.create_post.root_id.app_error",
    )
    other = alice.posts.create_post(
        {"channel_id": channel(alice, "engineering")["id"], "message": "elsewhere"}
    )
    assert_error(
        call(
            mm_server,
            alice,
            "POST",
            "/posts",
            json={"channel_id": leadership["id"], "message": "x", "root_id": other["id"]},
        ),
        400,
        "api.post.create_post.channel_root_id.app_error",
    )


def test_threads_and_reply_counts(mm_server):
    d = login(mm_server)
    bob = login(mm_server, "bob")
    ch = fresh_channel(d)
    root = d.posts.create_post({"channel_id": ch["id"], "message": "root"})
    r1 = bob.posts.create_post({"channel_id": ch["id"], "message": "r1", "root_id": root["id"]})
    r2 = d.posts.create_post({"channel_id": ch["id"], "message": "r2", "root_id": root["id"]})
    assert r2["reply_count"] == 2
    thread = d.posts.get_thread(r1["id"])
    assert list(thread) == LIST_KEYS
    assert thread["order"] == [r2["id"], r1["id"], root["id"]]
    assert thread["posts"][root["id"]]["reply_count"] == 2
    assert thread["posts"][root["id"]]["last_reply_at"] == r2["create_at"]
    assert_error(
        call(
            mm_server,
            d,
            "POST",
            "/posts",
            json={"channel_id": ch["id"], "message": "x", "root_id": r1["id"]},
        ),
        400,
        "api.post.create_post.root_id.app_error",
    )


def test_get_post_permissions(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    leadership = channel(alice, "leadership")
    post = alice.posts.create_post({"channel_id": leadership["id"], "message": "secret"})
    assert alice.posts.get_post(post["id"])["message"] == "secret"
    assert_error(
        call(mm_server, bob, "GET", f"/posts/{post['id']}"),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, bob, "GET", f"/posts/{post['id']}/thread"),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, bob, "GET", f"/channels/{leadership['id']}/posts"),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(call(mm_server, alice, "GET", "/posts/" + "n" * 26), 404, "app.post.get.app_error")
    assert_error(
        call(mm_server, alice, "GET", "/posts/bad"), 400, "api.context.invalid_url_param.app_error"
    )
    by_ids = call(mm_server, bob, "POST", "/posts/ids", json=[post["id"]])
    assert by_ids.status_code == 200 and by_ids.json() == []
    mine = call(mm_server, alice, "POST", "/posts/ids", json=[post["id"], "x"]).json()
    assert [p["id"] for p in mine] == [post["id"]]
    assert_error(
        call(mm_server, alice, "POST", "/posts/ids", json={"a": 1}),
        400,
        "api.payload.parse.error",
    )
    assert_error(
        call(mm_server, alice, "POST", "/posts/ids", json=[]),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(mm_server, alice, "POST", "/posts/ids", json=["x"] * 1001),
        400,
        "api.post.posts_by_ids.invalid_body.request_error",
    )


def test_edit_patch_and_events(mm_server, bus):
    alice, bob = login(mm_server), login(mm_server, "bob")
    ch = fresh_channel(alice)
    post = alice.posts.create_post({"channel_id": ch["id"], "message": "first"})
    patched = alice.posts.patch_post(post["id"], {"message": "second"})
    assert patched["message"] == "second"
    assert patched["edit_at"] > 0 and patched["update_at"] >= patched["edit_at"]
    edited = [p for n, p in bus if n == "post_edited"]
    assert json.loads(edited[-1]["data"]["post"])["message"] == "second"
    updated = alice.posts.update_post(post["id"], {"id": post["id"], "message": "third"})
    assert updated["message"] == "third"
    assert_error(
        call(
            mm_server, alice, "PUT", f"/posts/{post['id']}", json={"id": "x" * 26, "message": "x"}
        ),
        400,
        "api.context.invalid_body_param.app_error",
    )
    with pytest.raises(NotEnoughPermissions):
        bob.posts.patch_post(post["id"], {"message": "hijack"})
    assert_error(
        call(mm_server, alice, "PUT", "/posts/" + "q" * 26 + "/patch", json={"message": "x"}),
        403,
        "api.context.permissions.app_error",
    )
    admin = login(mm_server, "admin")
    assert admin.posts.patch_post(post["id"], {"message": "by admin"})["message"] == "by admin"


def test_delete_post(mm_server, bus):
    alice, bob = login(mm_server), login(mm_server, "bob")
    ch = fresh_channel(alice)
    root = alice.posts.create_post({"channel_id": ch["id"], "message": "root"})
    reply = bob.posts.create_post({"channel_id": ch["id"], "message": "re", "root_id": root["id"]})
    with pytest.raises(NotEnoughPermissions):
        bob.posts.delete_post(root["id"])
    assert bob.posts.delete_post(reply["id"]) == {"status": "OK"}
    assert alice.posts.get_post(root["id"])["reply_count"] == 0
    assert alice.posts.delete_post(root["id"]) == {"status": "OK"}
    with pytest.raises(ResourceNotFound):
        alice.posts.get_post(root["id"])
    deleted = [p for n, p in bus if n == "post_deleted"]
    assert len(deleted) == 4
    assert deleted[-1]["broadcast"]["contains_sensitive_data"] is True
    assert deleted[-1]["data"]["delete_by"] == alice.client.userid
    assert "delete_by" not in deleted[-2]["data"]
    history = alice.posts.get_posts_for_channel(ch["id"])
    assert root["id"] not in history["order"]
    assert_error(
        call(mm_server, alice, "DELETE", f"/posts/{root['id']}"),
        404,
        "app.post.get.app_error",
    )


def test_seeded_history_has_metadata(mm_server):
    d = login(mm_server, "admin")
    store = runtime_of(mm_server.app).store
    reacted = next(p for p in store.all("posts") if p["has_reactions"] and not p["root_id"])
    with_file = next(p for p in store.all("posts") if p["file_ids"])
    for sample in (reacted, with_file):
        history = d.posts.get_posts_for_channel(sample["channel_id"], {"per_page": 200})
        creates = [history["posts"][i]["create_at"] for i in history["order"]]
        assert creates == sorted(creates, reverse=True)
    post = d.posts.get_post(reacted["id"])
    assert post["has_reactions"] is True
    assert {r["emoji_name"] for r in post["metadata"]["reactions"]} == {
        r["emoji_name"] for r in store.find("reactions", "post_id", reacted["id"])
    }
    files = d.posts.get_post(with_file["id"])["metadata"]["files"]
    assert [f["id"] for f in files] == with_file["file_ids"]
    assert d.posts.get_file_info_for_post(with_file["id"]) == files


def test_unread_posts(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    ch = fresh_channel(alice)
    old = alice.posts.create_post({"channel_id": ch["id"], "message": "old"})
    bob.channels.view_channel("me", {"channel_id": ch["id"]})
    new = alice.posts.create_post({"channel_id": ch["id"], "message": "new"})
    unread = bob.posts.get_unread_posts_for_channel("me", ch["id"])
    assert unread["order"][:2] == [new["id"], old["id"]]
    assert unread["next_post_id"] == "" and unread["has_next"] is False


def test_pin_unpin(mm_server, bus):
    alice, bob = login(mm_server), login(mm_server, "bob")
    leadership = channel(alice, "leadership")
    post = alice.posts.create_post({"channel_id": leadership["id"], "message": "pin"})
    assert alice.posts.pin_post_to_channel(post["id"]) == {"status": "OK"}
    assert alice.posts.get_post(post["id"])["is_pinned"] is True
    assert_error(
        call(mm_server, bob, "POST", f"/posts/{post['id']}/pin"),
        403,
        "api.context.permissions.app_error",
    )
    assert alice.posts.unpin_post_to_channel(post["id"]) == {"status": "OK"}
    assert alice.posts.get_post(post["id"])["is_pinned"] is False
    assert len([n for n, _ in bus if n == "post_edited"]) == 2


def test_ephemeral_post(mm_server, bus):
    alice, admin = login(mm_server), login(mm_server, "admin")
    eng = channel(alice, "engineering")
    body = {"user_id": alice.client.userid, "post": {"channel_id": eng["id"], "message": "psst"}}
    with pytest.raises(NotEnoughPermissions):
        alice.posts.create_ephemeral_post(body)
    post = admin.posts.create_ephemeral_post(body)
    assert post["type"] == "system_ephemeral"
    assert post["message"] == "psst"
    assert_error(
        call(mm_server, admin, "GET", f"/posts/{post['id']}"), 404, "app.post.get.app_error"
    )
    sent = [p for n, p in bus if n == "ephemeral_message"]
    assert sent[0]["broadcast"]["user_id"] == alice.client.userid
    assert_error(
        call(mm_server, admin, "POST", "/posts/ephemeral", json={"user_id": "x"}),
        400,
        "api.context.invalid_body_param.app_error",
    )


def test_only_admins_may_date_a_post(mm_server):
    alice, admin = login(mm_server), login(mm_server, "admin")
    eng = channel(alice, "engineering")
    when = 1_700_000_000_000
    mine = alice.posts.create_post({"channel_id": eng["id"], "message": "now", "create_at": when})
    assert mine["create_at"] != when
    imported = admin.posts.create_post(
        {"channel_id": eng["id"], "message": "imported", "create_at": when}
    )
    assert imported["create_at"] == when


def test_post_info_tells_where_a_post_lives_and_hides_what_one_may_not_join(mm_server):
    alice, bob = login(mm_server, "alice"), login(mm_server, "bob")
    town = channel(alice, "town-square")
    post = alice.posts.create_post({"channel_id": town["id"], "message": "where am I"})
    info = call(mm_server, bob, "GET", f"/posts/{post['id']}/info").json()
    assert info == {
        "channel_id": town["id"],
        "channel_type": "O",
        "channel_display_name": town["display_name"],
        "has_joined_channel": True,
        "team_id": town["team_id"],
        "team_type": "O",
        "team_display_name": runtime_of(mm_server.app).store.get("teams", town["team_id"])[
            "display_name"
        ],
        "has_joined_team": True,
    }
    secret = alice.channels.create_channel(
        {"team_id": town["team_id"], "name": "hush", "display_name": "Hush", "type": "P"}
    )
    hidden = alice.posts.create_post({"channel_id": secret["id"], "message": "hush"})
    # A private channel one is not in is as unknown as a missing post.
    for post_id in (hidden["id"], "n" * 26):
        response = call(mm_server, bob, "GET", f"/posts/{post_id}/info")
        assert (response.status_code, response.json()["id"]) == (404, errors.POST_NOT_FOUND)
    mine = call(mm_server, alice, "GET", f"/posts/{hidden['id']}/info").json()
    assert (mine["channel_type"], mine["has_joined_channel"]) == ("P", True)
