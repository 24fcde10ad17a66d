"""The request journal: a bounded timeline of what clients sent and what they got back.

HTTP exchanges are recorded by the request pipeline; realtime frames and outbound callbacks join
the same timeline through ``record_frame`` and ``record_callback``. Secrets (see ``redaction``)
are redacted as entries are built, so the journal never holds one: header values, paths, query
strings, and bodies, which are redacted whole before being cut to 4 KiB. A body with nothing that
could be secret in its first 4 KiB is kept as raw bytes and decoded only when read, which keeps
recording cheap.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any

from .redaction import redact_body, redact_headers, redact_url

BODY_LIMIT = 4096

# Recorded values are plain tuples of str/bytes/int: once recorded, entries hold nothing the
# cyclic garbage collector has to keep scanning, however many of them the ring buffer holds.


def record_body(data: bytes, total: int | None = None) -> tuple[bytes, int] | str:
    """A body as recorded: ``(first bytes, length)`` if nothing in it can be secret, else its
    redacted and cut text."""
    return redact_body(data, BODY_LIMIT, total)


def body_text(value: tuple[bytes, int] | str) -> str:
    """A recorded body as readers see it: decoded, with a marker if it was cut."""
    if isinstance(value, str):
        return value
    data, total = value
    if not data:
        return ""
    text = data.decode("utf-8", errors="replace")
    if total > len(data):
        text += f"... [{total - len(data)} more bytes]"
    return text


def render(entry: dict[str, Any]) -> dict[str, Any]:
    """A journal entry as readers see it: bodies decoded, headers as objects."""
    shown = dict(entry)
    for key in ("body", "response"):
        value = shown.get(key)
        if isinstance(value, tuple):
            shown[key] = body_text(value)
    for key in ("headers", "response_headers"):
        value = shown.get(key)
        if isinstance(value, tuple):
            shown[key] = dict(value)
    return shown


class Journal:
    """A ring buffer of entries, most recent first when read. Thread-safe."""

    def __init__(self, size: int) -> None:
        self.size = max(size, 0)
        self._entries: deque[dict[str, Any]] = deque(maxlen=self.size or 1)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def next_id(self) -> int:
        return next(self._ids)

    def add(self, entry: dict[str, Any]) -> None:
        if not self.size:
            return
        if "id" not in entry:
            entry["id"] = self.next_id()
        with self._lock:
            self._entries.append(entry)

    def record_frame(
        self,
        *,
        time: int,
        direction: str,
        path: str,
        data: str | bytes,
        user: str | None = None,
        user_id: str | None = None,
        event: str | None = None,
        fault: str | None = None,
    ) -> None:
        """A realtime frame, ``direction`` ``in`` (from the client) or ``out`` (to it)."""
        if not self.size:
            return
        raw = data.encode() if isinstance(data, str) else data
        self.add(
            {
                "kind": "frame",
                "time": time,
                "direction": direction,
                "method": "WS",
                "path": redact_url(path),
                "event": event,
                "user": user,
                "user_id": user_id,
                "body": record_body(raw),
                "fault": fault,
            }
        )

    def record_callback(
        self,
        *,
        time: int,
        method: str,
        url: str,
        body: bytes,
        status: int | None,
        response: bytes,
        duration_ms: float,
        error: str | None = None,
        headers: Mapping[str, str] | None = None,
        product: str = "",
        callout_kind: str = "",
        hook_id: str = "",
        fault: str | None = None,
    ) -> None:
        """An outbound request the emulator made (outgoing webhooks, slash commands, ...):
        ``callout_kind`` is the dispatcher's kind of call, ``fault`` the call-out rule applied."""
        if not self.size:
            return
        self.add(
            {
                "kind": "callback",
                "time": time,
                "method": method,
                "path": redact_url(url),
                "headers": redact_headers(list((headers or {}).items())),
                "body": record_body(body),
                "status": status,
                "response": record_body(response),
                "duration_ms": duration_ms,
                "error": error,
                "fault": fault,
                "product": product,
                "callout_kind": callout_kind,
                "hook_id": hook_id,
            }
        )

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def query(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        user: str | None = None,
        since: int | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Entries matching every given filter, most recent first. ``path`` may use ``*``."""
        with self._lock:
            entries = list(self._entries)
        found: list[dict[str, Any]] = []
        if limit is not None and limit <= 0:
            return found
        method = method.upper() if method else None
        user = user.lower() if user else None
        for entry in reversed(entries):
            if method and entry.get("method") != method:
                continue
            if path and not _path_matches(path, entry.get("path", "")):
                continue
            if user and user not in (
                (entry.get("user") or "").lower(),
                (entry.get("user_id") or "").lower(),
            ):
                continue
            if since is not None and entry.get("time", 0) < since:
                continue
            found.append(render(entry))
            if limit is not None and len(found) >= limit:
                break
        return found

    def __len__(self) -> int:
        return len(self._entries) if self.size else 0


def _path_matches(pattern: str, path: str) -> bool:
    if "*" in pattern:
        return glob_match(pattern, path)
    return pattern == path


def glob_match(pattern: str, text: str) -> bool:
    """``*`` matches any run of characters (``/`` included); nothing else is special."""
    escaped = pattern.replace("[", "[[]").replace("?", "[?]")
    return fnmatchcase(text, escaped)


def request_headers(environ: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The request headers of a WSGI environ, as recorded: named as sent, secrets redacted."""
    items = [(_header_name(k[5:]), v) for k, v in environ.items() if k[:5] == "HTTP_"]
    if environ.get("CONTENT_TYPE"):
        items.append(("Content-Type", environ["CONTENT_TYPE"]))
    if environ.get("CONTENT_LENGTH"):
        items.append(("Content-Length", environ["CONTENT_LENGTH"]))
    return redact_headers(items)


def _header_name(key: str) -> str:
    return key.replace("_", "-").title()
