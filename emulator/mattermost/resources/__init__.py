"""Mattermost API v4 resources, one module each, named after the upstream ``api4/*.go`` files.

Each module exposes a ``blueprint``; ``core.routing.resource_blueprints`` finds them all.
"""
