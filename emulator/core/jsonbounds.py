"""JSON with a nesting limit, for everything a client sends (request bodies, realtime frames).

Python's parser recurses once per level: a few hundred levels are accepted and stored (and later
break whatever renders them), a thousand raise ``RecursionError``. Bodies are therefore measured
before they are parsed, and anything nested deeper than ``MAX_DEPTH`` is refused as malformed.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64

# A JSON string (an unterminated one runs to the end, so every match attempt succeeds and the scan
# stays linear), or one bracket. Brackets inside strings are thereby skipped.
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)|[\[\]{}]', re.DOTALL)
_OPENERS = frozenset(b"[{")


class TooDeep(ValueError):
    """Nested deeper than the limit; a ``ValueError`` so callers treat it as malformed JSON."""


def too_deep(data: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text nests arrays/objects deeper than ``limit`` (without parsing it)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False  # cannot be that deep: the common case costs two C-speed counts
    depth = 0
    for match in _TOKENS.finditer(raw):
        char = match.group()
        if len(char) != 1 or char == b'"':
            continue
        if char[0] in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def loads(data: str | bytes, limit: int = MAX_DEPTH) -> Any:
    """``json.loads`` that refuses (``TooDeep``) what nests deeper than ``limit``."""
    if too_deep(data, limit):
        raise TooDeep(f"JSON nested deeper than {limit} levels")
    return json.loads(data)
