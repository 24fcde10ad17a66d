"""Paging parameters, parsed leniently the way the real servers do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")


def int_param(args: Mapping[str, str], name: str, default: int) -> int:
    """An integer query parameter; absent or non-numeric gives the default."""
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except (TypeError, ValueError):
        return default


def page_slice(items: Sequence[T], offset: int, limit: int | None) -> list[T]:
    if offset < 0:
        offset = 0
    if limit is None:
        return list(items[offset:])
    return list(items[offset : offset + max(limit, 0)])
