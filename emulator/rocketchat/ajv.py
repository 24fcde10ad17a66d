"""The first error ajv reports for a flat object schema, as the route chain answers it. ajv
without ``allErrors`` stops at the first failure, checking ``required`` (in order), then
``additionalProperties``, then each property in the schema's order.

Typed routes (``API.v1.get/post`` with ``query``/``body``) are checked by the HTTP router before
the login: a body failure is ``invalid-params``, a query failure ``error-invalid-params``, both
with the bare messages. Classic ``addRoute``s with ``validateParams`` throw the Meteor error
``"<messages> [invalid-params]"`` after the login."""

from __future__ import annotations

from typing import Any

from . import errors

Doc = dict[str, Any]

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "number": (int, float),
    "integer": (int,),
    "array": (list,),
    "object": (dict,),
}


def first_error(
    args: Any, properties: dict[str, str], required: tuple[str, ...], closed: bool = True
) -> str | None:
    """``properties`` maps each name to its JSON type (``"string?"``: nullable)."""
    if not isinstance(args, dict):
        return "must be object"
    for name in required:
        if name not in args:
            return f"must have required property '{name}'"
    if closed and any(name not in properties for name in args):
        return "must NOT have additional properties"
    for name, json_type in properties.items():
        if name not in args:
            continue
        nullable = json_type.endswith("?")
        json_type = json_type.rstrip("?")
        value = args[name]
        if value is None and nullable:
            continue
        is_bool = isinstance(value, bool)
        if not isinstance(value, _TYPES[json_type]) or (
            is_bool and json_type in ("number", "integer")
        ):
            return f"must be {json_type}"
    return None


BODY, QUERY, LEGACY = "body", "query", "legacy"


def refusal(message: str, source: str = BODY) -> errors.RocketError:
    if source == LEGACY:
        return errors.invalid_params(message)
    code = errors.INVALID_PARAMS if source == BODY else errors.ERROR_INVALID_PARAMS
    return errors.failure(message, code)


def check(
    args: Any,
    properties: dict[str, str],
    required: tuple[str, ...],
    closed: bool = True,
    source: str = BODY,
) -> Doc:
    """The validated parameters, or the route's refusal of them."""
    error = first_error(args, properties, required, closed)
    if error is not None:
        raise refusal(error, source)
    return args
