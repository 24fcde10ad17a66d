"""Redraw the dashboard pictures in docs/ (``make screenshots``; needs Debian's chromium)."""

from __future__ import annotations

import shutil
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

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


def main() -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed (make browser)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        for product, channel in (("mattermost", "Engineering"), ("rocketchat", "engineering")):
            with ThreadedServer(create_app(product, ephemeral_config())) as server:
                page = browser.new_page(viewport={"width": 1400, "height": 800})
                page.goto(f"{server.url}/_emulator/ui")
                page.get_by_text(channel, exact=True).first.click()
                page.fill("#text", "Deploy of v2.4 is rolling out")
                page.click("#composer button")
                page.wait_for_timeout(300)
                for path in ("/api/v4/system/ping", "/api/info", "/api/v4/users/me"):
                    requests.get(server.url + path, timeout=5)
                page.wait_for_timeout(1200)
                page.screenshot(path=str(DOCS / f"dashboard-{product}.png"))
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
