"""A real HTTP server standing in for the app under test, which the emulator's call-outs reach.

Each request is recorded before it is answered (``path``, ``headers``, ``body`` as bytes, and
``json``: the decoded body, or None), so once the emulator has the answer the request is here.
Subclasses decide the answer by overriding ``respond``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

TIMEOUT = 10
# status, body, content type
Reply = tuple[int, bytes, str]
EMPTY: Reply = (200, b"", "application/json")


def json_reply(payload: object, status: int = 200) -> Reply:
    return status, json.dumps(payload).encode(), "application/json"


def _decoded(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except ValueError:
        return None


class Receiver:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": raw,
                    "json": _decoded(raw),
                }
                with receiver.cond:
                    receiver.requests.append(request)
                    receiver.cond.notify_all()
                status, data, content_type = receiver.respond(request)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def respond(self, request: dict) -> Reply:
        return EMPTY

    def wait_for(self, count: int) -> list[dict]:
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.requests) >= count, TIMEOUT)
            return list(self.requests)


R = TypeVar("R", bound=Receiver)


@contextmanager
def serving(receiver: R) -> Iterator[R]:
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
