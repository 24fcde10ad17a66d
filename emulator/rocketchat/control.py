"""``/_emulator/rocketchat/...``: control routes only the Rocket.Chat emulator has.

Behind the same guard as the core control API (loopback or the control token), never journaled:
what a test types at a two-factor prompt, read from the emulator instead of a phone or a mailbox.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..core import control_api
from ..core.runtime import runtime
from . import models, wire
from .models import two_factor

blueprint = Blueprint("rc_control", __name__, url_prefix="/_emulator/rocketchat")
blueprint.before_request(control_api.guard)

Doc = dict


def _error(status: int, message: str) -> Response:
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    return response


def _user(user: str) -> Doc | None:
    """``user`` is an id or a username."""
    rt = runtime()
    return rt.store.get("users", user) or models.find_user_by_username(rt, user)


@blueprint.get("/users/<user>/totp_code")
def totp_code(user: str) -> Response:
    """The code the user's authenticator app shows now (by the emulator clock), for the
    enabled secret or the one being set up (``2fa:enable``)."""
    found = _user(user)
    if found is None:
        return _error(404, f"no user {user!r}")
    code = two_factor.current_totp_code(runtime(), found)
    if code is None:
        return _error(409, f"user {user!r} has no TOTP secret: call 2fa:enable first")
    enabled = bool(found.get("services", {}).get("totp", {}).get("enabled"))
    return jsonify({"user_id": found["_id"], "code": code, "totp_enabled": enabled})


@blueprint.get("/users/<user>/email_code")
def email_code(user: str) -> Response:
    """The last two-factor code "mailed" to the user, with where it went and when."""
    found = _user(user)
    if found is None:
        return _error(404, f"no user {user!r}")
    sent = two_factor.last_email_code(runtime(), found)
    if sent is None:
        return _error(409, f"no e-mail code was sent to {user!r}")
    return jsonify(
        {
            "user_id": found["_id"],
            "code": sent["code"],
            "to": sent["to"],
            "sentAt": wire.iso(sent["sentAt"]),
        }
    )
