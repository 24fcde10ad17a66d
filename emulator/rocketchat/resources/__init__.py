"""Rocket.Chat REST v1 resources, one module each, named after the upstream ``v1/*.ts`` files.

Each module exposes a ``blueprint``; ``core.routing.resource_blueprints`` finds them all.
"""
