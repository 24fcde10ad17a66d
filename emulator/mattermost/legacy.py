"""Mattermost API v1 (the ``API-Web-Service`` generation): team-scoped email login and ``me``.

v1 errors carry no ``id``: ``{message, detailed_error, request_id, status_code}``.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request

from ..core.passwords import check_password
from ..core.runtime import runtime
from . import authentication, errors, inputs, models, wire
from .resources.sessions import login_response

blueprint = Blueprint("mm_v1", __name__, url_prefix="/api/v1")


def v1_error(error: errors.AppError) -> Response:
    body = error.to_dict()
    del body["id"]
    response = jsonify(body)
    response.status_code = error.status
    return response


@blueprint.errorhandler(errors.AppError)
def handle_app_error(error: errors.AppError) -> Response:
    return v1_error(error)


@blueprint.post("/users/login")
def login() -> Response:
    rt = runtime()
    body = inputs.json_object()
    fields = ("name", "email", "password", "token")
    team_name, email, password, mfa_token = (body.get(k, "") for k in fields)
    if not all(isinstance(v, str) for v in (team_name, email, password, mfa_token)):
        raise errors.invalid_body_param("email")
    if not password:
        raise errors.AppError(400, errors.LOGIN_BLANK_PASSWORD)
    team = rt.store.find_one("teams", "name", team_name.lower())
    user = rt.store.find_one("users", "email", email.lower())
    member = team and user and rt.store.get("team_members", f"{team['id']}:{user['id']}")
    if not member or member["delete_at"]:
        raise errors.AppError(401, errors.LOGIN_BY_EMAIL)
    if user["delete_at"] or user.get("is_bot") or not check_password(password, user["password"]):
        raise errors.AppError(401, errors.LOGIN_BAD_EMAIL_OR_USERNAME)
    # No way around MFA through the old door: the same code check as API v4's login.
    models.check_mfa_login(rt, user, mfa_token)
    return login_response(rt, user)


@blueprint.get("/users/me")
def me() -> Response:
    authentication.current_session()
    return jsonify(wire.user(g.user, is_self=True))


def is_v1_request() -> bool:
    return request.path.startswith("/api/v1/")
