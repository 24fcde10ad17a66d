"""JSON with a nesting limit, for everything a client sends (request bodies, realtime frames).

Python's parser recurses once per level: a few hundred levels are accepted and stored (and later
break whatever renders them), a thousand raise ``RecursionError``. Bodies are therefore measured
before they are parsed, and anything nested deeper than ``MAX_DEPTH`` is refused as malformed.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

MAX_DEPTH = 64

# A JSON string; an unterminated one runs to the end, so every match succeeds and the scan stays
# linear. Brackets inside strings are thereby left out of the count.
_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
# Openers become +1 and closers -1 (as signed bytes); every other byte is dropped.
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


class TooDeep(ValueError):
    """Nested deeper than the limit; a ``ValueError`` so callers treat it as malformed JSON."""


def too_deep(data: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text nests arrays/objects deeper than ``limit`` (without parsing it)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False  # cannot be that deep: the common case costs two C-speed counts
    steps = _STRINGS.sub(b"", raw).translate(_STEPS, _NOT_BRACKETS)
    return max(itertools.accumulate(memoryview(steps).cast("b")), default=0) > limit


def loads(data: str | bytes, limit: int = MAX_DEPTH) -> Any:
    """``json.loads`` that refuses (``TooDeep``) what nests deeper than ``limit``."""
    if too_deep(data, limit):
        raise TooDeep(f"JSON nested deeper than {limit} levels")
    return json.loads(data)
