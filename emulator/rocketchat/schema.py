"""The subset of JSON Schema Rocket.Chat's ajv validators use, with ajv's own messages.

Upstream compiles ``@rocket.chat/rest-typings`` schemas with ajv (``allErrors`` off: the first
failure wins) and joins the messages into the error; routes here state those schemas as plain
dicts and get the same message (``"must have required property 'name'"``...). Query validators
(``ajvQuery``) coerce strings to the declared type, so a query schema's numbers accept digits.
"""

from __future__ import annotations

import re
from typing import Any

Schema = dict[str, Any]

_KINDS = {
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


FORMATS = {"basic_email": re.compile(r"^[^@]+@[^@]+$")}


def first_error(schema: Schema, value: Any, coerce: bool = False) -> str | None:
    """ajv's message for the first rule ``value`` breaks, or None when it is valid."""
    if value is None and schema.get("nullable"):
        return None
    if "oneOf" in schema:
        return _one_of(schema["oneOf"], value, coerce)
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_KINDS[k](value) or (coerce and _coerces(k, value)) for k in kinds):
            return f"must be {','.join(kinds)}"
    if "enum" in schema and value not in schema["enum"]:
        return "must be equal to one of the allowed values"
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        return f'must match pattern "{schema["pattern"]}"'
    if (
        isinstance(value, str)
        and "format" in schema
        and not FORMATS[schema["format"]].search(value)
    ):
        return f'must match format "{schema["format"]}"'
    if isinstance(value, str) and schema.get("isNotEmpty") and not value.strip():
        return 'must pass "isNotEmpty" keyword validation'
    if isinstance(value, dict):
        return _object_error(schema, value, coerce)
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            return f"must NOT have fewer than {schema['minItems']} items"
        if schema.get("uniqueItems"):
            duplicate = _duplicate(value)
            if duplicate:
                later, earlier = duplicate[1], duplicate[0]
                return (
                    f"must NOT have duplicate items (items ## {later} and {earlier} are identical)"
                )
        for item in value:
            found = _item_error(schema.get("items"), item, coerce)
            if found:
                return found
    return None


def _object_error(schema: Schema, value: dict, coerce: bool) -> str | None:
    for name in schema.get("required", ()):
        if name not in value:
            return f"must have required property '{name}'"
    properties = schema.get("properties", {})
    if schema.get("additionalProperties") is False and any(k not in properties for k in value):
        return "must NOT have additional properties"
    for name, sub in properties.items():
        if name in value:
            found = first_error(sub, value[name], coerce)
            if found:
                return found
    return None


def _item_error(items: Schema | None, item: Any, coerce: bool) -> str | None:
    return None if items is None else first_error(items, item, coerce)


def _one_of(options: list[Schema], value: Any, coerce: bool) -> str | None:
    failures = [first_error(option, value, coerce) for option in options]
    passed = sum(1 for f in failures if f is None)
    if passed == 1:
        return None
    # ajv reports every branch's failure, then the ``oneOf`` itself
    return "\n ".join([*(f for f in failures if f), "must match exactly one schema in oneOf"])


def _duplicate(items: list) -> tuple[int, int] | None:
    """ajv's ``uniqueItems`` scan, from the end: (i, j) of the first pair found, i < j."""
    seen: dict[str, int] = {}
    for i in range(len(items) - 1, -1, -1):
        key = repr(items[i])
        if key in seen:
            return i, seen[key]
        seen[key] = i
    return None


def _coerces(kind: str, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if kind in ("number", "integer"):
        pattern = r"\s*-?\d+(\.\d+)?\s*" if kind == "number" else r"-?\d+"
        return re.fullmatch(pattern, value) is not None
    if kind == "boolean":
        return value in ("true", "false")
    return False
