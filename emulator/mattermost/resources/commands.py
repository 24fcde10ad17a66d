"""``api4/command.go``: custom slash command CRUD, command lists and running a command (the
work is ``models.slash_commands``'; this module only translates HTTP)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import Runtime
from .. import authentication, errors, inputs, models, permissions, wire
from ..models import integrations
from ..models.builtin_commands import BUILT_INS
from ..models.slash_commands import execute_command

blueprint = Blueprint("mm_commands", __name__, url_prefix="/api/v4")

Doc = dict[str, Any]
MANAGE = "manage_slash_commands"
MANAGE_OTHERS = "manage_others_slash_commands"


def _enabled(rt: Runtime) -> None:
    models.require_enabled(rt, "EnableCommands", errors.COMMANDS_DISABLED)


COMMAND_FIELDS = {
    "id": str,
    "team_id": str,
    "trigger": str,
    "method": str,
    "username": str,
    "icon_url": str,
    "auto_complete": bool,
    "auto_complete_desc": str,
    "auto_complete_hint": str,
    "display_name": str,
    "description": str,
    "url": str,
}


def _fields(body: Doc, old: Doc | None = None) -> Doc:
    inputs.check_types(body, COMMAND_FIELDS, "command")
    old = old or {}
    auto_complete = body.get("auto_complete", old.get("auto_complete", False))
    if not isinstance(auto_complete, bool):
        raise errors.invalid_body_param("auto_complete")
    fields = {
        name: inputs.body_string(body, name, old.get(name, ""))
        for name in (
            "trigger",
            "method",
            "username",
            "icon_url",
            "auto_complete_desc",
            "auto_complete_hint",
            "display_name",
            "description",
            "url",
        )
    }
    fields["auto_complete"] = auto_complete
    return fields


def _load(rt: Runtime, user: Doc, command_id: str, others_hidden: bool = False) -> Doc:
    """A command the caller may manage. Unknown ones, and ones in a team where the caller may not
    manage commands, are "not found" so their existence does not leak; someone else's command is
    a 403 (a 404 too when ``others_hidden``, as ``getCommand`` answers)."""
    command = rt.store.get("commands", inputs.id_param(command_id, "command_id"))
    if command is None or not (
        permissions.has_team_permission(rt, user, command["team_id"], "view_team")
        and permissions.has_team_permission(rt, user, command["team_id"], MANAGE)
    ):
        raise errors.not_found(errors.COMMAND_NOT_FOUND, f"command_id={command_id}")
    if command["creator_id"] != user["id"] and not permissions.has_team_permission(
        rt, user, command["team_id"], MANAGE_OTHERS
    ):
        if others_hidden:
            raise errors.not_found(errors.COMMAND_NOT_FOUND, f"command_id={command_id}")
        raise errors.permission_denied(user["id"], MANAGE_OTHERS)
    return command


@blueprint.post("/commands")
def create_command() -> tuple[Response, int]:
    rt, user = authentication.caller()
    body = inputs.json_object("command")
    fields = _fields(body)
    team_id = inputs.body_string(body, "team_id")
    creator_id = permissions.integration_creator(
        rt, user, team_id, inputs.body_string(body, "creator_id"), MANAGE, MANAGE_OTHERS
    )
    _enabled(rt)
    command = models.save_command(
        rt, {"creator_id": creator_id, "team_id": team_id, **fields, "plugin_id": ""}
    )
    return jsonify(wire.command(command)), 201


@blueprint.get("/commands")
def list_commands() -> Response:
    rt, user = authentication.caller()
    team_id = request.args.get("team_id", "")
    if not team_id:
        raise errors.invalid_body_param("team_id")
    custom_only = request.args.get("custom_only", "").lower() in ("1", "t", "true")
    permissions.require_team(rt, user, team_id, "view_team")
    if custom_only:
        permissions.require_team(rt, user, team_id, MANAGE)
        _enabled(rt)
        return jsonify([wire.command(c) for c in _manageable(rt, user, team_id)])
    if not permissions.has_team_permission(rt, user, team_id, MANAGE):
        return jsonify(_autocomplete_commands(rt, team_id))
    # ListAllCommandsByUser: the built-ins, then the custom commands the caller may manage.
    custom = []
    if models.setting(rt, "ServiceSettings", "EnableCommands", True):
        custom = [
            _sanitized(c) for c in _manageable(rt, user, team_id) if c["trigger"] not in BUILT_INS
        ]
    return jsonify([b.command() for b in BUILT_INS.values()] + custom)


def _manageable(rt: Runtime, user: Doc, team_id: str) -> list[Doc]:
    commands = sorted(rt.store.find("commands", "team_id", team_id), key=lambda c: c["create_at"])
    if permissions.has_team_permission(rt, user, team_id, MANAGE_OTHERS):
        return commands
    return [c for c in commands if c["creator_id"] == user["id"]]


def _sanitized(command: Doc) -> Doc:
    """``Command.Sanitize``: what only the command's managers see, blanked."""
    blanked = dict.fromkeys(("token", "creator_id", "method", "url", "username", "icon_url"), "")
    return {**wire.command(command), **blanked}


def _autocomplete_commands(rt: Runtime, team_id: str) -> list[Doc]:
    """``ListAutocompleteCommands``: the team's custom commands (while commands are on), then
    the built-ins, each trigger once, sanitized."""
    commands: list[Doc] = []
    if models.setting(rt, "ServiceSettings", "EnableCommands", True):
        custom = sorted(rt.store.find("commands", "team_id", team_id), key=lambda c: c["create_at"])
        commands = [_sanitized(c) for c in custom if c["auto_complete"]]
    seen = {c["trigger"] for c in commands}
    return commands + [b.command() for t, b in BUILT_INS.items() if t not in seen]


@blueprint.get("/teams/<team_id>/commands/autocomplete")
def autocomplete_commands(team_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(team_id, "team_id")
    permissions.require_team(rt, user, team_id, "view_team")
    return jsonify(_autocomplete_commands(rt, team_id))


@blueprint.get("/teams/<team_id>/commands/autocomplete_suggestions")
def autocomplete_suggestions(team_id: str) -> Response:
    """``listCommandAutocompleteSuggestions`` for a trigger being typed: the commands whose
    trigger starts with it, by trigger (arguments after a space are not suggested here)."""
    rt, user = authentication.caller()
    inputs.id_param(team_id, "team_id")
    permissions.require_team(rt, user, team_id, "view_team")
    user_input = request.args.get("user_input", "")
    if not user_input:
        raise errors.AppError(400, errors.INVALID_PARAM, Name="userInput")
    typed = user_input.removeprefix("/")
    if " " in typed:
        return jsonify([])
    commands = sorted(_autocomplete_commands(rt, team_id), key=lambda c: c["trigger"].lower())
    return jsonify(
        [
            {
                "Complete": c["trigger"],
                "Suggestion": c["trigger"],
                "Hint": c["auto_complete_hint"],
                "Description": c["auto_complete_desc"],
                "IconData": "",
            }
            for c in commands
            if c["trigger"].startswith(typed.lower())
        ]
    )


@blueprint.post("/commands/execute")
def execute() -> Response:
    rt, user = authentication.caller()
    body = inputs.json_object(
        "command_args",
        {"channel_id": str, "team_id": str, "root_id": str, "parent_id": str, "command": str},
    )
    response = execute_command(
        rt,
        user,
        channel_id=body.get("channel_id") or "",
        command=body.get("command") or "",
        team_id=body.get("team_id") or "",
        root_id=body.get("root_id") or "",
        site_url=request.host_url.rstrip("/"),
    )
    return jsonify(response)


@blueprint.get("/commands/<command_id>")
def get_command(command_id: str) -> Response:
    rt, user = authentication.caller()
    _enabled(rt)
    return jsonify(wire.command(_load(rt, user, command_id, others_hidden=True)))


@blueprint.put("/commands/<command_id>")
def update_command(command_id: str) -> Response:
    rt, user = authentication.caller()
    body = inputs.json_object_for(command_id, "command_id", "command", "command")
    _enabled(rt)
    old = rt.store.get("commands", command_id)
    if old is None:
        raise errors.not_found(errors.COMMAND_NOT_FOUND, f"command_id={command_id}")
    if body.get("team_id") != old["team_id"]:
        raise errors.AppError(400, errors.COMMAND_TEAM_MISMATCH, f"user_id={user['id']}")
    old = _load(rt, user, command_id)
    command = models.save_command(rt, {**old, **_fields(body, old)})
    return jsonify(wire.command(command))


@blueprint.delete("/commands/<command_id>")
def delete_command(command_id: str) -> Response:
    rt, user = authentication.caller()
    _enabled(rt)
    command = _load(rt, user, command_id)
    rt.store.delete("commands", command["id"])
    return jsonify(wire.status_ok())


@blueprint.put("/commands/<command_id>/regen_token")
def regen_command_token(command_id: str) -> Response:
    rt, user = authentication.caller()
    _enabled(rt)
    command = _load(rt, user, command_id)
    token = rt.ids.mattermost_token()
    rt.store.update("commands", command["id"], {"token": token, "update_at": rt.clock.now_ms()})
    return jsonify({"token": token})


@blueprint.put("/commands/<command_id>/move")
def move_command(command_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(command_id, "command_id")
    body = inputs.json_body(required=False)
    team_id = body.get("team_id", "") if isinstance(body, dict) else None
    if not isinstance(team_id, str):
        raise errors.invalid_body_param("team_id")
    team = rt.store.get("teams", team_id) if team_id else None
    if team is None:
        raise errors.not_found(errors.TEAM_NOT_FOUND, f"team_id={team_id}")
    permissions.require_team(rt, user, team["id"], MANAGE)
    command = _load(rt, user, command_id)
    integrations.move_command(rt, command, team["id"])
    return jsonify(wire.status_ok())
