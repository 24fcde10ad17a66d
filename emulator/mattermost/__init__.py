"""The Mattermost product: API v4 (+ WebSocket) and the API v1 of the seed documents."""

from __future__ import annotations

from flask import Flask, Response, request

from ..core import operations
from ..core.routing import resource_blueprints
from ..core.runtime import Product
from . import api, errors, identity, inspection, legacy, resources, seed, tables, websocket
from .ratelimit import RATE_LIMIT


def _register(app: Flask) -> None:
    api.install(app)
    for blueprint in resource_blueprints(resources):
        app.register_blueprint(blueprint)
    app.register_blueprint(legacy.blueprint)
    websocket.register(app)
    operations.install(app, __name__)


def _error_response(status: int, message: str) -> Response:
    error = errors.for_status(status, f"{message} url={request.path}")
    documented = operations.unimplemented_operation() if status in (404, 405) else None
    if documented is not None:
        error = errors.not_implemented(documented.label)
    if legacy.is_v1_request():
        return legacy.v1_error(error)
    return errors.to_response(error)


PRODUCT = Product(
    name="mattermost",
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
