"""``api4/bot.go``: bot accounts, owned by the user who made them."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import Runtime
from ...core.store import DuplicateKey
from .. import authentication, errors, inputs, models, permissions, wire
from ..models import bot_icons
from .users import Doc, duplicate, load_user

blueprint = Blueprint("mm_bots", __name__, url_prefix="/api/v4")

_FIELDS = {"username": 22, "display_name": 64, "description": 1024}


def _patch(body: object) -> Doc:
    """A decoded ``BotPatch`` (types only; ``_validate`` is ``Bot.IsValid``)."""
    if not isinstance(body, dict):
        raise errors.invalid_body_param("bot")
    patch = {}
    for name in _FIELDS:
        if name in body and body[name] is not None:
            if not isinstance(body[name], str):
                raise errors.invalid_body_param("bot")
            patch[name] = body[name].lower() if name == "username" else body[name]
    return patch


def _validate(bot: Doc) -> None:
    if not models.is_valid_username(bot.get("username", "")):
        raise errors.AppError(400, errors.BOT_USERNAME_INVALID)
    for name in ("display_name", "description"):
        if len(bot.get(name, "")) > _FIELDS[name]:
            raise errors.AppError(400, f"model.bot.is_valid.{name}.app_error")


def _load_bot(rt: Runtime, viewer: Doc, raw_id: str, manage: bool = False) -> Doc:
    """The bot, or 404 when missing or unreadable (``pretend this bot doesn't exist``); with
    ``manage``, ``SessionHasPermissionToManageBot``."""
    bot = rt.store.get("bots", inputs.id_param(raw_id, "bot_user_id"))
    include_deleted = inputs.bool_arg("include_deleted") or manage
    if (
        bot is None
        or (bot["delete_at"] and not include_deleted)
        or not permissions.can_read_bot(viewer, bot)
    ):
        raise errors.AppError(404, errors.BOT_NOT_FOUND, f"user_id={raw_id}")
    if manage and not permissions.can_manage_bot(viewer, bot):
        permission = "manage_bots" if bot["owner_id"] == viewer["id"] else "manage_others_bots"
        raise errors.permission_denied(viewer["id"], permission)
    return bot


@blueprint.post("/bots")
def create_bot() -> Response:
    rt, viewer = authentication.caller()
    patch = _patch(inputs.json_body())
    permissions.require_system(viewer, "create_bot")
    if viewer.get("is_bot"):
        raise errors.permission_denied(viewer["id"], "create_bot")
    if not models.setting(rt, "ServiceSettings", "EnableBotAccountCreation", False):
        raise errors.AppError(403, errors.BOT_CREATE_DISABLED)
    _validate(patch)
    try:
        bot = models.create_bot_account(
            rt,
            username=patch["username"],
            display_name=patch.get("display_name", ""),
            description=patch.get("description", ""),
            owner_id=viewer["id"],
        )
    except DuplicateKey as exc:
        raise duplicate(exc) from None
    response = jsonify(wire.bot(bot))
    response.status_code = 201
    return response


@blueprint.get("/bots")
def get_bots() -> Response:
    rt, viewer = authentication.caller()
    page, per_page = inputs.paging()
    if permissions.has_system_permission(viewer, "read_others_bots"):
        bots = rt.store.all("bots")
    elif permissions.has_system_permission(viewer, "read_bots"):
        bots = rt.store.find("bots", "owner_id", viewer["id"])
    else:
        raise errors.permission_denied(viewer["id"], "read_bots")
    if not inputs.bool_arg("include_deleted"):
        bots = [b for b in bots if not b["delete_at"]]
    if inputs.bool_arg("only_orphaned"):
        owners = {b["owner_id"]: rt.store.get("users", b["owner_id"]) for b in bots}
        bots = [b for b in bots if not owners[b["owner_id"]] or owners[b["owner_id"]]["delete_at"]]
    bots = sorted(bots, key=lambda b: (b["create_at"], b["user_id"]))
    return jsonify([wire.bot(b) for b in bots[page * per_page : (page + 1) * per_page]])


@blueprint.get("/bots/<bot_user_id>")
def get_bot(bot_user_id: str) -> Response:
    rt, viewer = authentication.caller()
    return jsonify(wire.bot(_load_bot(rt, viewer, bot_user_id)))


@blueprint.put("/bots/<bot_user_id>")
def patch_bot(bot_user_id: str) -> Response:
    rt, viewer = authentication.caller()
    patch = _patch(inputs.json_body())
    bot = _load_bot(rt, viewer, bot_user_id, manage=True)
    _validate({**bot, **patch})
    try:
        fresh = models.patch_bot(rt, bot["user_id"], patch)
    except DuplicateKey as exc:
        raise duplicate(exc) from None
    return jsonify(wire.bot(fresh))


def _set_active(bot_user_id: str, active: bool) -> Response:
    rt, viewer = authentication.caller()
    bot = _load_bot(rt, viewer, bot_user_id, manage=True)
    models.set_user_active(rt, bot["user_id"], active)
    return jsonify(wire.bot(rt.store.get("bots", bot["user_id"])))


@blueprint.post("/bots/<bot_user_id>/disable")
def disable_bot(bot_user_id: str) -> Response:
    return _set_active(bot_user_id, False)


@blueprint.post("/bots/<bot_user_id>/enable")
def enable_bot(bot_user_id: str) -> Response:
    return _set_active(bot_user_id, True)


@blueprint.post("/bots/<bot_user_id>/assign/<user_id>")
def assign_bot(bot_user_id: str, user_id: str) -> Response:
    rt, viewer = authentication.caller()
    owner_id = inputs.user_id_param(user_id)
    bot = _load_bot(rt, viewer, bot_user_id, manage=True)
    owner = rt.store.get("users", owner_id)
    if owner is not None and owner.get("is_bot"):
        raise errors.permission_denied(viewer["id"], "assign_bot")
    return jsonify(wire.bot(models.assign_bot(rt, bot["user_id"], owner_id)))


@blueprint.post("/bots/<bot_user_id>/convert_to_user")
def convert_bot_to_user(bot_user_id: str) -> Response:
    rt, viewer = authentication.caller()
    bot = rt.store.get("bots", inputs.id_param(bot_user_id, "bot_user_id"))
    if bot is None or bot["delete_at"]:
        raise errors.AppError(404, errors.BOT_NOT_FOUND, f"user_id={bot_user_id}")
    body = inputs.json_body(required=False)
    password = body.get("password") if isinstance(body, dict) else None
    if not isinstance(password, str) or not password:
        raise errors.invalid_body_param("userPatch")
    permissions.require_system(viewer, "manage_system")
    changes = {}
    for name in ("username", "email", "first_name", "last_name", "nickname", "position"):
        if isinstance(body.get(name), str):
            changes[name] = body[name].lower() if name in ("username", "email") else body[name]
    problem = models.password_problem(rt, password)
    if problem is not None:
        raise errors.AppError(400, problem[0], Min=str(problem[1]))
    if "email" in changes and not models.is_valid_email(changes["email"]):
        raise errors.AppError(400, errors.USER_EMAIL_INVALID)
    try:
        user = models.convert_bot_to_user(
            rt, bot, changes, password, inputs.bool_arg("set_system_admin")
        )
    except DuplicateKey as exc:
        raise duplicate(exc) from None
    return jsonify(wire.user(user, viewer_is_admin=True))


@blueprint.post("/users/<user_id>/convert_to_bot")
def convert_user_to_bot(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    user = load_user(rt, user_id)
    permissions.require_system(viewer, "manage_system")
    if user.get("is_bot"):
        raise errors.invalid_url_param("user_id")
    return jsonify(wire.bot(models.convert_user_to_bot(rt, user)))


# -- sidebar icon -----------------------------------------------------------------------------


@blueprint.get("/bots/<bot_user_id>/icon")
def get_bot_icon(bot_user_id: str) -> Response:
    rt, _ = authentication.caller()
    bot = rt.store.get("bots", inputs.id_param(bot_user_id, "bot_user_id"))
    if bot is None:
        raise errors.AppError(404, errors.BOT_NOT_FOUND, f"user_id={bot_user_id}")
    data = bot_icons.bot_icon(rt, bot)
    user = rt.store.get("users", bot["user_id"]) or {}
    response = Response(data)
    response.headers["Content-Type"] = "image/svg+xml"  # no charset, as upstream sets it
    response.headers["Cache-Control"] = "max-age=86400, private"
    response.headers["ETag"] = str(user.get("last_picture_update", 0))
    return response


@blueprint.post("/bots/<bot_user_id>/icon")
def set_bot_icon(bot_user_id: str) -> Response:
    rt, viewer = authentication.caller()
    bot = _load_bot(rt, viewer, bot_user_id, manage=True)
    if (request.content_length or 0) > models.setting(rt, "FileSettings", "MaxFileSize", 0):
        raise errors.AppError(413, errors.BOT_ICON_TOO_LARGE)
    uploads = request.files.getlist("image")
    if not uploads:
        raise errors.bad_request(errors.BOT_ICON_NO_FILE)
    bot_icons.set_bot_icon(rt, bot, uploads[0].read())
    return jsonify(wire.status_ok())


@blueprint.delete("/bots/<bot_user_id>/icon")
def delete_bot_icon(bot_user_id: str) -> Response:
    rt, viewer = authentication.caller()
    bot = _load_bot(rt, viewer, bot_user_id, manage=True)
    bot_icons.delete_bot_icon(rt, bot)
    return jsonify(wire.status_ok())
