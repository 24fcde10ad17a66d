"""Post lists: channel history paging and post search."""

from __future__ import annotations

import datetime

from tests.mattermost.test_channels import assert_error, call, channel, login
from tests.mattermost.test_posts import LIST_KEYS, fresh_channel


def test_channel_history_paging(mm_server):
    d = login(mm_server)
    ch = fresh_channel(d)
    ids = [
        d.posts.create_post({"channel_id": ch["id"], "message": f"m{i}"})["id"] for i in range(7)
    ]
    # adding bob posted "bob added to the channel by alice." first
    system = d.posts.get_posts_for_channel(ch["id"])["order"][-1]
    assert d.posts.get_post(system)["type"] == "system_add_to_channel"
    newest_first = [*reversed(ids), system]
    ids.insert(0, system)
    # a reaction must not move a post in the history (store buckets keep insertion order)
    d.reactions.create_reaction(
        {"user_id": d.client.userid, "post_id": ids[1], "emoji_name": "tada"}
    )
    full = d.posts.get_posts_for_channel(ch["id"])
    assert list(full) == LIST_KEYS
    assert full["order"] == newest_first
    assert full["has_next"] is False and full["prev_post_id"] == ""
    page0 = d.posts.get_posts_for_channel(ch["id"], {"page": 0, "per_page": 3})
    assert page0["order"] == newest_first[:3]
    assert page0["has_next"] is True
    assert page0["prev_post_id"] == newest_first[3]
    assert page0["next_post_id"] == ""
    page1 = d.posts.get_posts_for_channel(ch["id"], {"page": 1, "per_page": 3})
    assert page1["order"] == newest_first[3:6]
    assert page1["next_post_id"] == newest_first[2]
    page2 = d.posts.get_posts_for_channel(ch["id"], {"page": 2, "per_page": 3})
    assert page2["order"] == newest_first[6:]
    assert len(page2["order"]) == 2
    assert page2["has_next"] is False
    before = d.posts.get_posts_for_channel(ch["id"], {"before": ids[4], "per_page": 2})
    assert before["order"] == [ids[3], ids[2]]
    after = d.posts.get_posts_for_channel(ch["id"], {"after": ids[4], "per_page": 10})
    assert after["order"] == [ids[7], ids[6], ids[5]]
    assert set(after["posts"]) == {ids[5], ids[6], ids[7]}
    since = d.posts.get_posts_for_channel(ch["id"], {"since": full["posts"][ids[5]]["create_at"]})
    assert ids[6] in since["order"] and ids[1] in since["order"]  # reacted: changed
    assert ids[3] not in since["order"]
    huge = call(mm_server, d, "GET", f"/channels/{ch['id']}/posts?per_page=5000&page=-3")
    assert huge.status_code == 200 and huge.json()["order"] == newest_first
    assert_error(
        call(mm_server, d, "GET", f"/channels/{ch['id']}/posts?before=nope"),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(mm_server, d, "GET", f"/channels/{ch['id']}/posts?since=yesterday"),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(mm_server, d, "GET", f"/channels/{ch['id']}/posts?include_deleted=true"),
        403,
        "api.context.permissions.app_error",
    )
    unknown = d.posts.get_posts_for_channel(ch["id"], {"before": "u" * 26})
    assert unknown["order"] == [] and unknown["posts"] == {}


def test_search(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    ch = fresh_channel(alice)
    team_id = ch["team_id"]
    p1 = alice.posts.create_post({"channel_id": ch["id"], "message": "quuxify the zorbulon today"})
    p2 = bob.posts.create_post({"channel_id": ch["id"], "message": "zorbulon plumbus is low"})
    alice.posts.create_post({"channel_id": ch["id"], "message": "unrelated"})
    leadership = channel(alice, "leadership")
    p4 = alice.posts.create_post({"channel_id": leadership["id"], "message": "secret zorbulon"})
    found = alice.posts.search_for_team_posts(team_id, {"terms": "zorbulon", "is_or_search": False})
    assert set(found) >= {"order", "posts", "matches"}
    assert found["order"] == [p4["id"], p2["id"], p1["id"]]
    assert found["matches"] is None
    bobs = bob.posts.search_for_team_posts(team_id, {"terms": "zorbulon"})
    assert bobs["order"] == [p2["id"], p1["id"]]
    both = alice.posts.search_for_team_posts(team_id, {"terms": "zorbulon quuxify"})
    assert both["order"] == [p1["id"]]
    either = alice.posts.search_for_team_posts(
        team_id, {"terms": "plumbus quuxify", "is_or_search": True}
    )
    assert either["order"] == [p2["id"], p1["id"]]
    sender = alice.posts.search_for_team_posts(team_id, {"terms": "from:bob zorbulon"})
    assert sender["order"] == [p2["id"]]
    where = alice.posts.search_for_team_posts(team_id, {"terms": "zorbulon in:leadership"})
    assert where["order"] == [p4["id"]]
    phrase = alice.posts.search_for_team_posts(team_id, {"terms": '"plumbus is low"'})
    assert phrase["order"] == [p2["id"]]
    assert_error(
        call(mm_server, alice, "POST", f"/teams/{team_id}/posts/search", json={"terms": ""}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    everywhere = call(mm_server, alice, "POST", "/posts/search", json={"terms": "zorbulon"})
    assert everywhere.json()["order"] == found["order"]
    assert everywhere.headers["Cache-Control"] == "no-cache, no-store, must-revalidate"
    assert_error(
        call(mm_server, alice, "POST", "/posts/search", data="[nope"),
        400,
        "api.post.search_posts.invalid_body.app_error",
    )
    assert_error(
        call(mm_server, alice, "POST", f"/teams/{team_id}/posts/search", json={"terms": 5}),
        400,
        "api.post.search_posts.invalid_body.app_error",
    )


def test_search_syntax_dates_hashtags_exclusions(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    ch = fresh_channel(alice)
    team_id = ch["team_id"]
    p1 = alice.posts.create_post({"channel_id": ch["id"], "message": "zqdeploy #zqrelease today"})
    assert p1["hashtags"] == "#zqrelease"
    p2 = bob.posts.create_post({"channel_id": ch["id"], "message": "zqdeploy failed, rollback"})
    p3 = bob.posts.create_post({"channel_id": ch["id"], "message": "release notes for zqdeploy"})

    def search(terms: str, **extra) -> list[str]:
        body = {"terms": terms, **extra}
        return alice.posts.search_for_team_posts(team_id, body)["order"]

    assert search("#zqrelease") == [p1["id"]]  # the hashtag, not the word "release"
    assert search("zqdeploy -rollback") == [p3["id"], p1["id"]]
    assert search('zqdeploy -"release notes"') == [p2["id"], p1["id"]]
    assert search("zqdeploy -from:bob") == [p1["id"]]
    assert search("-in:" + ch["name"] + " zqdeploy") == []
    assert search("zqdeploy", per_page=2, page=1) == [p1["id"]]
    edited = alice.posts.patch_post(p1["id"], {"message": "zqdeploy #zqshipped today"})
    assert edited["hashtags"] == "#zqshipped"
    assert search("#zqrelease") == [] and search("#zqshipped") == [p1["id"]]
    day = datetime.datetime.fromtimestamp(p1["create_at"] / 1000, datetime.UTC).date()
    assert search(f"zqdeploy on:{day}") == [p3["id"], p2["id"], p1["id"]]
    assert search(f"zqdeploy after:{day}") == []
    assert search(f"zqdeploy before:{day + datetime.timedelta(days=1)}") == search("zqdeploy")
    assert search(f"zqdeploy before:{day}") == []
    # "on:" is the searcher's own day: the post's local date moves with time_zone_offset.
    for hours in (14, -12):
        local = datetime.datetime.fromtimestamp(p1["create_at"] / 1000 + hours * 3600, datetime.UTC)
        found = search(f"#zqshipped on:{local.date()}", time_zone_offset=hours * 3600)
        assert found == [p1["id"]]
        other = local.date() + datetime.timedelta(days=1)
        assert search(f"#zqshipped on:{other}", time_zone_offset=hours * 3600) == []
    assert search(f"from:bob in:{ch['name']}") == [p3["id"], p2["id"]]
