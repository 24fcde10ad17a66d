"""Who and which room a raw request is about, for fault matching and the request journal.

Works on the WSGI environ (before Flask routing) and reads only through indexes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from ..core import jsonbounds
from ..core.runtime import Runtime
from . import auth

ROOM_ID_KEYS = ("roomId", "rid")
ROOM_NAME_KEYS = ("roomName", "channel", "name")


def identify_user(rt: Runtime, environ: dict[str, Any]) -> tuple[str, str] | None:
    """The caller as the door the request reaches authenticates it (``auth.authenticate``): a
    credential that door refuses names nobody."""
    caller = auth.authenticate(rt, environ)
    return (caller.user["_id"], caller.user.get("username") or "") if caller is not None else None


def _room(rt: Runtime, room_id: Any = None, name: Any = None) -> tuple[str, str] | None:
    room = None
    if isinstance(room_id, str) and room_id:
        room = rt.store.get("rooms", room_id)
    elif isinstance(name, str) and name.lstrip("#"):
        room = rt.store.find_one("rooms", "name", name.lstrip("#"))
    return (room["_id"], room.get("name") or "") if room is not None else None


def _from_params(rt: Runtime, params: dict[str, Any]) -> tuple[str, str] | None:
    for key in ROOM_ID_KEYS:
        if params.get(key):
            return _room(rt, room_id=params[key])
    for key in ROOM_NAME_KEYS:
        value = params.get(key)
        if isinstance(value, str) and not value.startswith("@"):
            found = _room(rt, name=value)
            if found:
                return found
    message = params.get("message")
    if isinstance(message, dict) and message.get("rid"):
        return _room(rt, room_id=message["rid"])
    return None


def identify_channel(
    rt: Runtime, environ: dict[str, Any], body: bytes | None
) -> tuple[str, str] | None:
    """From ``roomId``/``rid``/``roomName``/``channel`` in the query or body, or ``message.rid``."""
    query = environ.get("QUERY_STRING")
    if query:
        params = {k: v[0] for k, v in parse_qs(query).items()}
        found = _from_params(rt, params)
        if found:
            return found
    if body:
        try:
            parsed = jsonbounds.loads(body)
        except ValueError:
            parsed = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        if isinstance(parsed, dict):
            return _from_params(rt, parsed)
    return None


def frame_subject(
    rt: Runtime, direction: str, frame: dict[str, Any]
) -> tuple[str | None, tuple[str, str] | None]:
    """A DDP message's name (stream, method, subscription or ``msg``) and room, for faults."""
    msg = frame.get("msg")
    if direction == "in":
        if msg == "method":
            name, params = frame.get("method"), frame.get("params") or []
        elif msg == "sub":
            name, params = frame.get("name"), frame.get("params") or []
        else:
            return (msg if isinstance(msg, str) else None), None
        first = params[0] if isinstance(params, list) and params else None
        if isinstance(first, dict):
            return name, _room(rt, room_id=first.get("rid"))
        if isinstance(first, str):
            return name, _room(rt, room_id=first.split("/", 1)[0])
        return name, None
    if msg != "changed":
        return (msg if isinstance(msg, str) else None), None
    fields = frame.get("fields") or {}
    event_name = fields.get("eventName")
    room = None
    if isinstance(event_name, str) and event_name:
        room = _room(rt, room_id=event_name.split("/", 1)[0])
    args = fields.get("args") or []
    if room is None and args and isinstance(args[0], dict) and isinstance(args[0].get("rid"), str):
        room = _room(rt, room_id=args[0]["rid"])
    return frame.get("collection"), room
