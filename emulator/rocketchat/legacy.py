"""The legacy REST API (v0, the ``Rocket Chat REST API`` seed document): ``/api/<action>``.

Served by Restivus before ``/api/v1`` existed: answers are ``{"status": "success", ...}``, errors
``{"status": "error", "message": ...}`` (``"fail"`` where the old routes said so). Room and message
operations are the same domain operations REST v1 and DDP use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify, request

from ..core import jsonbounds
from ..core.runtime import Runtime, runtime
from . import auth, errors, models, settings, wire

blueprint = Blueprint("rc_legacy", __name__, url_prefix="/api")

LEGACY_API_VERSION = "0.1"
NAME_PATTERN = re.compile(r"^[0-9a-zA-Z-_.]+$")
EMAIL_PATTERN = re.compile(r"\b[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]+\b", re.IGNORECASE)
MESSAGES_PAGE = 50

Doc = dict[str, Any]


def _ok(**body: Any) -> Response:
    return jsonify({"status": "success", **body})


def _params() -> Doc:
    """A JSON object body, or form fields (Restivus accepted both)."""
    if request.mimetype == "application/json" or (request.data and not request.form):
        deep = jsonbounds.too_deep(request.get_data())  # refused as malformed, never stored
        parsed = None if deep else request.get_json(silent=True, force=True)
        if parsed is None and request.data:
            raise errors.legacy(400, "Invalid JSON body")
        if parsed is not None and not isinstance(parsed, dict):
            raise errors.legacy(400, "The request body must be an object")
        return parsed or {}
    return request.form.to_dict()


def _login(rt: Runtime) -> auth.Caller:
    caller = auth.authenticate(rt, request.environ)
    if caller is None:
        raise errors.legacy(401, errors.LEGACY_LOGGED_OUT)
    return caller


def _caller(rt: Runtime) -> Doc:
    return _login(rt).user


def _permitted(rt: Runtime, permission: str) -> Doc:
    """The logged-in caller if it holds ``permission``, else 403."""
    user = _caller(rt)
    if not models.has_permission(rt, user, permission):
        raise errors.legacy(403, errors.LEGACY_NO_PERMISSION)
    return user


def _caller_and_room(room_id: str) -> tuple[Runtime, Doc, Doc]:
    """The ``/api/rooms/:id/*`` prologue: (runtime, logged-in caller, the room, else 404)."""
    rt = runtime()
    user = _caller(rt)
    room = rt.store.get("rooms", room_id)
    if room is None:
        raise errors.legacy(404, "Invalid room")
    return rt, user, room


@blueprint.get("/version")
def version() -> Response:
    return _ok(versions={"api": LEGACY_API_VERSION, "rocketchat": settings.VERSION})


@blueprint.post("/login")
def login() -> Response:
    rt = runtime()
    params = _params()
    login_id = params.get("user") or params.get("username") or params.get("email")
    password = params.get("password")
    unauthorized = errors.legacy(401, "Unauthorized")
    if not isinstance(login_id, str) or not isinstance(password, str) or not password:
        raise unauthorized
    user = models.find_user(rt, login_id)
    if user is None or not user["active"] or not models.check_user_password(user, password):
        raise unauthorized
    token = models.issue_login_token(rt, user)
    rt.store.update("users", user["_id"], {"lastLogin": rt.clock.now_ms()})
    return _ok(data={"authToken": token, "userId": user["_id"]})


@blueprint.route("/logout", methods=["GET", "POST"])
def logout() -> Response:
    rt = runtime()
    models.revoke_token(rt, _login(rt).token)
    return _ok(data={"message": "You've been logged out!"})


@blueprint.get("/publicRooms")
def public_rooms() -> Response:
    rt = runtime()
    _caller(rt)
    rooms = sorted(rt.store.find("rooms", "t", "c"), key=lambda r: -r.get("msgs", 0))
    return _ok(rooms=[wire.room(r) for r in rooms])


@blueprint.post("/rooms/<room_id>/join")
def join(room_id: str) -> Response:
    rt, user, room = _caller_and_room(room_id)
    if room["t"] != "c" or not models.has_permission(rt, user, "view-c-room"):
        raise errors.legacy(403, errors.LEGACY_NO_PERMISSION)
    models.add_member(rt, room, user)
    return _ok()


@blueprint.post("/rooms/<room_id>/leave")
def leave(room_id: str) -> Response:
    rt, user, room = _caller_and_room(room_id)
    sub = models.subscription(rt, room["_id"], user["_id"])
    if sub is None:
        raise errors.legacy(400, "You are not in this room")
    if room["t"] == "d" or not models.has_permission(rt, user, f"leave-{room['t']}"):
        raise errors.legacy(403, errors.LEGACY_NO_PERMISSION)
    if "owner" in sub["roles"] and len(models.room_owners(rt, room["_id"])) == 1:
        raise errors.legacy(
            400,
            "You are the last owner. Please set new owner before leaving the room.",
        )
    models.remove_member(rt, room, user)
    return _ok()


@blueprint.get("/rooms/<room_id>/messages")
def messages(room_id: str) -> Response:
    rt, user, room = _caller_and_room(room_id)
    if not models.can_access_room(rt, room, user):
        raise errors.legacy(403, "Cannot access room.", "fail")
    page = rt.store.find_page("messages", "rid", room["_id"], 0, MESSAGES_PAGE * 2)
    visible = [m for m in page if not m.get("_hidden")][:MESSAGES_PAGE]
    return _ok(messages=[wire.message(m) for m in visible])


@blueprint.post("/rooms/<room_id>/send")
def send(room_id: str) -> Response:
    rt, user, room = _caller_and_room(room_id)
    text = _params().get("msg")
    if not isinstance(text, str) or not text.strip():
        raise errors.legacy(400, 'The "msg" parameter must be a non-empty string')

    def member_only(room: Doc) -> None:  # the v0 route posts only into the caller's rooms
        if models.subscription(rt, room["_id"], user["_id"]) is None:
            raise models.SendRefused(errors.NOT_ALLOWED)

    try:
        models.execute_send_message(rt, user, room, text, validate=member_only)
    except models.SendRefused as refused:
        if refused.code == errors.NOT_ALLOWED:
            raise errors.legacy(403, errors.LEGACY_NO_PERMISSION) from None
        raise errors.legacy(400, refused.reason or refused.code) from None
    return _ok()


def _valid_records(key: str, action: str, invalid: str, valid: Callable[[Any], bool]) -> list[Any]:
    """The body's ``key`` array if every record is ``valid``, else the first bad one's 400."""
    records = _params().get(key)
    if not isinstance(records, list):
        raise errors.legacy(400, f'The "{key}" parameter must be an array', "fail")
    for index, record in enumerate(records):
        if not valid(record):
            raise errors.legacy(
                400,
                f"Error :: [restapi] bulk/{action} -> record #{index} is invalid [{invalid}]",
                "fail",
            )
    return records


@blueprint.post("/bulk/register")
def bulk_register() -> Response:
    rt = runtime()
    _permitted(rt, "bulk-register-user")

    def valid(record: Any) -> bool:
        username = (
            record.get("username") or record.get("name") if isinstance(record, dict) else None
        )
        return bool(
            isinstance(username, str)
            and isinstance(record.get("name"), str)
            and isinstance(record.get("email"), str)
            and isinstance(record.get("pass"), str)
            and NAME_PATTERN.match(username)
            and EMAIL_PATTERN.search(record["email"])
            and models.find_user_by_username(rt, username) is None
            and rt.store.find_one("users", "email", record["email"].lower()) is None
        )

    records = _valid_records("users", "register", errors.INVALID_USER_RECORD, valid)
    ids = []
    with rt.store.transaction():
        for record in records:
            created = models.create_user(
                rt,
                username=record.get("username") or record["name"],
                email=record["email"],
                password=record["pass"],
                name=record["name"],
                verified=False,
            )
            models.join_default_rooms(rt, created)
            ids.append({"uid": created["_id"]})
    return _ok(ids=ids)


@blueprint.post("/bulk/createRoom")
def bulk_create_room() -> Response:
    rt = runtime()
    user = _permitted(rt, "bulk-create-c")

    def valid(record: Any) -> bool:
        members = record.get("members") if isinstance(record, dict) else None
        return bool(
            isinstance(record.get("name") if isinstance(record, dict) else None, str)
            and isinstance(members, list)
            and len(members) > 1
            and all(isinstance(m, str) for m in members)
            and NAME_PATTERN.match(record["name"])
            and models.room_by_id_or_name(rt, None, record["name"]) is None
        )

    records = _valid_records("rooms", "createRoom", errors.INVALID_ROOM_RECORD, valid)
    ids = []
    with rt.store.transaction():
        for record in records:
            members = [user]
            for username in record["members"]:
                member = models.find_user_by_username(rt, username)
                if member is not None and member["_id"] not in {m["_id"] for m in members}:
                    members.append(member)
            room = models.create_room(
                rt, room_type="c", name=record["name"], owner=user, members=members
            )
            ids.append({"rid": room["_id"]})
    return _ok(ids=ids)
