"""The Rocket.Chat product: REST v1 (+ DDP over ``/websocket``) and the legacy REST API."""

from __future__ import annotations

from flask import Flask, Response

from ..core.routing import resource_blueprints
from ..core.runtime import Runtime
from ..core.store import Store
from ..core.workspace import Workspace
from . import api, errors, legacy, resources, seed, tables


class RocketChatProduct:
    name = "rocketchat"

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

    def error_response(self, status: int, message: str) -> Response:
        return errors.to_response(errors.for_status(status))


PRODUCT = RocketChatProduct()
