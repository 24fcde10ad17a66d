"""Call-out latency: run ``python bench/callouts.py`` (also part of ``make bench``).

A Mattermost emulator with an outgoing webhook whose callback is a local HTTP receiver; each of
N posts (made through the REST API, one after the other) is timed from the moment the post is
created (its ``posted`` event) to the moment the receiver has the call's body. Prints p50, p99
and the maximum; the goal is p99 <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.server import ThreadedServer

GOAL_P99_MS = 50.0


class Receiver:
    """The app under test: notes when each post's call arrived, answers with an empty 200."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                at = time.perf_counter()
                with receiver.cond:
                    receiver.arrived[json.loads(body)["post_id"]] = at
                    receiver.cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait_for(self, post_id: str) -> float:
        with self.cond:
            if not self.cond.wait_for(lambda: post_id in self.arrived, 10):
                raise TimeoutError(f"the call for post {post_id} never arrived")
            return self.arrived[post_id]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=500)
    args = parser.parse_args()

    receiver = Receiver()
    threading.Thread(target=receiver.server.serve_forever, daemon=True).start()
    app = create_app("mattermost", ephemeral_config())
    rt = runtime_of(app)
    created: dict[str, float] = {}

    def on_event(name: str, payload: dict) -> None:
        if name == "posted":
            created[payload["data"]["post"]["id"]] = time.perf_counter()

    rt.events.subscribe(on_event)
    with ThreadedServer(app) as server, requests.Session() as http:
        login = http.post(
            f"{server.url}/api/v4/users/login",
            json={"login_id": "admin", "password": "admin-password"},
            timeout=10,
        )
        http.headers["Authorization"] = f"Bearer {login.headers['Token']}"
        team = http.get(f"{server.url}/api/v4/teams/name/acme", timeout=10).json()
        channel = http.get(
            f"{server.url}/api/v4/teams/{team['id']}/channels/name/engineering", timeout=10
        ).json()
        http.post(
            f"{server.url}/api/v4/hooks/outgoing",
            json={
                "team_id": team["id"],
                "display_name": "bench",
                "trigger_words": ["bench"],
                "callback_urls": [receiver.url],
                "content_type": "application/json",
            },
            timeout=10,
        ).raise_for_status()
        latencies = []
        for n in range(args.posts):
            post = http.post(
                f"{server.url}/api/v4/posts",
                json={"channel_id": channel["id"], "message": f"bench {n}"},
                timeout=10,
            ).json()
            arrived = receiver.wait_for(post["id"])
            latencies.append((arrived - created[post["id"]]) * 1000)
        rt.callouts.wait_idle(10)
    receiver.server.shutdown()

    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, round(0.99 * len(latencies)) - 1)]
    verdict = "ok" if p99 <= GOAL_P99_MS else "MISSED"
    print(
        f"call-out latency, post created -> app receives ({len(latencies)} posts): "
        f"p50 {p50:6.2f} ms, p99 {p99:6.2f} ms, max {latencies[-1]:6.2f} ms "
        f"(goal p99 <= {GOAL_P99_MS:.0f} ms: {verdict})"
    )


if __name__ == "__main__":
    main()
