"""Rocket.Chat's error envelope: every error the Rocket.Chat app sends goes through here.

Texts are the real server's (``apps/meteor/app/api/server/ApiClass.ts`` and middlewares).
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

LOGGED_OUT = "You must be logged in to do this."
NO_PERMISSION = "User does not have the permissions required for this action [error-unauthorized]"


class RocketError(Exception):
    """Raise from a handler; the app renders ``body`` with ``status``."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("error", ""))
        self.status = status
        self.body = body


def to_response(error: RocketError) -> Response:
    response = jsonify(error.body)
    response.status_code = error.status
    return response


def failure(message: str, error_type: str | None = None, details: Any = None) -> RocketError:
    """``API.v1.failure``: 400 with the message and, for Meteor errors, its code."""
    body: dict[str, Any] = {"success": False, "error": message}
    if error_type:
        body["errorType"] = error_type
    if details is not None:
        body["details"] = details
    return RocketError(400, body)


def meteor_error(code: str, reason: str, details: Any = None) -> RocketError:
    """A thrown ``Meteor.Error`` as the route wrapper maps it: ``"<reason> [<code>]"``."""
    return failure(f"{reason} [{code}]", code, details)


def invalid_params(message: str) -> RocketError:
    return failure(f"{message} [invalid-params]", "invalid-params")


def unauthorized() -> RocketError:
    """401 for a missing or invalid login, with the pre-9.0 compatibility keys."""
    return RocketError(
        401, {"success": False, "error": LOGGED_OUT, "status": "error", "message": LOGGED_OUT}
    )


def forbidden(message: str = NO_PERMISSION) -> RocketError:
    return RocketError(403, {"success": False, "error": message})


def not_found(message: str = "Resource not found") -> RocketError:
    return RocketError(404, {"success": False, "error": message})


def for_status(status: int, message: str | None = None) -> RocketError:
    defaults = {
        401: LOGGED_OUT,
        403: "unauthorized",
        404: "Resource not found",
        413: "request entity too large",
        414: "URI Too Long",
        429: "Too many requests",
        500: "Internal server error",
        503: "Service Unavailable",
    }
    if status == 401:
        return unauthorized()
    return RocketError(
        status, {"success": False, "error": message or defaults.get(status, "error")}
    )


def not_implemented(operation: str) -> RocketError:
    return RocketError(
        501,
        {
            "success": False,
            "error": f"chat-emulator does not implement {operation} yet [error-not-implemented]",
            "errorType": "error-not-implemented",
        },
    )


# -- users, tokens and administration (texts of apps/meteor/app/api/server/v1/*.ts) ------------

USER_PARAM_NOT_PROVIDED = 'The required "userId" or "username" param was not provided'
USER_PARAM_NO_MATCH = 'The required "userId" or "username" param provided does not match any users'


def unauthorized_result(message: str = "unauthorized") -> RocketError:
    """``API.v1.unauthorized()``: a route's own 401, without the login-middleware keys."""
    return RocketError(401, {"success": False, "error": message})


def bare_failure() -> RocketError:
    """``API.v1.failure()`` with no message: 400 ``{"success": false}``."""
    return RocketError(400, {"success": False})


def two_factor(code: str, reason: str, details: dict[str, Any]) -> RocketError:
    """``totp-required`` / ``totp-invalid`` as the route wrapper renders them."""
    return meteor_error(code, reason, details)


def legacy(status: int, message: str, state: str = "error") -> RocketError:
    """The legacy (v0) REST API's error shape; some of its routes answered ``status: "fail"``."""
    return RocketError(status, {"status": state, "message": message})


LEGACY_LOGGED_OUT = "You must be logged in to do this."
LEGACY_NO_PERMISSION = "You do not have permission to do this"


# -- rooms, messages, teams, integrations (apps/meteor/app/api/server/v1/{channels,groups,im,
#    chat,rooms,subscriptions,teams,integrations}.ts and the methods they call) ---------------

ROOM_PARAM_REQUIRED = 'The parameter "roomId" or "roomName" is required'
CHANNEL_NOT_FOUND = 'The required "roomId" or "roomName" param provided does not match any channel'
GROUP_NOT_FOUND = 'The required "roomId" or "roomName" param provided does not match any group'
DM_NOT_FOUND = 'The required "roomId" param provided does not match any direct message'
DM_PARAM_REQUIRED = 'Body param "roomId" or "username" is required'
MESSAGE_NOT_FOUND = 'The provided "messageId" does not match any existing message.'
MESSAGE_ID_REQUIRED = 'The required "messageId" param is missing.'
LAST_OWNER_LEAVING = "You are the last owner. Please set new owner before leaving the room."
LAST_OWNER_REMOVED = "This is the last owner. Please set a new owner before removing this one."
NOT_ENOUGH_PERMISSION = "Not enough permission"


def not_allowed(method: str | None = None, reason: str = "Not allowed") -> RocketError:
    """``Meteor.Error('error-not-allowed', 'Not allowed', {method})``."""
    return meteor_error("error-not-allowed", reason, {"method": method} if method else None)


def action_not_allowed(reason: str, method: str, action: str | None = None) -> RocketError:
    details = {"method": method, **({"action": action} if action else {})}
    return meteor_error("error-action-not-allowed", reason, details)


def invalid_user(method: str | None = None) -> RocketError:
    details = {"method": method} if method else None
    return meteor_error("error-invalid-user", "Invalid user", details)


def user_not_in_room(method: str, reason: str = "User is not in this room") -> RocketError:
    return meteor_error("error-user-not-in-room", reason, {"method": method})


def room_archived(kind: str, name: str) -> RocketError:
    return meteor_error("error-room-archived", f"The {kind}, {name}, is archived")


def plain(message: str) -> RocketError:
    """``API.v1.failure(message)``, or a plain ``Error`` thrown by a handler: no ``errorType``."""
    return failure(message)


# -- DDP (the realtime API) ---------------------------------------------------------------------


class DdpError(Exception):
    """Raise from a DDP method; the session sends it as the ``error`` of the ``result``."""

    def __init__(self, error: str | int, reason: str | None = None, details: Any = None) -> None:
        super().__init__(reason or str(error))
        self.body = ddp_error(error, reason, details)


def ddp_error(error: str | int, reason: str | None = None, details: Any = None) -> dict[str, Any]:
    """A serialised ``Meteor.Error``: ``message`` is ``"<reason> [<error>]"``."""
    body: dict[str, Any] = {"isClientSafe": True, "error": error}
    if reason is not None:
        body["reason"] = reason
    body["message"] = f"{reason} [{error}]" if reason is not None else f"[{error}]"
    body["errorType"] = "Meteor.Error"
    if details is not None:
        body["details"] = details
    return body


def ddp_match_failed() -> DdpError:
    """A failed ``check()``: Meteor turns ``Match.Error`` into a client-safe 400."""
    return DdpError(400, "Match failed")


def ddp_invalid_user(method: str) -> DdpError:
    return DdpError("error-invalid-user", "Invalid user", {"method": method})


def ddp_not_allowed(method: str) -> DdpError:
    return DdpError("error-not-allowed", "Not allowed", {"method": method})


DDP_LOGGED_OUT = "You've been logged out by the server. Please log in again."
DDP_UPGRADE_REQUIRED = 'Can "Upgrade" only to "WebSocket".'


def upgrade_required() -> Response:
    """A plain GET on the DDP endpoint (the websocket server's own text answer)."""
    return Response(DDP_UPGRADE_REQUIRED, status=400, mimetype="text/plain")
