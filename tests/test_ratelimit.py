"""Each product's own rate limiter: settings, every header value, the 429s, the clock."""

from __future__ import annotations

import time

import pytest
import requests
from mattermostdriver import Driver
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.control import Control, ControlError

MM_DEFAULTS = {
    "Enable": False,
    "PerSec": 10,
    "MaxBurst": 100,
    "MemoryStoreSize": 10000,
    "VaryByRemoteAddr": True,
    "VaryByUser": False,
    "VaryByHeader": "",
}
RC_DEFAULTS = {
    "API_Enable_Rate_Limiter": False,
    "API_Enable_Rate_Limiter_Limit_Calls_Default": 10,
    "API_Enable_Rate_Limiter_Limit_Time_Default": 60000,
}
# A round instant near the wall clock, so that sessions issued now are still valid at T0.
T0 = int(time.time()) // 1000 * 1_000_000


def mm_limits(response) -> tuple:
    h = response.headers
    return (
        response.status_code,
        h.get("X-Ratelimit-Limit"),
        h.get("X-Ratelimit-Remaining"),
        h.get("X-Ratelimit-Reset"),
        h.get("Retry-After"),
    )


def rc_limits(response) -> tuple:
    h = response.headers
    return (
        response.status_code,
        h.get("x-ratelimit-limit"),
        h.get("x-ratelimit-remaining"),
        h.get("x-ratelimit-reset"),
    )


# -- Mattermost -----------------------------------------------------------------------------------


def test_mattermost_limiter_is_off_by_default(mm_server):
    assert Control(mm_server.url).rate_limit_settings() == MM_DEFAULTS
    for _ in range(3):
        response = requests.get(f"{mm_server.url}/api/v4/system/ping", timeout=10)
        assert response.status_code == 200
        assert "X-Ratelimit-Limit" not in response.headers


def test_mattermost_gcra_headers_429_and_the_clock(mm_server):
    ctl = Control(mm_server.url)
    ctl.clock.freeze(T0)
    settings = ctl.rate_limit(PerSec=1, MaxBurst=2)
    assert settings == {**MM_DEFAULTS, "Enable": True, "PerSec": 1, "MaxBurst": 2}
    url = f"{mm_server.url}/api/v4/system/ping"
    seen = [mm_limits(requests.get(url, timeout=10)) for _ in range(4)]
    assert seen == [
        (200, "3", "2", "1", None),
        (200, "3", "1", "2", None),
        (200, "3", "0", "3", None),
        (429, "3", "0", "3", "1"),
    ]
    refused = requests.get(url, timeout=10)
    assert refused.status_code == 429
    assert refused.text == "limit exceeded\n"
    assert refused.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert refused.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Request-Id" not in refused.headers  # refused before the API router
    ctl.clock.advance(1000)
    assert mm_limits(requests.get(url, timeout=10)) == (200, "3", "0", "3", None)
    ctl.clock.advance(3000)
    assert mm_limits(requests.get(url, timeout=10)) == (200, "3", "2", "1", None)


def test_mattermost_driver_sees_the_plain_text_429(mm_server):
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
    ctl.clock.freeze(T0)
    ctl.rate_limit(PerSec=1, MaxBurst=0)
    assert driver.users.get_user("me")["username"] == "alice"
    with pytest.raises(requests.HTTPError) as caught:
        driver.users.get_user("me")
    assert caught.value.response.status_code == 429
    assert caught.value.response.text == "limit exceeded\n"


def test_mattermost_keys_by_token_and_header(mm_server):
    ctl = Control(mm_server.url)
    ctl.clock.freeze(T0)
    ctl.rate_limit(PerSec=1, MaxBurst=0, VaryByUser=True)
    url = f"{mm_server.url}/api/v4/system/ping"
    alice = {"Authorization": "Bearer token-of-alice"}
    bob = {"Authorization": "Bearer token-of-bob"}
    assert requests.get(url, headers=alice, timeout=10).status_code == 200
    assert requests.get(url, headers=alice, timeout=10).status_code == 429
    assert requests.get(url, headers=bob, timeout=10).status_code == 200
    assert requests.get(url, timeout=10).status_code == 200  # no token: by address
    assert requests.get(url, timeout=10).status_code == 429
    ctl.rate_limit(VaryByUser=False, VaryByRemoteAddr=False, VaryByHeader="X-Tenant")
    assert requests.get(url, headers={"X-Tenant": "a"}, timeout=10).status_code == 200
    assert requests.get(url, headers={"X-Tenant": "a"}, timeout=10).status_code == 429
    assert requests.get(url, headers={"X-Tenant": "b"}, timeout=10).status_code == 200


def test_mattermost_native_environment_switch():
    environ = {"MM_RATELIMITSETTINGS_ENABLE": "true", "MM_RATELIMITSETTINGS_MAXBURST": "1"}
    app = create_app("mattermost", ephemeral_config(environ=environ))
    runtime_of(app).clock.freeze(T0)
    client = app.test_client()
    statuses = [client.get("/api/v4/system/ping").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    settings = client.get("/_emulator/rate-limit").get_json()
    assert (settings["Enable"], settings["MaxBurst"]) == (True, 1)


def test_mattermost_delete_and_reset_switch_it_off(mm_server):
    ctl = Control(mm_server.url)
    ctl.rate_limit(PerSec=1, MaxBurst=0)
    assert ctl.rate_limit_off()["Enable"] is False
    url = f"{mm_server.url}/api/v4/system/ping"
    assert "X-Ratelimit-Limit" not in requests.get(url, timeout=10).headers
    ctl.rate_limit(PerSec=1, MaxBurst=0)
    ctl.reset()
    assert ctl.rate_limit_settings() == MM_DEFAULTS


@pytest.mark.parametrize(
    "body",
    [[], {"PerSec": "10"}, {"PerSec": 0}, {"Enable": 1}, {"Burst": 3}, {"MaxBurst": True}],
)
def test_mattermost_bad_settings_are_refused(mm_server, body):
    with pytest.raises(ControlError) as caught:
        Control(mm_server.url).call("PUT", "/rate-limit", body)
    assert caught.value.status == 400
    assert Control(mm_server.url).rate_limit_settings() == MM_DEFAULTS


# -- Rocket.Chat ----------------------------------------------------------------------------------


def test_rocketchat_limiter_setting_shows_its_default_but_is_not_enforced(rc_server):
    ctl = Control(rc_server.url)
    assert ctl.rate_limit_settings() == RC_DEFAULTS
    stored = runtime_of(rc_server.app).store.get("settings", "API_Enable_Rate_Limiter")
    assert stored["value"] is True
    for _ in range(12):
        response = requests.get(f"{rc_server.url}/api/info", timeout=10)
        assert response.status_code == 200
        assert "x-ratelimit-limit" not in response.headers


def test_rocketchat_windows_headers_429_and_the_clock(rc_server):
    rc = RocketChat("alice", "alice-password", server_url=rc_server.url)
    ctl = Control(rc_server.url)
    ctl.clock.freeze(T0)
    assert ctl.rate_limit(
        API_Enable_Rate_Limiter_Limit_Calls_Default=3,
        API_Enable_Rate_Limiter_Limit_Time_Default=10000,
    ) == {
        "API_Enable_Rate_Limiter": True,
        "API_Enable_Rate_Limiter_Limit_Calls_Default": 3,
        "API_Enable_Rate_Limiter_Limit_Time_Default": 10000,
    }
    url = f"{rc_server.url}/api/v1/me"
    seen = [rc_limits(requests.get(url, headers=rc.headers, timeout=10)) for _ in range(4)]
    reset = str(T0 + 10000)
    assert seen == [
        (200, "3", "2", reset),
        (200, "3", "1", reset),
        (200, "3", "0", reset),
        (429, "3", "0", reset),
    ]
    with pytest.raises(RocketApiException) as caught:
        rc.me()
    assert caught.value.status_code == 429
    assert caught.value.response_json == {
        "success": False,
        "error": "Error, too many requests. Please slow down. You must wait 10 seconds before "
        "trying this endpoint again. [error-too-many-requests]",
    }
    # Another route has its own window.
    other = requests.get(f"{rc_server.url}/api/info", timeout=10)
    assert rc_limits(other) == (200, "3", "2", reset)
    ctl.clock.advance(4000)
    refused = requests.get(url, headers=rc.headers, timeout=10)
    assert rc_limits(refused) == (429, "3", "0", reset)
    assert "You must wait 6 seconds" in refused.json()["error"]
    ctl.clock.advance(6001)
    now = T0 + 10001
    assert rc.me()["username"] == "alice"
    response = requests.get(url, headers=rc.headers, timeout=10)
    assert rc_limits(response) == (200, "3", "1", str(now + 10000))


def test_rocketchat_admin_bypasses_the_limiter(rc_server):
    admin = RocketChat("admin", "admin-password", server_url=rc_server.url)
    ctl = Control(rc_server.url)
    ctl.rate_limit(API_Enable_Rate_Limiter_Limit_Calls_Default=1)
    for _ in range(3):
        response = requests.get(f"{rc_server.url}/api/v1/me", headers=admin.headers, timeout=10)
        assert response.status_code == 200
        assert "x-ratelimit-limit" not in response.headers


def test_rocketchat_explicit_environment_switches_it_on():
    environ = {"OVERWRITE_SETTING_API_Enable_Rate_Limiter": "true"}
    app = create_app("rocketchat", ephemeral_config(environ=environ))
    client = app.test_client()
    statuses = [client.get("/api/info").status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    assert client.get("/_emulator/rate-limit").get_json()["API_Enable_Rate_Limiter"] is True
    off = {"OVERWRITE_SETTING_API_Enable_Rate_Limiter": "false"}
    quiet = create_app("rocketchat", ephemeral_config(environ=off)).test_client()
    assert {quiet.get("/api/info").status_code for _ in range(11)} == {200}


def test_rocketchat_reset_clears_counters_and_the_switch(rc_server):
    ctl = Control(rc_server.url)
    ctl.rate_limit(API_Enable_Rate_Limiter_Limit_Calls_Default=1)
    url = f"{rc_server.url}/api/info"
    assert [requests.get(url, timeout=10).status_code for _ in range(2)] == [200, 429]
    ctl.reset()
    assert ctl.rate_limit_settings() == RC_DEFAULTS
    assert requests.get(url, timeout=10).status_code == 200
    ctl.rate_limit(API_Enable_Rate_Limiter_Limit_Calls_Default=1)
    assert requests.get(url, timeout=10).status_code == 200  # counters started afresh
    assert ctl.rate_limit_off()["API_Enable_Rate_Limiter"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"API_Enable_Rate_Limiter": "yes"},
        {"API_Enable_Rate_Limiter_Limit_Calls_Default": 0},
        {"API_Enable_Rate_Limiter_Limit_Time_Default": 1.5},
        {"Enable": True},
    ],
)
def test_rocketchat_bad_settings_are_refused(rc_server, body):
    with pytest.raises(ControlError) as caught:
        Control(rc_server.url).call("PUT", "/rate-limit", body)
    assert caught.value.status == 400
    assert caught.value.body["status"] == 400


# -- the start-up switch --------------------------------------------------------------------------


def test_rate_limit_from_the_command_line_form():
    mm = create_app("mattermost", ephemeral_config(rate_limit="2/s burst=0"))
    rc = create_app("rocketchat", ephemeral_config(rate_limit="2/s"))
    assert mm.test_client().get("/_emulator/rate-limit").get_json() == {
        **MM_DEFAULTS,
        "Enable": True,
        "PerSec": 2,
        "MaxBurst": 0,
    }
    assert rc.test_client().get("/_emulator/rate-limit").get_json() == {
        "API_Enable_Rate_Limiter": True,
        "API_Enable_Rate_Limiter_Limit_Calls_Default": 2,
        "API_Enable_Rate_Limiter_Limit_Time_Default": 1000,
    }
    on = create_app("rocketchat", ephemeral_config(rate_limit="on"))
    assert on.test_client().get("/_emulator/rate-limit").get_json() == {
        **RC_DEFAULTS,
        "API_Enable_Rate_Limiter": True,
    }
    runtime_of(on).reset()  # the start-up switch survives a reset
    assert on.test_client().get("/_emulator/rate-limit").get_json()["API_Enable_Rate_Limiter"]
