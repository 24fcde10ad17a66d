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
