"""Rocket.Chat outgoing integrations: run ``python bench/rocketchat_outgoing.py``.

Sends messages over REST (``chat.sendMessage``) into a channel an outgoing integration watches
and prints, p50/p99, how long from the request until a local app receives the call, and how
long ``chat.sendMessage`` itself takes: with a plain integration, and with one whose
``prepare_outgoing_request`` script runs (a fresh V8 context per run, in the request).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from emulator.app import create_app
from emulator.config import ephemeral_config
from emulator.server import ThreadedServer

SCRIPT = "class Script { prepare_outgoing_request({ request }) { return request; } }"


class App:
    """The app under test: notes when each text arrives."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.cond = threading.Condition()
        app = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with app.cond:
                    app.arrivals[body["text"]] = time.perf_counter()
                    app.cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, text: str) -> float:
        with self.cond:
            assert self.cond.wait_for(lambda: text in self.arrivals, 10)
            return self.arrivals[text]


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


def main() -> None:
    app = App()
    server = ThreadedServer(create_app("rocketchat", ephemeral_config())).start()
    session = requests.Session()
    login = {"user": "admin", "password": "admin-password"}
    data = session.post(f"{server.url}/api/v1/login", json=login, timeout=10).json()["data"]
    session.headers.update({"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]})
    try:
        for label, script, samples in (("plain", "", 300), ("script", SCRIPT, 150)):
            integration = {
                "type": "webhook-outgoing",
                "name": label,
                "enabled": True,
                "event": "sendMessage",
                "username": "helper-bot",
                "channel": "#general",
                "urls": [app.url],
                "scriptEnabled": bool(script),
                "script": script,
            }
            created = session.post(
                f"{server.url}/api/v1/integrations.create", json=integration, timeout=10
            ).json()["integration"]
            reached, answered = [], []
            for i in range(samples):
                text = f"{label}-{i}"
                message = {"message": {"rid": "GENERAL", "msg": text}}
                start = time.perf_counter()
                session.post(f"{server.url}/api/v1/chat.sendMessage", json=message, timeout=10)
                answered.append((time.perf_counter() - start) * 1000)
                reached.append((app.wait(text) - start) * 1000)
            print(
                f"{label:>6}: message -> app p50 {quantile(reached, 0.5):5.1f} ms, "
                f"p99 {quantile(reached, 0.99):5.1f} ms; chat.sendMessage p50 "
                f"{quantile(answered, 0.5):5.1f} ms, p99 {quantile(answered, 0.99):5.1f} ms"
            )
            remove = {"type": "webhook-outgoing", "integrationId": created["_id"]}
            session.post(f"{server.url}/api/v1/integrations.remove", json=remove, timeout=10)
    finally:
        server.stop()
        app.server.shutdown()


if __name__ == "__main__":
    main()
