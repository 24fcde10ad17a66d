"""Sidebar categories (mattermostdriver has no wrapper: raw requests)."""

import json

from tests.mattermost.test_channels import assert_error, call, channel, login, team
from tests.mattermost.test_posts import fresh_channel

CATEGORY_KEYS = [
    "id",
    "user_id",
    "team_id",
    "sort_order",
    "sorting",
    "type",
    "display_name",
    "muted",
    "collapsed",
    "channel_ids",
]


def test_default_categories_then_custom_one(mm_server, bus):
    alice = login(mm_server)
    me, team_id = alice.client.userid, team(alice)["id"]
    base = f"/users/me/teams/{team_id}/channels/categories"
    listed = call(mm_server, alice, "GET", base).json()
    assert [c["type"] for c in listed["categories"]] == ["favorites", "channels", "direct_messages"]
    assert listed["order"] == [
        f"{t}_{me}_{team_id}" for t in ("favorites", "channels", "direct_messages")
    ]
    channels = listed["categories"][1]
    assert list(channels) == CATEGORY_KEYS
    eng = channel(alice, "engineering")
    assert eng["id"] in channels["channel_ids"]
    ch = fresh_channel(alice)
    body = {
        "user_id": me,
        "team_id": team_id,
        "display_name": "Work",
        "channel_ids": [eng["id"], ch["id"], "x" * 26],
    }
    created = call(mm_server, alice, "POST", base, json=body)
    assert created.status_code == 200
    work = created.json()
    assert work["type"] == "custom" and work["channel_ids"] == [eng["id"], ch["id"]]
    assert any(n == "sidebar_category_created" for n, _ in bus)
    order = call(mm_server, alice, "GET", f"{base}/order").json()
    assert order[:2] == [f"favorites_{me}_{team_id}", work["id"]]  # right after favorites
    channels = call(mm_server, alice, "GET", f"{base}/{order[2]}").json()
    assert eng["id"] not in channels["channel_ids"]  # a channel sits in one category
    # favorite the channel: it leaves "Work"
    fav = call(mm_server, alice, "GET", f"{base}/{order[0]}").json()
    fav["channel_ids"] = [eng["id"]]
    updated = call(mm_server, alice, "PUT", base, json=[fav])
    assert updated.status_code == 200 and updated.json()[0]["channel_ids"] == [eng["id"]]
    events = [p["data"] for n, p in bus if n == "sidebar_category_updated"]
    assert json.loads(events[-1]["updatedCategories"])[0]["id"] == fav["id"]
    work_now = call(mm_server, alice, "GET", f"{base}/{work['id']}").json()
    assert work_now["channel_ids"] == [ch["id"]]
    renamed = call(
        mm_server,
        alice,
        "PUT",
        f"{base}/{work['id']}",
        json={**work_now, "display_name": "Projects", "collapsed": True},
    ).json()
    assert renamed["display_name"] == "Projects" and renamed["collapsed"] is True
    new_order = [order[1], order[0], *order[2:]]
    moved = call(mm_server, alice, "PUT", f"{base}/order", json=new_order)
    assert moved.json() == new_order
    assert call(mm_server, alice, "GET", f"{base}/order").json() == new_order
    assert call(mm_server, alice, "DELETE", f"{base}/{work['id']}").json() == {"status": "OK"}
    back = call(mm_server, alice, "GET", base).json()
    assert ch["id"] in back["categories"][1]["channel_ids"]  # home again in "Channels"
    assert len(back["order"]) == 3


def test_category_refusals(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    me, team_id = alice.client.userid, team(alice)["id"]
    base = f"/users/me/teams/{team_id}/channels/categories"
    order = call(mm_server, alice, "GET", f"{base}/order").json()
    assert_error(
        call(mm_server, alice, "DELETE", f"{base}/{order[1]}"),
        400,
        "api.invalid_channel_category_type",
    )
    assert_error(
        call(mm_server, alice, "POST", base, json={"user_id": me, "team_id": "t" * 26}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(mm_server, alice, "PUT", f"{base}/order", json=order[:2]),
        400,
        "app.channel.sidebar_categories.app_error",
    )
    assert_error(
        call(mm_server, bob, "GET", f"/users/me/teams/{team_id}/channels/categories/{order[0]}"),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, bob, "GET", f"/users/{me}/teams/{team_id}/channels/categories"),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(
            mm_server,
            bob,
            "PUT",
            f"/users/me/teams/{team_id}/channels/categories",
            json=[{"id": order[0]}],
        ),
        400,
        "api.context.invalid_body_param.app_error",
    )
