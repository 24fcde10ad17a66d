"""create_app(): the one place where products are wired to the shared core."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from .config import PRODUCTS, EmulatorConfig
from .core import pipeline
from .core.control_api import blueprint as control_blueprint
from .core.dashboard import blueprint as dashboard_blueprint
from .core.product import Product
from .core.routing import LazyBuilderRule
from .core.runtime import EXTENSION_KEY, Runtime

# Products are looked up by name so that neither product package imports the other.
_PRODUCT_MODULES = {name: f"emulator.{name}" for name in PRODUCTS}


def load_product(name: str) -> Product:
    if name not in _PRODUCT_MODULES:
        raise ValueError(f"unknown product {name!r}; choose from {', '.join(PRODUCTS)}")
    return importlib.import_module(_PRODUCT_MODULES[name]).PRODUCT


def create_app(
    product: str,
    config: EmulatorConfig,
    progress: Callable[[int, int], None] | None = None,
) -> Flask:
    """Build and boot one product's app; its whole state hangs off ``app.extensions``."""
    spec = load_product(product)
    app = Flask(f"emulator.{product}")
    app.url_rule_class = LazyBuilderRule
    app.json.sort_keys = False
    app.json.compact = True
    runtime = Runtime(spec, config, progress)
    app.extensions[EXTENSION_KEY] = runtime
    app.register_blueprint(control_blueprint)
    app.register_blueprint(dashboard_blueprint)
    spec.register(app)
    # After the product's own hooks: fault errors then carry its request id and headers.
    pipeline.install(app, runtime)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        # Blueprint handlers never see unknown URLs: answer them here, in the product's dialect.
        return spec.error_response(exc.code or 500, exc.description or exc.name)

    runtime.boot()
    return app


def runtime_of(app: Flask) -> Runtime:
    return app.extensions[EXTENSION_KEY]
