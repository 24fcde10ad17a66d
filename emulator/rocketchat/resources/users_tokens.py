"""Personal access tokens and ``users.createToken`` (``v1/users.ts``, ``personal-access-tokens``).

Personal access tokens authenticate like login tokens (``X-User-Id`` + ``X-Auth-Token``) but
never expire; they are stored hashed in ``tokens`` with ``type: "personalAccessToken"``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify

from ...core.runtime import Runtime, runtime
from .. import auth, errors, inputs, models, twofactor, wire

blueprint = Blueprint("rc_users_tokens", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]
TOKEN_NAME_REQUIRED = "The 'tokenName' param is required"


def _not_authorized(method: str | None) -> errors.RocketError:
    details = {"method": method} if method else None
    return errors.meteor_error(errors.BARE_NOT_AUTHORIZED, "Not Authorized", details)


def _token_name(params: Doc) -> str:
    name = params.get("tokenName")
    if not name:
        raise errors.failure(TOKEN_NAME_REQUIRED)
    if not isinstance(name, str):
        raise errors.invalid_params("/tokenName must be string")
    return name


def _can_use_tokens(rt: Runtime, user: Doc, method: str) -> None:
    if not models.has_permission(rt, user, "create-personal-access-tokens"):
        raise _not_authorized(method)


@blueprint.post("/users.generatePersonalAccessToken")
def generate() -> Response:
    rt, me = auth.runtime_and_user()
    twofactor.require_two_factor(rt, me)
    params = inputs.body()
    name = _token_name(params)
    bypass = params.get("bypassTwoFactor", False)
    if not isinstance(bypass, bool):
        raise errors.invalid_params("/bypassTwoFactor must be boolean")
    method = "personalAccessTokens:generateToken"
    _can_use_tokens(rt, me, method)
    if models.personal_access_token(rt, me["_id"], name) is not None:
        raise errors.meteor_error(
            errors.TOKEN_ALREADY_EXISTS,
            "A token with this name already exists",
            {"method": method},
        )
    token = models.generate_personal_access_token(rt, me["_id"], name, bypass)
    return jsonify({"token": token, "success": True})


def _existing_token(method: str) -> tuple[Runtime, Doc, Doc]:
    """The caller's token named in the body, for ``method``: (runtime, caller, token record)."""
    rt, me = auth.runtime_and_user()
    twofactor.require_two_factor(rt, me)
    name = _token_name(inputs.body())
    _can_use_tokens(rt, me, method)
    record = models.personal_access_token(rt, me["_id"], name)
    if record is None:
        raise errors.meteor_error(
            errors.TOKEN_DOES_NOT_EXIST, "Token does not exist", {"method": method}
        )
    return rt, me, record


@blueprint.post("/users.regeneratePersonalAccessToken")
def regenerate() -> Response:
    rt, me, record = _existing_token("personalAccessTokens:regenerateToken")
    with rt.store.transaction():
        models.remove_personal_access_token(rt, record)
        token = models.generate_personal_access_token(
            rt, me["_id"], record["name"], bool(record.get("bypassTwoFactor"))
        )
    return jsonify({"token": token, "success": True})


@blueprint.post("/users.removePersonalAccessToken")
def remove() -> Response:
    rt, _, record = _existing_token("personalAccessTokens:removeToken")
    models.remove_personal_access_token(rt, record)
    return jsonify({"success": True})


@blueprint.get("/users.getPersonalAccessTokens")
def list_tokens() -> Response:
    rt, me = auth.runtime_and_user()
    if not models.has_permission(rt, me, "create-personal-access-tokens"):
        raise _not_authorized(None)
    records = sorted(models.personal_access_tokens(rt, me["_id"]), key=lambda r: r["createdAt"])
    return jsonify({"tokens": [wire.personal_access_token(r) for r in records], "success": True})


@blueprint.post("/users.createToken")
def create_token() -> Response:
    """A login token for a user, for servers that opt in through the environment.

    ``CREATE_TOKENS_FOR_USERS_SECRET`` (8.x) makes ``secret`` mandatory and compared with it;
    without it, ``CREATE_TOKENS_FOR_USERS=true`` (the older switch) enables the endpoint.
    """
    rt, me = auth.runtime_and_user()
    params = inputs.body()
    user = inputs.user_from_params(rt, params)
    env = rt.config.environ
    secret = env.get("CREATE_TOKENS_FOR_USERS_SECRET")
    if secret:
        allowed = params.get("secret") == secret
    else:
        allowed = env.get("CREATE_TOKENS_FOR_USERS", "").lower() in ("yes", "true")
    if allowed and user["_id"] != me["_id"]:
        allowed = models.has_permission(rt, me, "user-generate-access-token")
    if not allowed:
        raise errors.meteor_error(errors.NOT_AUTHORIZED, "Not authorized")
    token = models.issue_login_token(rt, user)
    return jsonify({"data": {"userId": user["_id"], "authToken": token}, "success": True})


# -- sessions ---------------------------------------------------------------------------------


@blueprint.post("/users.logout")
def logout_user() -> Response:
    """End every session (and personal access token) of the caller or, with permission, another
    user."""
    rt, me = auth.runtime_and_user()
    params = inputs.body()
    user_id = params.get("userId") or me["_id"]
    if not isinstance(user_id, str):
        raise errors.invalid_params("/userId must be string")
    if user_id != me["_id"] and not models.has_permission(rt, me, "logout-other-user"):
        raise errors.unauthorized_result()
    if rt.store.get("users", user_id) is None:
        raise errors.meteor_error(errors.INVALID_USER_ID, "Invalid user id")
    models.revoke_user_tokens(rt, user_id)
    return jsonify({"message": f"User {user_id} has been logged out!", "success": True})


@blueprint.post("/users.logoutOtherClients")
def logout_other_clients() -> Response:
    """Keep only the calling session's login token (personal access tokens stay)."""
    rt, me = auth.runtime_and_user()
    models.revoke_other_login_tokens(rt, me["_id"], g.auth_token)
    record = rt.store.get("tokens", models.hash_token(g.auth_token))
    expires = ""
    if record is not None and "when" in record:
        # The server adds Accounts_LoginExpiration (days) as seconds here; so does the emulator.
        expires = wire.iso(record["when"] + models.setting(rt, "Accounts_LoginExpiration") * 1000)
    return jsonify({"token": g.auth_token, "tokenExpires": expires, "success": True})


@blueprint.post("/users.removeOtherTokens")
def remove_other_tokens() -> Response:
    rt = runtime()
    models.revoke_other_login_tokens(rt, auth.current_user(rt)["_id"], g.auth_token)
    return jsonify({"success": True})
