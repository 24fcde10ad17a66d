"""Rocket.Chat REST v1 resources, one module each, named after the upstream ``v1/*.ts`` files."""

from . import authentication, misc

BLUEPRINTS = (authentication.blueprint, misc.blueprint)
