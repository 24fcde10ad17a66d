"""``chat-emulator serve`` as a user runs it: a real process, real ports, signals."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys

import pytest
import requests

from emulator import __version__
from emulator.core.store import Store
from emulator.rocketchat import PRODUCT as ROCKETCHAT

CLI = [sys.executable, "-m", "emulator.cli"]
# Only against a hang: a loaded machine (or a fresh clone compiling every module) may be slow.
HANG_GUARD_S = 300


class Served:
    """``chat-emulator serve`` in its own process group (the arbiter and its worker)."""

    def __init__(self, *args: str, env: dict | None = None, products=("mattermost", "rocketchat")):
        full_env = {**os.environ, **(env or {})}
        self.proc = subprocess.Popen(
            [*CLI, "serve", "--mattermost-port", "0", "--rocketchat-port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=full_env,
            start_new_session=True,
        )
        self.urls: dict[str, str] = {}
        self.banner: list[str] = []
        self.stderr = ""
        # The banner's last lines say the worker is serving: wait for them, however long start-up
        # takes; end of output means the process exited.
        pending = {f"{p} logins" for p in products}
        while pending:
            line = self.proc.stdout.readline()
            if not line:
                self.stop(signal.SIGKILL)
                raise AssertionError(f"exited before serving: {self.stderr}")
            self.banner.append(line)
            found = re.match(r"\s+(mattermost|rocketchat)\s+(http://\S+)$", line)
            if found:
                self.urls[found.group(1)] = found.group(2)
            pending = {p for p in pending if not line.strip().startswith(p)}

    def stop(self, signum: int = signal.SIGTERM) -> int:
        """Signal the arbiter (SIGKILL: the whole group, as a crash or the OOM killer would) and
        wait for it to exit; it reaps its worker first."""
        if signum == signal.SIGKILL:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        else:
            self.proc.send_signal(signum)
        code = self.proc.wait(timeout=HANG_GUARD_S)
        self.stderr = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return code


def test_version_and_help():
    out = subprocess.run([*CLI, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"chat-emulator {__version__}"
    help_text = subprocess.run([*CLI, "serve", "--help"], capture_output=True, text=True).stdout
    for flag in ("--data-dir", "--in-memory", "--seed", "--fixtures", "--workspace", "--only"):
        assert flag in help_text


def test_serve_answers_on_both_ports_then_sigterm_persists(tmp_path):
    served = Served("--data-dir", str(tmp_path))
    try:
        assert set(served.urls) == {"mattermost", "rocketchat"}
        mm, rc = served.urls["mattermost"], served.urls["rocketchat"]
        assert requests.get(f"{mm}/api/v4/system/ping", timeout=5).json()["status"] == "OK"
        assert requests.get(f"{rc}/api/info", timeout=5).json()["success"] is True
        login = requests.post(
            f"{mm}/api/v4/users/login",
            timeout=5,
            json={"login_id": "alice", "password": "alice-password"},
        )
        token = login.headers["Token"]
        rc_login = requests.post(
            f"{rc}/api/v1/login", timeout=5, json={"user": "bob", "password": "bob-password"}
        ).json()["data"]
    finally:
        code = served.stop()
    assert code == 0
    assert "development server" not in served.stderr
    assert "Traceback" not in served.stderr
    # A restart over the same data dir keeps what the last run wrote (sessions included).
    again = Served("--data-dir", str(tmp_path))
    try:
        mm, rc = again.urls["mattermost"], again.urls["rocketchat"]
        me = requests.get(
            f"{mm}/api/v4/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=5
        )
        assert me.status_code == 200 and me.json()["username"] == "alice"
        rc_me = requests.get(
            f"{rc}/api/v1/me",
            timeout=5,
            headers={"X-User-Id": rc_login["userId"], "X-Auth-Token": rc_login["authToken"]},
        )
        assert rc_me.json()["username"] == "bob"
    finally:
        assert again.stop() == 0


def test_banner_lists_urls_and_usernames_but_no_password(tmp_path):
    env = {"MM_ADMIN_USERNAME": "ci-admin", "MM_ADMIN_PASSWORD": "env-secret-pw"}
    served = Served("--in-memory", "--only", "mattermost", products=["mattermost"], env=env)
    try:
        banner = "".join(served.banner)
        assert set(served.urls) == {"mattermost"}
        logins = next(line for line in served.banner if "mattermost logins" in line)
        assert "ci-admin (admin, password from MM_ADMIN_PASSWORD)" in logins
        assert "admin (admin), alice, bob; 8 generated users" in logins
        assert "default.json, MM_ADMIN_PASSWORD;" in banner
        assert "/_emulator/accounts" in banner
        assert f"  live view   {served.urls['mattermost']}/_emulator/ui\n" in served.banner
        for password in ("env-secret-pw", "admin-password", "alice-password", "-password"):
            assert password not in banner
    finally:
        assert served.stop() == 0


@pytest.mark.parametrize("content", ["{definitely not json", "", " \n\t\n"])
def test_corrupt_store_file_stops_start_up_with_one_line(tmp_path, content):
    # An empty file is no fresh start either: our writes replace the file whole.
    (tmp_path / "mattermost.json").write_text(content)
    proc = subprocess.run(
        [
            *CLI,
            "serve",
            "--data-dir",
            str(tmp_path),
            "--mattermost-port",
            "0",
            "--rocketchat-port",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("chat-emulator: error: corrupt store file")
    assert str(tmp_path / "mattermost.json") in lines[0]


def test_bad_fixtures_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "scenario.json"
    bad.write_text("[1, 2")
    proc = subprocess.run(
        [*CLI, "serve", "--in-memory", "--fixtures", str(bad)],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("chat-emulator: error: invalid fixtures file")


def test_options_read_from_the_environment(tmp_path):
    served = Served(
        env={
            "CHAT_EMULATOR_IN_MEMORY": "true",
            "CHAT_EMULATOR_ONLY": "rocketchat",
            "CHAT_EMULATOR_SEED": "5",
        },
        products=["rocketchat"],
    )
    try:
        assert set(served.urls) == {"rocketchat"}
        health = requests.get(f"{served.urls['rocketchat']}/_emulator/health", timeout=5).json()
        assert health["persistent"] is False
    finally:
        assert served.stop() == 0


def test_own_fixtures_file(tmp_path):
    scenario = {
        "users": [{"username": "zed", "password": "zed-password", "admin": True}],
        "channels": [{"name": "ops", "members": ["zed"]}],
        "posts": [{"channel": "ops", "user": "zed", "message": "hello from a fixture"}],
    }
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario))
    served = Served("--in-memory", "--fixtures", str(path))
    try:
        rc = served.urls["rocketchat"]
        login = requests.post(
            f"{rc}/api/v1/login", json={"user": "zed", "password": "zed-password"}, timeout=5
        )
        assert login.status_code == 200
    finally:
        assert served.stop() == 0


def test_sigint_also_exits_cleanly_and_flushes(tmp_path):
    served = Served("--data-dir", str(tmp_path), "--only", "rocketchat", products=["rocketchat"])
    rc = served.urls["rocketchat"]
    login = requests.post(
        f"{rc}/api/v1/login", json={"user": "bob", "password": "bob-password"}, timeout=5
    )
    assert login.status_code == 200
    assert served.stop(signal.SIGINT) == 0
    assert "Traceback" not in served.stderr
    # SIGINT is gunicorn's quick shutdown: the worker's last compaction may or may not finish
    # before the arbiter stops waiting for it, so read the store as a restart would (snapshot
    # plus journal), not the snapshot file alone.
    store = Store(tmp_path / "rocketchat.json")
    ROCKETCHAT.define_tables(store)
    assert store.read_files() is True
    assert [t["userId"] for t in store.all("tokens")] == [login.json()["data"]["userId"]]


def test_serve_handles_64_concurrent_clients(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    served = Served("--in-memory")
    try:
        mm, rc = served.urls["mattermost"], served.urls["rocketchat"]

        def session(i: int) -> tuple[int, int]:
            with requests.Session() as client:
                login = client.post(
                    f"{mm}/api/v4/users/login",
                    timeout=30,
                    json={"login_id": "alice", "password": "alice-password"},
                )
                info = client.get(f"{rc}/api/info", timeout=30)
                return login.status_code, info.status_code

        with ThreadPoolExecutor(max_workers=64) as pool:
            results = list(pool.map(session, range(64)))
    finally:
        assert served.stop() == 0
    assert results == [(200, 200)] * 64
