"""``api4/user.go``, the sign-in options: MFA, emails, guest accounts.

MFA is real (TOTP, ``models/mfa.py``); SMTP and a license are absent, and the real server answers
the rest with its no-ops or "disabled"/license errors then.
"""

from __future__ import annotations

from typing import NoReturn

from flask import Blueprint, Response, jsonify

from ...core.runtime import runtime
from .. import authentication, errors, inputs, models, permissions, wire
from ..models import account_auth
from .sessions import user_for_login
from .users import load_user, present

blueprint = Blueprint("mm_user_auth", __name__, url_prefix="/api/v4")


@blueprint.post("/users/mfa")
def check_user_mfa() -> Response:
    """Deprecated; answered only while ``DisableLegacyMFA`` is off (default: on, Go's 404)."""
    rt = runtime()
    if models.setting(rt, "ServiceSettings", "DisableLegacyMFA", True):
        return Response("404 page not found\n", status=404, mimetype="text/plain")
    body = inputs.json_body(required=False)
    login_id = body.get("login_id") if isinstance(body, dict) else None
    if not isinstance(login_id, str) or not login_id:
        raise errors.invalid_body_param("login_id")
    user = user_for_login(rt, login_id) if models.mfa_enabled(rt) else None
    return jsonify({"mfa_required": bool(user and user.get("mfa_active"))})


@blueprint.put("/users/<user_id>/mfa")
def update_user_mfa(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    target = inputs.user_id_param(user_id)
    permissions.refuse_oauth_session(authentication.current_session(rt), viewer)
    permissions.require_self_or(viewer, target)
    body = inputs.json_body(required=False)
    activate = body.get("activate") if isinstance(body, dict) else None
    if not isinstance(activate, bool):
        raise errors.invalid_body_param("activate")
    code = body.get("code")
    if activate and not (isinstance(code, str) and code):
        raise errors.invalid_body_param("code")
    user = load_user(rt, target)
    if activate:
        models.activate_mfa(rt, user, code)
    else:
        models.deactivate_mfa(rt, user)
    return jsonify(wire.status_ok())


@blueprint.post("/users/<user_id>/mfa/generate")
def generate_mfa_secret(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    target = inputs.user_id_param(user_id)
    permissions.refuse_oauth_session(authentication.current_session(rt), viewer)
    permissions.require_self_or(viewer, target)
    secret, qr_code = models.generate_mfa_secret(rt, load_user(rt, target))
    response = jsonify({"secret": secret, "qr_code": qr_code})
    # The secret must not linger in any cache.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Pragma"] = "no-cache"
    response.headers["Expires"] = "0"
    return response


@blueprint.post("/users/password/reset/send")
def send_password_reset() -> Response:
    """No SMTP: nothing is sent, and like the real server the answer does not tell whether the
    address exists."""
    body = inputs.json_body(required=False)
    email = body.get("email") if isinstance(body, dict) else None
    if not isinstance(email, str) or not email:
        raise errors.invalid_body_param("email")
    return jsonify(wire.status_ok())


@blueprint.post("/users/email/verify/send")
def send_verification_email() -> Response:
    body = inputs.json_body(required=False)
    email = body.get("email") if isinstance(body, dict) else None
    if not isinstance(email, str) or not email:
        raise errors.invalid_body_param("email")
    return jsonify(wire.status_ok())


@blueprint.post("/users/<user_id>/email/verify/member")
def verify_user_email_without_token(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    user = load_user(rt, user_id)
    permissions.require_system(viewer, "manage_system")
    fresh = models.update_user(rt, user["id"], {"email_verified": True})
    return jsonify(present(rt, viewer, fresh))


@blueprint.get("/users/<user_id>/audits")
def get_user_audits(user_id: str) -> Response:
    """The emulator keeps no audit trail: an empty page."""
    viewer = authentication.current_user()
    permissions.require_self_or(viewer, inputs.user_id_param(user_id))
    return jsonify([])


@blueprint.get("/users/<user_id>/uploads")
def get_uploads_for_user(user_id: str) -> Response:
    viewer = authentication.current_user()
    if inputs.user_id_param(user_id) != viewer["id"]:
        raise errors.AppError(403, errors.USER_UPLOADS_FORBIDDEN)
    return jsonify([])


@blueprint.post("/users/<user_id>/promote")
def promote_guest_to_user(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    target = inputs.user_id_param(user_id)
    permissions.require_system(viewer, "promote_guest")
    user = load_user(rt, target)
    roles = user["roles"].split()
    if "system_guest" not in roles:
        raise errors.AppError(501, errors.PROMOTE_NO_GUEST)
    promoted = ["system_user" if r == "system_guest" else r for r in roles]
    models.update_user(rt, user["id"], {"roles": " ".join(promoted)})
    return jsonify(wire.status_ok())


@blueprint.post("/users/<user_id>/demote")
def demote_user_to_guest(user_id: str) -> Response:
    authentication.current_user()
    inputs.user_id_param(user_id)
    # Guest accounts need a license the emulator does not have.
    raise errors.AppError(501, errors.DEMOTE_NEEDS_LICENSE)


@blueprint.put("/users/<user_id>/auth")
def update_user_auth(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    if not permissions.is_system_admin(viewer):
        raise errors.permission_denied(viewer["id"], "edit_other_users")
    target = inputs.user_id_param(user_id)
    body = inputs.json_body(required=False)
    if not isinstance(body, dict):
        raise errors.invalid_body_param("user")
    service, auth_data = body.get("auth_service"), body.get("auth_data")
    if not isinstance(service, str | None) or not isinstance(auth_data, str | None):
        raise errors.invalid_body_param("user")
    if not auth_data or not service:
        raise errors.bad_request(errors.UPDATE_AUTH_INVALID_REQUEST)
    return jsonify(account_auth.update_user_auth(rt, target, service, auth_data))


def _token() -> str:
    body = inputs.json_body(required=False)
    token = body.get("token") if isinstance(body, dict) else None
    if not isinstance(token, str) or len(token) != account_auth.TOKEN_SIZE:
        raise errors.invalid_body_param("token")
    return token


@blueprint.post("/users/password/reset")
def reset_password() -> NoReturn:
    account_auth.reset_password_from_token(_token())


@blueprint.post("/users/email/verify")
def verify_user_email() -> NoReturn:
    account_auth.verify_email_from_token(_token())


@blueprint.post("/users/login/sso/code-exchange")
def login_sso_code_exchange() -> Response:
    """Deprecated: answered 410 with a ``Deprecation`` header while the ``MobileSSOCodeExchange``
    feature flag is off (its default)."""
    response = errors.to_response(errors.AppError(410, errors.SSO_CODE_EXCHANGE_DEPRECATED))
    response.headers["Deprecation"] = "true"
    return response
