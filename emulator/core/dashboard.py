"""The demo dashboard at ``/_emulator/ui``: the live workspace, the request journal, switches.

A static page (assets shipped in the package, no CDN) over a few JSON routes and one
server-sent-events stream; it reaches the product only through the product's inspection hooks.
"""

from __future__ import annotations

import contextlib
import json
import queue
from collections.abc import Iterator
from importlib.resources import files

from flask import Blueprint, Response, jsonify, request

from .control_api import from_loopback, guard
from .runtime import runtime

blueprint = Blueprint("emulator_dashboard", __name__, url_prefix="/_emulator")
blueprint.before_request(guard)

ASSETS = {"index.html": "text/html", "app.js": "text/javascript", "style.css": "text/css"}
KEEPALIVE_SECONDS = 15


def _asset(name: str) -> Response:
    body = files("emulator").joinpath("data", "ui", name).read_bytes()
    return Response(body, mimetype=ASSETS[name], headers={"Cache-Control": "no-store"})


@blueprint.get("/ui")
@blueprint.get("/ui/")
def page() -> Response:
    return _asset("index.html")


@blueprint.get("/ui/<name>")
def asset(name: str) -> Response:
    if name not in ASSETS:
        return jsonify({"error": f"no asset {name!r}", "status": 404}), 404
    return _asset(name)


@blueprint.get("/workspace")
def workspace() -> Response:
    rt = runtime()
    # The other product's dashboard, for the product picker (a port of 0 is not known here).
    products = [
        {"name": name, "port": rt.config.port(name)}
        for name in rt.config.products
        if rt.config.port(name) or name == rt.product.name
    ]
    return jsonify(
        {"product": rt.product.name, "products": products, **rt.product.workspace_overview(rt)}
    )


@blueprint.post("/session")
def session() -> Response:
    """A login for the live view's script, which talks to the product's own REST and realtime
    APIs as that user. Loopback callers only, even with the control token: it impersonates."""
    if not from_loopback():
        return jsonify(
            {"error": "sessions are handed to loopback clients only", "status": 403}
        ), 403
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("username"), str):
        return jsonify({"error": 'body must be {"username"}', "status": 400}), 400
    rt = runtime()
    found = rt.product.session_for(rt, body["username"])
    if found is None:
        return jsonify({"error": "unknown or inactive username", "status": 404}), 404
    return jsonify(found), 201


@blueprint.post("/post")
def post() -> Response:
    body = request.get_json(silent=True)
    fields = ("username", "channel_id", "text")
    if not isinstance(body, dict) or not all(isinstance(body.get(f), str) for f in fields):
        return jsonify({"error": 'body must be {"username", "channel_id", "text"}'}), 400
    rt = runtime()
    created = rt.product.post_as(rt, body["username"], body["channel_id"], body["text"])
    if created is None:
        return jsonify({"error": "unknown username or channel_id", "status": 404}), 404
    return jsonify(created), 201


@blueprint.get("/events")
def events() -> Response:
    """Server-sent events: every new post, as the dashboard's product-neutral shape."""
    rt = runtime()
    inbox: queue.Queue[dict] = queue.Queue(maxsize=1000)

    def listener(event: str, payload: dict) -> None:
        translated = rt.product.dashboard_event(rt, event, payload)
        if translated is not None:
            # A stalled browser loses events rather than growing memory.
            with contextlib.suppress(queue.Full):
                inbox.put_nowait(translated)

    unsubscribe = rt.events.subscribe(listener)

    def stream() -> Iterator[str]:
        try:
            yield ": connected\n\n"
            while True:
                try:
                    item = inbox.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    yield ": keepalive\n\n"
                    continue
                yield f"data: {json.dumps(item)}\n\n"
        finally:
            unsubscribe()

    return Response(
        stream(),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
