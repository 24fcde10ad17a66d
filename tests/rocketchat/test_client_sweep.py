"""The ``rocketchat-api`` client methods whose routes we serve but no other test calls through
the client (``tests/conformance/test_rocketchat_api_sweep.py`` finds them): each called for
real, its answer read as the client hands it back."""

from __future__ import annotations

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from emulator.app import runtime_of

from .clients import refused
from .test_ddp import ddp  # noqa: F401 - the ddp fixture


def user_id(rc_server, username: str) -> str:
    return runtime_of(rc_server.app).store.find_one("users", "username", username)["_id"]


def test_private_group_roles_through_the_client(rc_server, admin, alice):
    group = alice.groups_create("sweep-group", members=["bob"])["group"]
    rid, bob = group["_id"], user_id(rc_server, "bob")
    assert alice.groups_add_owner(rid, bob)["success"] is True
    assert alice.groups_add_moderator(rid, bob)["success"] is True
    assert alice.groups_add_leader(rid, bob)["success"] is True
    roles = {r["u"]["username"]: set(r["roles"]) for r in alice.groups_roles(room_id=rid)["roles"]}
    assert roles["bob"] == {"owner", "moderator", "leader"}
    moderators = alice.groups_moderators(room_id=rid)["moderators"]
    assert [m["username"] for m in moderators] == ["bob"]
    assert alice.groups_moderators(group="sweep-group")["moderators"] == moderators
    assert alice.groups_remove_leader(rid, bob)["success"] is True
    assert alice.groups_remove_moderator(rid, bob)["success"] is True
    assert alice.groups_remove_owner(rid, bob)["success"] is True
    roles = {
        r["u"]["username"]: r["roles"] for r in alice.groups_roles(room_name="sweep-group")["roles"]
    }
    assert "bob" not in roles


def test_private_group_settings_and_lifecycle_through_the_client(rc_server, admin, alice):
    rid = alice.groups_create("sweep-settings", members=["admin"])["group"]["_id"]
    assert alice.groups_set_announcement(rid, "read me")["announcement"] == "read me"
    assert alice.groups_set_description(rid, "what it is")["description"] == "what it is"
    assert alice.groups_set_read_only(rid, True)["group"]["ro"] is True
    renamed = alice.groups_rename(rid, "sweep-renamed")["group"]
    assert renamed["name"] == "sweep-renamed"
    alice.chat_post_message("hello group", room_id=rid)
    assert next(m["msg"] for m in alice.groups_history(rid)) == "hello group"
    assert list(alice.groups_files(room_id=rid)) == []
    online = alice.groups_online(rid)["online"]
    assert all(set(u) == {"_id", "username"} for u in online)
    assert alice.groups_archive(rid)["success"] is True
    assert admin.groups_unarchive(rid)["success"] is True  # unarchive-room: admins only
    assert alice.groups_close(rid)["success"] is True
    sub = runtime_of(rc_server.app).store.find_one(
        "subscriptions", "room_user", (rid, user_id(rc_server, "alice"))
    )
    assert sub["open"] is False


def test_channel_leader_search_and_dm_messages_through_the_client(rc_server, admin, alice):
    engineering = runtime_of(rc_server.app).store.find_one("rooms", "name", "engineering")["_id"]
    bob = user_id(rc_server, "bob")
    assert admin.channels_add_leader(engineering, bob)["success"] is True
    assert admin.channels_remove_leader(engineering, bob)["success"] is True
    leaders = [
        r for r in admin.channels_roles(room_id=engineering)["roles"] if "leader" in r["roles"]
    ]
    assert leaders == []

    posted = alice.chat_post_message("the sweep finds this", room_id=engineering)["message"]
    found = list(alice.chat_search(engineering, "sweep finds"))
    assert [m["_id"] for m in found] == [posted["_id"]]

    sent = alice.chat_post_message("a direct word", channel="@bob")["message"]
    by_room = [m["_id"] for m in alice.dm_messages(room_id=sent["rid"])]
    assert sent["_id"] in by_room
    assert [m["_id"] for m in alice.dm_messages(username="bob")] == by_room


# The client opens the emoji file and never closes it.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_custom_emoji_through_the_client(rc_server, admin, alice, tmp_path):
    image = tmp_path / "sweep-parrot.png"
    image.write_bytes(b"\x89PNG-sweep")
    assert admin.custom_emoji_create("sweep-parrot", str(image), aliases="sp") == {"success": True}
    [emoji] = list(alice.custom_emoji_all())
    assert (emoji["name"], emoji["aliases"], emoji["extension"]) == ("sweep-parrot", ["sp"], "png")
    assert admin.custom_emoji_update(emoji["_id"], "sweep-party", aliases="") == {"success": True}
    [emoji] = list(alice.custom_emoji_all())
    assert (emoji["name"], emoji["aliases"]) == ("sweep-party", [])


def test_settings_statistics_avatar_and_integration_history_through_the_client(
    rc_server, admin, alice
):
    public = {s["_id"]: s["value"] for s in alice.settings_public()}
    assert public["Site_Name"] == "Rocket.Chat"
    assert "Accounts_TwoFactorAuthentication_RememberFor" not in public  # not a public one

    statistics = list(admin.statistics_list())
    assert statistics and all("_id" in s for s in statistics)

    # users.getAvatar redirects to Site_Url's /avatar/<username>, which the client follows.
    runtime_of(rc_server.app).store.update("settings", "Site_Url", {"value": rc_server.url})
    avatar = alice.users_get_avatar(username="bob")
    assert isinstance(avatar, str) and "<svg" in avatar
    assert alice.users_get_avatar(user_id=user_id(rc_server, "bob")) == avatar

    integration = admin.integrations_create(
        "webhook-outgoing",
        "sweep",
        True,
        "helper-bot",
        "#engineering",
        False,
        event="sendMessage",
        urls=["http://example.invalid/hook"],
    )["integration"]
    assert list(admin.integrations_history(integration["_id"])) == []


def test_enterprise_methods_get_the_unlicensed_answer_through_the_client(admin):
    # The licence middleware of an unlicensed server (resources/licensed.py), met by an admin.
    unlicensed = (
        400,
        {
            "success": False,
            "error": "This is an enterprise feature [error-action-not-allowed]",
            "errorType": "error-action-not-allowed",
        },
    )
    for call in (
        lambda: admin.engagement_dashboard_active_users("2026-01-01", "2026-01-31"),
        lambda: admin.engagement_dashboard_chat_busier_hourly("2026-01-01"),
        lambda: admin.engagement_dashboard_chat_busier_weekly("2026-01-01"),
        lambda: admin.engagement_dashboard_users_by_time_of_day("2026-01-01", "2026-01-31"),
        lambda: admin.roles_create("auditor"),
    ):
        with pytest.raises(RocketApiException) as excinfo:
            call()
        assert refused(excinfo) == unlicensed


def test_a_livechat_visitor_through_the_client(rc_server, admin, ddp):  # noqa: F811
    # The visitor's side of a chat, through the client's livechat_* methods (no login needed),
    # served by an agent who is online.
    admin.livechat_create_user("agent", username="bob")
    ddp().login("bob")
    visitor = admin.livechat_register_visitor("sweep-visitor", visitor={"name": "Vera"})
    assert visitor["visitor"]["token"] == "sweep-visitor"
    room = admin.livechat_room("sweep-visitor")["room"]
    assert room["t"] == "l" and room["v"]["token"] == "sweep-visitor"
    sent = admin.livechat_message("sweep-visitor", room["_id"], "hello, anyone?")
    assert sent["message"]["msg"] == "hello, anyone?"
    history = list(admin.livechat_messages_history(room["_id"], "sweep-visitor"))
    assert "hello, anyone?" in [m["msg"] for m in history]
