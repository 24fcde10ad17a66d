"""Mattermost API v4 resources, one module each, named after the upstream ``api4/*.go`` files."""

from . import system, users

BLUEPRINTS = (system.blueprint, users.blueprint)
