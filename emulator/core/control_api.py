"""The ``/_emulator`` control API, mounted on every product port."""

from __future__ import annotations

import hmac
import ipaddress
import json
from typing import Any
from urllib.parse import parse_qs

from flask import Blueprint, Response, jsonify, request
from flask.views import MethodView

from .. import __version__
from .faults import FaultError, FaultRules
from .frame_faults import FrameFaults
from .ids import check_state
from .latency import parse_duration_ms
from .runtime import runtime
from .store import StoreError

blueprint = Blueprint("emulator_control", __name__, url_prefix="/_emulator")


def _error(status: int, message: str) -> Response:
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    return response


def from_loopback() -> bool:
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _bearer_token() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _host_allowed() -> bool:
    """``Host`` names this server: a loopback name or the configured ``--host``, with our port.
    A page that rebinds its own name to 127.0.0.1 still sends that name, so it reads nothing."""
    host = request.headers.get("Host", "")
    name, port = _split_host(host)
    if name is None:
        return False
    allowed = LOOPBACK_NAMES | {runtime().config.host.lower().strip("[]")}
    own_port = request.environ.get("SERVER_PORT") or "80"
    return name in allowed and (port or "80") == own_port


def _split_host(host: str) -> tuple[str | None, str | None]:
    host = host.strip().lower()
    if host.startswith("["):
        name, bracket, rest = host[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None, None
        return name, rest[1:] or None
    name, _, port = host.partition(":")
    return (name or None), (port or None)


def _origin_allowed() -> bool:
    """A state-changing call from a browser must come from this origin (the dashboard); other
    sites, and ``Origin: null`` (sandboxed frames, file pages), are refused. Clients that are
    not browsers send no ``Origin``."""
    if request.method in SAFE_METHODS:
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")
    return origin.lower() == f"{request.scheme}://{request.headers.get('Host', '')}".lower()


@blueprint.before_request
def guard() -> Response | None:
    """A valid ``Authorization: Bearer <control token>`` admits anyone (a browser cannot send it
    cross-site). Otherwise: loopback callers only, addressing us by a name of ours (no DNS
    rebinding), and state changes only from our own origin (no cross-site requests)."""
    if request.endpoint == "emulator_control.health":
        return None
    token = runtime().config.control_token
    if token:
        supplied = _bearer_token() or ""
        if hmac.compare_digest(supplied.encode(), token.encode()):
            return None
        if not from_loopback():
            return _error(401, "a valid control token is required (Authorization: Bearer ...)")
    if not from_loopback():
        return _error(
            403, "the control API answers loopback clients only; start with --control-token"
        )
    if not _host_allowed():
        port = request.environ.get("SERVER_PORT") or "80"
        return _error(
            403,
            f"the control API answers Host 127.0.0.1, localhost, [::1] or "
            f"{runtime().config.host}, port {port}",
        )
    if not _origin_allowed():
        return _error(403, "the control API refuses cross-site requests")
    return None


@blueprint.get("/health")
def health() -> Response:
    body = runtime().health()
    body["version"] = __version__
    return jsonify(body)


@blueprint.post("/reset")
def reset() -> Response:
    runtime().reset()
    return jsonify({"status": "ok"})


@blueprint.get("/snapshot")
def get_snapshot() -> Response:
    rt = runtime()
    tables = rt.store.dump()
    # Read after the dump: the position is past every id the tables hold.
    return jsonify({"product": rt.product.name, "tables": tables, "ids": rt.ids.state()})


@blueprint.put("/snapshot")
def put_snapshot() -> Response:
    body = request.get_json(silent=True)
    tables = body.get("tables") if isinstance(body, dict) else None
    if not isinstance(tables, dict) or not all(
        isinstance(docs, list) and all(isinstance(d, dict) for d in docs)
        for docs in tables.values()
    ):
        return _error(400, 'body must be {"tables": {"<table>": [document, ...]}}')
    ids = body.get("ids")
    if ids is not None:  # without it (a hand-made body) new ids come from a stream of their own
        try:
            ids = check_state(ids)
        except ValueError as exc:
            return _error(400, str(exc))
    rt = runtime()
    try:
        rt.store.validate_dump(tables)
    except StoreError as exc:
        return _error(400, str(exc))
    rt.store.load(tables, ids)
    return jsonify({"status": "ok"})


def callout_view(entry: dict[str, Any]) -> dict[str, Any]:
    """A journaled call-out as ``/callouts`` shows it."""
    headers = entry.get("headers") or {}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return {
        "id": entry["id"],
        "time": entry["time"],
        "product": entry.get("product", ""),
        "kind": entry.get("callout_kind", ""),
        "hook_id": entry.get("hook_id", ""),
        "method": entry["method"],
        "url": entry["path"],
        "headers": headers,
        "body": entry["body"],
        "payload": decode_payload(entry["body"], content_type),
        "status": entry["status"],
        "response": entry["response"],
        "answer": decode_payload(entry["response"], "application/json"),
        "duration_ms": entry["duration_ms"],
        "error": entry["error"],
        "fault": entry["fault"],
    }


def decode_payload(body: str, content_type: str) -> Any:
    """A JSON or form body as data; None when it is neither (or was cut in the journal)."""
    if not body:
        return None
    if "x-www-form-urlencoded" in content_type:
        fields = parse_qs(body, keep_blank_values=True)
        return {k: v[0] if len(v) == 1 else v for k, v in fields.items()}
    try:
        return json.loads(body)
    except ValueError:
        return None


def _json_object() -> dict | None:
    body = request.get_json(silent=True, force=True)
    return body if isinstance(body, dict) else None


# -- fault rules: HTTP and realtime books, one set of routes each ---------------------------------


# (URL prefix, runtime attribute holding the book, the noun a 404 names)
RULE_BOOKS = (
    ("/faults", "faults", "fault rule"),
    ("/realtime/faults", "frame_faults", "realtime fault rule"),
)


class RuleBookView(MethodView):
    """``GET``/``POST``/``DELETE`` a whole book, ``GET``/``DELETE`` one rule of it."""

    def __init__(self, book: str, noun: str) -> None:
        self.book, self.noun = book, noun

    def rules(self) -> FaultRules | FrameFaults:
        return getattr(runtime(), self.book)

    def get(self, rule_id: str | None = None) -> Response:
        if rule_id is None:
            return jsonify({"faults": [rule.view() for rule in self.rules().rules()]})
        rule = self.rules().get(rule_id)
        if rule is None:
            return _error(404, f"no {self.noun} {rule_id}")
        return jsonify(rule.view(detail=True))

    def post(self) -> Response:
        try:
            rule = self.rules().add(request.get_json(silent=True, force=True))
        except FaultError as exc:
            return _error(400, str(exc))
        response = jsonify(rule.view())
        response.status_code = 201
        return response

    def delete(self, rule_id: str | None = None) -> Response:
        if rule_id is None:
            self.rules().clear()
        elif not self.rules().remove(rule_id):
            return _error(404, f"no {self.noun} {rule_id}")
        return jsonify({"status": "ok"})


for _prefix, _book, _noun in RULE_BOOKS:
    _view = RuleBookView.as_view(_book, _book, _noun)
    blueprint.add_url_rule(_prefix, view_func=_view, methods=["GET", "POST", "DELETE"])
    blueprint.add_url_rule(f"{_prefix}/<rule_id>", view_func=_view, methods=["GET", "DELETE"])


# -- rate limiting, latency, clock: each a GET/PUT/DELETE setting ---------------------------------


class RateLimitView(MethodView):
    def get(self) -> Response:
        rt = runtime()
        return jsonify(rt.product.rate_limit.settings(rt))

    def put(self) -> Response:
        rt = runtime()
        body = _json_object()
        if body is None:
            return _error(400, "body must be a JSON object of the product's rate-limit settings")
        try:
            return jsonify(rt.product.rate_limit.configure(rt, body))
        except ValueError as exc:
            return _error(400, str(exc))

    def delete(self) -> Response:
        rt = runtime()
        return jsonify(rt.product.rate_limit.disable(rt))


class LatencyView(MethodView):
    def get(self) -> Response:
        return jsonify(runtime().latency.state())

    def put(self) -> Response:
        body = _json_object()
        if body is None or set(body) - {"latency_ms", "jitter_ms"}:
            return _error(400, 'body must be {"latency_ms": <ms>, "jitter_ms": <ms>}')
        latency = runtime().latency
        try:
            ms = parse_duration_ms(body.get("latency_ms", latency.latency_ms))
            jitter = parse_duration_ms(body.get("jitter_ms", latency.jitter_ms))
        except ValueError as exc:
            return _error(400, str(exc))
        latency.set(ms, jitter)
        return jsonify(latency.state())

    def delete(self) -> Response:
        latency = runtime().latency
        latency.set(0, 0)
        return jsonify(latency.state())


class ClockView(MethodView):
    def get(self) -> Response:
        return jsonify(runtime().clock.state())

    def put(self) -> Response:
        body = _json_object()
        if body is None or set(body) - {"freeze", "now_ms", "advance_ms"}:
            return _error(400, 'body must be {"freeze": bool, "now_ms": int, "advance_ms": int}')
        freeze, now_ms, advance = body.get("freeze"), body.get("now_ms"), body.get("advance_ms")
        if freeze is not None and not isinstance(freeze, bool):
            return _error(400, "freeze must be true or false")
        for name, value in (("now_ms", now_ms), ("advance_ms", advance)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                return _error(400, f"{name} must be an integer number of milliseconds")
        if advance is not None and advance < 0:
            return _error(400, "advance_ms must be >= 0: the clock does not go back (set now_ms)")
        clock = runtime().clock
        if freeze is True:
            clock.freeze(now_ms)
        elif now_ms is not None:
            clock.set(now_ms)
        if freeze is False:
            clock.unfreeze()
        if advance:
            clock.advance(advance)
        return jsonify(clock.state())


# (URL, view, endpoint): the clock has no DELETE
SETTINGS = (
    ("/rate-limit", RateLimitView, "rate_limit"),
    ("/latency", LatencyView, "latency"),
    ("/clock", ClockView, "clock"),
)
for _path, _view_class, _endpoint in SETTINGS:
    blueprint.add_url_rule(_path, view_func=_view_class.as_view(_endpoint))


# -- request journal ------------------------------------------------------------------------------


@blueprint.get("/requests")
def list_requests() -> Response:
    args = request.args
    try:
        since = int(args["since"]) if args.get("since") else None
        limit = int(args["limit"]) if args.get("limit") else None
    except ValueError:
        return _error(400, "since and limit must be integers")
    if limit is not None and limit < 0:
        return _error(400, "limit must be >= 0")
    found = runtime().journal.query(
        method=args.get("method") or None,
        path=args.get("path") or None,
        user=args.get("user") or None,
        since=since,
        limit=limit,
    )
    return jsonify({"requests": found})


@blueprint.get("/callouts")
def list_callouts() -> Response:
    """The calls the emulator made to the app under test, oldest first, from the journal: with
    ``payload`` (the body decoded from JSON or form) and ``answer`` (the reply decoded from
    JSON). Filters: ``after`` (an entry id), ``url`` (substring), ``kind``, ``limit``."""
    args = request.args
    try:
        after = int(args["after"]) if args.get("after") else None
        limit = int(args["limit"]) if args.get("limit") else None
    except ValueError:
        return _error(400, "after and limit must be integers")
    if limit is not None and limit < 0:
        return _error(400, "limit must be >= 0")
    url, kind = args.get("url") or "", args.get("kind") or ""
    found = [
        callout_view(entry)
        for entry in reversed(runtime().journal.query())
        if entry.get("kind") == "callback"
        and (after is None or entry["id"] > after)
        and url in entry.get("path", "")
        and (not kind or entry.get("callout_kind") == kind)
    ]
    if limit is not None:
        found = found[-limit:] if limit else []
    return jsonify({"callouts": found})


@blueprint.delete("/requests")
def clear_requests() -> Response:
    runtime().journal.clear()
    return jsonify({"status": "ok"})


@blueprint.get("/accounts")
def list_accounts() -> Response:
    """Seeded accounts with known passwords (fixtures, env admins): what test fixtures use."""
    accounts = [{k: a[k] for k in ("username", "password", "admin")} for a in runtime().accounts]
    return jsonify({"accounts": accounts})


@blueprint.get("/posts")
def list_posts() -> Response:
    """Posts of a channel (id or name) since ``since`` ms, oldest first, in the product's shape."""
    channel = request.args.get("channel", "")
    try:
        since = int(request.args.get("since", "0"))
    except ValueError:
        return _error(400, "since must be an integer (epoch ms)")
    try:
        limit = int(request.args.get("limit", "1000"))
    except ValueError:
        return _error(400, "limit must be an integer")
    rt = runtime()
    posts = rt.product.posts_since(rt, channel, since) if channel else None
    if posts is None:
        return _error(404, f"no channel {channel!r}")
    return jsonify({"posts": posts[-limit:] if limit > 0 else []})


# -- realtime connections -------------------------------------------------------------------------


@blueprint.get("/realtime/connections")
def list_connections() -> Response:
    connections = [
        {
            "id": conn.id,
            "path": conn.path,
            "user": conn.username,
            "user_id": conn.user_id,
            "opened_ms": conn.opened_ms,
        }
        for conn in runtime().realtime.connections()
        if conn.alive
    ]
    return jsonify({"connections": connections})


@blueprint.post("/realtime/disconnect")
def disconnect_now() -> Response:
    rt = runtime()
    try:
        body = request.get_json(silent=True, force=True)
        if body is None and not request.get_data():
            body = {}
        done = rt.frame_faults.disconnect_now(rt.realtime.connections(), body)
    except FaultError as exc:
        return _error(400, str(exc))
    return jsonify({"disconnected": done})
