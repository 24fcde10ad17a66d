"""The control-plane switches of ``chat-emulator serve``, from flags and from the environment."""

from __future__ import annotations

import subprocess
import time

import requests

from emulator.control import Control
from tests.test_faults_drops import CLI, Served


def test_flags_configure_faults_latency_limiter_and_journal():
    served = Served(
        "--fault",
        "GET /api/v4/system/ping 503 times=1",
        "--fault",
        "POST /api/v1/login* reset",
        "--latency",
        "150ms",
        "--jitter",
        "10ms",
        "--rate-limit",
        "100/s burst=1",
        "--journal-size",
        "2",
    )
    try:
        mm, rc = served.urls["mattermost"], served.urls["rocketchat"]
        ctl = Control(mm)
        assert [f["match"] for f in ctl.faults()] == [
            {"method": "GET", "path": "/api/v4/system/ping"},
            {"method": "POST", "path": "/api/v1/login*"},
        ]
        started = time.monotonic()
        first = requests.get(f"{mm}/api/v4/system/ping", timeout=10)
        assert time.monotonic() - started >= 0.15
        assert first.status_code == 503
        assert "X-Ratelimit-Limit" not in first.headers  # a fault pre-empts the limiter
        second = requests.get(f"{mm}/api/v4/system/ping", timeout=10)
        assert (second.status_code, second.headers["X-Ratelimit-Limit"]) == (200, "2")
        assert ctl.call("GET", "/latency") == {"latency_ms": 150, "jitter_ms": 10}
        settings = ctl.rate_limit_settings()
        assert (settings["Enable"], settings["PerSec"], settings["MaxBurst"]) == (True, 100, 1)
        with_rc = Control(rc).rate_limit_settings()
        assert with_rc["API_Enable_Rate_Limiter_Limit_Calls_Default"] == 100
        assert with_rc["API_Enable_Rate_Limiter_Limit_Time_Default"] == 1000
        try:
            requests.post(f"{rc}/api/v1/login", json={}, timeout=10)
            raise AssertionError("the login should have been reset")
        except requests.ConnectionError:
            pass
        for _ in range(3):
            requests.get(f"{rc}/api/info", timeout=10)
        assert len(Control(rc).requests()) == 2  # --journal-size 2
        # A reset brings the start-up state back, not an empty one.
        ctl.reset()
        assert [f["hits"] for f in ctl.faults()] == [0, 0]
        assert ctl.call("GET", "/latency")["latency_ms"] == 150
    finally:
        served.stop()


def test_environment_configures_the_same_switches():
    served = Served(
        env={
            "CHAT_EMULATOR_FAULT": "GET /api/info 502; GET /api/v4/system/ping 504",
            "CHAT_EMULATOR_RATE_LIMIT": "on",
            "CHAT_EMULATOR_JOURNAL_SIZE": "0",
        }
    )
    try:
        mm, rc = served.urls["mattermost"], served.urls["rocketchat"]
        assert requests.get(f"{rc}/api/info", timeout=10).status_code == 502
        response = requests.get(f"{mm}/api/v4/system/ping", timeout=10)
        assert response.status_code == 504
        limited = requests.get(f"{mm}/api/v4/users/me", timeout=10)
        assert limited.headers["X-Ratelimit-Limit"] == "101"  # MaxBurst 100 + 1
        assert Control(rc).rate_limit_settings()["API_Enable_Rate_Limiter"] is True
        assert Control(mm).requests() == []
    finally:
        served.stop()


def test_bad_switches_stop_start_up_with_a_usage_error():
    for args in (["--fault", "GET /x nonsense"], ["--latency", "soon"], ["--rate-limit", "fast"]):
        out = subprocess.run([*CLI, "--in-memory", *args], capture_output=True, text=True)
        assert out.returncode == 2
        assert "error: argument" in out.stderr
    env_fault = subprocess.run(
        [*CLI, "--in-memory"],
        capture_output=True,
        text=True,
        env={"CHAT_EMULATOR_FAULT": "/x 999", "PATH": ""},
    )
    assert env_fault.returncode == 2 and "--fault" in env_fault.stderr
