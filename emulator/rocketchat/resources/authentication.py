"""Login, logout and ``me`` (``ApiClass.ts`` ``_initAuth``)."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request

from ...core.runtime import runtime
from .. import auth, errors, inputs, models, twofactor, wire
from ..models import two_factor

blueprint = Blueprint("rc_authentication", __name__, url_prefix="/api/v1")


def _login_failed() -> errors.RocketError:
    return errors.RocketError(
        401,
        {"success": False, "error": "Unauthorized", "status": "error", "message": "Unauthorized"},
    )


def _login_params() -> dict:
    """The login body as upstream's router hands it over: it never refuses one (unparsable JSON
    becomes ``{}``, ``Router.parseBodyParams``) and the route validates nothing, so whatever is
    not an object of credentials fails in the ``login`` method: 401, like bad credentials."""
    try:
        return inputs.body()
    except errors.RocketError:
        return {}


# ``loginCompatibility`` turns only a body of these keys into a password login that carries the
# 2FA ``code``; any other key and the body goes to the login handlers as it is.
_COMPATIBLE_KEYS = frozenset({"user", "username", "email", "password", "code"})


def _second_factor_refused(refusal: models.Refused) -> errors.RocketError:
    """What the login route answers a Meteor error of the ``login`` method: 401 with the
    error, its details and reason (the pre-9.0 compatibility keys)."""
    return errors.RocketError(
        401,
        {
            "success": False,
            "error": refusal.code,
            "status": "error",
            "details": twofactor.rest_details(refusal.details),
            "message": refusal.reason,
        },
    )


def _login_code(params: dict) -> str | None:
    if params.get("password") is None or not set(params) <= _COMPATIBLE_KEYS:
        return None
    code = params.get("code") or request.headers.get("x-2fa-code")
    return code if isinstance(code, str) else None


@blueprint.post("/login")
def login() -> Response:
    rt = runtime()
    params = _login_params()
    if params.get("accessToken") and params.get("password") is None:
        # The OAuth access-token handler (``app/lib/server/oauth/oauth.ts``): no service can be
        # configured here. Upstream's ``ConfigError`` is no Meteor error, which its login route
        # answers with a 500; bad input never gets a 5xx here, so the login refusal instead.
        raise _login_failed()
    if isinstance(params.get("resume"), str):
        user = None
        record = rt.store.get("tokens", models.hash_token(params["resume"]))
        if record is not None:
            user = models.user_for_token(rt, record["userId"], params["resume"])
        if user is None:
            raise _login_failed()
    else:
        login_id = params.get("user") or params.get("username") or params.get("email")
        password = params.get("password")
        if not isinstance(login_id, str) or not isinstance(password, str | dict) or not password:
            raise _login_failed()
        user = models.find_user(rt, login_id)
        if user is None or not models.check_user_password(user, password):
            raise _login_failed()
        if not user["active"]:
            raise errors.RocketError(
                401,
                {
                    "success": False,
                    "error": f"User is deactivated [{errors.USER_IS_NOT_ACTIVATED}]",
                    "status": "error",
                    "message": f"User is deactivated [{errors.USER_IS_NOT_ACTIVATED}]",
                },
            )
        try:
            two_factor.check_code_for_user(rt, user, _login_code(params), None, two_factor.LOGIN)
        except models.Refused as refusal:
            raise _second_factor_refused(refusal) from None
    token = models.issue_login_token(rt, user)
    user = rt.store.update("users", user["_id"], {"lastLogin": rt.clock.now_ms()})
    site_url = models.setting(rt, "Site_Url")
    return jsonify(
        {
            "status": "success",
            "data": {"userId": user["_id"], "authToken": token, "me": wire.me(user, site_url)},
            "success": True,
        }
    )


@blueprint.route("/logout", methods=["POST", "GET"])
def logout() -> Response:
    rt, _ = auth.runtime_and_user()
    models.revoke_token(rt, g.auth_token)
    return jsonify(
        {"status": "success", "data": {"message": "You've been logged out!"}, "success": True}
    )


@blueprint.get("/me")
def me() -> Response:
    rt, user = auth.runtime_and_user()
    body = wire.me(user, models.setting(rt, "Site_Url"))
    body["success"] = True
    return jsonify(body)
