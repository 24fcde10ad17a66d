"""Bot accounts through mattermostdriver's ``bots`` endpoints."""

import asyncio
import contextlib
import json
import threading
from collections.abc import Iterator

import pytest
import requests
from mattermostdriver.endpoints.bots import Bots
from mmpy_bot import Bot, Message, Plugin, Settings, listen_to

from emulator.app import runtime_of
from tests.mattermost.clients import assert_error, driver, logged_in, raw, set_config, user_id
from tests.mattermost.test_websocket import wait_until

BOT_KEYS = {"user_id", "username", "display_name", "description", "owner_id", "create_at",
            "update_at", "delete_at"}  # fmt: skip


def bots(d) -> Bots:
    """The driver's bot endpoints (it lists them only through its deprecated ``api`` dict)."""
    return Bots(d.client)


def _enable(server):
    set_config(server, "ServiceSettings", "EnableBotAccountCreation", True)


def test_bot_creation_is_off_by_default(mm_server):
    admin = logged_in(mm_server, "admin")
    response = raw(mm_server, admin)("post", "/bots", json={"username": "deploy-bot"})
    body = assert_error(response, 403, "api.bot.create_disabled")
    assert body["message"] == "Bot creation has been disabled."


def test_create_bot_then_token_then_post(mm_server):
    _enable(mm_server)
    admin = logged_in(mm_server, "admin")
    bot = bots(admin).create_bot(
        {"username": "Deploy-Bot", "display_name": "Deploy", "description": "ships it"}
    )
    assert set(bot) == BOT_KEYS
    assert bot["username"] == "deploy-bot"
    assert bot["owner_id"] == admin.client.userid
    user = admin.users.get_user(bot["user_id"])
    assert user["is_bot"] is True and user["email"] == "deploy-bot@localhost"
    assert user["bot_description"] == "ships it"
    # Bots get tokens even while personal access tokens are off, and then act like users.
    token = admin.users.create_user_access_token(bot["user_id"], {"description": "ci"})
    bot_driver = driver(mm_server, "deploy-bot", token=token["token"])
    bot_driver.login()
    assert bot_driver.users.get_user("me")["username"] == "deploy-bot"
    rt = runtime_of(mm_server.app)
    town = next(c for c in rt.store.all("channels") if c["name"] == "town-square")
    admin.teams.add_user_to_team(
        town["team_id"], {"team_id": town["team_id"], "user_id": bot["user_id"]}
    )
    post = bot_driver.posts.create_post({"channel_id": town["id"], "message": "deployed"})
    assert post["user_id"] == bot["user_id"]
    login = requests.post(
        f"{mm_server.url}/api/v4/users/login",
        json={"login_id": "deploy-bot", "password": "whatever1"},
        timeout=5,
    )
    assert_error(login, 401, "api.user.login.bot_login_forbidden.app_error")


def test_create_bot_validation_and_permissions(mm_server):
    _enable(mm_server)
    admin = logged_in(mm_server, "admin")
    call = raw(mm_server, admin)
    assert_error(
        call("post", "/bots", json={"username": "helper-bot"}),
        400,
        "app.user.save.username_exists.app_error",
    )
    assert_error(
        call("post", "/bots", json={"username": "x"}), 400, "model.bot.is_valid.username.app_error"
    )
    assert_error(call("post", "/bots", json=[1]), 400, "api.context.invalid_body_param.app_error")
    alice = logged_in(mm_server)
    body = assert_error(
        raw(mm_server, alice)("post", "/bots", json={"username": "alice-bot"}),
        403,
        "api.context.permissions.app_error",
    )
    assert body["detailed_error"].endswith("permission=create_bot")


def test_list_get_patch_and_visibility(mm_server):
    admin = logged_in(mm_server, "admin")
    listed = bots(admin).get_bots()
    assert [b["username"] for b in listed] == ["helper-bot"]
    helper = listed[0]
    assert bots(admin).get_bot(helper["user_id"]) == helper
    patched = bots(admin).patch_bot(helper["user_id"], {"display_name": "Helper 2"})
    assert patched["display_name"] == "Helper 2" and patched["update_at"] > helper["update_at"]
    alice = logged_in(mm_server)
    call = raw(mm_server, alice)
    assert_error(call("get", "/bots"), 403, "api.context.permissions.app_error")
    assert_error(
        call("get", f"/bots/{helper['user_id']}"), 404, "store.sql_bot.get.missing.app_error"
    )
    assert_error(call("get", "/bots/nope"), 400, "api.context.invalid_url_param.app_error")
    assert_error(
        raw(mm_server, admin)("get", f"/bots/{'a' * 26}"),
        404,
        "store.sql_bot.get.missing.app_error",
    )


def test_disable_enable_and_orphans(mm_server):
    admin = logged_in(mm_server, "admin")
    helper = bots(admin).get_bots()[0]
    disabled = bots(admin).disable_bot(helper["user_id"])
    assert disabled["delete_at"] > 0
    assert bots(admin).get_bots() == []
    assert [b["user_id"] for b in bots(admin).get_bots({"include_deleted": True})] == [
        helper["user_id"]
    ]
    assert admin.users.get_user(helper["user_id"])["delete_at"] > 0
    assert bots(admin).enable_bot(helper["user_id"])["delete_at"] == 0
    assert bots(admin).get_bots({"only_orphaned": True}) == []


def test_assign_bot_to_another_owner(mm_server):
    admin = logged_in(mm_server, "admin")
    helper = bots(admin).get_bots()[0]
    bob = user_id(mm_server, "bob")
    assigned = bots(admin).assign_bot_to_user(helper["user_id"], bob)
    assert assigned["owner_id"] == bob
    admin.users.update_user_active_status(bob, {"active": False})
    orphans = bots(admin).get_bots({"only_orphaned": True})
    assert [b["user_id"] for b in orphans] == [helper["user_id"]]
    helper_bot = helper["user_id"]
    assert_error(
        raw(mm_server, admin)("post", f"/bots/{helper_bot}/assign/{helper_bot}"),
        403,
        "api.context.permissions.app_error",
    )


def test_convert_user_to_bot_and_back(mm_server):
    admin = logged_in(mm_server, "admin")
    bob = user_id(mm_server, "bob")
    bob_driver = logged_in(mm_server, "bob")
    call = raw(mm_server, admin)
    converted = call("post", f"/users/{bob}/convert_to_bot").json()
    assert set(converted) == BOT_KEYS
    assert (converted["user_id"], converted["owner_id"], converted["username"]) == (bob, bob, "bob")
    assert raw(mm_server, bob_driver)("get", "/users/me").status_code == 401
    assert admin.users.get_user(bob)["is_bot"] is True
    assert_error(
        call("post", f"/bots/{bob}/convert_to_user", json={}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    user = call(
        "post",
        f"/bots/{bob}/convert_to_user",
        json={"password": "bob-new-password"},
        params={"set_system_admin": "true"},
    ).json()
    assert user["roles"] == "system_admin system_user" and "is_bot" not in user
    assert driver(mm_server, "bob", "bob-new-password").login()["id"] == bob
    alice = logged_in(mm_server)
    assert_error(
        raw(mm_server, alice)("post", f"/users/{bob}/convert_to_bot"),
        403,
        "api.context.permissions.app_error",
    )


def _bot_driver(server):
    """helper-bot (seeded in engineering) with a fresh access token, and its token."""
    admin = logged_in(server, "admin")
    bot_id = user_id(server, "helper-bot")
    token = admin.users.create_user_access_token(bot_id, {"description": "test"})["token"]
    bot = driver(server, "helper-bot", token=token)
    bot.login()
    return bot, token


def test_posts_by_bots_carry_from_bot(mm_server, bus):
    bot, _ = _bot_driver(mm_server)
    alice = logged_in(mm_server)
    eng = alice.channels.get_channel_by_name_and_team_name("acme", "engineering")
    by_bot = bot.posts.create_post(
        {"channel_id": eng["id"], "message": "beep", "props": {"a": "1"}}
    )
    assert by_bot["props"] == {"a": "1", "from_bot": "true"}
    assert alice.posts.get_post(by_bot["id"])["props"]["from_bot"] == "true"
    posted = [json.loads(d["data"]["post"]) for name, d in bus if name == "posted"]
    assert posted[-1]["props"]["from_bot"] == "true"
    by_user = alice.posts.create_post({"channel_id": eng["id"], "message": "hi"})
    assert by_user["props"] == {}


class _Pong(Plugin):
    @listen_to("^ping$")
    async def pong(self, message: Message) -> None:
        self.driver.reply_to(message, "pong")


@pytest.fixture
def mmpy_bot(mm_server) -> Iterator[Bot]:
    """helper-bot run by mmpy_bot on its own thread and event loop, stopped cleanly: the
    event loop's tasks are cancelled and drained, then the bot's thread pool joined."""
    _, token = _bot_driver(mm_server)
    host, port = mm_server.url.rsplit(":", 1)
    settings = Settings(
        MATTERMOST_URL=host, MATTERMOST_PORT=int(port), BOT_TOKEN=token, BOT_TEAM="acme"
    )
    bot = Bot(settings=settings, plugins=[_Pong()], enable_logging=False)
    loop = asyncio.new_event_loop()

    def run() -> None:
        asyncio.set_event_loop(loop)
        with contextlib.suppress(asyncio.CancelledError):
            bot.run()  # stops the bot's thread pool however it ends
        pending = asyncio.all_tasks(loop)
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())  # aiohttp's DNS threads

    def cancel_all() -> None:
        for task in asyncio.all_tasks(loop):
            task.cancel()

    thread = threading.Thread(target=run, name="mmpy-bot")
    thread.start()
    try:
        bot_id = user_id(mm_server, "helper-bot")
        connections = runtime_of(mm_server.app).realtime.connections
        wait_until(lambda: any(c.user_id == bot_id for c in connections()))
        yield bot
    finally:
        bot.driver.disconnect()
        loop.call_soon_threadsafe(cancel_all)
        thread.join(timeout=10)
    assert not thread.is_alive()
    loop.close()


# mattermostautodriver 2.3 hands aiohttp ``ssl=None`` for ws:// URLs, which aiohttp 3.10+
# deprecates; the warning is theirs and is raised on the bot's thread.
@pytest.mark.filterwarnings("ignore:ssl=None is deprecated:DeprecationWarning")
def test_mmpy_bot_answers_a_users_post(mm_server, mmpy_bot):
    alice = logged_in(mm_server)
    eng = alice.channels.get_channel_by_name_and_team_name("acme", "engineering")
    ping = alice.posts.create_post({"channel_id": eng["id"], "message": "ping"})
    store = runtime_of(mm_server.app).store
    bot_id = user_id(mm_server, "helper-bot")

    def reply() -> dict | None:
        return next((p for p in store.find("posts", "root_id", ping["id"])), None)

    wait_until(lambda: reply() is not None)
    answer = alice.posts.get_post(reply()["id"])
    assert (answer["user_id"], answer["message"]) == (bot_id, "pong")
    assert answer["props"]["from_bot"] == "true"


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle r="4"/></svg>'


def test_bot_icon_set_read_and_delete(mm_server, bus):
    _enable(mm_server)
    admin = logged_in(mm_server, "admin")
    bot = bots(admin).create_bot({"username": "icon-bot"})
    bot_id = bot["user_id"]
    call = raw(mm_server, admin)
    assert_error(
        call("get", f"/bots/{bot_id}/icon"), 404, "api.bot.get_bot_icon_image.read.app_error"
    )
    files = {"image": ("icon.svg", SVG, "image/svg+xml")}
    assert bots(admin).set_bot_lhs_icon(bot_id, files) == {"status": "OK"}
    assert bots(admin).get_bot(bot_id)["last_icon_update"] > 0
    assert admin.users.get_user(bot_id)["bot_last_icon_update"] > 0
    assert any(n == "user_updated" and p["data"]["user"]["id"] == bot_id for n, p in bus)
    icon = call("get", f"/bots/{bot_id}/icon")
    assert icon.status_code == 200 and icon.content == SVG
    assert icon.headers["Content-Type"] == "image/svg+xml"
    for bad in (b"\x89PNG\r\n", b"<html/>", b'<svg width="0"/>'):
        assert_error(
            call("post", f"/bots/{bot_id}/icon", files={"image": ("i.svg", bad)}),
            400,
            "api.bot.set_bot_icon_image.parse.app_error",
        )
    assert_error(
        call("post", f"/bots/{bot_id}/icon", files={"picture": ("i.svg", SVG)}),
        400,
        "api.bot.set_bot_icon_image.no_file.app_error",
    )
    alice = raw(mm_server, logged_in(mm_server))
    assert_error(
        alice("delete", f"/bots/{bot_id}/icon"), 404, "store.sql_bot.get.missing.app_error"
    )
    assert bots(admin).delete_bot_lhs_icon(bot_id) == {"status": "OK"}
    assert "last_icon_update" not in bots(admin).get_bot(bot_id)
    assert call("get", f"/bots/{bot_id}/icon").status_code == 404
