"""Socket capacity figures: run ``make bench`` (or ``python bench/sockets.py [--sockets N]``).

Starts ``chat-emulator serve`` (and, with ``--server threaded``, the werkzeug server the tests
and the pytest plugin use) on loopback, then prints:
- sockets held: how many WebSockets (half Mattermost, authenticated; half Rocket.Chat DDP, never
  speaking) opened before one upgrade stalled (target: all N, N >= 1000),
- REST (``/api/v4/system/ping``, ``/api/info``) and control-API (``/_emulator/health``) p50/p99,
  idle and with those sockets open (target: p50 within 2x of idle).
Every loop is bounded: an upgrade or a request that takes over 5 s counts as a stall.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit

import requests

STALL_SECONDS = 5.0
SAMPLES = 200


def start(server: str) -> tuple[subprocess.Popen, dict[str, str]]:
    """The emulator in a child process (so that its threads do not share our interpreter)."""
    if server == "serve":
        command = [sys.executable, "-m", "emulator.cli", "serve", "--in-memory"]
        command += ["--mattermost-port", "0", "--rocketchat-port", "0"]
    else:
        command = [sys.executable, __file__, "--child-threaded"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    urls: dict[str, str] = {}
    deadline = time.monotonic() + 60
    while len(urls) < 2 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{server} exited before it was ready")
        found = re.match(r"\s+(mattermost|rocketchat)\s+(http://\S+)$", line)
        if found:
            urls[found.group(1)] = found.group(2)
    return proc, urls


def child_threaded() -> None:
    """``--server threaded``: both products on ``ThreadedServer`` until killed."""
    from emulator.config import ephemeral_config
    from emulator.server import start_in_thread

    config = ephemeral_config()
    servers = [start_in_thread(p, config) for p in config.products]
    for product, server in zip(config.products, servers, strict=True):
        print(f"  {product} {server.url}", flush=True)
    while True:
        time.sleep(3600)


def upgrade(url: str, path: str, headers: dict[str, str]) -> socket.socket | None:
    """One WebSocket upgrade on a raw socket (no reader thread here), or None on a stall."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=STALL_SECONDS)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    try:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    except OSError:
        reply = b""
    if not reply.startswith(b"HTTP/1.1 101"):
        sock.close()
        return None
    return sock


def percentiles(url: str, samples: int = SAMPLES) -> tuple[float, float, int]:
    """(p50, p99) in ms of ``GET url`` on one kept-alive connection, and the stalls."""
    costs, stalls = [], 0
    with requests.Session() as session:
        for _ in range(samples):
            began = time.perf_counter()
            try:
                session.get(url, timeout=STALL_SECONDS).raise_for_status()
            except requests.RequestException:
                stalls += 1
                if stalls >= 3:
                    break
                continue
            costs.append((time.perf_counter() - began) * 1000)
    if not costs:
        return float("nan"), float("nan"), stalls
    costs.sort()
    return statistics.median(costs), costs[min(len(costs) - 1, int(len(costs) * 0.99))], stalls


def probes(urls: dict[str, str]) -> dict[str, tuple[float, float, int]]:
    return {
        "MM REST ping": percentiles(urls["mattermost"] + "/api/v4/system/ping"),
        "RC REST info": percentiles(urls["rocketchat"] + "/api/info"),
        "control health": percentiles(urls["mattermost"] + "/_emulator/health"),
    }


def run(server: str, count: int) -> None:
    proc, urls = start(server)
    held: list[socket.socket] = []
    try:
        idle = probes(urls)
        login = requests.post(
            urls["mattermost"] + "/api/v4/users/login",
            json={"login_id": "admin", "password": "admin-password"},
            timeout=STALL_SECONDS,
        )
        bearer = {"Authorization": f"Bearer {login.headers['Token']}"}
        began = time.perf_counter()
        for i in range(count):
            if i % 2 == 0:
                sock = upgrade(urls["mattermost"], "/api/v4/websocket", bearer)
            else:
                sock = upgrade(urls["rocketchat"], "/websocket", {})
            if sock is None:
                break
            held.append(sock)
        opening = time.perf_counter() - began
        loaded = probes(urls)
        print(f"server: {server}, sockets held: {len(held)} of {count} (opened in {opening:.1f} s)")
        print(f"  {'probe':<15} {'idle p50':>9} {'idle p99':>9} {'N p50':>9} {'N p99':>9} ratio")
        for name, (i50, i99, _) in idle.items():
            l50, l99, stalls = loaded[name]
            note = f"  ({stalls} stalled)" if stalls else ""
            print(
                f"  {name:<15} {i50:>7.2f}ms {i99:>7.2f}ms {l50:>7.2f}ms {l99:>7.2f}ms"
                f" {l50 / i50:>5.2f}{note}"
            )
    finally:
        for sock in held:
            sock.close()
        proc.kill()
        proc.wait(timeout=15)
        proc.stdout.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--server", choices=("serve", "threaded", "both"), default="both")
    parser.add_argument("--child-threaded", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_threaded:
        child_threaded()
        return
    for server in ("serve", "threaded") if args.server == "both" else (args.server,):
        run(server, args.sockets)


if __name__ == "__main__":
    main()
