"""Slash commands over REST: ``commands.list``, ``commands.get``, ``commands.run``,
``commands.preview`` (``v1/commands.ts``). The commands themselves are ``models.slash_commands``;
the ``slashCommand`` DDP method runs the same ones.

Each route validates its parameters as its ajv schema does (``coerceTypes``: numbers and
booleans become strings, ``null`` an empty string where it is not nullable; the first error
wins: required, then unknown properties, then types).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from .. import auth, errors, inputs, jsonquery, models
from ..errors import RocketError

blueprint = Blueprint("rc_commands", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]

NO_SUCH_COMMAND = "The command provided does not exist (or is disabled)."
NO_ROOM_ACCESS = "User does not have access to this room"


def _as_string(value: Any, nullable: bool) -> tuple[bool, str | None]:
    """ajv's coercion to ``string``: (ok, value)."""
    if isinstance(value, str):
        return True, value
    if value is None:
        return True, None if nullable else ""
    if isinstance(value, bool):
        return True, "true" if value else "false"
    if isinstance(value, int):
        return True, str(value)
    if isinstance(value, float):
        return True, str(int(value)) if value.is_integer() else repr(value)
    return False, None


def _validated(
    args: Doc, required: tuple[str, ...], nullable: tuple[str, ...], at: str = ""
) -> Doc:
    """A schema of string properties (``required`` and ``nullable`` ones), no others; ``at``
    is the path of a nested object in the messages."""
    lead = f"{at} " if at else ""
    for name in required:
        if name not in args:
            raise errors.invalid_params(f"{lead}must have required property '{name}'")
    if any(name not in required and name not in nullable for name in args):
        raise errors.invalid_params(f"{lead}must NOT have additional properties")
    out: Doc = {}
    for name, value in args.items():
        ok, coerced = _as_string(value, name in nullable)
        if not ok:
            raise errors.invalid_params(f"{at}/{name} must be string")
        out[name] = coerced
    return out


def _is_number(raw: str) -> bool:
    """ajv's coercion of a query string to ``number`` (``Number(raw)``, not NaN)."""
    try:
        float(raw or "0")
    except ValueError:
        return False
    return raw.strip().lower() not in ("nan", "inf", "-inf", "+inf", "infinity")


def _accessible_room(rt: Any, user: Doc, room_id: str) -> Doc:
    """``canAccessRoomIdAsync``, else the route's 403."""
    room = rt.store.get("rooms", room_id)
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.forbidden(NO_ROOM_ACCESS)
    return room


def _check_thread(rt: Any, tmid: Any, room_id: str) -> None:
    if isinstance(tmid, str):
        thread = rt.store.get("messages", tmid)
        if thread is None or thread["rid"] != room_id:
            raise errors.plain("Invalid thread.")


def _no_previews() -> RocketError:
    """Built-ins provide no previews (``getSlashCommandPreviews``)."""
    return errors.meteor_error(
        errors.INVALID_COMMAND,
        "Command Does Not Provide Previews",
        {"method": "executeSlashCommandPreview"},
    )


@blueprint.get("/commands.list")
def list_commands() -> Response:
    rt, _ = auth.runtime_and_user()
    args = request.args.to_dict()
    if any(k not in ("count", "offset", "sort", "query", "fields") for k in args):
        raise errors.invalid_params("must NOT have additional properties")
    for name in ("count", "offset"):
        if not _is_number(args.get(name, "0")):
            raise errors.invalid_params(f"/{name} must be number")
    offset, limit, sort = inputs.pagination(rt)
    query, _ = jsonquery.json_query(rt)
    commands = [c.listed() for c in models.BUILT_INS.values()]
    if query.get("command"):
        commands = [c for c in commands if c["command"] == query["command"]]
    ordered = jsonquery.sort_docs(commands, sort, {"name": 1})
    page = ordered[offset:] if limit is None else ordered[offset : offset + limit]
    return jsonify(
        {
            "commands": page,
            "appsLoaded": True,
            "offset": offset,
            "count": len(page),
            "total": len(commands),
            "success": True,
        }
    )


@blueprint.get("/commands.get")
def get_command() -> Response:
    auth.current_user()
    args = _validated(request.args.to_dict(), ("command",), ())
    cmd = models.find_command(args["command"].lower())
    if cmd is None:
        raise errors.plain(f"There is no command in the system by the name of: {args['command']}")
    return jsonify({"command": cmd.info(), "success": True})


@blueprint.post("/commands.run")
def run_command() -> Response:
    rt, user = auth.runtime_and_user()
    body = _validated(inputs.body(), ("command", "roomId"), ("params", "tmid", "triggerId"))
    name = body["command"].lower()
    if models.find_command(name) is None:
        raise errors.plain(NO_SUCH_COMMAND)
    room = _accessible_room(rt, user, body["roomId"])
    _check_thread(rt, body.get("tmid"), room["_id"])
    try:
        models.run_command(
            rt,
            user,
            name,
            body.get("params") or "",
            room["_id"],
            tmid=body.get("tmid") or None,
        )
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return jsonify({"success": True})


@blueprint.get("/commands.preview")
def get_preview() -> Response:
    rt, user = auth.runtime_and_user()
    args = _validated(request.args.to_dict(), ("command", "roomId"), ("params",))
    if models.find_command(args["command"].lower()) is None:
        raise errors.plain(NO_SUCH_COMMAND)
    _accessible_room(rt, user, args["roomId"])
    raise _no_previews()


@blueprint.post("/commands.preview")
def execute_preview() -> Response:
    rt, user = auth.runtime_and_user()
    body = inputs.body()
    item = body.get("previewItem")
    # previewItem is the one object property: validated as a string placeholder, then itself.
    plain = {**body, **({"previewItem": ""} if "previewItem" in body else {})}
    args = _validated(plain, ("command", "roomId", "previewItem"), ("params", "triggerId", "tmid"))
    if not isinstance(item, dict):
        raise errors.invalid_params("/previewItem must be object")
    _validated(item, ("id", "type", "value"), (), at="/previewItem")
    if models.find_command(args["command"].lower()) is None:
        raise errors.plain(NO_SUCH_COMMAND)
    room = _accessible_room(rt, user, args["roomId"])
    if args.get("tmid"):
        _check_thread(rt, args["tmid"], room["_id"])
    raise _no_previews()
