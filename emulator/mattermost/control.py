"""``/_emulator/mattermost/...``: control routes only the Mattermost emulator has.

Behind the same guard as the core control API (loopback or the control token), never journaled.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..core import control_api
from ..core.ids import is_mattermost_id
from ..core.runtime import runtime
from . import models

blueprint = Blueprint("mm_control", __name__, url_prefix="/_emulator/mattermost")
blueprint.before_request(control_api.guard)


def _error(status: int, message: str) -> Response:
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    return response


@blueprint.get("/users/<user>/mfa_code")
def mfa_code(user: str) -> Response:
    """The code the user's authenticator app shows now (by the emulator clock): what a test
    types at an MFA login. ``user`` is an id or a username."""
    rt = runtime()
    if is_mattermost_id(user):
        found = rt.store.get("users", user)
    else:
        found = rt.store.find_one("users", "username", user.lower())
    if found is None:
        return _error(404, f"no user {user!r}")
    code = models.current_mfa_code(rt, found)
    if code is None:
        return _error(409, f"user {user!r} has no MFA secret: generate one first")
    return jsonify(
        {"user_id": found["id"], "code": code, "mfa_active": bool(found.get("mfa_active"))}
    )
