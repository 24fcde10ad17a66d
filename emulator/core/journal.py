"""The request journal: a bounded timeline of what clients sent and what they got back.

HTTP exchanges are recorded by the request pipeline; realtime frames and outbound callbacks join
the same timeline through ``record_frame`` and ``record_callback``. Recording is cheap: bodies and
headers are kept raw (bodies cut at 4 KiB) in memory only, and decoded and redacted (secret header
values, password/token fields in bodies) when read, so no reader ever sees a secret.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from typing import Any

REDACTED = "[redacted]"
BODY_LIMIT = 4096

# Request and response headers whose values are secret: the key stays, the value goes.
SECRET_HEADERS = frozenset(
    {"authorization", "x-auth-token", "cookie", "set-cookie", "token", "x-csrf-token"}
)
# JSON keys (and form fields) whose values are secret, in either direction.
_SECRET_KEYS = (
    "password|pass|new_password|current_password|old_password|token|authToken|resume|"
    "access_token|refresh_token|secret|x-auth-token"
)
_JSON_SECRET = re.compile(r'("(?:' + _SECRET_KEYS + r')"\s*:\s*)"(?:[^"\\]|\\.)*"', re.I)
_FORM_SECRET = re.compile(r"(^|&)((?:" + _SECRET_KEYS + r")=)[^&]*", re.I)


def redact_header(name: str, value: str) -> str:
    if name.lower() not in SECRET_HEADERS:
        return value
    scheme, sep, _ = value.partition(" ")
    if name.lower() == "authorization" and sep and scheme.lower() in ("bearer", "token", "basic"):
        return f"{scheme} {REDACTED}"
    return REDACTED


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name: redact_header(name, value) for name, value in headers}


def redact_text(text: str) -> str:
    """Secret values of JSON keys and form fields replaced; everything else as sent."""
    if not text:
        return text
    text = _JSON_SECRET.sub(lambda m: f'{m.group(1)}"{REDACTED}"', text)
    if "=" in text and not text.lstrip().startswith(("{", "[")):
        text = _FORM_SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    return text


def body_text(data: bytes, limit: int = BODY_LIMIT, total: int | None = None) -> str:
    """A body as journal text: decoded, redacted, truncated (with a marker)."""
    total = len(data) if total is None else total
    if not data:
        return ""
    text = data[:limit].decode("utf-8", errors="replace")
    text = redact_text(text)
    if total > limit:
        text += f"... [{total - limit} more bytes]"
    return text


# Raw values are plain tuples of str/bytes/int: once recorded, entries hold nothing the cyclic
# garbage collector has to keep scanning, however many of them the ring buffer holds.


def raw_body(data: bytes, total: int | None = None) -> tuple[bytes, int]:
    """A body as recorded: its first bytes and its length."""
    return (data[:BODY_LIMIT], len(data) if total is None else total)


def _header_name(key: str) -> str:
    return (key[5:] if key.startswith("HTTP_") else key).replace("_", "-").title()


def render(entry: dict[str, Any]) -> dict[str, Any]:
    """A journal entry as readers see it: bodies decoded, secrets redacted."""
    shown = dict(entry)
    for key in ("body", "response"):
        value = shown.get(key)
        if isinstance(value, tuple):
            shown[key] = body_text(value[0], total=value[1])
    headers = shown.get("headers")
    if isinstance(headers, tuple):
        shown["headers"] = redact_headers((_header_name(k), v) for k, v in headers)
    response_headers = shown.get("response_headers")
    if isinstance(response_headers, tuple):
        shown["response_headers"] = redact_headers(response_headers)
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
                "path": path,
                "event": event,
                "user": user,
                "user_id": user_id,
                "body": raw_body(raw),
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
    ) -> None:
        """An outbound request the emulator made (outgoing webhooks, slash commands, ...)."""
        if not self.size:
            return
        self.add(
            {
                "kind": "callback",
                "time": time,
                "method": method,
                "path": url,
                "body": raw_body(body),
                "status": status,
                "response": raw_body(response),
                "duration_ms": duration_ms,
                "error": error,
                "fault": None,
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
    """The request headers of a WSGI environ, as recorded (environ keys)."""
    items = [(k, v) for k, v in environ.items() if k[:5] == "HTTP_"]
    if environ.get("CONTENT_TYPE"):
        items.append(("CONTENT_TYPE", environ["CONTENT_TYPE"]))
    if environ.get("CONTENT_LENGTH"):
        items.append(("CONTENT_LENGTH", environ["CONTENT_LENGTH"]))
    return tuple(items)
