"""The Rocket.Chat product: REST v1 (+ DDP over ``/websocket``) and the legacy REST API."""

from __future__ import annotations

from flask import Flask, Response, jsonify

from ..core import operations
from ..core.routing import resource_blueprints
from ..core.runtime import Product
from . import ddp, errors, identity, inputs, inspection, legacy, resources, seed, tables
from .ratelimit import RATE_LIMIT


def to_response(error: errors.RocketError) -> Response:
    response = jsonify(error.body)
    response.status_code = error.status
    return response


def _register(app: Flask) -> None:
    # Declared or chunked, a body past the limit is refused with 413 as soon as it is passed.
    app.config["MAX_CONTENT_LENGTH"] = inputs.MAX_BODY_BYTES
    app.register_error_handler(errors.RocketError, to_response)
    for blueprint in resource_blueprints(resources):
        app.register_blueprint(blueprint)
    app.register_blueprint(legacy.blueprint)
    ddp.register(app)
    operations.install(app, __name__)


def _error_response(status: int, message: str) -> Response:
    documented = operations.unimplemented_operation() if status in (404, 405) else None
    if documented is not None:
        return to_response(errors.not_implemented(documented.label))
    return to_response(errors.for_status(status))


PRODUCT = Product(
    name="rocketchat",
    define_tables=tables.define_tables,
    seed=seed.seed,
    apply_environment=seed.apply_environment,
    register=_register,
    error_response=_error_response,
    rate_limit=RATE_LIMIT,
    identify_user=identity.identify_user,
    identify_channel=identity.identify_channel,
    frame_subject=identity.frame_subject,
    posts_since=inspection.posts_since,
    workspace_overview=inspection.workspace_overview,
    post_as=inspection.post_as,
    dashboard_event=inspection.dashboard_event,
)
