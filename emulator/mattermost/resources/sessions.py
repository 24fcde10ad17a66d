"""``api4/user.go``, the session half: login, logout, listing and revoking sessions."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ...core.passwords import check_password
from ...core.runtime import Runtime, runtime
from .. import authentication, errors, inputs, models, permissions, wire
from .users import Doc, load_user

blueprint = Blueprint("mm_sessions", __name__, url_prefix="/api/v4")


# -- login / logout ---------------------------------------------------------------------------


def _masked(rt: Runtime) -> errors.AppError:
    """The single 401 every other login failure is masked as, worded per the sign-in options."""
    by_username = models.setting(rt, "EmailSettings", "EnableSignInWithUsername", True)
    by_email = models.setting(rt, "EmailSettings", "EnableSignInWithEmail", True)
    if by_username and not by_email:
        return errors.AppError(401, errors.LOGIN_BAD_USERNAME)
    if by_email and not by_username:
        return errors.AppError(401, errors.LOGIN_BAD_EMAIL)
    return errors.AppError(401, errors.LOGIN_BAD_EMAIL_OR_USERNAME)


def user_for_login(rt: Runtime, login_id: str) -> Doc | None:
    """``GetUserForLogin``: by username, then by email, as far as the sign-in options allow."""
    key = login_id.lower()
    user = None
    if models.setting(rt, "EmailSettings", "EnableSignInWithUsername", True):
        user = rt.store.find_one("users", "username", key)
    if user is None and models.setting(rt, "EmailSettings", "EnableSignInWithEmail", True):
        user = rt.store.find_one("users", "email", key)
    return user


def authenticate(
    rt: Runtime, login_id: str, password: str, user_id: str = "", mfa_token: str = ""
) -> Doc:
    """``AuthenticateUserForLogin``: the user, or the (masked) error the real server sends."""
    if not password:
        raise errors.AppError(400, errors.LOGIN_BLANK_PASSWORD)
    user = rt.store.get("users", user_id) if user_id else user_for_login(rt, login_id)
    if user is None:
        raise _masked(rt)
    # The preflight checks (deactivated, bot) come before the password check.
    if user["delete_at"]:
        raise errors.AppError(401, errors.LOGIN_INACTIVE)
    if user.get("is_bot"):
        raise errors.AppError(401, errors.LOGIN_BOT_FORBIDDEN)
    if not check_password(password, user["password"]):
        raise _masked(rt)
    # After the password, so a missing code tells a client (the web app's pre-flight) that MFA
    # is on only once the password is right.
    models.check_mfa_login(rt, user, mfa_token)
    return user


def login_response(rt: Runtime, user: Doc, device_id: str = "") -> Response:
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
    body = inputs.json_object()
    login_id = body.get("login_id", "")
    password = body.get("password", "")
    user_id = body.get("id", "")
    # JSON null decodes to "" in Go's map[string]string (mattermostdriver sends it without MFA).
    mfa_token = body.get("token") or ""
    if not all(isinstance(v, str) for v in (login_id, password, user_id, mfa_token)):
        raise errors.invalid_body_param("login_id")
    user = authenticate(rt, login_id, password, user_id, mfa_token)
    device_id = body.get("device_id") if isinstance(body.get("device_id"), str) else ""
    return login_response(rt, user, device_id)


@blueprint.post("/users/logout")
def logout() -> Response:
    rt = runtime()
    try:
        session = authentication.current_session(rt)
    except errors.AppError:
        session = None
    if session is not None and not session.get("is_access_token"):
        models.revoke_session(rt, session["id"])
    response = jsonify(wire.status_ok())
    for cookie in ("MMAUTHTOKEN", "MMUSERID", "MMCSRF"):
        response.delete_cookie(cookie, path="/")
    return response


# -- sessions ---------------------------------------------------------------------------------


@blueprint.get("/users/<user_id>/sessions")
def get_sessions(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    user = load_user(rt, user_id)
    permissions.require_self_or(viewer, user["id"])
    sessions = sorted(
        rt.store.find("sessions", "user_id", user["id"]), key=lambda s: -s["create_at"]
    )
    return jsonify([wire.session(s) for s in sessions])


@blueprint.post("/users/<user_id>/sessions/revoke")
def revoke_session(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    body = inputs.json_object()
    user = load_user(rt, user_id)
    permissions.require_self_or(viewer, user["id"])
    session_id = body.get("session_id")
    if not isinstance(session_id, str) or not session_id:
        raise errors.invalid_body_param("session_id")
    session = rt.store.get("sessions", session_id)
    if session is None:
        raise errors.AppError(400, errors.SESSION_NOT_FOUND, f"session_id={session_id}")
    if session["user_id"] != user["id"]:
        raise errors.invalid_url_param("user_id")
    models.revoke_session(rt, session_id)
    return jsonify(wire.status_ok())


@blueprint.post("/users/<user_id>/sessions/revoke/all")
def revoke_all_sessions_for_user(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    user = load_user(rt, user_id)
    permissions.require_self_or(viewer, user["id"])
    models.revoke_user_sessions(rt, user["id"])
    return jsonify(wire.status_ok())


@blueprint.post("/users/sessions/revoke/all")
def revoke_all_sessions() -> Response:
    rt, viewer = authentication.caller()
    permissions.require_system(viewer, "manage_system")
    models.revoke_all_sessions(rt)
    return jsonify(wire.status_ok())


@blueprint.put("/users/sessions/device")
def attach_device_id() -> Response:
    """Attach a mobile device to the caller's session: mobile session length, and the device's
    other sessions are revoked (``AttachDeviceId``)."""
    rt = runtime()
    session = authentication.current_session(rt)
    body = inputs.json_body(required=False)
    device_id = body.get("device_id", "") if isinstance(body, dict) else ""
    if not isinstance(device_id, str) or not device_id:
        raise errors.invalid_body_param("device_id")
    if not session.get("is_access_token"):
        models.attach_device(rt, session, device_id)
    return jsonify(wire.status_ok())
