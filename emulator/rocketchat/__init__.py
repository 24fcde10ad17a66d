"""The Rocket.Chat product: REST v1 (+ DDP over ``/websocket``) and the legacy REST API."""

from __future__ import annotations

from flask import Flask, Response, jsonify

from ..core import operations
from ..core.product import product_from_modules
from ..core.runtime import EXTENSION_KEY
from . import (
    control,
    ddp,
    errors,
    identity,
    inputs,
    inspection,
    legacy,
    outgoing,
    resources,
    seed,
    tables,
)
from .ratelimit import RATE_LIMIT


def to_response(error: errors.RocketError) -> Response:
    response = jsonify(error.body)
    response.status_code = error.status
    return response


def _plumbing(app: Flask) -> None:
    # Declared or chunked, a body past the limit is refused with 413 as soon as it is passed.
    app.config["MAX_CONTENT_LENGTH"] = inputs.MAX_BODY_BYTES
    app.register_error_handler(errors.RocketError, to_response)
    app.register_blueprint(control.blueprint)
    outgoing.register(app.extensions[EXTENSION_KEY])


def _error_response(status: int, message: str) -> Response:
    documented = operations.unimplemented_operation() if status in (404, 405) else None
    if documented is not None:
        return to_response(errors.not_implemented(documented.label))
    return to_response(errors.for_status(status))


PRODUCT = product_from_modules(
    __name__,
    RATE_LIMIT,
    _error_response,
    plumbing=_plumbing,
    resources=resources,
    legacy=legacy,
    realtime=ddp,
    tables=tables,
    seed=seed,
    identity=identity,
    inspection=inspection,
)
