"""The default workspace reads like a real company's, on both products, from the seed alone."""

from __future__ import annotations

import re
import time

import pytest

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.core.clock import SEED_EPOCH_MS
from emulator.core.workspace import build_workspace, default_scenario


@pytest.fixture(scope="module")
def mm():
    return runtime_of(create_app("mattermost", ephemeral_config())).store


@pytest.fixture(scope="module")
def rc():
    return runtime_of(create_app("rocketchat", ephemeral_config())).store


def test_channels_are_named_as_people_name_them():
    ws = build_workspace(default_scenario(), 0)
    names = {c["name"] for c in ws.channels if c["kind"] in ("public", "private")}
    assert {"engineering", "announcements", "incidents", "design-reviews", "support"} <= names
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", n) for n in names)
    for channel in ws.channels:
        if channel["kind"] in ("public", "private"):
            assert channel["display_name"] and channel["display_name"][0].isupper()


def test_people_have_titles_timezones_and_statuses():
    ws = build_workspace(default_scenario(), 0)
    generated = [u for u in ws.users if not u["explicit"]]
    assert len(generated) == 8
    assert all(u["position"] and u["timezone"] and u["first_name"] for u in generated)
    assert {u["status"] for u in generated} - {"offline"}
    # The fixture's accounts are kept as declared, for the tests and clients that log in as them.
    alice = ws.user("alice")
    assert (alice["password"], alice["status"]) == ("alice-password", "offline")


def test_history_is_on_weekdays_in_working_hours_of_the_past_weeks():
    ws = build_workspace(default_scenario(), 0)
    declared = len(default_scenario()["posts"])  # the fixture's own, the morning of the epoch
    for post in ws.posts[:-declared]:
        moment = time.gmtime(post["at_ms"] / 1000)
        assert moment.tm_wday < 5 and 8 <= moment.tm_hour < 18
        assert SEED_EPOCH_MS - 30 * 24 * 3600_000 < post["at_ms"] < SEED_EPOCH_MS


def test_history_has_what_a_lived_in_workspace_has():
    ws = build_workspace(default_scenario(), 0)
    usernames = {u["username"] for u in ws.users}
    kinds = {c["key"]: c["kind"] for c in ws.channels}
    talked_in = {p["channel"] for p in ws.posts}
    public = [c["key"] for c in ws.channels if c["kind"] == "public"]
    assert {"town-square", "off-topic"} <= set(public)
    assert set(public) <= talked_in  # every public channel has history
    assert any(kinds[k] == "direct" for k in talked_in) and "group" in kinds.values()
    assert any(kinds[k] == "group" for k in talked_in)
    assert sum(1 for p in ws.posts if p["replies"]) >= 10
    assert sum(1 for p in ws.posts if p["reactions"]) >= 10
    assert any(p["pinned_by"] for p in ws.posts) and any(p["edit"] for p in ws.posts)
    assert any(f["mime_type"].startswith("image/") for p in ws.posts for f in p["files"])
    mentions = {m for p in ws.posts for m in re.findall(r"@([a-z0-9.\-]+)", p["message"])}
    assert mentions and mentions <= usernames
    assert not any("{" in p["message"] for p in ws.posts)


def test_mattermost_default_channels_have_history_and_people_their_presence(mm):
    defaults = [c for c in mm.all("channels") if c["name"] in ("town-square", "off-topic")]
    assert len(defaults) == 2 and all(c["total_msg_count"] >= 3 for c in defaults)
    posts = mm.all("posts")
    assert any(p["is_pinned"] for p in posts) and any(p["edit_at"] for p in posts)
    assert any(p["root_id"] for p in posts) and any(p["has_reactions"] for p in posts)
    assert any(p["props"].get("from_bot") == "true" for p in posts)  # helper-bot posts too
    assert {s["status"] for s in mm.all("statuses")} >= {"online", "offline"}
    zones = {u["timezone"]["automaticTimezone"] for u in mm.all("users")}
    assert "" in zones and len(zones) > 2


def test_rocketchat_general_team_discussions_and_threads(rc):
    general = rc.get("rooms", "GENERAL")
    assert general["msgs"] >= 3
    [team] = rc.all("teams")
    team_rooms = [r for r in rc.all("rooms") if r.get("teamId") == team["_id"]]
    assert {"engineering", "announcements"} <= {r.get("name") for r in team_rooms}
    discussions = [r for r in rc.all("rooms") if r.get("prid")]
    assert discussions and all(r["msgs"] >= 2 for r in discussions)
    started = [m for m in rc.all("messages") if m.get("t") == "discussion-created"]
    assert {m["drid"] for m in started} == {r["_id"] for r in discussions}
    messages = rc.all("messages")
    assert any(m.get("tmid") for m in messages) and any(m.get("pinned") for m in messages)
    assert any(m.get("editedAt") for m in messages) and any(m.get("reactions") for m in messages)
    assert any(m["mentions"] for m in messages if not m.get("t"))
    assert {u["status"] for u in rc.all("users")} >= {"online", "offline"}


@pytest.mark.parametrize("product", ["mattermost", "rocketchat"])
def test_history_is_stored_in_the_order_it_was_written(product):
    rt = runtime_of(create_app(product, ephemeral_config()))
    table, stamp, where = (
        ("posts", "create_at", "channel_id")
        if product == "mattermost"
        else ("messages", "ts", "rid")
    )
    last: dict[str, int] = {}
    for doc in rt.store.all(table):
        assert doc[stamp] >= last.get(doc[where], 0)
        last[doc[where]] = doc[stamp]


def test_a_scenario_can_post_in_the_default_channels(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(
        '{"users": [{"username": "zed", "timezone": "Mars/Olympus", "status": "away"}],'
        ' "posts": [{"channel": "town-square", "user": "zed", "message": "hello all"},'
        ' {"channel": "off-topic", "user": "zed", "message": "lunch?", "pinned_by": "zed"}]}'
    )
    mm = runtime_of(create_app("mattermost", ephemeral_config(fixtures=path))).store
    by_channel = {mm.get("channels", p["channel_id"])["name"]: p for p in mm.all("posts")}
    assert by_channel["town-square"]["message"] == "hello all"
    assert by_channel["off-topic"]["is_pinned"] is True
    rc = runtime_of(create_app("rocketchat", ephemeral_config(fixtures=path))).store
    texts = {(rc.get("rooms", m["rid"]).get("name"), m["msg"]) for m in rc.all("messages")}
    assert {("general", "hello all"), ("off-topic", "lunch?")} <= texts
    zed = rc.find_one("users", "username", "zed")
    assert (zed["status"], zed["utcOffset"]) == ("away", 0)


@pytest.mark.parametrize(
    ("product", "table", "stamp"),
    [("mattermost", "posts", "create_at"), ("rocketchat", "messages", "ts")],
)
def test_history_anchored_now_is_the_same_history_ending_this_morning(product, table, stamp):
    # `make run` starts with --history-anchor now so a demo's conversations are recent; only
    # the dates move, by whole days (working hours kept), and the ids and texts stay the seed's.
    fixed = runtime_of(create_app(product, ephemeral_config()))
    moved = runtime_of(create_app(product, ephemeral_config(history_anchor="now")))
    key = "_id" if product == "rocketchat" else "id"
    before = {d[key]: d for d in fixed.store.all(table)}
    after = {d[key]: d for d in moved.store.all(table)}
    assert before and before.keys() == after.keys()
    shifts = {after[i][stamp] - before[i][stamp] for i in before}
    assert len(shifts) == 1
    [shift] = shifts
    assert shift > 0 and shift % (24 * 3600_000) == 0
    now = moved.clock.now_ms()
    newest = max(d[stamp] for d in after.values())
    assert now - 24 * 3600_000 < newest <= now
    text = "message" if product == "mattermost" else "msg"
    assert all(after[i].get(text) == before[i].get(text) for i in before)
