"""What a product package gives the core, and how the two products are laid out alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from . import operations
from .routing import resource_blueprints

if TYPE_CHECKING:
    from flask import Flask, Response

    from .ratelimit import RateLimitPolicy
    from .runtime import Runtime
    from .store import Store
    from .workspace import Workspace


@dataclass(frozen=True)
class Product:
    """What a product package gives the core, as data (``emulator/<product>/__init__.py``).

    Every field but ``name`` and ``rate_limit`` is a function of the product's own modules.
    """

    name: str
    define_tables: Callable[[Store], None]
    seed: Callable[[Runtime, Workspace], None]
    #: Image-style environment (``ADMIN_*``, ``MM_*``...): at seeding, then on every start.
    apply_environment: Callable[[Runtime, bool], None]
    #: Routes, hooks and realtime endpoints on the product's Flask app.
    register: Callable[[Flask], None]
    #: The product's own error body for an HTTP status (unknown routes, fault errors).
    error_response: Callable[[int, str], Response]

    # -- what the control plane needs to know (fault matching, journal, limiter) --
    rate_limit: RateLimitPolicy
    #: ``(user id, username)`` of the request's credentials, if the API would accept them.
    identify_user: Callable[[Runtime, dict[str, Any]], tuple[str, str] | None]
    #: ``(channel id, name)`` the request is about, from its path, query or body.
    identify_channel: Callable[[Runtime, dict[str, Any], bytes | None], tuple[str, str] | None]
    #: A realtime frame's event name and ``(channel id, name)``, for realtime faults.
    frame_subject: Callable[
        [Runtime, str, dict[str, Any]], tuple[str | None, tuple[str, str] | None]
    ]
    #: Posts (wire shape, oldest first) of a channel given by id or name; None if unknown.
    posts_since: Callable[[Runtime, str, int], list[dict] | None]

    # -- what the dashboard needs --
    workspace_overview: Callable[[Runtime], dict[str, Any]]
    post_as: Callable[[Runtime, str, str, str], dict | None]
    #: A realtime event as ``{"type": "post", "channel_id", "id", "user", "text", "at"}``.
    dashboard_event: Callable[[Runtime, str, dict], dict | None]
    #: A login for a username, as the live view's script talks to the product's own API with it:
    #: ``{"token", "user_id", "username"}``; None if no such active user.
    session_for: Callable[[Runtime, str], dict | None]


def product_from_modules(
    package: str,
    rate_limit: RateLimitPolicy,
    error_response: Callable[[int, str], Response],
    *,
    plumbing: Callable[[Flask], None],
    resources: ModuleType,
    legacy: ModuleType,
    realtime: ModuleType,
    tables: ModuleType,
    seed: ModuleType,
    identity: ModuleType,
    inspection: ModuleType,
) -> Product:
    """A product laid out as both are: ``plumbing`` (request hooks) then every blueprint of
    ``resources``, the ``legacy.blueprint`` API and the ``realtime.register`` socket, then the 501s
    of the documented operations left; ``tables``/``seed`` build the store, ``identity`` serves
    the control plane and ``inspection`` the dashboard."""

    def register(app: Flask) -> None:
        plumbing(app)
        for blueprint in resource_blueprints(resources):
            app.register_blueprint(blueprint)
        app.register_blueprint(legacy.blueprint)
        realtime.register(app)
        operations.install(app, package)

    return Product(
        name=package.rsplit(".", 1)[-1],
        define_tables=tables.define_tables,
        seed=seed.seed,
        apply_environment=seed.apply_environment,
        register=register,
        error_response=error_response,
        rate_limit=rate_limit,
        identify_user=identity.identify_user,
        identify_channel=identity.identify_channel,
        frame_subject=identity.frame_subject,
        posts_since=inspection.posts_since,
        workspace_overview=inspection.workspace_overview,
        post_as=inspection.post_as,
        dashboard_event=inspection.dashboard_event,
        session_for=inspection.session_for,
    )
