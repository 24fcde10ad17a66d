"""What integration authors call most, through ``mattermostautodriver`` (the generated client):
search, threads, preferences, bots, emoji, files, groups and status. Each test reads the effect
back through another door (a REST read or the realtime event the WebSocket sends), not only
the call's own answer."""

from __future__ import annotations

import json

import pytest
import requests
from mattermostautodriver import Driver as AutoDriver
from mattermostautodriver.exceptions import (
    FeatureDisabled,
    InvalidOrMissingParameters,
    NotEnoughPermissions,
    ResourceNotFound,
)

from emulator.app import runtime_of
from emulator.mattermost.models import _PLACEHOLDER_PNG
from tests.mattermost.clients import set_config, team_id, user_id

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>'
GIF = b"GIF89a\x02\x00\x03\x00\x00\x00\x00;"


def auto(server, username: str = "alice") -> AutoDriver:
    """A driver on a session token: the 2.x driver's password login breaks on its own return."""
    host, port = server.url.removeprefix("http://").split(":")
    login = {"login_id": username, "password": f"{username}-password"}
    token = requests.post(f"{server.url}/api/v4/users/login", json=login, timeout=5)
    driver = AutoDriver(
        {"url": host, "port": int(port), "scheme": "http", "token": token.headers["Token"]}
    )
    driver.login()
    return driver


def channel_id(server, name: str) -> str:
    [channel] = [c for c in runtime_of(server.app).store.all("channels") if c["name"] == name]
    return channel["id"]


def events(bus, name: str) -> list[dict]:
    return [payload for event, payload in bus if event == name]


# -- search -------------------------------------------------------------------------------------


def test_search_posts_files_users_and_channels(mm_server):
    alice = auto(mm_server)
    team, eng = team_id(mm_server), channel_id(mm_server, "engineering")
    upload = alice.files.upload_file(
        files={"files": ("unicorn-plan.txt", b"the plan")}, data={"channel_id": eng}
    )
    [info] = upload["file_infos"]
    post = alice.posts.create_post(
        {"channel_id": eng, "message": "the unicorn release", "file_ids": [info["id"]]}
    )
    alice.posts.create_post({"channel_id": eng, "message": "nothing to see"})

    found = alice.posts.search_posts(team, {"terms": "unicorn", "is_or_search": False})
    assert found["order"] == [post["id"]]
    assert found["posts"][post["id"]]["file_ids"] == [info["id"]]
    # The 2.x driver sends the file search body as given: JSON text, as the server reads it
    # (httpx warns that raw text belongs in `content=`; a dict would go form-encoded).
    with pytest.warns(DeprecationWarning):
        files = alice.teams.search_files(team, data=json.dumps({"terms": "unicorn"}))
    assert files["order"] == [info["id"]]
    assert files["file_infos"][info["id"]]["post_id"] == post["id"]

    assert [u["username"] for u in alice.users.search_users({"term": "bob"})] == ["bob"]
    completed = alice.users.autocomplete_users(params={"in_team": team, "name": "bo"})
    assert "bob" in {u["username"] for u in completed["users"]}

    assert [c["name"] for c in alice.channels.search_channels(team, {"term": "engin"})] == [
        "engineering"
    ]


def test_search_archived_channels(mm_server):
    """Undocumented, served by the real server and wrapped by the client: archived public
    channels, and archived private ones only for their members."""
    alice, bob = auto(mm_server), auto(mm_server, "bob")
    team = team_id(mm_server)
    public = alice.channels.create_channel(
        {"team_id": team, "name": "old-launch", "display_name": "Old Launch", "type": "O"}
    )
    private = alice.channels.create_channel(
        {"team_id": team, "name": "old-secrets", "display_name": "Old Secrets", "type": "P"}
    )
    for channel in (public, private):
        alice.channels.delete_channel(channel["id"])

    archived = alice.channels.search_archived_channels(team, {"term": "old"})
    assert [c["name"] for c in archived] == ["old-launch", "old-secrets"]
    assert all(c["delete_at"] > 0 for c in archived)
    assert alice.channels.search_channels(team, {"term": "old"}) == []
    # bob was never in the private one.
    assert [c["name"] for c in bob.channels.search_archived_channels(team, {"term": "old"})] == [
        "old-launch"
    ]
    assert alice.channels.search_archived_channels(team, {"term": "nomatch"}) == []


# -- threads ------------------------------------------------------------------------------------


def test_threads_follow_unfollow_and_read(mm_server, bus):
    alice, bob = auto(mm_server), auto(mm_server, "bob")
    team, eng = team_id(mm_server), channel_id(mm_server, "engineering")
    me = alice.client.userid
    root = alice.posts.create_post({"channel_id": eng, "message": "thread root"})
    reply = bob.posts.create_post({"channel_id": eng, "message": "a reply", "root_id": root["id"]})

    listed = alice.threads.get_user_threads(me, team)
    assert listed["threads"][0]["id"] == root["id"]  # the newest reply first
    thread = alice.threads.get_user_thread(me, team, root["id"])
    assert (thread["reply_count"], thread["unread_replies"]) == (1, 1)
    assert thread["last_reply_at"] == reply["create_at"]

    def followed() -> set[str]:
        return {t["id"] for t in alice.threads.get_user_threads(me, team)["threads"]}

    alice.threads.stop_following_thread(me, team, root["id"])
    assert root["id"] not in followed()
    assert events(bus, "thread_follow_changed")[-1]["data"]["state"] is False
    alice.threads.start_following_thread(me, team, root["id"])
    assert root["id"] in followed()
    assert events(bus, "thread_follow_changed")[-1]["data"]["state"] is True

    alice.threads.update_thread_read_for_user(me, team, root["id"], reply["create_at"] + 1)
    assert alice.threads.get_user_thread(me, team, root["id"])["unread_replies"] == 0
    read = events(bus, "thread_read_changed")[-1]
    assert read["data"]["thread_id"] == root["id"]
    assert read["broadcast"]["user_id"] == me


# -- preferences --------------------------------------------------------------------------------


def test_preferences_save_read_and_delete(mm_server, bus):
    alice = auto(mm_server)
    me = alice.client.userid
    preference = {"user_id": me, "category": "display_settings", "name": "use_military_time"}
    preference["value"] = "true"
    assert alice.preferences.update_preferences(me, [preference]) == {"status": "OK"}

    assert (
        alice.preferences.get_preferences_by_category_by_name(
            me, "display_settings", "use_military_time"
        )
        == preference
    )
    assert preference in alice.preferences.get_preferences_by_category(me, "display_settings")
    changed = events(bus, "preferences_changed")[-1]
    assert json.loads(changed["data"]["preferences"]) == [preference]
    assert changed["broadcast"]["user_id"] == me

    assert alice.preferences.delete_preferences(me, [preference]) == {"status": "OK"}
    with pytest.raises(InvalidOrMissingParameters):  # a 400, as the real server's store error
        alice.preferences.get_preferences_by_category_by_name(
            me, "display_settings", "use_military_time"
        )
    assert preference not in alice.preferences.get_preferences(me)
    assert json.loads(events(bus, "preferences_deleted")[-1]["data"]["preferences"]) == [preference]


# -- bots ---------------------------------------------------------------------------------------


def test_bots_create_patch_disable_enable_assign_and_icon(mm_server):
    set_config(mm_server, "ServiceSettings", "EnableBotAccountCreation", True)
    admin = auto(mm_server, "admin")
    bot = admin.bots.create_bot({"username": "deploy-bot", "display_name": "Deploy"})
    assert bot["owner_id"] == admin.client.userid
    assert admin.users.get_user(bot["user_id"])["is_bot"] is True

    patched = admin.bots.patch_bot(bot["user_id"], {"description": "ships releases"})
    assert admin.bots.get_bot(bot["user_id"])["description"] == "ships releases"
    assert patched["update_at"] >= bot["update_at"]

    disabled = admin.bots.disable_bot(bot["user_id"])
    assert disabled["delete_at"] > 0
    assert bot["user_id"] not in {b["user_id"] for b in admin.bots.get_bots()}
    assert admin.users.get_user(bot["user_id"])["delete_at"] > 0  # the bot's user went too
    assert admin.bots.enable_bot(bot["user_id"])["delete_at"] == 0
    assert admin.users.get_user(bot["user_id"])["delete_at"] == 0

    bob = user_id(mm_server, "bob")
    assert admin.bots.assign_bot(bot["user_id"], bob)["owner_id"] == bob
    assert admin.bots.get_bot(bot["user_id"])["owner_id"] == bob

    admin.bots.set_bot_icon_image(bot["user_id"], files={"image": ("icon.svg", SVG)})
    icon = admin.bots.get_bot_icon_image(bot["user_id"])
    assert icon.content == SVG and icon.headers["Content-Type"] == "image/svg+xml"
    assert admin.bots.delete_bot_icon_image(bot["user_id"]) == {"status": "OK"}
    with pytest.raises(ResourceNotFound):
        admin.bots.get_bot_icon_image(bot["user_id"])


# -- emoji --------------------------------------------------------------------------------------


def test_emoji_create_list_search_autocomplete_and_delete(mm_server, bus):
    alice = auto(mm_server)
    emoji = {"name": "ship-it", "creator_id": alice.client.userid}
    created = alice.emoji.create_emoji(
        files={"image": ("ship.png", _PLACEHOLDER_PNG)}, data={"emoji": json.dumps(emoji)}
    )
    assert (created["name"], created["creator_id"]) == ("ship-it", alice.client.userid)
    assert json.loads(events(bus, "emoji_added")[-1]["data"]["emoji"]) == created

    assert alice.emoji.get_emoji_image(created["id"]).content == _PLACEHOLDER_PNG
    assert created in alice.emoji.get_emoji_list()
    assert alice.emoji.search_emoji({"term": "ship"}) == [created]
    assert alice.emoji.search_emoji({"term": "it", "prefix_only": True}) == []
    assert alice.emoji.autocomplete_emoji(params={"name": "shi"}) == [created]
    assert alice.emoji.get_emojis_by_names(["ship-it", "no-such"]) == [created]

    assert alice.emoji.delete_emoji(created["id"]) == {"status": "OK"}
    with pytest.raises(ResourceNotFound):
        alice.emoji.get_emoji(created["id"])
    assert alice.emoji.search_emoji({"term": "ship"}) == []


# -- files --------------------------------------------------------------------------------------


def test_files_upload_info_download_images_and_link(mm_server):
    alice, bob = auto(mm_server), auto(mm_server, "bob")
    eng = channel_id(mm_server, "engineering")
    upload = alice.files.upload_file(
        files={"files": ("dot.gif", GIF, "image/gif")}, data={"channel_id": eng}
    )
    [info] = upload["file_infos"]
    assert (info["name"], info["mime_type"], info["size"]) == ("dot.gif", "image/gif", len(GIF))
    assert (info["width"], info["height"]) == (2, 3)
    assert alice.files.get_file_info(info["id"]) == info
    assert alice.files.get_file(info["id"]).content == GIF
    for image in (alice.files.get_file_thumbnail, alice.files.get_file_preview):
        answer = image(info["id"])
        assert answer.headers["Content-Type"].startswith("image/")
        assert answer.content[:6] in (b"GIF89a", b"GIF87a") or answer.content[:4] == b"\x89PNG"

    set_config(mm_server, "FileSettings", "EnablePublicLink", True)
    post = alice.posts.create_post(
        {"channel_id": eng, "message": "a dot", "file_ids": [info["id"]]}
    )
    assert bob.files.get_file_info(info["id"])["post_id"] == post["id"]  # now a member's to read
    link = alice.files.get_file_link(info["id"])["link"]
    assert requests.get(link, timeout=5).content == GIF  # no session: the link is the key


# -- groups -------------------------------------------------------------------------------------


def _still_a_gap(server, method: str, path: str) -> bool:
    """No route serves it yet: it answers our own not-implemented error, and closing that gap
    is another change's work (this test then waits for it)."""
    return not server.app.url_map.bind("localhost").test(path, method)


def test_groups_answer_the_real_licence_refusal(mm_server):
    if _still_a_gap(mm_server, "GET", "/api/v4/groups"):
        pytest.skip("GET /api/v4/groups is still a documented gap")
    admin = auto(mm_server, "admin")
    refused = requests.get(
        f"{mm_server.url}/api/v4/groups",
        headers={"Authorization": f"Bearer {admin.client.token}"},
        timeout=5,
    )
    assert refused.status_code in (403, 501), refused.text
    assert refused.json()["id"] != "api.context.not_implemented.app_error"
    with pytest.raises((FeatureDisabled, NotEnoughPermissions)):
        admin.groups.get_groups()


# -- status -------------------------------------------------------------------------------------


def test_status_set_read_and_custom_status(mm_server, bus):
    alice = auto(mm_server)
    me, bob = alice.client.userid, user_id(mm_server, "bob")
    answer = alice.status.update_user_status(me, {"user_id": me, "status": "dnd"})
    assert (answer["status"], answer["manual"]) == ("dnd", True)
    assert alice.status.get_user_status(me)["status"] == "dnd"
    assert events(bus, "status_change")[-1]["data"] == {"status": "dnd", "user_id": me}
    statuses = {
        s["user_id"]: s["status"] for s in alice.status.get_users_statuses_by_ids([me, bob])
    }
    assert statuses[me] == "dnd" and set(statuses) == {me, bob}

    lunch = {"emoji": "taco", "text": "At lunch"}
    assert alice.status.update_user_custom_status(me, lunch) == {"status": "OK"}
    custom = json.loads(alice.users.get_user(me)["props"]["customStatus"])
    assert (custom["emoji"], custom["text"]) == ("taco", "At lunch")
    updated = events(bus, "user_updated")[-1]["data"]["user"]
    assert json.loads(updated["props"]["customStatus"])["text"] == "At lunch"
    assert alice.status.unset_user_custom_status(me) == {"status": "OK"}
    assert alice.users.get_user(me)["props"]["customStatus"] == ""
