"""Finding a product's resource blueprints: adding a resource module needs no registration."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from flask import Blueprint


def resource_blueprints(package: ModuleType) -> list[Blueprint]:
    """The ``blueprint`` of every module in ``package``, in module-name order."""
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        blueprint = getattr(module, "blueprint", None)
        if isinstance(blueprint, Blueprint):
            found.append(blueprint)
    return found
