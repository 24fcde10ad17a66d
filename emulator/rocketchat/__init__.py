"""The Rocket.Chat product: REST v1 (+ DDP over ``/websocket``) and the legacy REST API."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response

from ..core import operations
from ..core.routing import resource_blueprints
from ..core.runtime import Runtime
from ..core.store import Store
from ..core.workspace import Workspace
from . import ddp, errors, identity, inputs, inspection, legacy, resources, seed, tables
from .ratelimit import RATE_LIMIT


class RocketChatProduct:
    name = "rocketchat"
    rate_limit = RATE_LIMIT

    def define_tables(self, store: Store) -> None:
        tables.define_tables(store)

    def seed(self, runtime: Runtime, workspace: Workspace) -> None:
        seed.seed(runtime, workspace)

    def apply_environment(self, runtime: Runtime, seeding: bool) -> None:
        seed.apply_environment(runtime, seeding)

    def register(self, app: Flask) -> None:
        # Declared or chunked, a body past the limit is refused with 413 as soon as it is passed.
        app.config["MAX_CONTENT_LENGTH"] = inputs.MAX_BODY_BYTES
        app.register_error_handler(errors.RocketError, errors.to_response)
        for blueprint in resource_blueprints(resources):
            app.register_blueprint(blueprint)
        app.register_blueprint(legacy.blueprint)
        ddp.register(app)
        operations.install(app, __name__)

    def error_response(self, status: int, message: str) -> Response:
        documented = operations.unimplemented_operation() if status in (404, 405) else None
        if documented is not None:
            return errors.to_response(errors.not_implemented(documented.label))
        return errors.to_response(errors.for_status(status))

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


PRODUCT = RocketChatProduct()
