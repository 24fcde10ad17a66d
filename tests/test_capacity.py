"""``chat-emulator serve`` keeps answering with more sockets open than it once had threads."""

from __future__ import annotations

import base64
import os
import socket
from urllib.parse import urlsplit

import requests

from tests.test_cli import Served

SOCKETS = 300  # well past the 128 threads that used to be the limit


def upgrade(url: str, path: str) -> socket.socket:
    """A WebSocket upgrade on a raw socket that then never speaks."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    try:
        sock.sendall(request.encode())
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = sock.recv(4096)
            assert chunk, "closed during the upgrade"
            reply += chunk
        assert reply.startswith(b"HTTP/1.1 101"), reply
    except BaseException:
        sock.close()
        raise
    return sock


def test_serve_holds_hundreds_of_idle_sockets_and_still_answers(tmp_path):
    served = Served("--data-dir", str(tmp_path))
    held: list[socket.socket] = []
    try:
        for _ in range(SOCKETS):
            held.append(upgrade(served.urls["rocketchat"], "/websocket"))
        for url in served.urls.values():
            health = requests.get(f"{url}/_emulator/health", timeout=10)
            assert health.status_code == 200
        ping = requests.get(f"{served.urls['mattermost']}/api/v4/system/ping", timeout=10)
        assert ping.json()["status"] == "OK"
    finally:
        for sock in held:
            sock.close()
        assert served.stop() == 0
