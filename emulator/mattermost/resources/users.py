"""``api4/user.go``: login, logout and reading users."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ...core.passwords import check_password
from ...core.runtime import Runtime, runtime
from .. import api, errors, models, permissions, wire

blueprint = Blueprint("mm_users", __name__, url_prefix="/api/v4")


def authenticate(rt: Runtime, login_id: str, password: str) -> dict:
    """``AuthenticateUserForLogin``: the user, or the masked 401 the real server sends."""
    if not password:
        raise errors.AppError(400, "api.user.login.blank_pwd.app_error")
    key = login_id.lower()
    user = rt.store.find_one("users", "username", key) or rt.store.find_one("users", "email", key)
    if user is None or not check_password(password, user["password"]):
        raise errors.AppError(401, "api.user.login.invalid_credentials_email_username")
    if user["delete_at"]:
        raise errors.AppError(401, "api.user.login.inactive.app_error")
    if user.get("is_bot"):
        raise errors.AppError(401, "api.user.login.bot_login_forbidden.app_error")
    return user


def login_response(rt: Runtime, user: dict, device_id: str = "") -> Response:
    session = models.create_session(rt, user, device_id=device_id)
    response = jsonify(wire.user(user, is_self=True))
    response.headers["Token"] = session["token"]
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        max_age = session["expires_at"] - session["create_at"]
        max_age //= 1000
        response.set_cookie(
            "MMAUTHTOKEN", session["token"], max_age=max_age, httponly=True, path="/"
        )
        response.set_cookie("MMUSERID", user["id"], max_age=max_age, path="/")
        response.set_cookie("MMCSRF", session["props"]["csrf"], max_age=max_age, path="/")
    return response


@blueprint.post("/users/login")
def login() -> Response:
    rt = runtime()
    body = api.json_object()
    login_id = body.get("login_id", "")
    password = body.get("password", "")
    if not isinstance(login_id, str) or not isinstance(password, str):
        raise errors.invalid_body_param("login_id")
    user = authenticate(rt, login_id, password)
    device_id = body.get("device_id") if isinstance(body.get("device_id"), str) else ""
    return login_response(rt, user, device_id)


@blueprint.post("/users/logout")
def logout() -> Response:
    rt = runtime()
    try:
        session = api.current_session(rt)
    except errors.AppError:
        session = None
    if session is not None and not session.get("is_access_token"):
        rt.store.delete("sessions", session["id"])
    response = jsonify(wire.status_ok())
    for cookie in ("MMAUTHTOKEN", "MMUSERID", "MMCSRF"):
        response.delete_cookie(cookie, path="/")
    return response


@blueprint.get("/users/<user_id>")
def get_user(user_id: str) -> Response:
    rt = runtime()
    viewer = api.current_user()
    user = rt.store.get("users", api.user_id_param(user_id))
    if user is None:
        raise errors.AppError(404, "app.user.missing_account.const", f"user_id={user_id}")
    is_self = user["id"] == viewer["id"]
    return jsonify(
        wire.user(user, viewer_is_admin=permissions.is_system_admin(viewer), is_self=is_self)
    )
