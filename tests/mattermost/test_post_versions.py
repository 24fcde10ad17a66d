"""A post's edit history and restoring a version."""

from tests.mattermost.test_channels import assert_error, call, login
from tests.mattermost.test_posts import fresh_channel


def test_edit_history_and_restore(mm_server, bus):
    alice, bob = login(mm_server), login(mm_server, "bob")
    ch = fresh_channel(alice)
    post = alice.posts.create_post({"channel_id": ch["id"], "message": "first"})
    assert_error(
        call(mm_server, alice, "GET", f"/posts/{post['id']}/edit_history"),
        404,
        "app.post.get_edit_history_for_post.app_error",
    )
    alice.posts.patch_post(post["id"], {"message": "second"})
    alice.posts.patch_post(post["id"], {"is_pinned": True})  # no new version: same message
    alice.posts.patch_post(post["id"], {"message": "third"})
    history = call(mm_server, alice, "GET", f"/posts/{post['id']}/edit_history").json()
    assert [v["message"] for v in history] == ["second", "first"]
    assert all(v["original_id"] == post["id"] and v["delete_at"] > 0 for v in history)
    # old versions are no posts of the channel: its history does not list them
    listed = alice.posts.get_posts_for_channel(ch["id"])["order"]
    assert not {v["id"] for v in history} & set(listed)
    assert_error(
        call(mm_server, bob, "GET", f"/posts/{post['id']}/edit_history"),
        403,
        "api.context.permissions.app_error",
    )
    first = history[-1]
    restored = call(mm_server, alice, "POST", f"/posts/{post['id']}/restore/{first['id']}")
    assert restored.status_code == 200 and restored.json()["message"] == "first"
    assert any(n == "post_edited" for n, _ in bus)
    history = call(mm_server, alice, "GET", f"/posts/{post['id']}/edit_history").json()
    assert sorted(v["message"] for v in history) == ["first", "second", "third"]
    other = alice.posts.create_post({"channel_id": ch["id"], "message": "other"})
    assert_error(
        call(mm_server, alice, "POST", f"/posts/{other['id']}/restore/{first['id']}"),
        400,
        "app.post.restore_post_version.not_an_history_item.app_error",
    )
    assert_error(
        call(mm_server, bob, "POST", f"/posts/{post['id']}/restore/{first['id']}"),
        403,
        "api.context.permissions.app_error",
    )


def test_reveal_is_off_as_on_a_released_server(mm_server):
    alice = login(mm_server)
    post = alice.posts.create_post(
        {"channel_id": fresh_channel(alice)["id"], "message": "not burning"}
    )
    assert_error(
        call(mm_server, alice, "GET", f"/posts/{post['id']}/reveal"),
        501,
        "api.post.reveal_post.disabled.app_error",
    )
    assert_error(
        call(mm_server, alice, "GET", "/posts/nope/reveal"),
        400,
        "api.context.invalid_url_param.app_error",
    )
