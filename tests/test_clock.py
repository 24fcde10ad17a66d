"""``/_emulator/clock``: freeze, set and advance time; expiry and timestamps follow it."""

from __future__ import annotations

import time

import pytest
import requests
from mattermostdriver import Driver
from mattermostdriver.exceptions import NoAccessTokenProvided
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from emulator.control import Control, ControlError

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


def test_get_and_put_clock(mm_server):
    ctl = Control(mm_server.url)
    state = ctl.clock.state()
    assert set(state) == {"now_ms", "frozen"} and state["frozen"] is False
    assert abs(state["now_ms"] - time.time() * 1000) < 5000
    assert ctl.clock.freeze(1_700_000_000_000) == {"now_ms": 1_700_000_000_000, "frozen": True}
    time.sleep(0.02)
    assert ctl.clock.state() == {"now_ms": 1_700_000_000_000, "frozen": True}
    assert ctl.clock.advance(1500)["now_ms"] == 1_700_000_001_500
    assert ctl.clock.set(1_600_000_000_000) == {"now_ms": 1_600_000_000_000, "frozen": True}
    both = ctl.call("PUT", "/clock", {"now_ms": 1_000, "advance_ms": 10})
    assert both == {"now_ms": 1_010, "frozen": True}
    running = ctl.clock.unfreeze()
    assert running["frozen"] is False and 1_010 <= running["now_ms"] < 1_010 + 5000
    ctl.clock.set(2_000_000_000_000)
    time.sleep(0.05)
    assert ctl.clock.now_ms() >= 2_000_000_000_040  # an unfrozen clock keeps running


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"freeze": "yes"},
        {"now_ms": "soon"},
        {"now_ms": 1.5},
        {"advance_ms": -1},
        {"advance_ms": True},
        {"speed": 2},
    ],
)
def test_bad_clock_bodies_are_refused(rc_server, body):
    ctl = Control(rc_server.url)
    before = ctl.clock.state()["frozen"]
    with pytest.raises(ControlError) as caught:
        ctl.call("PUT", "/clock", body)
    assert caught.value.status == 400
    assert ctl.clock.state()["frozen"] == before


def test_mattermost_session_expires_with_the_clock(mm_server):
    host, port = mm_server.url.removeprefix("http://").split(":")
    driver = Driver(
        {
            "url": host,
            "port": int(port),
            "scheme": "http",
            "login_id": "alice",
            "password": "alice-password",
        }
    )
    driver.login()
    ctl = Control(mm_server.url)
    ctl.clock.freeze()
    ctl.clock.advance(719 * HOUR_MS)  # SessionLengthWebInHours = 720
    assert driver.users.get_user("me")["username"] == "alice"
    ctl.clock.advance(2 * HOUR_MS)
    with pytest.raises(NoAccessTokenProvided):
        driver.users.get_user("me")


def test_rocketchat_login_token_expires_with_the_clock(rc_server):
    rc = RocketChat("bob", "bob-password", server_url=rc_server.url)
    ctl = Control(rc_server.url)
    ctl.clock.advance(89 * DAY_MS)  # Accounts_LoginExpiration = 90 days
    assert rc.me()["username"] == "bob"
    ctl.clock.advance(2 * DAY_MS)
    with pytest.raises(RocketApiException) as caught:
        rc.me()
    assert caught.value.status_code == 401


def test_timestamps_follow_the_clock_and_reset_restores_it(rc_server):
    ctl = Control(rc_server.url)
    ctl.clock.freeze(1_750_000_000_000)
    requests.get(f"{rc_server.url}/api/info", timeout=10)
    assert ctl.requests()[0]["time"] == 1_750_000_000_000
    ctl.reset()
    state = ctl.clock.state()
    assert state["frozen"] is False and abs(state["now_ms"] - time.time() * 1000) < 5000
