"""The Mattermost product: API v4 (+ WebSocket) and the API v1 of the seed documents."""

from __future__ import annotations

from flask import Response, request

from ..core import operations
from ..core.product import product_from_modules
from . import api, errors, identity, inspection, legacy, resources, seed, tables, websocket
from .ratelimit import RATE_LIMIT


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
    plumbing=api.install,
    resources=resources,
    legacy=legacy,
    realtime=websocket,
    tables=tables,
    seed=seed,
    identity=identity,
    inspection=inspection,
)
