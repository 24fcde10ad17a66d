"""The Mattermost product: API v4 (+ WebSocket) and the API v1 of the seed documents."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request

from ..core import operations
from ..core.routing import resource_blueprints
from ..core.runtime import Runtime
from ..core.store import Store
from ..core.workspace import Workspace
from . import api, errors, identity, inspection, legacy, resources, seed, tables, websocket
from .ratelimit import RATE_LIMIT


class MattermostProduct:
    name = "mattermost"
    rate_limit = RATE_LIMIT

    def define_tables(self, store: Store) -> None:
        tables.define_tables(store)

    def seed(self, runtime: Runtime, workspace: Workspace) -> None:
        seed.seed(runtime, workspace)

    def apply_environment(self, runtime: Runtime, seeding: bool) -> None:
        seed.apply_environment(runtime, seeding)

    def register(self, app: Flask) -> None:
        api.install(app)
        for blueprint in resource_blueprints(resources):
            app.register_blueprint(blueprint)
        app.register_blueprint(legacy.blueprint)
        websocket.register(app)
        operations.install(app, __name__)

    def error_response(self, status: int, message: str) -> Response:
        error = errors.for_status(status, f"{message} url={request.path}")
        documented = operations.unimplemented_operation() if status in (404, 405) else None
        if documented is not None:
            error = errors.not_implemented(documented.label)
        if legacy.is_v1_request():
            return legacy.v1_error(error)
        return errors.to_response(error)

    def identify_user(self, runtime: Runtime, environ: dict[str, Any]) -> tuple[str, str] | None:
        return identity.identify_user(runtime, environ)

    def identify_channel(
        self, runtime: Runtime, environ: dict[str, Any], body: bytes | None
    ) -> tuple[str, str] | None:
        return identity.identify_channel(runtime, environ, body)

    def frame_subject(
        self, runtime: Runtime, direction: str, frame: dict[str, Any]
    ) -> tuple[str | None, tuple[str, str] | None]:
        return identity.frame_subject(runtime, direction, frame)

    def posts_since(self, runtime: Runtime, channel: str, since_ms: int) -> list[dict] | None:
        return inspection.posts_since(runtime, channel, since_ms)

    def workspace_overview(self, runtime: Runtime) -> dict[str, Any]:
        return inspection.workspace_overview(runtime)

    def post_as(self, runtime: Runtime, username: str, channel_id: str, text: str) -> dict | None:
        return inspection.post_as(runtime, username, channel_id, text)

    def dashboard_event(self, runtime: Runtime, event: str, payload: dict) -> dict | None:
        return inspection.dashboard_event(runtime, event, payload)


PRODUCT = MattermostProduct()
