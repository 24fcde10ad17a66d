"""The DDP method table: each method registers under its upstream name with ``@ddp_method``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (session, connection, params) -> result; the session is a ``protocol.DdpSession``.
Method = Callable[[Any, Any, list], Any]

METHODS: dict[str, Method] = {}
UNDEFINED = object()  # a method result Meteor leaves out of the ``result`` message


def ddp_method(*names: str) -> Callable[[Method], Method]:
    """Register a method under the names clients call it by (``"sendMessage"``, ...)."""

    def register(method: Method) -> Method:
        for name in names:
            if name in METHODS:
                raise ValueError(f"DDP method {name!r} registered twice")
            METHODS[name] = method
        return method

    return register
