"""Slash commands: ``commands.list``, ``commands.get``, ``commands.run`` (``v1/commands.ts``).

Only built-in commands whose whole effect happens inside the server are registered: the action
and ASCII-art messages, ``/topic``, ``/join`` and ``/leave`` (``/part``). Nothing calls out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import Runtime
from .. import auth, errors, inputs, jsonquery, models

blueprint = Blueprint("rc_commands", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]
Runner = Callable[[Runtime, Doc, Doc, str, str | None], None]


def _say(template: str) -> Runner:
    def run(rt: Runtime, user: Doc, room: Doc, params: str, tmid: str | None) -> None:
        text = template.format(params=params).strip() if params else template.format(params="")
        models.post_message(rt, room, user, text.strip(), tmid=tmid)

    return run


def _me(rt: Runtime, user: Doc, room: Doc, params: str, tmid: str | None) -> None:
    if params.strip():
        models.post_message(rt, room, user, f"_{params}_", tmid=tmid)


def _topic(rt: Runtime, user: Doc, room: Doc, params: str, tmid: str | None) -> None:
    if room["t"] == "d" or not models.has_permission(rt, user, "edit-room", room["_id"]):
        return
    with rt.store.transaction():
        models.update_room(rt, room, {"topic": params})
        models.system_message(rt, room, "room_changed_topic", user, params)


def _join(rt: Runtime, user: Doc, room: Doc, params: str, tmid: str | None) -> None:
    name = params.strip().lstrip("#")
    target = models.room_by_id_or_name(rt, None, name) if name else None
    if target is None or target["t"] != "c":
        return
    if models.has_permission(rt, user, "view-c-room"):
        models.add_member(rt, target, user)


def _leave(rt: Runtime, user: Doc, room: Doc, params: str, tmid: str | None) -> None:
    sub = models.subscription(rt, room["_id"], user["_id"])
    if room["t"] == "d" or sub is None:
        return
    if "owner" in sub["roles"] and len(models.room_owners(rt, room["_id"])) == 1:
        return
    models.remove_member(rt, room, user)


# command -> (params, description, runner); texts are the server's i18n keys.
COMMANDS: dict[str, tuple[str | None, str | None, Runner]] = {
    "gimme": ("your_message_optional", "Slash_Gimme_Description", _say("༼ つ ◕_◕ ༽つ {params}")),
    "lennyface": (
        "your_message_optional",
        "Slash_LennyFace_Description",
        _say("{params} ( ͡° ͜ʖ ͡°)"),
    ),
    "shrug": ("your_message_optional", "Slash_Shrug_Description", _say("{params} ¯\\\\_(ツ)_/¯")),
    "tableflip": (
        "your_message_optional",
        "Slash_Tableflip_Description",
        _say("{params} (╯°□°）╯︵ ┻━┻"),  # noqa: RUF001 - the real art
    ),
    "unflip": (
        "your_message_optional",
        "Slash_TableUnflip_Description",
        _say("{params} ┬─┬ ノ( ゜-゜ノ)"),  # noqa: RUF001 - the real art
    ),
    "join": ("#channel", "Join_the_given_channel", _join),
    "leave": (None, "Leave_the_current_channel", _leave),
    "part": (None, "Leave_the_current_channel", _leave),
    "me": ("your_message", "Displays_action_text", _me),
    "topic": ("Slash_Topic_Params", "Slash_Topic_Description", _topic),
}


def _describe(name: str) -> Doc:
    params, description, _ = COMMANDS[name]
    out: Doc = {"command": name}
    if params is not None:
        out["params"] = params
    if description is not None:
        out["description"] = description
    out["clientOnly"] = False
    return out


@blueprint.get("/commands.list")
def list_commands() -> Response:
    rt, _ = auth.runtime_and_user()
    offset, limit, sort = inputs.pagination(rt)
    commands = jsonquery.sort_docs([_describe(n) for n in COMMANDS], sort, {"command": 1})
    page = commands[offset:] if limit is None else commands[offset : offset + limit]
    return jsonify(
        {
            "commands": page,
            "offset": offset,
            "count": len(page),
            "total": len(commands),
            "success": True,
        }
    )


@blueprint.get("/commands.get")
def get_command() -> Response:
    auth.current_user()
    name = request.args.get("command")
    if not name:
        raise errors.failure('The query param "command" must be provided.')
    if name.lower() not in COMMANDS:
        raise errors.failure(f"There is no command in the system by the name of: {name}")
    return jsonify({"command": _describe(name.lower()), "success": True})


@blueprint.post("/commands.run")
def run_command() -> Response:
    rt, user = auth.runtime_and_user()
    body = inputs.body()
    command = body.get("command")
    if not isinstance(command, str) or not command:
        raise errors.failure("You must provide a command to run.")
    params = body.get("params", "")
    if params is None:
        params = ""
    if not isinstance(params, str):
        raise errors.failure("The parameters for the command must be a single string.")
    room_id = body.get("roomId")
    if not isinstance(room_id, str) or not room_id:
        raise errors.failure(
            "The room's id where to execute this command must be provided and be a string."
        )
    tmid = body.get("tmid")
    if tmid is not None and not isinstance(tmid, str):
        raise errors.failure("The tmid parameter when provided must be a string.")
    room = rt.store.get("rooms", room_id)
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.forbidden("unauthorized")
    name = command.lower()
    if name not in COMMANDS:
        raise errors.failure("The command provided does not exist (or is disabled).")
    if tmid is not None:
        parent = rt.store.get("messages", tmid)
        if parent is None or parent["rid"] != room_id:
            raise errors.meteor_error(errors.INVALID_THREAD, "Invalid thread")
    COMMANDS[name][2](rt, user, room, params, tmid)
    return jsonify({"success": True})
