"""The ``/_emulator`` control API, mounted on every product port."""

from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, Response, jsonify, request

from .. import __version__
from .runtime import runtime
from .store import StoreError

blueprint = Blueprint("emulator_control", __name__, url_prefix="/_emulator")


def _error(status: int, message: str) -> Response:
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    return response


def _from_loopback() -> bool:
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@blueprint.before_request
def guard() -> Response | None:
    """Loopback callers are trusted; others need ``Authorization: Bearer <control token>``."""
    if request.endpoint == "emulator_control.health":
        return None
    token = runtime().config.control_token
    if token:
        supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if hmac.compare_digest(supplied.encode(), token.encode()):
            return None
        if not _from_loopback():
            return _error(401, "a valid control token is required (Authorization: Bearer ...)")
    if not _from_loopback():
        return _error(
            403, "the control API answers loopback clients only; start with --control-token"
        )
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
    return jsonify({"product": rt.product.name, "tables": rt.store.dump()})


@blueprint.put("/snapshot")
def put_snapshot() -> Response:
    body = request.get_json(silent=True)
    tables = body.get("tables") if isinstance(body, dict) else None
    if not isinstance(tables, dict) or not all(
        isinstance(docs, list) and all(isinstance(d, dict) for d in docs)
        for docs in tables.values()
    ):
        return _error(400, 'body must be {"tables": {"<table>": [document, ...]}}')
    rt = runtime()
    try:
        rt.store.validate_dump(tables)
    except StoreError as exc:
        return _error(400, str(exc))
    rt.store.load(tables)
    return jsonify({"status": "ok"})
