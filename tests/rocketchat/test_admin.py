"""Administration used by integrations: permissions, roles, settings, statistics, licenses,
custom emoji, slash commands and ``/api/info``."""

from __future__ import annotations

import hashlib

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of

NO_PERMISSION = {
    "success": False,
    "error": "User does not have the permissions required for this action [error-unauthorized]",
}
TWO_FACTOR = {
    "x-2fa-code": hashlib.sha256(b"admin-password").hexdigest(),
    "x-2fa-method": "password",
}


@pytest.fixture
def admin(rc_server):
    return RocketChat("admin", "admin-password", server_url=rc_server.url)


@pytest.fixture
def alice(rc_server):
    return RocketChat("alice", "alice-password", server_url=rc_server.url)


def call(rocket, method, path, **kwargs):
    headers = {**rocket.headers, **kwargs.pop("headers", {})}
    return requests.request(
        method, f"{rocket.server_url}/api/v1/{path}", headers=headers, timeout=5, **kwargs
    )


def refused(excinfo) -> tuple[int, dict]:
    return excinfo.value.status_code, excinfo.value.response_json


# -- permissions ------------------------------------------------------------------------------


def test_permissions_list_all(alice):
    listed = alice.permissions_list_all()
    assert listed["remove"] == [] and listed["success"] is True
    by_id = {p["_id"]: p for p in listed["update"]}
    assert by_id["create-personal-access-tokens"]["roles"] == ["admin", "user"]
    assert by_id["view-statistics"]["_updatedAt"].endswith("Z")
    assert set(by_id["access-permissions"]) == {"_id", "roles", "_updatedAt"}


def test_permissions_update_and_updated_since(admin, alice, rc_server):
    since = requests.get(
        f"{rc_server.url}/api/v1/permissions.listAll", headers=alice.headers, timeout=5
    ).json()["update"][0]["_updatedAt"]
    runtime_of(rc_server.app).clock.advance(1000)
    done = admin.permissions_update([{"_id": "view-statistics", "roles": ["admin", "user"]}])
    assert done["success"] is True
    assert {"_id": "view-statistics", "roles": ["admin", "user"]}.items() <= next(
        p for p in done["permissions"] if p["_id"] == "view-statistics"
    ).items()
    changed = alice.permissions_list_all(updatedSince=since)
    assert [p["_id"] for p in changed["update"]] == ["view-statistics"]
    assert alice.statistics()["success"] is True


def test_permissions_update_errors(admin, alice):
    with pytest.raises(RocketApiException) as excinfo:
        alice.permissions_update([{"_id": "view-statistics", "roles": ["user"]}])
    assert refused(excinfo) == (403, NO_PERMISSION)
    raw = call(admin, "POST", "permissions.update", json={"permissions": "all"})
    assert raw.json() == {
        "success": False,
        "error": "Invalid body params",
        "errorType": "error-invalid-body-params",
    }
    raw = call(
        admin,
        "POST",
        "permissions.update",
        json={"permissions": [{"_id": "no-such", "roles": ["admin"]}]},
    )
    assert raw.json()["errorType"] == "error-invalid-permission"
    raw = call(
        admin,
        "POST",
        "permissions.update",
        json={"permissions": [{"_id": "view-statistics", "roles": ["wizard"]}]},
    )
    assert raw.json()["errorType"] == "error-invalid-role"
    raw = call(alice, "GET", "permissions.listAll", params={"updatedSince": "yesterday"})
    assert raw.status_code == 400
    assert raw.json()["errorType"] == "error-updatedSince-param-invalid"


# -- roles ------------------------------------------------------------------------------------


def test_roles_list(alice):
    roles = {r["_id"]: r for r in alice.roles_list()["roles"]}
    assert {"admin", "user", "bot", "owner", "moderator", "leader", "guest"} <= set(roles)
    assert roles["owner"]["scope"] == "Subscriptions"
    assert roles["admin"]["protected"] is True and roles["admin"]["mandatory2fa"] is False


def test_add_and_remove_global_role(admin, alice):
    done = admin.roles_add_user_to_role("bot", "alice")
    assert done["role"]["_id"] == "bot" and done["success"] is True
    members = list(admin.roles_get_users_in_role("bot"))
    assert "alice" in [u["username"] for u in members]
    assert all("services" not in u for u in members)
    assert "bot" in alice.me()["roles"]
    with pytest.raises(RocketApiException) as excinfo:
        admin.roles_add_user_to_role("bot", "alice")
    assert refused(excinfo)[1]["errorType"] == "error-user-already-in-role"
    assert admin.roles_remove_user_from_role("bot", "alice")["success"] is True
    assert "bot" not in alice.me()["roles"]
    with pytest.raises(RocketApiException) as excinfo:
        admin.roles_remove_user_from_role("bot", "alice")
    assert refused(excinfo)[1]["errorType"] == "error-user-not-in-role"


def test_room_scoped_roles(admin, rc_server):
    done = admin.roles_add_user_to_role("moderator", "alice", roomId="GENERAL")
    assert done["success"] is True
    in_room = admin.call_api_get("roles.getUsersInRole", role="moderator", roomId="GENERAL")
    assert [u["username"] for u in in_room["users"]] == ["alice"]
    assert in_room["total"] == 1
    alice_id = admin.users_info(username="alice")["user"]["_id"]
    sub = runtime_of(rc_server.app).store.find_one(
        "subscriptions", "room_user", ("GENERAL", alice_id)
    )
    assert "moderator" in sub["roles"]
    raw = call(
        admin, "POST", "roles.addUserToRole", json={"roleId": "moderator", "username": "bob"}
    )
    assert raw.json()["errorType"] == "error-invalid-arguments"


def test_roles_errors(admin, alice):
    with pytest.raises(RocketApiException) as excinfo:
        alice.roles_add_user_to_role("admin", "alice")
    assert refused(excinfo) == (403, NO_PERMISSION)
    raw = call(admin, "POST", "roles.addUserToRole", json={"roleId": "bot"})
    assert raw.json() == {
        "success": False,
        "error": "must have required property 'username' [error-invalid-role-properties]",
        "errorType": "error-invalid-role-properties",
    }
    raw = call(admin, "POST", "roles.addUserToRole", json={"roleId": "bot", "username": "ghost"})
    assert raw.json()["error"] == "There is no user with this username [error-invalid-user]"
    raw = call(admin, "POST", "roles.addUserToRole", json={"roleId": "wizard", "username": "bob"})
    assert raw.json()["errorType"] == "error-invalid-roleId"
    raw = call(admin, "GET", "roles.getUsersInRole")
    assert raw.json() == {
        "success": False,
        "error": 'Query param "role" is required [error-param-not-provided]',
        "errorType": "error-param-not-provided",
    }
    raw = call(admin, "GET", "roles.getUsersInRole", params={"role": "wizard"})
    assert raw.json() == {
        "success": False,
        "error": "[error-invalid-roleId]",
        "errorType": "error-invalid-roleId",
    }
    raw = call(
        admin, "POST", "roles.removeUserFromRole", json={"roleId": "admin", "username": "admin"}
    )
    assert raw.json()["errorType"] == "error-admin-required"


# -- settings ---------------------------------------------------------------------------------


def test_public_settings_need_no_login(rc_server):
    public = RocketChat(server_url=rc_server.url)
    listed = public.call_api_get("settings.public", count=0)
    ids = [s["_id"] for s in listed["settings"]]
    assert "Site_Name" in ids and "API_Default_Count" not in ids
    assert ids == sorted(ids)
    assert listed["total"] == len(ids) == listed["count"]
    one = public.call_api_get("settings.public", _id="Site_Name,Language")
    assert one["settings"] == [
        {"_id": "Language", "value": "en"},
        {"_id": "Site_Name", "value": "Rocket.Chat"},
    ]


def test_private_settings_list(admin, alice):
    assert "API_Default_Count" in [s["_id"] for s in admin.settings(count=100)]
    assert "API_Default_Count" not in [s["_id"] for s in alice.settings(count=100)]
    with_defaults = admin.call_api_get("settings", _id="API_Default_Count", includeDefaults="true")
    assert with_defaults["settings"] == [
        {"_id": "API_Default_Count", "value": 50, "packageValue": 50}
    ]


def test_get_and_set_a_setting(admin, alice, rc_server):
    assert admin.settings_get("Site_Name") == {
        "_id": "Site_Name",
        "value": "Rocket.Chat",
        "success": True,
    }
    with pytest.raises(RocketApiException) as excinfo:
        admin.settings_update("Site_Name", "Acme Chat")
    assert refused(excinfo)[1]["errorType"] == "totp-required"
    admin.headers.update(TWO_FACTOR)
    assert admin.settings_update("Site_Name", "Acme Chat") == {"success": True}
    assert alice.call_api_get("settings.public", _id="Site_Name")["settings"][0]["value"] == (
        "Acme Chat"
    )
    admin.settings_update("API_Default_Count", 2)
    assert admin.call_api_get("users.list")["count"] == 2


def test_setting_errors(admin, alice):
    with pytest.raises(RocketApiException) as excinfo:
        alice.settings_get("Site_Name")
    assert refused(excinfo) == (403, NO_PERMISSION)
    with pytest.raises(RocketApiException) as excinfo:
        alice.settings_update("Site_Name", "x")
    assert refused(excinfo) == (403, NO_PERMISSION)
    raw = call(admin, "GET", "settings/No_Such_Setting")
    assert (raw.status_code, raw.json()) == (400, {"success": False})
    raw = call(
        admin, "POST", "settings/API_Default_Count", json={"value": "many"}, headers=TWO_FACTOR
    )
    assert (raw.status_code, raw.json()) == (400, {"success": False})
    raw = call(admin, "POST", "settings/Site_Name", json={}, headers=TWO_FACTOR)
    assert (raw.status_code, raw.json()) == (400, {"success": False})


# -- statistics, licenses, info ---------------------------------------------------------------


def test_statistics_count_the_store(admin, rc_server):
    stats = admin.statistics()
    store = runtime_of(rc_server.app).store
    assert stats["totalUsers"] == store.count("users")
    assert stats["totalChannels"] == len(store.find("rooms", "t", "c"))
    assert stats["totalPrivateGroups"] == len(store.find("rooms", "t", "p"))
    assert stats["totalDirect"] == len(store.find("rooms", "t", "d"))
    assert stats["totalMessages"] == store.count("messages")
    assert stats["version"] == "8.3.0"
    assert stats["success"] is True
    admin.users_create("n@example.com", "N", "pw", "newcomer")
    assert admin.statistics()["totalUsers"] == stats["totalUsers"]
    assert admin.statistics(refresh="true")["totalUsers"] == stats["totalUsers"] + 1
    listed = admin.call_api_get("statistics.list")
    assert listed["total"] == 2 and listed["statistics"][0]["totalUsers"] == stats["totalUsers"] + 1


def test_statistics_need_view_statistics(alice):
    with pytest.raises(RocketApiException) as excinfo:
        alice.statistics()
    assert refused(excinfo) == (403, NO_PERMISSION)


def test_licenses_info(admin, alice):
    info = admin.licenses_info(loadValues="true")
    assert info["success"] is True
    assert "license" not in info["license"]
    assert info["license"]["activeModules"] == []
    assert info["license"]["limits"]["activeUsers"]["max"] == -1
    assert info["license"]["limits"]["activeUsers"]["value"] >= 11
    with pytest.raises(RocketApiException) as excinfo:
        alice.licenses_info()
    assert refused(excinfo) == (403, NO_PERMISSION)


def test_info_for_admins(admin):
    info = admin.info()
    assert info["version"] == "8.3.0"
    assert info["info"]["version"] == "8.3.0"
    assert set(info["info"]) == {"version", "build", "marketplaceApiVersion", "commit"}
    assert info["info"]["build"]["platform"] == "linux"


# -- custom emoji -----------------------------------------------------------------------------


def create_emoji(rocket, name, aliases="", content=b"\x89PNG-emoji", mime="image/png"):
    return call(
        rocket,
        "POST",
        "emoji-custom.create",
        data={"name": name, "aliases": aliases},
        files={"emoji": (f"{name}.png", content, mime)},
    )


def test_custom_emoji_lifecycle(admin, alice, rc_server):
    assert create_emoji(admin, "party-parrot", "parrot, pp").json() == {"success": True}
    emojis = alice.call_api_get("emoji-custom.all")
    assert emojis["total"] == 1 and emojis["count"] == 1
    emoji = emojis["emojis"][0]
    assert emoji["name"] == "party-parrot"
    assert emoji["aliases"] == ["parrot", "pp"]
    assert emoji["extension"] == "png"
    image = requests.get(f"{rc_server.url}/emoji-custom/party-parrot.png", timeout=5)
    assert image.content == b"\x89PNG-emoji" and image.headers["Content-Type"] == "image/png"
    listed = alice.custom_emoji_list()
    assert [e["_id"] for e in listed["emojis"]["update"]] == [emoji["_id"]]
    raw = call(
        admin,
        "POST",
        "emoji-custom.update",
        data={"_id": emoji["_id"], "name": "parrot-party", "aliases": ""},
    )
    assert raw.json() == {"success": True}
    assert alice.call_api_get("emoji-custom.all", name="parrot")["emojis"][0]["aliases"] == []
    runtime_of(rc_server.app).clock.advance(1000)
    since = alice.call_api_get("emoji-custom.all")["emojis"][0]["_updatedAt"]
    assert admin.custom_emoji_delete(emoji["_id"]) == {"success": True}
    changed = alice.custom_emoji_list(updatedSince=since)
    assert changed["emojis"]["update"] == []
    assert [e["_id"] for e in changed["emojis"]["remove"]] == [emoji["_id"]]


def test_custom_emoji_errors(admin, alice):
    raw = create_emoji(alice, "nope")
    assert (raw.status_code, raw.json()) == (403, NO_PERMISSION)
    raw = call(admin, "POST", "emoji-custom.create", data={"name": "x"})
    assert raw.json() == {
        "success": False,
        "error": "[No file uploaded]",
        "errorType": "No file uploaded",
    }
    assert create_emoji(admin, "dup").status_code == 200
    raw = create_emoji(admin, "other", aliases="dup")
    assert raw.json()["errorType"] == "Custom_Emoji_Error_Name_Or_Alias_Already_In_Use"
    raw = create_emoji(admin, "bad name")
    assert raw.json()["error"] == "bad name is not a valid name [error-input-is-not-a-valid-field]"
    raw = create_emoji(admin, "text", mime="text/plain")
    assert raw.status_code == 400
    raw = call(admin, "POST", "emoji-custom.update", data={"name": "x"})
    assert raw.json()["errorType"] == 'The required "_id" query param is missing.'
    raw = call(admin, "POST", "emoji-custom.update", data={"_id": "nope", "name": "x"})
    assert raw.json() == {
        "success": False,
        "error": "[Emoji not found.]",
        "errorType": "Emoji not found.",
    }
    raw = call(admin, "POST", "emoji-custom.delete", json={})
    assert raw.json() == {"success": False, "error": 'The "emojiId" params is required!'}
    raw = call(admin, "POST", "emoji-custom.delete", json={"emojiId": "nope"})
    assert raw.json() == {
        "success": False,
        "error": "Invalid emoji [Custom_Emoji_Error_Invalid_Emoji]",
        "errorType": "Custom_Emoji_Error_Invalid_Emoji",
        "details": {"method": "deleteEmojiCustom"},
    }


# -- slash commands ---------------------------------------------------------------------------


def test_commands_list_and_get(alice):
    listed = alice.call_api_get("commands.list")
    names = [c["command"] for c in listed["commands"]]
    assert names == sorted(names) and "me" in names
    assert listed["total"] == listed["count"] == len(names)
    assert alice.call_api_get("commands.get", command="me") == {
        "command": {
            "command": "me",
            "params": "your_message",
            "description": "Displays_action_text",
            "clientOnly": False,
        },
        "success": True,
    }
    raw = call(alice, "GET", "commands.get")
    assert raw.json() == {"success": False, "error": 'The query param "command" must be provided.'}
    raw = call(alice, "GET", "commands.get", params={"command": "nope"})
    assert raw.json()["error"] == "There is no command in the system by the name of: nope"


def test_run_me_and_shrug(alice, rc_server):
    store = runtime_of(rc_server.app).store
    done = alice.call_api_post("commands.run", command="me", roomId="GENERAL", params="waves")
    assert done == {"success": True}
    alice.call_api_post("commands.run", command="shrug", roomId="GENERAL", params="oh well")
    latest = store.find_page("messages", "rid", "GENERAL", 0, 2)
    assert [m["msg"] for m in latest] == ["oh well ¯\\\\_(ツ)_/¯", "_waves_"]
    assert latest[0]["u"]["username"] == "alice"


def test_run_topic_join_and_leave(admin, alice, rc_server):
    store = runtime_of(rc_server.app).store
    admin.call_api_post("commands.run", command="topic", roomId="GENERAL", params="Be nice")
    assert store.get("rooms", "GENERAL")["topic"] == "Be nice"
    alice.call_api_post("commands.run", command="topic", roomId="GENERAL", params="Chaos")
    assert store.get("rooms", "GENERAL")["topic"] == "Be nice"
    alice_id = alice.headers["X-User-Id"]
    alice.call_api_post("commands.run", command="leave", roomId="GENERAL")
    assert store.find_one("subscriptions", "room_user", ("GENERAL", alice_id)) is None
    engineering = store.find_one("rooms", "name", "engineering")
    sub = store.find_one("subscriptions", "room_user", (engineering["_id"], alice_id))
    alice.call_api_post(
        "commands.run", command="join", roomId=engineering["_id"], params="#general"
    )
    assert store.find_one("subscriptions", "room_user", ("GENERAL", alice_id)) is not None
    assert sub is not None


def test_run_errors(alice):
    raw = call(alice, "POST", "commands.run", json={"roomId": "GENERAL"})
    assert raw.json() == {"success": False, "error": "You must provide a command to run."}
    raw = call(
        alice, "POST", "commands.run", json={"command": "me", "roomId": "GENERAL", "params": 5}
    )
    assert raw.json()["error"] == "The parameters for the command must be a single string."
    raw = call(alice, "POST", "commands.run", json={"command": "me"})
    assert raw.status_code == 400
    raw = call(alice, "POST", "commands.run", json={"command": "nope", "roomId": "GENERAL"})
    assert raw.json()["error"] == "The command provided does not exist (or is disabled)."
    raw = call(alice, "POST", "commands.run", json={"command": "me", "roomId": "missing"})
    assert (raw.status_code, raw.json()) == (403, {"success": False, "error": "unauthorized"})


def test_roles_sync(admin, alice, rc_server):
    runtime_of(rc_server.app).clock.advance(1000)
    before = admin.call_api_get("roles.list")["roles"][0]["_updatedAt"]
    synced = alice.roles_sync(before)
    assert synced == {"roles": {"update": [], "remove": []}, "success": True}
    everything = alice.roles_sync("2000-01-01T00:00:00.000Z")["roles"]["update"]
    assert len(everything) == len(admin.roles_list()["roles"])
    raw = call(alice, "GET", "roles.sync", params={"updatedSince": "soon"})
    assert raw.json()["errorType"] == "error-updatedSince-param-invalid"


@pytest.mark.parametrize(
    "path",
    [
        "users.create",
        "users.update",
        "users.setStatus",
        "users.setPreferences",
        "users.generatePersonalAccessToken",
        "users.delete",
        "users.setActiveStatus",
        "permissions.update",
        "roles.addUserToRole",
        "settings/Site_Name",
        "emoji-custom.delete",
        "commands.run",
    ],
)
@pytest.mark.parametrize("payload", [b"{nope", b"[1, 2]", b'"text"'])
def test_malformed_bodies_get_a_400_envelope(admin, path, payload):
    headers = {**admin.headers, **TWO_FACTOR, "Content-Type": "application/json"}
    raw = requests.post(
        f"{admin.server_url}/api/v1/{path}", data=payload, headers=headers, timeout=5
    )
    assert raw.status_code == 400
    assert raw.json()["success"] is False
