"""Two-factor REST routes: ``users.2fa.*`` and ``users.resetTOTP`` (``v1/users.ts``),
``loginCode.redeem`` (``v1/loginCode.ts``) and ``twoFactorChallenges.*`` (8.7's OAuth login
challenges, whose failures are the documented ``API.v1.failure`` bodies). The rules are
``models.two_factor``'s."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import runtime
from .. import auth, errors, inputs, models, twofactor
from ..models import two_factor

blueprint = Blueprint("rc_two_factor", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]


def _ok() -> Response:
    return jsonify({"success": True})


@blueprint.post("/users.2fa.enableEmail")
def enable_email() -> Response:
    rt, me = auth.runtime_and_user()
    try:
        two_factor.set_email_two_factor(rt, me, True, request.headers.get("X-Auth-Token"))
    except models.Refused as refusal:
        raise errors.refused(refusal) from None
    return _ok()


@blueprint.post("/users.2fa.disableEmail")
def disable_email() -> Response:
    rt, me = auth.runtime_and_user()
    twofactor.require_two_factor(rt, me, disable_remember_me=True)
    two_factor.set_email_two_factor(rt, me, False, None)
    return _ok()


@blueprint.post("/users.2fa.sendEmailCode")
def send_email_code() -> Response:
    """No login needed: the caller if logged in, else the user named (never told apart)."""
    rt = runtime()
    caller = auth.authenticate(rt, request.environ)
    params = inputs.body()
    try:
        two_factor.send_email_code_to(
            rt, caller.user if caller else None, params.get("emailOrUsername")
        )
    except models.Refused as refusal:
        raise errors.refused(refusal) from None
    return _ok()


@blueprint.post("/users.resetTOTP")
def reset_totp() -> Response:
    rt, me = auth.runtime_and_user()
    twofactor.require_two_factor(rt, me, disable_remember_me=True)
    params = inputs.body()
    if not any(key in params for key in ("userId", "username", "user")):
        two_factor.reset_totp(rt, me)
        return _ok()
    if not models.has_permission(rt, me, "edit-other-user-totp"):
        raise errors.meteor_error(errors.NOT_ALLOWED, "Not allowed")
    if not models.setting(rt, "Accounts_TwoFactorAuthentication_Enabled"):
        raise errors.meteor_error(
            errors.TWO_FACTOR_NOT_ENABLED, "Two factor authentication is not enabled"
        )
    two_factor.reset_totp(rt, inputs.user_from_params(rt, params))
    return _ok()


def _strict_body(required: tuple[str, ...], allowed: tuple[str, ...]) -> Doc:
    """The ajv check of these routes' bodies: required strings, nothing else."""
    params = inputs.body()
    inputs.require_fields(params, required)
    for key in params:
        if key not in allowed:
            raise errors.invalid_params("must NOT have additional properties")
    for key in allowed:
        if key in params and not isinstance(params[key], str):
            raise errors.invalid_params(f"/{key} must be string")
    return params


@blueprint.post("/loginCode.redeem")
def redeem_login_code() -> Response:
    """Login codes come from the server-side OAuth login of external services, which no one
    can configure here: a well-formed code is always unknown."""
    params = _strict_body(("code",), ("code",))
    if len(params["code"]) < 64:
        raise errors.invalid_params("/code must NOT have fewer than 64 characters")
    if len(params["code"]) > 64:
        raise errors.invalid_params("/code must NOT have more than 64 characters")
    raise errors.meteor_error(errors.INVALID_LOGIN_CODE, "Invalid or expired login code")


def _no_challenge() -> errors.RocketError:
    """Challenges are made by the OAuth login of external services (none here): every id is
    unknown."""
    return errors.failure("challenge not found", errors.CHALLENGE_NOT_FOUND)


@blueprint.post("/twoFactorChallenges.sendEmailCode")
def send_challenge_email_code() -> Response:
    params = inputs.body()
    if not isinstance(params.get("challengeId"), str) or not params["challengeId"]:
        raise errors.failure("challengeId is required", errors.PARAMETER_REQUIRED)
    raise _no_challenge()


@blueprint.post("/twoFactorChallenges.verifyChallenge")
def verify_challenge() -> Response:
    params = inputs.body()
    if not all(isinstance(params.get(k), str) and params[k] for k in ("challengeId", "code")):
        raise errors.failure("challengeId and code are required", errors.PARAMETER_REQUIRED)
    raise _no_challenge()
