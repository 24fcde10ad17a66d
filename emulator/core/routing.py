"""Finding a product's resource blueprints: adding a resource module needs no registration."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any

from flask import Blueprint
from werkzeug.routing import Rule


def resource_blueprints(package: ModuleType) -> list[Blueprint]:
    """The ``blueprint`` of every module in ``package``, in module-name order."""
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        blueprint = getattr(module, "blueprint", None)
        if isinstance(blueprint, Blueprint):
            found.append(blueprint)
    return found


class LazyBuilderRule(Rule):
    """A werkzeug rule that compiles its URL builders on first use, not when it is added.

    Werkzeug compiles two builder functions (Python source through ``compile``) for every rule as
    it is added: with ~470 routes per product that was a third of start-up. The emulator matches
    far more URLs than it builds, so the cost moves to the first ``url_for`` of a rule.
    """

    def _compile_builder(self, append_unknown: bool = True) -> Any:
        attribute = "_build_unknown" if append_unknown else "_build"

        def build_on_first_use(rule: Rule, *args: Any, **kwargs: Any) -> tuple[str, str]:
            builder = Rule._compile_builder(rule, append_unknown)
            setattr(rule, attribute, builder.__get__(rule, None))
            return builder(rule, *args, **kwargs)

        return build_on_first_use
