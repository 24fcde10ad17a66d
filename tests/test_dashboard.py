"""The dashboard in a real headless Chromium (Debian's ``chromium`` + Playwright)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator

import pytest
import requests

from emulator.app import runtime_of
from emulator.control import Control

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium (make browser installs it)")
# The page polls the journal every second and Chromium shares two cores with the suite: wait on
# each condition for up to 15 s (a deadline, not a measurement) instead of Playwright's 5 s.
playwright_api.expect.set_options(timeout=15_000)

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    yield page
    context.close()


# Channels every workspace has, whatever the generated content: the fixture accounts are members.
DEFAULT_CHANNEL = {"mm_server": "town-square", "rc_server": "general"}


def open_channel(page, server, name: str) -> str:
    """The live view as admin on the channel named ``name`` (the first team's); its id."""
    page.goto(f"{server.url}/_emulator/ui")
    channel = page.locator(f'#channels li[data-name="{name}"]').first
    channel.click()
    playwright_api.expect(channel).to_have_class("selected")
    playwright_api.expect(page.locator("#live")).to_have_attribute("data-user", "admin")
    return channel.get_attribute("data-channel-id")


def mm_login(server, username: str) -> dict[str, str]:
    login = requests.post(
        f"{server.url}/api/v4/users/login",
        timeout=5,
        json={"login_id": username, "password": f"{username}-password"},
    )
    return {"Authorization": f"Bearer {login.headers['Token']}"}


def rc_login(server, username: str) -> dict[str, str]:
    login = requests.post(
        f"{server.url}/api/v1/login",
        timeout=5,
        json={"user": username, "password": f"{username}-password"},
    ).json()["data"]
    return {"X-Auth-Token": login["authToken"], "X-User-Id": login["userId"]}


def post_through_rest(server, server_name: str, channel_id: str, text: str) -> str:
    """Bob posts ``text``; the new post's id."""
    if server_name == "mm_server":
        sent = requests.post(
            f"{server.url}/api/v4/posts",
            timeout=5,
            headers=mm_login(server, "bob"),
            json={"channel_id": channel_id, "message": text},
        )
        assert sent.status_code == 201, sent.text
        return sent.json()["id"]
    sent = requests.post(
        f"{server.url}/api/v1/chat.postMessage",
        timeout=5,
        headers=rc_login(server, "bob"),
        json={"roomId": channel_id, "text": text},
    )
    assert sent.status_code == 200, sent.text
    return sent.json()["message"]["_id"]


def react_through_rest(server, server_name: str, post_id: str, emoji: str) -> None:
    """Alice reacts to a post."""
    if server_name == "mm_server":
        headers = mm_login(server, "alice")
        me = requests.get(f"{server.url}/api/v4/users/me", timeout=5, headers=headers).json()
        sent = requests.post(
            f"{server.url}/api/v4/reactions",
            timeout=5,
            headers=headers,
            json={"user_id": me["id"], "post_id": post_id, "emoji_name": emoji},
        )
    else:
        sent = requests.post(
            f"{server.url}/api/v1/chat.react",
            timeout=5,
            headers=rc_login(server, "alice"),
            json={"messageId": post_id, "emoji": f":{emoji}:"},
        )
    assert sent.status_code in (200, 201), sent.text


@pytest.mark.parametrize("server_name", ["mm_server", "rc_server"])
def test_live_view_shows_a_rest_post_without_reloading(page, request, server_name):
    server = request.getfixturevalue(server_name)
    channel_id = open_channel(page, server, DEFAULT_CHANNEL[server_name])
    page.evaluate("window.notReloaded = true")
    # The page follows the product's own realtime API, signed in as the picked user.
    users = [c["user"] for c in Control(server.url).connections()]
    assert "admin" in users
    text = "hello from the **REST** API <b>not markup</b>"
    post_id = post_through_rest(server, server_name, channel_id, text)
    message = page.locator("#posts .post", has_text="hello from the REST API")
    playwright_api.expect(message.locator("strong")).to_have_text("REST")  # markdown rendered
    playwright_api.expect(message.locator(".who")).to_have_text("bob")
    playwright_api.expect(message.locator(".text")).to_contain_text("<b>not markup</b>")
    assert message.locator(".text b").count() == 0  # a message's HTML stays text
    react_through_rest(server, server_name, post_id, "tada")
    playwright_api.expect(message.locator(".reaction")).to_have_text("🎉 1")
    assert page.evaluate("window.notReloaded") is True


def test_mattermost_menu_choice_reaches_the_integration(page, mm_server, httpserver):
    httpserver.expect_request("/menu", method="POST").respond_with_json({})
    channel_id = open_channel(page, mm_server, "town-square")
    hook = requests.post(
        f"{mm_server.url}/api/v4/hooks/incoming",
        timeout=5,
        headers=mm_login(mm_server, "admin"),
        json={"channel_id": channel_id, "display_name": "deploys"},
    ).json()
    url = f"http://127.0.0.1:{httpserver.port}/menu"
    menu = {
        "id": "env",
        "name": "Pick an environment",
        "type": "select",
        "options": [{"text": "staging", "value": "stg"}, {"text": "production", "value": "prd"}],
        "integration": {"url": url, "context": {}},
    }
    requests.post(
        f"{mm_server.url}/hooks/{hook['id']}",
        timeout=5,
        json={"text": "Where to?", "attachments": [{"actions": [menu]}]},
    )
    post = page.locator("#posts .post", has_text="Where to?")
    post.locator("select.action").select_option("prd")
    playwright_api.expect(page.locator("#status")).to_have_text("clicked “Pick an environment”")
    (call,) = Control(mm_server.url).callouts(url=url)
    assert call["payload"]["context"] == {"selected_option": "prd"}


@pytest.mark.parametrize("server_name", ["mm_server", "rc_server"])
def test_live_view_comes_back_after_its_socket_is_dropped(page, request, server_name):
    server = request.getfixturevalue(server_name)
    channel_id = open_channel(page, server, DEFAULT_CHANNEL[server_name])
    # Without the page signing in again, the post below would never show: no socket to bring it.
    assert Control(server.url).disconnect(user="admin")
    playwright_api.expect(page.locator("#live")).to_have_text("● live")
    post_through_rest(server, server_name, channel_id, "after the reconnect")
    playwright_api.expect(page.locator("#posts")).to_contain_text("after the reconnect")


def test_mattermost_button_click_reaches_the_integration(page, mm_server, httpserver):
    httpserver.expect_request("/action", method="POST").respond_with_json(
        {"ephemeral_text": "Deploy approved by the bot"}
    )
    channel_id = open_channel(page, mm_server, "town-square")
    admin = mm_login(mm_server, "admin")
    hook = requests.post(
        f"{mm_server.url}/api/v4/hooks/incoming",
        timeout=5,
        headers=admin,
        json={"channel_id": channel_id, "display_name": "deploys"},
    ).json()
    url = f"http://127.0.0.1:{httpserver.port}/action"
    action = {"id": "approve", "name": "Approve", "integration": {"url": url, "context": {"v": 24}}}
    sent = requests.post(
        f"{mm_server.url}/hooks/{hook['id']}",
        timeout=5,
        json={"text": "Deploy v2.4?", "attachments": [{"text": "ready", "actions": [action]}]},
    )
    assert sent.status_code == 200
    post = page.locator("#posts .post", has_text="Deploy v2.4?")
    playwright_api.expect(post.locator(".badge.webhook")).to_be_visible()
    post.get_by_role("button", name="Approve").click()
    answer = page.locator("#posts .post.ephemeral", has_text="Deploy approved by the bot")
    playwright_api.expect(answer.locator(".badge.ephemeral")).to_have_text("only visible to you")
    # Set once the action request has answered, which is after the call-out is journaled.
    playwright_api.expect(page.locator("#status")).to_have_text("clicked “Approve”")
    (call,) = Control(mm_server.url).callouts(url=url)
    admin_id = requests.get(f"{mm_server.url}/api/v4/users/me", timeout=5, headers=admin).json()
    assert call["payload"]["user_id"] == admin_id["id"]
    assert call["payload"]["context"] == {"v": 24}
    assert len(httpserver.log) == 1


def test_rocketchat_button_sends_its_message_as_the_user(page, rc_server):
    channel_id = open_channel(page, rc_server, "general")
    hook = requests.post(
        f"{rc_server.url}/api/v1/integrations.create",
        timeout=5,
        headers=rc_login(rc_server, "admin"),
        json={"type": "webhook-incoming", "name": "ci", "enabled": True, "username": "admin",
              "channel": "#general", "scriptEnabled": False, "alias": "ci"},
    ).json()["integration"]  # fmt: skip
    button = {
        "type": "button",
        "text": "Re-run",
        "msg": "rerun build 7",
        "msg_in_chat_window": True,
    }
    sent = requests.post(
        f"{rc_server.url}/hooks/{hook['_id']}/{hook['token']}",
        timeout=5,
        json={"text": "Build 7 failed", "attachments": [{"actions": [button]}]},
    )
    assert sent.status_code == 200
    post = page.locator("#posts .post", has_text="Build 7 failed")
    playwright_api.expect(post.locator(".badge.webhook")).to_be_visible()
    post.get_by_role("button", name="Re-run").click()
    clicked = page.locator("#posts .post", has_text="rerun build 7")
    playwright_api.expect(clicked.locator(".who")).to_have_text("admin")
    history = Control(rc_server.url).call("GET", "/posts", channel=channel_id)["posts"]
    assert history[-1]["msg"] == "rerun build 7"


@pytest.mark.parametrize(
    ("server_name", "command", "answer"),
    [
        ("mm_server", "/echo hello from echo", "hello from echo"),
        ("rc_server", "/me waves", "waves"),
    ],
)
def test_slash_command_answer_appears(page, request, server_name, command, answer):
    server = request.getfixturevalue(server_name)
    open_channel(page, server, DEFAULT_CHANNEL[server_name])
    page.fill("#text", command)
    page.click("#composer button")
    playwright_api.expect(page.locator("#posts .post .text", has_text=answer)).to_be_visible()
    playwright_api.expect(page.locator("#status")).to_have_text(f"ran {command.split()[0]}")


@pytest.mark.parametrize(
    ("server_name", "command", "answer"),
    [
        ("mm_server", "/away", "You are now away"),
        ("rc_server", "/invite @nobody-here", "No user exists by the name of"),
    ],
)
def test_ephemeral_command_answer_is_marked(page, request, server_name, command, answer):
    server = request.getfixturevalue(server_name)
    open_channel(page, server, DEFAULT_CHANNEL[server_name])
    page.fill("#text", command)
    page.click("#composer button")
    shown = page.locator("#posts .post.ephemeral", has_text=answer)
    playwright_api.expect(shown.locator(".badge.ephemeral")).to_have_text("only visible to you")


def test_team_picker_narrows_the_channels_to_that_team(page, mm_server):
    admin = mm_login(mm_server, "admin")
    team = requests.post(
        f"{mm_server.url}/api/v4/teams",
        timeout=5,
        headers=admin,
        json={"name": "beta", "display_name": "Beta", "type": "O"},
    ).json()
    mine = requests.get(
        f"{mm_server.url}/api/v4/users/me/teams/{team['id']}/channels", timeout=5, headers=admin
    ).json()
    assert mine  # the new team's default channels
    page.goto(f"{mm_server.url}/_emulator/ui")
    playwright_api.expect(page.locator("#live")).to_have_text("● live")
    page.select_option("#team-picker", "beta")
    listed = page.locator('#channels li:not([data-team=""])')
    playwright_api.expect(listed).to_have_count(len(mine))
    ids = {listed.nth(i).get_attribute("data-channel-id") for i in range(len(mine))}
    assert ids == {c["id"] for c in mine}


def reply_through_rest(server, server_name: str, channel_id: str, root_id: str, text: str) -> None:
    """Bob replies in a thread."""
    if server_name == "mm_server":
        body = {"channel_id": channel_id, "message": text, "root_id": root_id}
        sent = requests.post(
            f"{server.url}/api/v4/posts", timeout=5, headers=mm_login(server, "bob"), json=body
        )
    else:
        body = {"message": {"rid": channel_id, "msg": text, "tmid": root_id}}
        sent = requests.post(
            f"{server.url}/api/v1/chat.sendMessage",
            timeout=5,
            headers=rc_login(server, "bob"),
            json=body,
        )
    assert sent.status_code in (200, 201), sent.text


@pytest.mark.parametrize("server_name", ["mm_server", "rc_server"])
def test_thread_opens_with_its_replies_and_takes_a_reply(page, request, server_name):
    server = request.getfixturevalue(server_name)
    channel_id = open_channel(page, server, DEFAULT_CHANNEL[server_name])
    root_id = post_through_rest(server, server_name, channel_id, "thread root here")
    reply_through_rest(server, server_name, channel_id, root_id, "first reply")
    post = page.locator("#posts .post", has_text="thread root here")
    playwright_api.expect(post.locator(".replies")).to_have_text("💬 1 reply")
    playwright_api.expect(page.locator("#posts")).not_to_contain_text("first reply")
    post.locator(".replies").click()
    playwright_api.expect(page.locator("#thread-posts")).to_contain_text("first reply")
    page.fill("#thread-text", "answer in the thread")
    page.click("#thread-composer button")
    playwright_api.expect(page.locator("#thread-posts")).to_contain_text("answer in the thread")
    playwright_api.expect(post.locator(".replies")).to_have_text("💬 2 replies")
    reply_through_rest(server, server_name, channel_id, root_id, "third reply")
    playwright_api.expect(page.locator("#thread-posts .post")).to_have_count(4)
    playwright_api.expect(post.locator(".replies")).to_have_text("💬 3 replies")


def test_rocketchat_dashboard_posts_as_a_user_and_shows_the_timeline(page, rc_server):
    open_channel(page, rc_server, "general")
    page.select_option("#author", "alice")
    playwright_api.expect(page.locator("#live")).to_have_attribute("data-user", "alice")
    page.fill("#text", "typed in the dashboard")
    page.click("#composer button")
    sent = page.locator("#posts .post", has_text="typed in the dashboard")
    playwright_api.expect(sent.locator(".who")).to_have_text("alice")
    requests.get(f"{rc_server.url}/api/info", timeout=5)
    playwright_api.expect(page.locator("#timeline .request").first).to_be_visible()
    playwright_api.expect(page.locator("#timeline")).to_contain_text("GET /api/info")


@pytest.mark.parametrize("server_name", ["mm_server", "rc_server"])
def test_fault_toggle_makes_the_next_api_call_fail(page, request, server_name):
    server = request.getfixturevalue(server_name)
    page.goto(f"{server.url}/_emulator/ui")
    page.wait_for_selector("#channels li")
    path = "/api/v4/system/ping" if server_name == "mm_server" else "/api/info"
    assert requests.get(server.url + path, timeout=5).status_code == 200
    page.check("#fault-toggle")
    wait_for_rules(server, 1)
    assert requests.get(server.url + path, timeout=5).status_code == 503
    page.uncheck("#fault-toggle")
    wait_for_rules(server, 0)
    assert requests.get(server.url + path, timeout=5).status_code == 200


def wait_for_rules(server, count: int) -> None:
    """The page's fetch is asynchronous: wait until the server holds ``count`` rules."""
    for _ in range(100):
        rules = requests.get(f"{server.url}/_emulator/faults", timeout=5).json()["faults"]
        if len(rules) == count:
            return
        time.sleep(0.05)
    raise AssertionError(f"expected {count} fault rules, have {len(rules)}")


def test_call_outs_show_up_live_next_to_the_journal(page, mm_server, httpserver):
    httpserver.expect_request("/hook").respond_with_data("")
    page.goto(f"{mm_server.url}/_emulator/ui")
    page.wait_for_selector("#channels li")
    admin = requests.post(
        f"{mm_server.url}/api/v4/users/login",
        timeout=5,
        json={"login_id": "admin", "password": "admin-password"},
    )
    headers = {"Authorization": f"Bearer {admin.headers['Token']}"}
    channel = runtime_of(mm_server.app).store.find("channels", "name", "town-square")[0]
    url = f"http://127.0.0.1:{httpserver.port}/hook"
    hook = requests.post(
        f"{mm_server.url}/api/v4/hooks/outgoing",
        timeout=5,
        headers=headers,
        json={"team_id": channel["team_id"], "display_name": "D", "trigger_words": ["ping"],
              "callback_urls": [url]},
    )  # fmt: skip
    assert hook.status_code == 201

    def ping() -> None:
        sent = requests.post(
            f"{mm_server.url}/api/v4/posts",
            timeout=5,
            headers=headers,
            json={"channel_id": channel["id"], "message": "ping"},
        )
        assert sent.status_code == 201

    callouts = page.locator("#timeline")
    ping()
    playwright_api.expect(callouts).to_contain_text(
        f"→ mattermost mattermost.outgoing_webhook {url} 200"
    )
    Control(mm_server.url).add_fault(target="callout", drop="reset")
    ping()
    playwright_api.expect(callouts.locator("li.callout.fault")).to_contain_text("ConnectionError")
