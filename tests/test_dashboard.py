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


def open_channel(page, server, label: str) -> None:
    page.goto(f"{server.url}/_emulator/ui")
    page.get_by_text(label, exact=True).first.click()


def test_mattermost_dashboard_shows_the_workspace_and_live_posts(page, mm_server):
    open_channel(page, mm_server, "Engineering")
    posts = page.locator("#posts")
    playwright_api.expect(posts).to_contain_text("Deploy of v2.3 is done")
    login = requests.post(
        f"{mm_server.url}/api/v4/users/login",
        timeout=5,
        json={"login_id": "bob", "password": "bob-password"},
    )
    token = login.headers["Token"]
    channel_id = page.locator("#channels li.selected").get_attribute("data-channel-id")
    created = requests.post(
        f"{mm_server.url}/api/v4/posts",
        timeout=5,
        headers={"Authorization": f"Bearer {token}"},
        json={"channel_id": channel_id, "message": "hello from the REST API"},
    )
    assert created.status_code == 201
    playwright_api.expect(posts).to_contain_text("hello from the REST API")  # no reload


def test_rocketchat_dashboard_posts_as_a_user_and_shows_the_journal(page, rc_server):
    open_channel(page, rc_server, "general")
    page.select_option("#author", "alice")
    page.fill("#text", "typed in the dashboard")
    page.click("#composer button")
    playwright_api.expect(page.locator("#posts")).to_contain_text("typed in the dashboard")
    requests.get(f"{rc_server.url}/api/info", timeout=5)
    playwright_api.expect(page.locator("#journal")).to_contain_text("GET /api/info")


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
    rt = runtime_of(mm_server.app)
    team = rt.store.find_one("teams", "name", "acme")
    channel = rt.store.find_one("channels", "team_name", (team["id"], "engineering"))
    url = f"http://127.0.0.1:{httpserver.port}/hook"
    hook = requests.post(
        f"{mm_server.url}/api/v4/hooks/outgoing",
        timeout=5,
        headers=headers,
        json={"team_id": team["id"], "display_name": "D", "trigger_words": ["ping"],
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

    callouts = page.locator("#callouts")
    ping()
    playwright_api.expect(callouts).to_contain_text(
        f"mattermost mattermost.outgoing_webhook {url} 200"
    )
    Control(mm_server.url).add_fault(target="callout", drop="reset")
    ping()
    playwright_api.expect(callouts.locator("li.fault")).to_contain_text("ConnectionError")
