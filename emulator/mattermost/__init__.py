"""The Mattermost product: API v4 (+ WebSocket) and the API v1 of the seed documents."""

from __future__ import annotations

from flask import Flask, Response, g, request

from ..core import operations
from ..core.product import product_from_modules
from ..core.runtime import EXTENSION_KEY, runtime
from . import (
    authentication,
    control,
    errors,
    identity,
    inputs,
    inspection,
    legacy,
    resources,
    seed,
    settings,
    tables,
    websocket,
)
from .models import untrusted, webhook_answers
from .ratelimit import RATE_LIMIT


def _plumbing(app: Flask) -> None:
    # Also bounds bodies of unknown length (chunked): reading past it raises the 413.
    app.config["MAX_CONTENT_LENGTH"] = inputs.MAX_BODY_BYTES
    app.before_request(_begin)
    app.after_request(_headers)
    app.register_error_handler(errors.AppError, errors.to_response)
    app.register_blueprint(control.blueprint)
    webhook_answers.register(app.extensions[EXTENSION_KEY])
    untrusted.register(app.extensions[EXTENSION_KEY])


def _begin() -> None:
    rt = runtime()
    g.request_id = rt.ids.mattermost_token()
    if request.content_length and request.content_length > inputs.MAX_BODY_BYTES:
        raise errors.AppError(413, errors.BODY_TOO_LARGE)
    if request.path.startswith("/api/"):
        authentication.refuse_query_token(rt, request.environ)


def _headers(response: Response) -> Response:
    response.headers["X-Request-Id"] = g.get("request_id", "")
    response.headers["X-Version-Id"] = settings.VERSION_ID
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Permissions-Policy"] = ""
    if request.method == "GET":
        response.headers["Expires"] = "0"
    return response


def _error_response(status: int, message: str) -> Response:
    error = errors.for_status(status, f"{message} url={request.path}")
    documented = operations.unimplemented_operation() if status in (404, 405) else None
    if documented is not None:
        error = errors.not_implemented(documented.label)
    if legacy.is_v1_request():
        return legacy.v1_error(error)
    return errors.to_response(error)


PRODUCT = product_from_modules(
    __name__,
    RATE_LIMIT,
    _error_response,
    plumbing=_plumbing,
    resources=resources,
    legacy=legacy,
    realtime=websocket,
    tables=tables,
    seed=seed,
    identity=identity,
    inspection=inspection,
)
