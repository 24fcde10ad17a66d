"""The official JavaScript clients as judges: ``@mattermost/client`` and ``@rocket.chat/sdk``.

Each test runs one scenario script of ``tests/node`` with ``node`` against the live server of the
``mm_server``/``rc_server`` fixture. The script prints one JSON line of what the client library
observed (its return values, the errors it raised, the events it accepted); the assertions here
judge those observations. ``make node-deps`` (``npm ci --prefix tests/node``) installs the
packages; without ``node`` or them, the tests are skipped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from rocketchat_API.rocketchat import RocketChat

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.server import ThreadedServer
from tests.conformance import spec
from tests.mattermost import test_client_sweep as sweep
from tests.mattermost.clients import set_config

NODE_DIR = Path(__file__).parent / "node"
PACKAGES = ("@mattermost/client", "@rocket.chat/sdk", "rocketchat-sdk-classic", "ws")
SCENARIO_TIMEOUT_MS = 20_000
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not all((NODE_DIR / "node_modules" / package).is_dir() for package in PACKAGES),
        reason="tests/node/node_modules is missing: run `make node-deps` (npm ci)",
    ),
]

Obs = dict[str, Any]
# The client route sweeps classify against the reference operation list (../shared/specs).
NEEDS_SPECS = pytest.mark.skipif(not spec.have_specs(), reason="reference specs not found")


def run_scenario(name: str, timeout_ms: int = SCENARIO_TIMEOUT_MS, **env: str) -> Obs:
    """Runs ``tests/node/<name>.mjs``; returns its observations, failing on any error."""
    assert NODE is not None
    proc = subprocess.run(
        [NODE, str(NODE_DIR / f"{name}.mjs")],
        cwd=NODE_DIR,
        env={**os.environ, "NODE_SCENARIO_TIMEOUT_MS": str(timeout_ms), **env},
        capture_output=True,
        text=True,
        timeout=timeout_ms / 1000 + 30,
    )
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, f"expected one JSON line\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
    obs = json.loads(lines[0])
    assert proc.returncode == 0 and "error" not in obs, (
        f"scenario {name} failed: {obs.get('error')}\nstderr: {proc.stderr[-4000:]}"
    )
    return obs


def mattermost(server: ThreadedServer, name: str) -> Obs:
    return run_scenario(name, MATTERMOST_URL=server.url)


def rocketchat(server: ThreadedServer, name: str) -> Obs:
    return run_scenario(name, ROCKETCHAT_URL=server.url, ROCKETCHAT_USE_SSL="false")


def client_error(error: Obs, status: int, error_id: str, message: str | None = None) -> None:
    """A ``ClientError`` built by Client4 from the server's AppError body."""
    assert error["class"] == "ClientError", error
    assert error["status_code"] == status, error
    assert error["server_error_id"] == error_id, error
    if message is not None:
        assert error["message"] == message, error


# --- Mattermost ------------------------------------------------------------------------------


def test_mattermost_client4_rest(mm_server: ThreadedServer) -> None:
    obs = mattermost(mm_server, "mattermost_rest")
    me = obs["me"]

    # login: the profile from the body, the session from the `Token` header.
    assert obs["login"]["token_set"] is True
    assert obs["login"]["profile"] == me
    assert me["username"] == "alice" and me["email"] == "alice@example.com"
    assert not {"password", "mfa_secret", "last_login"} & me.keys()
    assert re.fullmatch(r"\d+\.\d+\.\d+\..+\.(true|false)", obs["server_version"])

    [team] = [t for t in obs["teams"] if t["name"] == "acme"]
    channel = obs["channel"]
    assert (channel["name"], channel["type"], channel["team_id"]) == (
        "engineering",
        "O",
        team["id"],
    )
    assert obs["channel_by_team_name"] == channel

    post = obs["post"]
    assert (post["message"], post["channel_id"], post["user_id"]) == (
        "hello from Client4",
        channel["id"],
        me["id"],
    )
    assert re.fullmatch(r"[a-z0-9]{26}", post["id"]) and post["root_id"] == ""

    posts = obs["posts"]
    assert set(posts) == {
        "order",
        "posts",
        "next_post_id",
        "prev_post_id",
        "has_next",
        "first_inaccessible_post_time",
    }
    assert posts["order"][0] == post["id"] and len(posts["order"]) == 5
    assert set(posts["order"]) <= set(posts["posts"])
    assert posts["posts"][post["id"]]["message"] == "hello from Client4"

    reaction = obs["reaction"]
    assert (reaction["user_id"], reaction["post_id"], reaction["emoji_name"]) == (
        me["id"],
        post["id"],
        "thumbsup",
    )
    assert obs["reactions"] == [reaction]
    assert sorted(p["username"] for p in obs["profiles"]) == ["alice", "bob"]
    assert [u["username"] for u in obs["search_users"]] == ["bob"]
    assert set(obs["autocomplete"]) == {"users"}  # in_team only: no out_of_channel
    assert "bob" in {u["username"] for u in obs["autocomplete"]["users"]}
    assert obs["picture"]["status"] == 200 and obs["picture"]["type"] == "image/png"
    assert obs["picture"]["bytes"] > 0

    missing = "app.channel.get_by_name.missing.app_error"
    client_error(obs["missing_channel"], 404, missing, "Channel does not exist.")
    # A private channel bob is not in is reported as missing, not forbidden.
    client_error(obs["private_channel_as_bob"], 404, missing)

    client_error(
        obs["wrong_password"],
        401,
        "api.user.login.invalid_credentials_email_username",
        "Enter a valid email or username and/or password.",
    )
    assert obs["wrong_password_token_set"] is False
    client_error(obs["anonymous_me"], 401, "api.context.session_expired.app_error")

    assert obs["logout"] == {"status": 200, "token_cleared": True}
    client_error(obs["after_logout"], 401, "api.context.session_expired.app_error")


def test_mattermost_client4_posts(mm_server: ThreadedServer) -> None:
    obs = mattermost(mm_server, "mattermost_posts")
    root, reply, channel = obs["root"], obs["reply"], obs["channel"]
    assert reply["root_id"] == root["id"] and reply["channel_id"] == channel["id"]

    thread = obs["thread"]
    assert thread["order"] == [reply["id"], root["id"]]
    assert thread["posts"][root["id"]]["reply_count"] == 1
    assert thread["posts"][root["id"]]["last_reply_at"] == reply["create_at"]

    patched, updated = obs["patched"], obs["updated"]
    assert patched["message"] == "a unicorn sighting, confirmed"
    assert patched["edit_at"] > 0 and patched["update_at"] >= patched["edit_at"]
    assert updated["message"] == "two unicorns" and updated["edit_at"] >= patched["edit_at"]
    assert obs["pin"] == {"status": "OK"}
    assert obs["pinned"]["order"] == [root["id"]]
    assert obs["pinned"]["posts"][root["id"]]["is_pinned"] is True
    assert sorted(p["id"] for p in obs["by_ids"]) == sorted([root["id"], reply["id"]])
    assert set(obs["since"]["order"]) == {root["id"], reply["id"]}
    assert obs["search"]["order"] == [root["id"]]
    assert obs["search"]["posts"][root["id"]]["message"] == "two unicorns"

    [info] = obs["upload"]["file_infos"]
    assert obs["upload"]["client_ids"] == []
    assert (info["name"], info["extension"], info["size"], info["mime_type"]) == (
        "notes.txt",
        "txt",
        len("minutes of the meeting\n"),
        "text/plain",
    )
    assert obs["with_file"]["file_ids"] == [info["id"]]
    [attached] = obs["file_infos"]
    assert attached["id"] == info["id"] and attached["post_id"] == obs["with_file"]["id"]
    assert obs["download"] == {"status": 200, "body": "minutes of the meeting\n"}

    assert obs["delete"] == {"status": "OK"}
    client_error(obs["deleted"], 404, "app.post.get.app_error")
    assert obs["thread_after_delete"]["order"] == [root["id"]]
    assert obs["thread_after_delete"]["posts"][root["id"]]["reply_count"] == 0

    forbidden = "api.context.permissions.app_error"
    client_error(obs["post_where_not_member"], 403, forbidden)
    client_error(obs["edit_others_post"], 403, forbidden)
    client_error(obs["unknown_post"], 404, "app.post.get.app_error")
    client_error(
        obs["malformed_post_id"],
        400,
        "api.context.invalid_url_param.app_error",
        "Invalid or missing post_id parameter in request URL.",
    )


def test_mattermost_client4_channels(mm_server: ThreadedServer) -> None:
    obs = mattermost(mm_server, "mattermost_channels")
    ids, team = obs["ids"], obs["team"]

    assert obs["ping"]["status"] == "OK"
    assert obs["client_config"]["Version"] == obs["ping"]["version"]
    assert obs["client_config"]["EnableSignInWithUsername"] == "true"  # strings, format=old
    assert obs["license"]["IsLicensed"] == "false"

    created = obs["created"]
    assert (created["name"], created["display_name"], created["type"]) == (
        "release-train",
        "Release Train",
        "O",
    )
    assert (created["team_id"], created["creator_id"], created["purpose"]) == (
        team["id"],
        ids["alice"],
        "Shipping things",
    )
    client_error(
        obs["duplicate"],
        400,
        "store.sql_channel.save_channel.exists.app_error",
        "A channel with that name already exists on the same team.",
    )
    assert obs["bad_name"]["class"] == "ClientError" and obs["bad_name"]["status_code"] == 400
    assert obs["bad_name"]["server_error_id"].startswith("model.channel.is_valid.")

    added = obs["added"]
    assert (added["channel_id"], added["user_id"], added["roles"]) == (
        created["id"],
        ids["bob"],
        "channel_user",
    )
    members = {m["user_id"]: m for m in obs["members"]}
    assert set(members) == {ids["alice"], ids["bob"]}
    assert members[ids["alice"]]["scheme_admin"] is True
    assert obs["my_member"]["user_id"] == ids["bob"]
    assert obs["stats"]["channel_id"] == created["id"]
    assert obs["stats"]["member_count"] == 2
    assert obs["patched"]["header"] == "All aboard" and obs["patched"]["id"] == created["id"]
    assert created["id"] in {c["id"] for c in obs["my_channels"]}

    direct = obs["direct"]
    assert direct["type"] == "D" and direct["team_id"] == ""
    assert direct["name"] == "__".join(sorted([ids["alice"], ids["bob"]]))
    assert obs["direct_again"]["id"] == direct["id"]  # idempotent, whatever the order
    group = obs["group"]
    assert group["type"] == "G" and group["display_name"] == "admin, alice, bob"
    assert re.fullmatch(r"[0-9a-f]{40}", group["name"])

    assert obs["view"]["status"] == "OK"
    assert set(obs["view"]["last_viewed_at_times"]) == {created["id"]}
    assert {s["user_id"] for s in obs["statuses"]} == {ids["alice"], ids["bob"]}
    assert (obs["status"]["status"], obs["status"]["manual"]) == ("dnd", True)
    assert obs["status_after"]["status"] == "dnd"

    client_error(obs["not_member_members"], 403, "api.context.permissions.app_error")
    client_error(
        obs["malformed_channel"],
        400,
        "api.context.invalid_url_param.app_error",
        "Invalid or missing channel_id parameter in request URL.",
    )


def test_mattermost_client4_group_channel_has_no_creator(mm_server: ThreadedServer) -> None:
    obs = mattermost(mm_server, "mattermost_channels")
    assert obs["group"]["creator_id"] == ""


def test_mattermost_client4_integration_calls(mm_server: ThreadedServer) -> None:
    """Search, threads, preferences, bots, emoji, files, groups and status through Client4,
    each effect read back by a second call and seen in the realtime events published."""
    set_config(mm_server, "ServiceSettings", "EnableBotAccountCreation", True)
    set_config(mm_server, "FileSettings", "EnablePublicLink", True)
    published: list[tuple[str, Obs]] = []
    unsubscribe = runtime_of(mm_server.app).events.subscribe(
        lambda name, payload: published.append((name, payload))
    )
    try:
        obs = mattermost(mm_server, "mattermost_integrations")
    finally:
        unsubscribe()
    ids, post, reply = obs["ids"], obs["post"], obs["reply"]
    alice = ids["alice"]

    def events(name: str) -> list[Obs]:
        return [payload for event, payload in published if event == name]

    # files: the file, its thumbnail and preview are images; the public link needs no session
    [info] = obs["upload"]["file_infos"]
    assert (info["name"], info["mime_type"], info["width"], info["height"]) == (
        "unicorn-dot.gif",
        "image/gif",
        2,
        3,
    )
    assert [f["id"] for f in obs["file_infos"]] == [info["id"]]
    assert obs["file_infos"][0]["post_id"] == post["id"]
    for image in ("file", "thumbnail", "preview"):
        assert obs[image]["status"] == 200 and obs[image]["type"].startswith("image/")
        head = bytes(obs[image]["head"])
        assert head in (b"GIF89a", b"GIF87a") or head.startswith(b"\x89PNG")
    assert obs["link"]["link"].startswith(f"{mm_server.url}/files/{info['id']}/public?h=")
    assert obs["public_file"] == {"status": 200, "size": info["size"]}

    # search
    assert obs["search_posts"]["order"] == [post["id"]]
    assert obs["search_files"]["order"] == [info["id"]]
    assert [u["username"] for u in obs["search_users"]] == ["bob"]
    assert "bob" in {u["username"] for u in obs["autocomplete_users"]["users"]}
    assert [c["name"] for c in obs["search_channels"]] == ["engineering"]

    # threads
    assert (obs["thread"]["reply_count"], obs["thread"]["unread_replies"]) == (1, 1)
    assert post["id"] not in {t["id"] for t in obs["threads_unfollowed"]["threads"]}
    assert obs["threads_followed"]["threads"][0]["id"] == post["id"]
    assert [e["data"]["state"] for e in events("thread_follow_changed")] == [False, True]
    assert obs["thread_read"]["unread_replies"] == 0
    assert obs["thread_read"]["last_viewed_at"] == reply["create_at"] + 1
    assert [e["data"]["thread_id"] for e in events("thread_read_changed")] == [post["id"]]

    # preferences
    preference = {
        "user_id": alice,
        "category": "display_settings",
        "name": "use_military_time",
        "value": "true",
    }
    assert obs["saved"] == obs["deleted_preferences"] == {"status": "OK"}
    assert preference in obs["preferences"] and preference not in obs["preferences_after"]
    assert [preference] in [e["data"]["preferences"] for e in events("preferences_changed")]
    assert events("preferences_deleted")[-1]["data"]["preferences"] == [preference]

    # bots
    bot = obs["bot"]
    assert obs["bot_patched"]["description"] == "ships releases"
    assert obs["bot_disabled"]["delete_at"] > 0
    assert bot["user_id"] not in {b["user_id"] for b in obs["bots_after_disable"]}
    assert bot["user_id"] in {b["user_id"] for b in obs["bots_with_deleted"]}
    assert obs["bot_enabled"]["delete_at"] == 0 and obs["bot_user"]["delete_at"] == 0
    assert obs["bot_assigned"]["owner_id"] == obs["bot_read"]["owner_id"] == ids["bob"]
    assert obs["bot_user"]["is_bot"] is True

    # emoji
    emoji = obs["emoji"]
    assert (emoji["name"], emoji["creator_id"]) == ("ship-it", alice)
    assert obs["emoji_image"]["type"] == "image/gif" and obs["emoji_image"]["size"] == 14
    assert emoji in obs["emoji_list"]
    assert obs["emoji_search"] == obs["emoji_autocomplete"] == [emoji]
    assert obs["emoji_delete"] == {"status": "OK"}
    client_error(obs["emoji_gone"], 404, "app.emoji.get.no_result")
    assert [e["data"]["emoji"]["id"] for e in events("emoji_added")] == [emoji["id"]]

    # groups: an unlicensed server refuses them (until that lands, our own gap answers)
    groups = obs["groups"]
    assert groups["class"] == "ClientError" and groups["status_code"] in (403, 501)
    if mm_server.app.url_map.bind("localhost").test("/api/v4/groups", "GET"):
        assert groups["server_error_id"] != "api.context.not_implemented.app_error"

    # status
    assert obs["status_set"]["status"] == obs["status"]["status"] == "dnd"
    assert {s["user_id"]: s["status"] for s in obs["statuses"]}[alice] == "dnd"
    assert {"status": "dnd", "user_id": alice} in [e["data"] for e in events("status_change")]
    custom = json.loads(obs["custom_read"]["props"]["customStatus"])
    assert (custom["emoji"], custom["text"]) == ("taco", "At lunch")
    assert obs["custom_after"]["props"]["customStatus"] == ""
    assert obs["custom_set"] == obs["custom_unset"] == {"status": "OK"}


@NEEDS_SPECS
def test_mattermost_client4_routes_are_served(mm_server: ThreadedServer, capsys) -> None:
    """Every request Client4 can send is a route the app implements, refuses as an unlicensed
    server does, or leaves a documented gap; the rest only the listed, not-emulated ones."""
    obs = run_scenario("mattermost_client4_routes")
    calls = sweep.client4_calls(obs["requests"])
    result = sweep.sweep(mm_server.app, calls)
    with capsys.disabled():
        print(f"\n@mattermost/client: {len(calls)} requests {result.counts()}")
    assert len(calls) > 400  # the enumeration reached Client4's methods
    listed = sweep.client4_not_emulated()
    unserved = {(c.method, sweep.tool.shape(c.path)) for c in result.not_served}
    assert [
        c
        for c in result.not_served
        if not c.path.startswith(sweep.CLIENT4_PLUGINS)
        and (c.method, sweep.tool.shape(c.path)) not in listed
    ] == []
    assert listed - unserved == set()  # served now, or no longer wrapped: drop it from the list
    assert sweep.unlisted_gaps(mm_server.app, result) == []


@NEEDS_SPECS
def test_mattermost_client4_every_call_answers_as_the_registry_promises() -> None:
    """Every Client4 method, called for real as the admin with placeholder arguments: no 5xx but
    a licence refusal's 501, our not-implemented answer only for a documented gap. A server of
    its own: these answers are not for the OpenAPI check of the shared servers' responses."""
    server = ThreadedServer(create_app("mattermost", ephemeral_config())).start()
    try:
        # Some 530 requests: a limit of its own, generous for a machine under load.
        obs = run_scenario("mattermost_client4_routes", 120_000, MATTERMOST_URL=server.url)
        kinds = sweep.sweep(server.app, sweep.client4_calls(obs["requests"]))
    finally:
        server.stop()
    kind_of = {(c.name, c.method, c.path): k for k, group in vars(kinds).items() for c in group}
    wrong = []
    for sent, call in zip(obs["requests"], sweep.client4_calls(obs["requests"]), strict=True):
        status, error = sent.get("status"), sent.get("id")
        if status is None or re.search(r"\}s(/|$)", sent["path"]):
            # Never reached the server (getTranslations fetches the URL it is given), or sent a
            # placeholder where a syncable type (teams, channels) belongs: no route to judge.
            continue
        if not sweep.answers_as_promised(
            kind_of[(call.name, call.method, call.path)], status, error
        ):
            wrong.append(f"{call.name} {call.method} {sent['path']}: {status} {error}")
    assert not wrong, "\n".join(wrong)


def test_mattermost_websocket_client(mm_server: ThreadedServer) -> None:
    obs = mattermost(mm_server, "mattermost_websocket")
    alice, alice_id, bob_id = obs["alice"], obs["alice_id"], obs["bob_id"]
    channel, post = obs["channel"], obs["post"]

    # One connection, never dropped by the client (no sequence gap, every ping answered).
    assert alice["urls"] == [
        mm_server.url.replace("http", "ws", 1)
        + "/api/v4/websocket?connection_id=&sequence_number=0"
    ]
    assert alice["closes"] == [] and alice["errors"] == [] and len(alice["opened"]) == 1
    events = alice["events"]
    assert [e["seq"] for e in events] == list(range(len(events)))

    hello = events[0]
    assert hello["event"] == "hello"
    assert re.fullmatch(r"[a-z0-9]{26}", hello["data"]["connection_id"])
    # The same "<version>.<build>.<config hash>.<licensed>" as the REST X-Version-Id header.
    assert hello["data"]["server_version"] == obs["server_version"]
    assert hello["broadcast"]["user_id"] == alice_id

    assert alice["replies"]["ping"]["status"] == "OK"
    assert alice["replies"]["ping"]["data"]["text"] == "pong"
    statuses = alice["replies"]["statuses"]
    assert statuses["status"] == "OK"
    assert statuses["data"][bob_id] in {"online", "away", "offline", "dnd"}

    by_name = {e["event"]: e for e in events}
    posted = by_name["posted"]
    assert json.loads(posted["data"]["post"]) == post
    assert posted["data"]["channel_name"] == "engineering"
    assert posted["data"]["channel_type"] == "O"
    assert posted["data"]["sender_name"] == "@bob"
    assert posted["data"]["team_id"] == channel["team_id"]
    assert posted["broadcast"]["channel_id"] == channel["id"]

    reaction = json.loads(by_name["reaction_added"]["data"]["reaction"])
    assert reaction == obs["reaction"]
    assert (reaction["emoji_name"], reaction["user_id"]) == ("tada", bob_id)

    typing = by_name["typing"]
    assert typing["data"] == {"parent_id": "", "user_id": bob_id}
    assert typing["broadcast"]["omit_users"] == {bob_id: True}
    assert typing["broadcast"]["channel_id"] == channel["id"]
    edited = by_name["post_edited"]
    assert set(edited["data"]) == {"post"}
    assert json.loads(edited["data"]["post"])["message"] == "seen and edited"
    assert json.loads(edited["data"]["post"])["id"] == post["id"]
    assert obs["deleted"] == {"status": "OK"}
    deleted = by_name["post_deleted"]
    assert json.loads(deleted["data"]["post"])["id"] == post["id"]
    assert json.loads(deleted["data"]["post"])["delete_at"] > 0
    # alice is no admin: she gets the sanitized copy, without `delete_by`.
    assert set(deleted["data"]) == {"post"}
    assert deleted["broadcast"]["contains_sanitized_data"] is True
    viewed = by_name["multiple_channels_viewed"]
    assert set(viewed["data"]["channel_times"]) == {channel["id"]}
    assert viewed["broadcast"]["user_id"] == alice_id

    # bob's own typing is not echoed to him; his action got its OK reply, bad ones a FAIL.
    assert obs["bob"]["replies"]["bad_typing"] == {
        "status": "FAIL",
        "seq_reply": obs["bob"]["replies"]["typing"]["seq_reply"] + 1,
        "error": {
            "id": "api.websocket_handler.invalid_param.app_error",
            "message": "Invalid channel_id parameter.",
            "detailed_error": "",
            "status_code": 400,
        },
    }
    bad_action = obs["bob"]["replies"]["bad_action"]
    assert bad_action["status"] == "FAIL"
    assert bad_action["error"]["id"] == "api.web_socket_router.bad_action.app_error"
    assert bad_action["error"]["status_code"] == 500
    assert obs["bob"]["replies"]["typing"]["status"] == "OK"
    assert obs["bob"]["events"][0] == "hello" and "typing" not in obs["bob"]["events"]
    assert obs["bob"]["closes"] == []


def test_mattermost_websocket_client_resumes_after_a_drop(mm_server: ThreadedServer) -> None:
    obs = mattermost(mm_server, "mattermost_websocket_resume")
    trace = obs["trace"]
    events = trace["events"]
    hello = events[0]
    assert hello["event"] == "hello"

    # The client came back once, asking for the next seq it expects on its old connection ...
    assert trace["closes"] == [1] and trace["reconnects"] == 1
    first, second = trace["urls"]
    assert first.endswith("/api/v4/websocket?connection_id=&sequence_number=0")
    connection = hello["data"]["connection_id"]
    expected = obs["received_before_drop"]
    assert second.startswith(
        f"{first.split('?')[0]}?connection_id={connection}&sequence_number={expected}"
    )
    # ... and the server resumed it: no second hello, no gap the client would have refused.
    assert [e["event"] for e in events].count("hello") == 1
    assert trace["missed"] == 0
    assert [e["seq"] for e in events] == list(range(len(events)))
    posted = [json.loads(e["data"]["post"])["id"] for e in events if e["event"] == "posted"]
    assert posted == [obs["before"]["id"], obs["during"]["id"], obs["after"]["id"]]
    during = next(
        e for e in events if e["event"] == "posted" and obs["during"]["id"] in e["data"]["post"]
    )
    assert during["seq"] >= expected


def test_mattermost_websocket_client_authentication(mm_server: ThreadedServer) -> None:
    obs = mattermost(mm_server, "mattermost_websocket_auth")

    # Cookie on the upgrade, no challenge: authenticated from the first frame.
    cookie = obs["cookie"]
    hello = cookie["frames"][0]
    assert hello["event"] == "hello" and hello["seq"] == 0
    assert hello["broadcast"]["user_id"] == obs["me"]["id"]
    # The client's own ping on open took seq 1 (no authentication_challenge was sent).
    assert cookie["replies"]["ping"]["seq_reply"] == 2
    assert cookie["replies"]["ping"]["data"]["text"] == "pong"
    assert cookie["closes"] == []

    # An unknown token: the server closes the socket, sending nothing at all.
    stranger = obs["stranger"]
    assert stranger["frames"] == [] and stranger["events"] == []
    assert stranger["closes"] == [1]
    assert stranger["codes"] == [1006]  # closed without a close frame


# --- Rocket.Chat -----------------------------------------------------------------------------


def test_rocketchat_sdk_rest(rc_server: ThreadedServer) -> None:
    obs = rocketchat(rc_server, "rocketchat_rest")
    assert obs["settings"] == {"host": rc_server.url, "useSsl": False}

    login = obs["login"]
    assert set(login) == {"userId", "authToken", "me"}
    assert login["me"]["username"] == "alice" and login["me"]["_id"] == login["userId"]
    assert obs["logged_in"] == {"username": "alice", "userId": login["userId"], "loggedIn": True}
    assert obs["me"]["_id"] == login["userId"] and obs["me"]["success"] is True
    assert obs["me"]["email"] == "alice@example.com"

    post = obs["post"]
    rid = obs["channel_info"]["_id"]
    assert post["success"] is True and post["channel"] == "#engineering"
    assert (post["message"]["msg"], post["message"]["rid"]) == ("hi from the SDK", rid)
    assert post["message"]["u"]["username"] == "alice"
    assert (obs["channel_info"]["name"], obs["channel_info"]["t"]) == ("engineering", "c")
    assert (obs["private_info"]["name"], obs["private_info"]["t"]) == ("leadership", "p")
    # The SDK's rooms.info sends `rid`; the server reads roomId/roomName only.
    assert obs["room_info"] == {
        "status": 400,
        "data": {
            "success": False,
            "error": 'The parameter "roomId" or "roomName" is required'
            " [error-roomid-param-not-provided]",
            "errorType": "error-roomid-param-not-provided",
        },
    }

    sent = obs["sent"]
    assert (sent["msg"], sent["rid"], sent["u"]["username"]) == (
        "sent with sendMessage",
        rid,
        "alice",
    )
    assert obs["react"] == {"success": True}
    edited = obs["edit"]["message"]
    assert (edited["_id"], edited["msg"]) == (sent["_id"], "edited by the SDK")
    assert edited["editedBy"]["username"] == "alice"
    assert edited["reactions"] == {":thumbsup:": {"usernames": ["alice"]}}
    assert set(obs["history"]) == {"updated", "deleted"}
    updated = {m["_id"]: m["msg"] for m in obs["history"]["updated"]}
    assert updated[sent["_id"]] == "edited by the SDK"
    assert updated[post["message"]["_id"]] == "hi from the SDK"

    assert obs["user_info"]["username"] == "bob"
    assert {"alice", "bob"} <= {u["username"] for u in obs["users"]}
    assert obs["dm"]["t"] == "d" and sorted(obs["dm"]["usernames"]) == ["alice", "bob"]

    assert obs["missing_room"]["status"] == 400
    assert obs["missing_room"]["data"]["success"] is False
    assert obs["missing_room"]["data"]["errorType"] == "error-room-not-found"
    assert obs["empty_message"]["status"] == 400
    assert obs["empty_message"]["data"]["success"] is False
    # chat.getRoomIdByNameOrId is no REST route of the real server (it is a DDP method).
    assert obs["room_id_by_name"]["status"] == 404
    assert obs["room_id_by_name"]["data"]["success"] is False

    assert obs["wrong_password"] == {
        "status": 401,
        "data": {
            "success": False,
            "error": "Unauthorized",
            "status": "error",
            "message": "Unauthorized",
        },
    }
    assert obs["stranger_logged_in"] is False
    assert obs["logout"] == {
        "status": "success",
        "data": {"message": "You've been logged out!"},
        "success": True,
    }
    assert obs["after_logout"]["status"] == 401
    assert obs["after_logout"]["data"]["error"] == "You must be logged in to do this."


def test_rocketchat_sdk_ddp_bot(rc_server: ThreadedServer) -> None:
    obs = rocketchat(rc_server, "rocketchat_ddp")
    assert obs["connected"] == {"driver": True, "session": "string"}

    login = obs["login"]
    assert login["id"] == obs["user_id"] and login["type"] == "resume"
    assert isinstance(login["token"], str) and login["token"]
    assert isinstance(login["tokenExpires"]["$date"], int)
    assert obs["subscription"] == {"id": "string", "name": "stream-room-messages"}

    rid = obs["room_id"]
    bob_message = obs["bob_post"]["body"]["message"]
    assert obs["bob_post"]["status"] == 200 and bob_message["rid"] == rid
    assert obs["room_subscriptions"] == [
        "stream-room-messages",
        "stream-notify-room",
        "stream-notify-room",
    ]

    # reactToMessages hears every stream-room-messages event: __my_messages__ and the room's.
    assert set(obs["stream_event_names"]) == {"__my_messages__", rid}
    received = {r["message"]["_id"]: r for r in obs["received"]}
    assert all(r == {"message": r["message"], "meta": {}} for r in obs["received"])
    heard = received[bob_message["_id"]]["message"]
    assert (heard["msg"], heard["rid"], heard["u"]["username"]) == ("for the bot", rid, "bob")
    assert isinstance(heard["ts"]["$date"], int) and isinstance(heard["_updatedAt"]["$date"], int)

    sent, ddp_sent = obs["sent"], obs["ddp_sent"]
    assert (sent["msg"], sent["rid"], sent["u"]["_id"]) == ("the bot answers", rid, obs["user_id"])
    assert isinstance(sent["ts"], str)  # REST: ISO strings
    assert (ddp_sent["msg"], ddp_sent["rid"]) == ("sent over DDP", rid)
    assert isinstance(ddp_sent["ts"]["$date"], int)  # DDP: EJSON dates
    assert {bob_message["_id"], sent["_id"], ddp_sent["_id"]} <= set(received)
    assert {bob_message["_id"], sent["_id"], ddp_sent["_id"]} <= {
        e["_id"] for e in obs["room_events"]
    }

    # Edits and reactions arrive as the whole updated message; a DM on __my_messages__ only.
    assert obs["edit"]["success"] is True
    versions = [r["message"] for r in obs["received"]]
    edited = [m for m in versions if m["_id"] == sent["_id"] and "editedAt" in m]
    assert edited and edited[-1]["msg"] == "the bot answers, edited"
    assert isinstance(edited[-1]["editedAt"]["$date"], int)
    assert edited[-1]["editedBy"]["_id"] == obs["user_id"]
    assert obs["react"] == {"success": True}
    reacted = [m for m in versions if m["_id"] == bob_message["_id"] and "reactions" in m]
    assert reacted[-1]["reactions"] == {":thumbsup:": {"usernames": ["alice"]}}
    direct = obs["direct"]
    assert direct["msg"] == "a word in private" and direct["rid"] != rid
    assert [m["rid"] for m in versions if m["_id"] == direct["_id"]] == [direct["rid"]]

    assert obs["bad_method"] == {
        "isClientSafe": True,
        "error": 404,
        "reason": "Method 'noSuchMethod' not found",
        "message": "Method 'noSuchMethod' not found [404]",
        "errorType": "Meteor.Error",
    }
    assert obs["unknown_room"].get("result") is None
    assert obs["send_to_room"]["status"] == 404
    assert obs["disconnected"] is True


def test_rocketchat_sdk_ddp_driver(rc_server: ThreadedServer) -> None:
    obs = rocketchat(rc_server, "rocketchat_ddp_driver")

    def meteor_error(error: Obs, code: object, reason: str, method: str | None = None) -> None:
        expected = {
            "isClientSafe": True,
            "error": code,
            "reason": reason,
            "message": f"{reason} [{code}]",
            "errorType": "Meteor.Error",
        }
        if method is not None:
            expected["details"] = {"method": method}
        assert error == expected

    meteor_error(obs["before_login"], "error-not-allowed", "Not allowed", "getRoomIdByNameOrId")
    meteor_error(obs["wrong_password"], 403, "Incorrect password")
    login, user_id = obs["login"], obs["user_id"]
    assert login["id"] == user_id and login["type"] == "password"
    assert isinstance(login["tokenExpires"]["$date"], int)

    assert obs["notify_subscriptions"] == [
        f"{user_id}/{event}"
        for event in (
            "message",
            "otr",
            "webrtc",
            "notification",
            "rooms-changed",
            "subscriptions-changed",
            "uiInteraction",
        )
    ]
    dm = obs["dm"]
    assert dm["t"] == "d" and sorted(dm["usernames"]) == ["alice", "bob"]
    assert obs["bob_dm"]["status"] == 200 and obs["bob_dm"]["body"]["message"]["rid"] == dm["rid"]
    # bob's message raised alice's subscription to the DM, pushed on her notify-user stream.
    changes = [
        n["args"]
        for n in obs["notifications"]
        if n["eventName"] == f"{user_id}/subscriptions-changed"
    ]
    action, sub = changes[-1]
    assert action == "updated"
    assert (sub["rid"], sub["t"], sub["u"]["_id"], sub["alert"]) == (dm["rid"], "d", user_id, True)
    assert sub["unread"] >= 1 and isinstance(sub["_updatedAt"]["$date"], int)
    assert all(n["eventName"].startswith(f"{user_id}/") for n in obs["notifications"])

    assert obs["room_name"] == "general"
    history = obs["history"]
    assert history["messages"][0]["_id"] == obs["bob_dm"]["body"]["message"]["_id"]
    assert isinstance(history["messages"][0]["ts"]["$date"], int)
    assert len(history["messages"]) <= 2
    assert "result" not in obs["react"]  # setReaction answers nothing
    meteor_error(obs["bad_params"], 400, "Match failed")
    assert "result" not in obs["logout"]
    meteor_error(obs["after_logout"], "error-not-allowed", "Not allowed", "getRoomNameById")


def test_rocketchat_classic_sdk_bot(rc_server: ThreadedServer) -> None:
    """The classic driver (0.2.x) unmodified: ``__my_messages__`` as a collection, DMs, a
    mention and a channel command answered, each answer readable over REST by the sender."""
    obs = rocketchat(rc_server, "rocketchat_classic_bot")
    bot_id, lab, free = obs["bot_id"], obs["lab"]["body"]["channel"], obs["elsewhere"]["body"]
    assert obs["joined"] == [lab["_id"]]
    dm, mention, command = (obs[k]["body"]["message"] for k in ("dm", "mention", "command"))
    ignored = obs["ignored"]["body"]["message"]

    # Every message of a room the bot can read comes with the real server's extra argument.
    heard = {e["_id"]: e["meta"] for e in obs["events"]}
    assert heard[ignored["_id"]] == {
        "roomParticipant": False,
        "roomType": "c",
        "roomName": free["channel"]["name"],
    }
    assert heard[dm["_id"]] == {"roomParticipant": True, "roomType": "d"}
    lab_meta = {"roomParticipant": True, "roomType": "c", "roomName": "bot-lab"}
    assert heard[mention["_id"]] == heard[command["_id"]] == lab_meta

    answers = {a["to"]: a for a in obs["answers"]}
    assert set(answers) == {dm["_id"], mention["_id"], command["_id"]}  # not bot-free's
    assert all("error" not in a for a in answers.values()), answers
    sent = {to: a["sent"] for to, a in answers.items()}
    assert (sent[dm["_id"]]["rid"], sent[dm["_id"]]["msg"]) == (dm["rid"], "you said: hello bot")
    assert (sent[mention["_id"]]["rid"], sent[mention["_id"]]["msg"]) == (
        lab["_id"],
        "@bob at your service",
    )
    assert all(m["u"]["_id"] == bot_id and m["bot"] == {"i": "js.SDK"} for m in sent.values())
    assert isinstance(sent[dm["_id"]]["ts"]["$date"], int)

    assert obs["room_name"] == "bot-lab"
    assert [r["u"]["username"] for r in obs["roles"]] == ["bob"]
    assert obs["roles"][0]["roles"] == ["owner"]
    assert [m["msg"] for m in obs["history"]["messages"][:2]] == ["pong (edited)", "!ping"]

    # What bob reads back over REST.
    bob = RocketChat("bob", "bob-password", server_url=rc_server.url)
    direct = list(bob.dm_history(dm["rid"]))
    assert [(m["msg"], m["u"]["username"]) for m in direct[:2]] == [
        ("you said: hello bot", "helper-bot"),
        ("hello bot", "bob"),
    ]
    channel = {m["_id"]: m for m in bob.channels_history(lab["_id"])}
    pong = channel[sent[command["_id"]]["_id"]]
    assert pong["msg"] == "pong (edited)" and pong["editedBy"]["username"] == "helper-bot"
    assert channel[sent[mention["_id"]]["_id"]]["bot"] == {"i": "js.SDK"}
    assert channel[mention["_id"]]["reactions"] == {":wave:": {"usernames": ["helper-bot"]}}


def test_rocketchat_sdk_bot_answers_dms_mentions_and_commands(rc_server: ThreadedServer) -> None:
    """The same bot on ``@rocket.chat/sdk`` 1.0: ``respondToMessages`` hears bob's DM, mention
    and command (each once), and the answers it sends over REST are there for bob."""
    obs = rocketchat(rc_server, "rocketchat_bot")
    lab = obs["lab"]["body"]["channel"]
    dm, mention, command = (obs[k]["body"]["message"] for k in ("dm", "mention", "command"))
    assert [h["_id"] for h in obs["heard"]] == [dm["_id"], mention["_id"], command["_id"]]

    answers = {a["to"]: a for a in obs["answers"]}
    assert all("error" not in a for a in answers.values()), answers
    sent = {to: a["sent"] for to, a in answers.items()}
    assert (sent[dm["_id"]]["rid"], sent[dm["_id"]]["msg"]) == (dm["rid"], "you said: hello bot")
    assert (sent[mention["_id"]]["rid"], sent[mention["_id"]]["msg"]) == (
        lab["_id"],
        "@bob at your service",
    )
    assert sent[command["_id"]]["msg"] == "pong"
    assert all(m["u"]["_id"] == obs["bot_id"] for m in sent.values())

    bob = RocketChat("bob", "bob-password", server_url=rc_server.url)
    direct = list(bob.dm_history(dm["rid"]))
    assert [(m["msg"], m["u"]["username"]) for m in direct[:2]] == [
        ("you said: hello bot", "helper-bot"),
        ("hello bot", "bob"),
    ]
    channel = [(m["msg"], m["u"]["username"]) for m in bob.channels_history(lab["_id"])]
    assert channel[:4] == [
        ("pong (edited)", "helper-bot"),
        ("!ping", "bob"),
        ("@bob at your service", "helper-bot"),
        ("@helper-bot hi", "bob"),
    ]


def test_rocketchat_classic_sdk_livechat_bot(rc_server: ThreadedServer) -> None:
    """The classic driver as an omnichannel agent: ``respondToMessages`` with ``livechat: true``
    answers a widget visitor through DDP ``sendMessage``; the visitor reads the answer back."""
    obs = rocketchat(rc_server, "rocketchat_classic_livechat_bot")
    assert obs["agent"]["body"]["success"] is True
    assert obs["available"]["body"]["success"] is True
    room = obs["room"]["body"]["room"]
    assert room["t"] == "l" and room["servedBy"]["_id"] == obs["bot_id"]
    question = obs["question"]["body"]["message"]

    [answer] = obs["answers"]
    assert answer["to"] == question["_id"] and "error" not in answer, answer
    assert answer["meta"] == {"roomParticipant": True, "roomType": "l"}
    sent = answer["sent"]
    assert sent["rid"] == room["_id"] and sent["u"]["_id"] == obs["bot_id"]
    assert sent["msg"] == "Hello Vera Visitor, you wrote: is anyone there?"

    history = obs["history"]["body"]
    assert history["success"] is True
    said = [(m["msg"], m["u"]["username"]) for m in history["messages"] if not m.get("t")]
    guest = question["u"]["username"]
    assert said[:2] == [(sent["msg"], "helper-bot"), ("is anyone there?", guest)]
