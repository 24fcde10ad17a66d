"""Collapsed threads (mattermostdriver has no wrapper: raw requests)."""

from tests.mattermost.test_channels import assert_error, call, channel, login, team

THREAD_KEYS = [
    "id",
    "reply_count",
    "last_reply_at",
    "last_viewed_at",
    "participants",
    "post",
    "unread_replies",
    "unread_mentions",
    "is_urgent",
    "delete_at",
]


def make_thread(alice, bob, mention=False):
    eng = channel(alice, "engineering")
    root = alice.posts.create_post({"channel_id": eng["id"], "message": "thread root"})
    text = "reply @alice" if mention else "reply"
    reply = bob.posts.create_post({"channel_id": eng["id"], "message": text, "root_id": root["id"]})
    return eng, root, reply


def test_followed_threads_list(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    team_id = team(alice)["id"]
    _, root, reply = make_thread(alice, bob, mention=True)
    response = call(mm_server, alice, "GET", f"/users/me/teams/{team_id}/threads")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == [
        "total",
        "total_unread_threads",
        "total_unread_mentions",
        "total_unread_urgent_mentions",
        "threads",
    ]
    first = body["threads"][0]
    assert list(first) == THREAD_KEYS
    assert first["id"] == root["id"]
    assert first["reply_count"] == 1
    assert first["last_reply_at"] == reply["create_at"]
    assert first["unread_replies"] == 1 and first["unread_mentions"] == 1
    assert first["post"]["id"] == root["id"]
    assert [p["id"] for p in first["participants"]] == [alice.client.userid, bob.client.userid]
    assert first["participants"][0]["username"] == ""
    assert body["total_unread_threads"] >= 1 and body["total_unread_mentions"] >= 1
    extended = call(
        mm_server, alice, "GET", f"/users/me/teams/{team_id}/threads?extended=true"
    ).json()
    assert extended["threads"][0]["participants"][1]["username"] == "bob"
    bobs = call(mm_server, bob, "GET", f"/users/me/teams/{team_id}/threads").json()
    assert bobs["threads"][0]["id"] == root["id"]
    assert bobs["threads"][0]["unread_replies"] == 0
    totals = call(
        mm_server, alice, "GET", f"/users/me/teams/{team_id}/threads?totalsOnly=true"
    ).json()
    assert totals["threads"] == [] and totals["total"] == body["total"]


def test_single_thread_read_and_follow(mm_server, bus):
    alice, bob = login(mm_server), login(mm_server, "bob")
    team_id = team(alice)["id"]
    _, root, reply = make_thread(alice, bob)
    base = f"/users/{alice.client.userid}/teams/{team_id}/threads/{root['id']}"
    one = call(mm_server, alice, "GET", base).json()
    assert one["id"] == root["id"] and one["unread_replies"] == 1
    read = call(mm_server, alice, "PUT", f"{base}/read/{reply['create_at']}")
    assert read.status_code == 200
    assert read.json()["unread_replies"] == 0
    assert read.json()["last_viewed_at"] == reply["create_at"]
    assert any(n == "thread_read_changed" for n, _ in bus)
    assert call(mm_server, alice, "DELETE", f"{base}/following").json() == {"status": "OK"}
    listed = call(mm_server, alice, "GET", f"/users/me/teams/{team_id}/threads").json()
    assert root["id"] not in [t["id"] for t in listed["threads"]]
    assert call(mm_server, alice, "PUT", f"{base}/following").json() == {"status": "OK"}
    listed = call(mm_server, alice, "GET", f"/users/me/teams/{team_id}/threads").json()
    assert root["id"] in [t["id"] for t in listed["threads"]]
    assert any(n == "thread_follow_changed" for n, _ in bus)
    bob.posts.create_post(
        {"channel_id": root["channel_id"], "message": "more", "root_id": root["id"]}
    )
    assert call(mm_server, alice, "GET", base).json()["unread_replies"] == 1
    assert call(mm_server, alice, "PUT", f"/users/me/teams/{team_id}/threads/read").json() == {
        "status": "OK"
    }
    assert call(mm_server, alice, "GET", base).json()["unread_replies"] == 0


def test_thread_errors(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    team_id = team(alice)["id"]
    leadership = channel(alice, "leadership")
    root = alice.posts.create_post({"channel_id": leadership["id"], "message": "private"})
    assert_error(
        call(mm_server, bob, "GET", f"/users/me/teams/{team_id}/threads/{root['id']}"),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, bob, "GET", f"/users/{alice.client.userid}/teams/{team_id}/threads"),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, alice, "GET", f"/users/me/teams/{team_id}/threads/" + "x" * 26),
        404,
        "app.post.get.app_error",
    )
    assert_error(
        call(mm_server, alice, "PUT", f"/users/me/teams/{team_id}/threads/{root['id']}/read/abc"),
        400,
        "api.context.invalid_url_param.app_error",
    )
    assert_error(
        call(mm_server, alice, "GET", "/users/me/teams/bad/threads"),
        400,
        "api.context.invalid_url_param.app_error",
    )


def test_thread_query_rules(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    team_id = team(alice)["id"]
    eng, root, _ = make_thread(alice, bob)
    base = f"/users/me/teams/{team_id}/threads"
    unread = call(mm_server, alice, "GET", f"{base}?unread=true").json()
    assert unread["total"] == unread["total_unread_threads"] >= 1
    assert all(t["unread_replies"] > 0 for t in unread["threads"])
    assert_error(
        call(mm_server, alice, "GET", f"{base}?since=soon"),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(mm_server, alice, "GET", f"{base}?before={root['id']}&after={root['id']}"),
        400,
        "api.getThreadsForUser.bad_params",
    )
    lone = alice.posts.create_post({"channel_id": eng["id"], "message": "no replies"})
    assert_error(
        call(mm_server, bob, "GET", f"{base}/{lone['id']}"),
        404,
        "app.user.get_thread_membership_for_user.not_found",
    )


def test_thread_mention_counts_and_unread_from_a_post(mm_server, bus):
    alice, bob = login(mm_server), login(mm_server, "bob")
    team_id = team(alice)["id"]
    eng, root, reply = make_thread(alice, bob, mention=True)
    base = f"/users/me/teams/{team_id}/threads"
    counts = call(mm_server, alice, "GET", f"{base}/mention_counts")
    assert counts.status_code == 200
    assert counts.json()[eng["id"]] == 1
    call(mm_server, alice, "PUT", f"{base}/{root['id']}/read/{reply['create_at']}")
    assert call(mm_server, alice, "GET", f"{base}/mention_counts").json()[eng["id"]] == 0
    bob.posts.create_post({"channel_id": eng["id"], "message": "more", "root_id": root["id"]})
    bus.clear()
    unread = call(mm_server, alice, "POST", f"{base}/{root['id']}/set_unread/{reply['id']}")
    assert unread.status_code == 200
    thread = unread.json()
    assert thread["last_viewed_at"] == reply["create_at"] - 1
    assert thread["unread_replies"] == 2
    read_events = [p["data"] for n, p in bus if n == "thread_read_changed"]
    assert read_events and read_events[-1]["timestamp"] == reply["create_at"] - 1
    other = alice.posts.create_post({"channel_id": eng["id"], "message": "elsewhere"})
    assert_error(
        call(mm_server, alice, "POST", f"{base}/{root['id']}/set_unread/{other['id']}"),
        400,
        "app.thread.update_thread_read_for_user_by_post.app_error",
    )
    assert_error(
        call(
            mm_server,
            bob,
            "GET",
            f"/users/{alice.client.userid}/teams/{team_id}/threads/mention_counts",
        ),
        403,
        "api.context.permissions.app_error",
    )
