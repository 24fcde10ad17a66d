"""The Mattermost product: API v4 (+ WebSocket) and the API v1 of the seed documents."""

from __future__ import annotations

from flask import Flask, Response, request

from ..core.routing import resource_blueprints
from ..core.runtime import Runtime
from ..core.store import Store
from ..core.workspace import Workspace
from . import api, errors, legacy, resources, seed, tables


class MattermostProduct:
    name = "mattermost"

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
        error = errors.for_status(status, f"{message} url={request.path}")
        if legacy.is_v1_request():
            return legacy.v1_error(error)
        return errors.to_response(error)


PRODUCT = MattermostProduct()
