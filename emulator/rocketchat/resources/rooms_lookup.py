"""Room look-ups and visibility: ``rooms.autocomplete.*``, ``rooms.nameExists``, ``rooms.open``,
``rooms.hide`` (``v1/rooms.ts``, ``lib/rooms.ts``)."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.pagination import page_slice
from .. import auth, errors, inputs, models
from ._rooms_common import sorted_by

blueprint = Blueprint("rc_rooms_lookup", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]
BRIEF = ("_id", "fname", "name", "t", "avatarETag")


def _pick(room: Doc, fields: tuple[str, ...]) -> Doc:
    return {k: room[k] for k in fields if k in room}


def _selector_name() -> str:
    """The ``selector`` JSON's ``name`` (a missing one is a failure; bad JSON throws, which
    the route wrapper answers as a plain failure)."""
    raw = request.args.get("selector")
    if not raw:
        raise errors.plain("The 'selector' param is required")
    try:
        selector = json.loads(raw)
    except ValueError as error:
        raise errors.plain(f"Unexpected token in JSON: {error.msg}") from None
    name = selector.get("name") if isinstance(selector, dict) else None
    return name if isinstance(name, str) else ""


def _starting(name: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(name).strip(), re.IGNORECASE)


def _my_rooms(user: Doc, rt: Any) -> set[str]:
    return {s["rid"] for s in rt.store.find("subscriptions", "user", user["_id"])}


def _mine_without_discussions(rt: Any, user: Doc, name: str, fname_too: bool) -> list[Doc]:
    mine = _my_rooms(user, rt)
    pattern = _starting(name)
    found = []
    for room in rt.store.all("rooms"):
        if room["_id"] not in mine or room["t"] not in ("c", "p") or "prid" in room:
            continue
        if room.get("federated") is True:
            continue
        names = [room.get("name"), room.get("fname")] if fname_too else [room.get("name")]
        if not any(isinstance(n, str) and pattern.search(n) for n in names):
            continue
        if fname_too and room.get("archived") is True:
            continue
        found.append(room)
    return found


def _by_name(rooms: list[Doc]) -> list[Doc]:
    return sorted(rooms, key=lambda r: str(r.get("name") or ""))


@blueprint.get("/rooms.autocomplete.channelAndPrivate")
def channel_and_private() -> Response:
    rt, user = auth.runtime_and_user()
    rooms = _by_name(_mine_without_discussions(rt, user, _selector_name(), fname_too=True))
    items = [_pick(r, (*BRIEF, "encrypted")) for r in rooms[:10]]
    return jsonify({"items": items, "success": True})


@blueprint.get("/rooms.autocomplete.channelAndPrivate.withPagination")
def channel_and_private_paginated() -> Response:
    rt, user = auth.runtime_and_user()
    offset, count, sort = inputs.pagination(rt)
    name = _selector_name()
    rooms = sorted_by(_mine_without_discussions(rt, user, name, fname_too=False), sort, {"name": 1})
    items = [_pick(r, BRIEF) for r in page_slice(rooms, offset, count)]
    return jsonify({"items": items, "total": len(rooms), "success": True})


@blueprint.get("/rooms.autocomplete.adminRooms")
def admin_rooms() -> Response:
    rt, user = auth.runtime_and_user()
    name = _selector_name()
    if not any(
        models.has_permission(rt, user, p) for p in ("view-room-administration", "can-audit")
    ):
        raise errors.plain(errors.NOT_AUTHORIZED)
    pattern = _starting(name)
    rooms = [
        r
        for r in rt.store.all("rooms")
        if r["t"] in ("c", "p")
        and any(isinstance(n, str) and pattern.search(n) for n in (r.get("name"), r.get("fname")))
    ]
    items = [_pick(r, (*BRIEF, "encrypted")) for r in _by_name(rooms)[:10]]
    return jsonify({"items": items, "success": True})


@blueprint.get("/rooms.autocomplete.availableForTeams")
def available_for_teams() -> Response:
    """Channels and groups the caller owns, outside teams, not discussions."""
    rt, user = auth.runtime_and_user()
    pattern = _starting(request.args.get("name") or "")
    owned = {
        s["rid"]
        for s in rt.store.find("subscriptions", "user", user["_id"])
        if "owner" in s.get("roles", [])
    }
    rooms = [
        r
        for r in rt.store.all("rooms")
        if r["_id"] in owned
        and "teamId" not in r
        and "prid" not in r
        and r.get("federated") is not True
        and isinstance(r.get("name"), str)
        and pattern.search(r["name"])
    ]
    return jsonify({"items": [_pick(r, BRIEF) for r in _by_name(rooms)[:10]], "success": True})


@blueprint.get("/rooms.nameExists")
def name_exists() -> Response:
    rt, _user = auth.runtime_and_user()
    args = request.args.to_dict()
    if "roomName" not in args:
        raise errors.invalid_params("must have required property 'roomName'")
    if set(args) != {"roomName"}:
        raise errors.invalid_params("must NOT have additional properties")
    exists = any(r.get("name") == args["roomName"] for r in rt.store.all("rooms"))
    return jsonify({"exists": exists, "success": True})


def _room_id_body() -> str:
    args = inputs.body()
    if "roomId" not in args:
        raise errors.invalid_params("must have required property 'roomId'")
    if set(args) != {"roomId"}:
        raise errors.invalid_params("must NOT have additional properties")
    if not isinstance(args["roomId"], str):
        raise errors.invalid_params("must be string")
    if not args["roomId"]:
        raise errors.invalid_params("must NOT have fewer than 1 characters")
    return args["roomId"]


@blueprint.post("/rooms.open")
def open_room() -> Response:
    rt, user = auth.runtime_and_user()
    models.set_room_open(rt, _room_id_body(), user, True)
    return jsonify({"success": True})


@blueprint.post("/rooms.hide")
def hide_room() -> Response:
    rt, user = auth.runtime_and_user()
    room_id = _room_id_body()
    room = rt.store.get("rooms", room_id)
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.unauthorized_result()
    if not models.set_room_open(rt, room_id, user, False):
        raise errors.plain(errors.ROOM_ALREADY_HIDDEN)
    return jsonify({"success": True})
