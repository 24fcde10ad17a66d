"""Channels, through mattermostdriver where it wraps the endpoint (lists and members have
modules of their own)."""

import pytest
import requests
from mattermostdriver import Driver
from mattermostdriver.exceptions import (
    InvalidOrMissingParameters,
    NotEnoughPermissions,
    ResourceNotFound,
)

from emulator.app import runtime_of
from tests.mattermost.clients import assert_error

# -- helpers shared by the part-B test modules ------------------------------------------------


def login(server, username="alice") -> Driver:
    host, port = server.url.removeprefix("http://").split(":")
    d = Driver(
        {
            "url": host,
            "port": int(port),
            "scheme": "http",
            "login_id": username,
            "password": f"{username}-password",
            "basepath": "/api/v4",
        }
    )
    d.login()
    _SERVERS[d.client.url] = runtime_of(server.app)
    return d


def call(server, d: Driver, method: str, path: str, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {d.client.token}"} if d else {}
    return requests.request(
        method, f"{server.url}/api/v4{path}", headers=headers, timeout=10, **kwargs
    )


def team(d: Driver) -> dict:
    """The seeded team, read from the store (the teams API is another module's)."""
    return dict(_runtime(d).store.find_one("teams", "name", "acme"))


def channel(d: Driver, name: str) -> dict:
    return d.channels.get_channel_by_name_and_team_name("acme", name)


def user_id(d: Driver, username: str) -> str:
    return _runtime(d).store.find_one("users", "username", username)["id"]


_SERVERS: dict = {}


def _runtime(d: Driver):
    return _SERVERS[d.client.url]


# -- create -----------------------------------------------------------------------------------


def test_create_public_and_private_channels(mm_server, bus):
    d = login(mm_server)
    t = team(d)
    created = d.channels.create_channel(
        {"team_id": t["id"], "name": "release-train", "display_name": "Release Train", "type": "O"}
    )
    assert created["name"] == "release-train"
    assert created["type"] == "O"
    assert created["team_id"] == t["id"]
    assert created["creator_id"] == d.client.userid
    assert created["delete_at"] == 0
    assert len(created["id"]) == 26
    member = d.channels.get_channel_member(created["id"], "me")
    assert member["roles"] == "channel_user channel_admin"
    assert (
        "channel_created",
        {
            "data": {"channel_id": created["id"], "team_id": t["id"]},
            "broadcast": {
                "omit_users": None,
                "user_id": d.client.userid,
                "channel_id": "",
                "team_id": "",
            },
        },
    ) in bus
    private = d.channels.create_channel(
        {"team_id": t["id"], "name": "secret", "display_name": "Secret", "type": "P"}
    )
    assert private["type"] == "P"
    raw = call(
        mm_server,
        d,
        "POST",
        "/channels",
        json={"team_id": t["id"], "name": "raw", "display_name": "Raw", "type": "O"},
    )
    assert raw.status_code == 201


@pytest.mark.parametrize(
    ("name", "display", "error_id"),
    [
        ("Bad Name", "Bad", "model.channel.is_valid.1_or_more.app_error"),
        ("", "Empty", "model.channel.is_valid.1_or_more.app_error"),
        ("x" * 65, "Long", "model.channel.is_valid.1_or_more.app_error"),
        ("ok-name", "", "api.context.invalid_body_param.app_error"),
        ("ok-name", "x" * 65, "model.channel.is_valid.display_name.app_error"),
        ("town-square", "Dup", "store.sql_channel.save_channel.exists.app_error"),
        (
            "aaaaaaaaaaaaaaaaaaaaaaaaaa__bbbbbbbbbbbbbbbbbbbbbbbbbb",
            "Ids",
            "model.channel.is_valid.name.app_error",
        ),
    ],
)
def test_create_channel_rejects_bad_names(mm_server, name, display, error_id):
    d = login(mm_server)
    t = team(d)
    body = {"team_id": t["id"], "name": name, "display_name": display, "type": "O"}
    assert_error(call(mm_server, d, "POST", "/channels", json=body), 400, error_id)


def test_create_channel_bad_bodies(mm_server):
    d = login(mm_server)
    t = team(d)
    assert_error(
        call(mm_server, d, "POST", "/channels", data="{nope"),
        400,
        "api.context.invalid_body_param.app_error",
    )
    body = assert_error(
        call(mm_server, d, "POST", "/channels", json={"team_id": t["id"], "name": 5, "type": "O"}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert body["message"] == "Invalid or missing channel in request body."
    assert_error(
        call(
            mm_server,
            d,
            "POST",
            "/channels",
            json={"team_id": t["id"], "name": "x", "display_name": "X", "type": "Z"},
        ),
        400,
        "model.channel.is_valid.type.app_error",
    )
    assert_error(
        call(
            mm_server,
            d,
            "POST",
            "/channels",
            json={"team_id": t["id"], "name": "x", "display_name": "X", "type": "D"},
        ),
        400,
        "api.channel.create_channel.direct_channel.app_error",
    )
    assert_error(
        call(
            mm_server,
            d,
            "POST",
            "/channels",
            json={"team_id": "z" * 26, "name": "x", "display_name": "X", "type": "O"},
        ),
        403,
        "api.context.permissions.app_error",
    )
    with pytest.raises(InvalidOrMissingParameters):
        d.channels.create_channel(
            {"team_id": t["id"], "name": "a b", "display_name": "x", "type": "O"}
        )


def test_direct_channel_name_and_idempotence(mm_server):
    d = login(mm_server)
    me, bob = d.client.userid, user_id(d, "bob")
    dm = d.channels.create_direct_message_channel([me, bob])
    assert dm["type"] == "D"
    assert dm["name"] == "__".join(sorted([me, bob]))
    assert dm["team_id"] == ""
    again = call(mm_server, d, "POST", "/channels/direct", json=[bob, me])
    assert again.status_code == 201
    assert again.json()["id"] == dm["id"]
    admin = user_id(d, "admin")
    assert_error(
        call(mm_server, d, "POST", "/channels/direct", json=[bob, admin]),
        403,
        "api.context.permissions.app_error",
    )
    self_dm = call(mm_server, d, "POST", "/channels/direct", json=[me])
    assert self_dm.status_code == 201
    assert self_dm.json()["name"] == f"{me}__{me}"
    assert_error(
        call(mm_server, d, "POST", "/channels/direct", json=[me, bob, admin]),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(mm_server, d, "POST", "/channels/direct", json={"a": 1}),
        400,
        "api.payload.parse.error",
    )
    assert_error(
        call(mm_server, d, "POST", "/channels/direct", json=[me, "q" * 26]),
        400,
        "api.channel.create_direct_channel.invalid_user.app_error",
    )


def test_group_channel(mm_server):
    d = login(mm_server)
    bob, admin = user_id(d, "bob"), user_id(d, "admin")
    gm = d.channels.create_group_message_channel([bob, admin])
    assert gm["type"] == "G"
    assert gm["display_name"] == "admin, alice, bob"
    assert len(gm["name"]) == 40
    members = d.channels.get_channel_members(gm["id"])
    assert sorted(m["user_id"] for m in members) == sorted([bob, admin, d.client.userid])
    assert_error(
        call(mm_server, d, "POST", "/channels/group", json=[bob]),
        400,
        "api.channel.create_group.bad_size.app_error",
    )
    assert_error(
        call(mm_server, d, "POST", "/channels/group", json=[bob, admin, "g" * 26]),
        400,
        "api.channel.create_group.bad_user.app_error",
    )


# -- read -------------------------------------------------------------------------------------


def test_get_channel_and_private_channel_is_forbidden(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    leadership = channel(alice, "leadership")
    assert leadership["type"] == "P"
    assert bob.channels.get_channel(channel(alice, "engineering")["id"])["name"] == "engineering"
    body = assert_error(
        call(mm_server, bob, "GET", f"/channels/{leadership['id']}"),
        403,
        "api.context.permissions.app_error",
    )
    assert body["message"] == "You do not have the appropriate permissions."
    with pytest.raises(ResourceNotFound):
        bob.channels.get_channel_by_name_and_team_name("acme", "leadership")
    assert_error(
        call(mm_server, bob, "GET", "/channels/" + "z" * 26),
        404,
        "app.channel.get.existing.app_error",
    )
    assert_error(
        call(mm_server, bob, "GET", "/channels/short"),
        400,
        "api.context.invalid_url_param.app_error",
    )
    assert call(mm_server, None, "GET", f"/channels/{leadership['id']}").status_code == 401


def test_get_channel_by_name(mm_server):
    d = login(mm_server)
    t = team(d)
    found = d.channels.get_channel_by_name(t["id"], "engineering")
    assert found["display_name"]
    assert_error(
        call(mm_server, d, "GET", f"/teams/{t['id']}/channels/name/nothing-here"),
        404,
        "app.channel.get_by_name.missing.app_error",
    )
    assert_error(
        call(mm_server, d, "GET", "/teams/name/no-team/channels/name/engineering"),
        404,
        "app.team.get_by_name.missing.app_error",
    )


# -- change -----------------------------------------------------------------------------------


def test_patch_and_update_channel(mm_server, bus):
    d = login(mm_server)
    eng = channel(d, "engineering")
    patched = d.channels.patch_channel(eng["id"], {"header": "New header", "display_name": " Eng "})
    assert patched["header"] == "New header"
    assert patched["display_name"] == "Eng"
    assert patched["name"] == "engineering"
    assert patched["update_at"] >= eng["update_at"]
    assert any(n == "channel_updated" and p["broadcast"]["channel_id"] == eng["id"] for n, p in bus)
    full = {**patched, "purpose": "Build things"}
    updated = d.channels.update_channel(eng["id"], full)
    assert updated["purpose"] == "Build things"
    # PUT replaces the header and purpose with what was sent; empty names are kept
    minimal = d.channels.update_channel(eng["id"], {"id": eng["id"], "name": "", "header": "h"})
    assert (minimal["header"], minimal["purpose"], minimal["name"]) == ("h", "", "engineering")
    assert_error(
        call(mm_server, d, "PUT", f"/channels/{eng['id']}/patch", json={}),
        400,
        "api.channel.patch_update_channel.no_changes.app_error",
    )
    assert_error(
        call(mm_server, d, "PUT", f"/channels/{eng['id']}", json={**full, "type": "P"}),
        400,
        "api.channel.update_channel.typechange.app_error",
    )
    assert_error(
        call(mm_server, d, "PUT", f"/channels/{eng['id']}", json={**full, "id": "x" * 26}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(mm_server, d, "PUT", f"/channels/{eng['id']}/patch", json={"name": "Not Valid"}),
        400,
        "model.channel.is_valid.1_or_more.app_error",
    )
    assert_error(
        call(mm_server, d, "PUT", f"/channels/{eng['id']}/patch", json={"name": "off-topic"}),
        400,
        "store.sql_channel.save_channel.exists.app_error",
    )


def test_patch_private_channel_needs_membership(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    leadership = channel(alice, "leadership")
    with pytest.raises(NotEnoughPermissions):
        bob.channels.patch_channel(leadership["id"], {"header": "hacked"})
    assert alice.channels.patch_channel(leadership["id"], {"header": "ok"})["header"] == "ok"


def test_dm_patch_rules(mm_server):
    d = login(mm_server)
    dm = d.channels.create_direct_message_channel([d.client.userid, user_id(d, "bob")])
    assert d.channels.patch_channel(dm["id"], {"header": "hi"})["header"] == "hi"
    assert_error(
        call(mm_server, d, "PUT", f"/channels/{dm['id']}/patch", json={"display_name": "x"}),
        400,
        "api.channel.patch_update_channel.update_direct_or_group_messages_not_allowed.app_error",
    )
    admin = login(mm_server, "admin")
    assert_error(
        call(mm_server, admin, "PUT", f"/channels/{dm['id']}/patch", json={"header": "x"}),
        403,
        "api.channel.patch_update_channel.forbidden.app_error",
    )
    assert_error(
        call(mm_server, d, "PUT", f"/channels/{dm['id']}", json={**dm, "purpose": "p"}),
        400,
        "api.channel.update_channel.update_direct_or_group_messages_not_allowed.app_error",
    )
    assert_error(
        call(mm_server, d, "DELETE", f"/channels/{dm['id']}"),
        400,
        "api.channel.delete_channel.type.invalid",
    )


def test_archive_and_restore(mm_server, bus):
    alice, admin = login(mm_server), login(mm_server, "admin")
    eng = channel(alice, "engineering")
    assert alice.channels.delete_channel(eng["id"]) == {"status": "OK"}
    archived = alice.channels.get_channel(eng["id"])
    assert archived["delete_at"] > 0
    assert any(n == "channel_deleted" and p["data"]["channel_id"] == eng["id"] for n, p in bus)
    assert_error(
        call(mm_server, alice, "DELETE", f"/channels/{eng['id']}"),
        400,
        "api.channel.delete_channel.deleted.app_error",
    )
    assert_error(
        call(mm_server, alice, "POST", "/posts", json={"channel_id": eng["id"], "message": "x"}),
        400,
        "api.post.create_post.can_not_post_to_deleted.error",
    )
    assert_error(
        call(mm_server, alice, "PUT", f"/channels/{eng['id']}/patch", json={"header": "x"}),
        400,
        "api.channel.update_channel.deleted.app_error",
    )
    assert_error(
        call(mm_server, alice, "POST", f"/channels/{eng['id']}/restore"),
        403,
        "api.context.permissions.app_error",
    )
    restored = admin.channels.restore_channel(eng["id"])
    assert restored["delete_at"] == 0
    assert_error(
        call(mm_server, admin, "POST", f"/channels/{eng['id']}/restore"),
        400,
        "api.channel.restore_channel.restored.app_error",
    )
    town = channel(alice, "town-square")
    assert_error(
        call(mm_server, admin, "DELETE", f"/channels/{town['id']}"),
        400,
        "api.channel.delete_channel.cannot.app_error",
    )


def test_privacy(mm_server, bus):
    alice, admin = login(mm_server), login(mm_server, "admin")
    eng = channel(alice, "engineering")
    assert_error(
        call(mm_server, alice, "PUT", f"/channels/{eng['id']}/privacy", json={"privacy": "P"}),
        403,
        "api.context.permissions.app_error",
    )
    converted = call(
        mm_server, admin, "PUT", f"/channels/{eng['id']}/privacy", json={"privacy": "P"}
    )
    assert converted.status_code == 200
    assert converted.json()["type"] == "P"
    assert (
        "channel_converted",
        {
            "data": {"channel_id": eng["id"]},
            "broadcast": {
                "omit_users": None,
                "user_id": "",
                "channel_id": "",
                "team_id": eng["team_id"],
            },
        },
    ) in bus
    assert_error(
        call(mm_server, admin, "PUT", f"/channels/{eng['id']}/privacy", json={"privacy": "X"}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    town = channel(alice, "town-square")
    assert_error(
        call(mm_server, admin, "PUT", f"/channels/{town['id']}/privacy", json={"privacy": "P"}),
        400,
        "api.channel.update_channel_privacy.default_channel_error",
    )


# -- system messages ---------------------------------------------------------------------------


def test_membership_changes_post_system_messages(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    leadership, eng = channel(alice, "leadership"), channel(alice, "engineering")
    alice.channels.add_user(leadership["id"], {"user_id": bob.client.userid})
    alice.channels.remove_channel_member(leadership["id"], bob.client.userid)

    def latest(channel_id, count):
        history = alice.posts.get_posts_for_channel(channel_id, {"per_page": count})
        return [history["posts"][i] for i in history["order"]]

    removed, added = latest(leadership["id"], 2)
    assert (added["type"], added["message"], added["user_id"]) == (
        "system_add_to_channel",
        "bob added to the channel by alice.",
        alice.client.userid,
    )
    assert added["props"] == {
        "userId": alice.client.userid,
        "username": "alice",
        "addedUserId": bob.client.userid,
        "addedUsername": "bob",
    }
    assert (removed["type"], removed["message"]) == (
        "system_remove_from_channel",
        "bob removed from the channel.",
    )
    assert removed["props"] == {"removedUserId": bob.client.userid, "removedUsername": "bob"}
    if any(
        m["user_id"] == bob.client.userid for m in alice.channels.get_channel_members(eng["id"])
    ):
        bob.channels.remove_channel_member(eng["id"], "me")
        assert latest(eng["id"], 1)[0]["message"] == "bob left the channel."
    bob.channels.add_user(eng["id"], {"user_id": bob.client.userid})
    joined = latest(eng["id"], 1)[0]
    assert (joined["type"], joined["message"], joined["props"]) == (
        "system_join_channel",
        "bob joined the channel.",
        {"username": "bob"},
    )


def test_channel_changes_post_system_messages(mm_server):
    alice, admin = login(mm_server), login(mm_server, "admin")
    eng = channel(alice, "engineering")

    def latest():
        history = alice.posts.get_posts_for_channel(eng["id"], {"per_page": 1})
        return history["posts"][history["order"][0]]

    alice.channels.patch_channel(eng["id"], {"header": "first"})
    alice.channels.patch_channel(eng["id"], {"header": "second"})
    post = latest()
    assert (post["type"], post["message"]) == (
        "system_header_change",
        "alice updated the channel header from: first to: second",
    )
    assert post["props"] == {"username": "alice", "old_header": "first", "new_header": "second"}
    alice.channels.patch_channel(eng["id"], {"display_name": "Eng Room"})
    assert latest()["type"] == "system_displayname_change"
    alice.channels.delete_channel(eng["id"])
    archived = latest()
    assert (archived["type"], archived["message"]) == (
        "system_channel_deleted",
        "alice archived the channel.",
    )
    admin.channels.restore_channel(eng["id"])
    assert latest()["message"] == "admin unarchived the channel."
