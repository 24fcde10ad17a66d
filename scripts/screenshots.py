"""Redraw the live view pictures in docs/ (``make screenshots``; needs Debian's chromium).

Each product gets a short scripted demo in its default channel, all through the product's own
API: a webhook posts a build report with buttons, a user asks for a review and gets a reply in
a thread, a slash command answers; then the page is photographed with the thread open.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import requests
from playwright.sync_api import Page, expect, sync_playwright

from emulator.app import create_app
from emulator.config import ephemeral_config
from emulator.server import ThreadedServer

DOCS = Path(__file__).resolve().parents[1] / "docs"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHANNEL = {"mattermost": "town-square", "rocketchat": "general"}
BUILD_REPORT = {
    "color": "#2eb67d",
    "title": "Build #482 passed",
    "text": "All **1,204** tests green on `main` in 6 min 12 s.",
    "fields": [
        {"title": "Branch", "value": "main", "short": True},
        {"title": "Commit", "value": "a41f9c2", "short": True},
    ],
}


COMMANDS = {
    "mattermost": "POST /api/v4/commands/execute",
    "rocketchat": "POST /api/v1/commands.run",
}


def open_channel(page: Page, url: str, name: str) -> str:
    page.goto(f"{url}/_emulator/ui")
    channel = page.locator(f'#channels li[data-name="{name}"]').first
    channel.click()
    expect(channel).to_have_class("selected")
    expect(page.locator("#live")).to_have_text("● live")
    return channel.get_attribute("data-channel-id") or ""


def mattermost_demo(page: Page, url: str) -> str:
    channel_id = open_channel(page, url, CHANNEL["mattermost"])

    def login(name: str) -> dict[str, str]:
        answer = requests.post(
            f"{url}/api/v4/users/login",
            json={"login_id": name, "password": f"{name}-password"},
            timeout=5,
        )
        return {"Authorization": f"Bearer {answer.headers['Token']}"}

    def post(who: str, message: str, root_id: str = "") -> str:
        body = {"channel_id": channel_id, "message": message, "root_id": root_id}
        return requests.post(
            f"{url}/api/v4/posts", json=body, headers=login(who), timeout=5
        ).json()["id"]

    hook = requests.post(
        f"{url}/api/v4/hooks/incoming",
        json={"channel_id": channel_id, "display_name": "CI"},
        headers=login("admin"),
        timeout=5,
    ).json()
    integration = {"url": "http://127.0.0.1:9/actions", "context": {"build": 482}}
    actions = [
        {
            "id": "deploy",
            "name": "Deploy to staging",
            "style": "primary",
            "integration": integration,
        },
        {"id": "rerun", "name": "Re-run", "integration": integration},
        {
            "id": "env",
            "name": "Pick an environment",
            "type": "select",
            "options": [{"text": "staging", "value": "staging"}, {"text": "prod", "value": "prod"}],
            "integration": integration,
        },
    ]
    requests.post(
        f"{url}/hooks/{hook['id']}",
        json={"username": "ci", "text": "", "attachments": [{**BUILD_REPORT, "actions": actions}]},
        timeout=5,
    )
    root = post("bob", "Can someone review **PR #311** before the release? @alice")
    post("alice", "On it :eyes: looks good so far", root)
    page.fill("#text", "/echo The bot answers right here")
    page.click("#composer button")
    expect(page.locator("#posts")).to_contain_text("The bot answers right here")
    return "PR #311"


def rocketchat_demo(page: Page, url: str) -> str:
    channel_id = open_channel(page, url, CHANNEL["rocketchat"])

    def login(name: str) -> dict[str, str]:
        data = requests.post(
            f"{url}/api/v1/login", json={"user": name, "password": f"{name}-password"}, timeout=5
        ).json()["data"]
        return {"X-Auth-Token": data["authToken"], "X-User-Id": data["userId"]}

    def send(who: str, text: str, tmid: str = "") -> str:
        message = {"rid": channel_id, "msg": text, **({"tmid": tmid} if tmid else {})}
        answer = requests.post(
            f"{url}/api/v1/chat.sendMessage",
            json={"message": message},
            headers=login(who),
            timeout=5,
        )
        return answer.json()["message"]["_id"]

    hook = requests.post(
        f"{url}/api/v1/integrations.create",
        json={
            "type": "webhook-incoming",
            "name": "CI",
            "enabled": True,
            "username": "admin",
            "channel": "#general",
            "scriptEnabled": False,
            "alias": "ci",
        },
        headers=login("admin"),
        timeout=5,
    ).json()["integration"]
    button = {"type": "button", "msg_in_chat_window": True}
    actions = [
        {**button, "text": "Deploy to staging", "msg": "deploy staging"},
        {**button, "text": "Re-run", "msg": "rerun 482"},
    ]
    requests.post(
        f"{url}/hooks/{hook['_id']}/{hook['token']}",
        json={"text": "", "attachments": [{**BUILD_REPORT, "actions": actions}]},
        timeout=5,
    )
    root = send("bob", "Can someone review **PR #311** before the release? @alice")
    send("alice", "On it :eyes: looks good so far", root)
    page.fill("#text", "/me waves at the audience")
    page.click("#composer button")
    expect(page.locator("#posts")).to_contain_text("waves at the audience")
    return "PR #311"


def main() -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed (make browser)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        for product, demo in (("mattermost", mattermost_demo), ("rocketchat", rocketchat_demo)):
            with ThreadedServer(create_app(product, ephemeral_config())) as server:
                page = browser.new_page(viewport={"width": 1440, "height": 860})
                thread_root = demo(page, server.url)
                root = page.locator("#posts .post", has_text=thread_root)
                expect(root.locator(".replies")).to_have_text("💬 1 reply")
                root.locator(".replies").click()
                expect(page.locator("#thread-posts .post")).to_have_count(2)
                expect(page.locator("#timeline")).to_contain_text(COMMANDS[product])
                page.screenshot(path=str(DOCS / f"dashboard-{product}.png"))
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
