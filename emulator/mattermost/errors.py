"""Mattermost's AppError: every error the Mattermost app sends goes through here.

Ids and English messages are the real server's (``server/i18n/en.json``).
"""

from __future__ import annotations

from flask import Response, g, jsonify

# id -> message, verbatim from upstream.
MESSAGES = {
    "api.context.404.app_error": "Sorry, we could not find the page.",
    "api.context.session_expired.app_error": "Invalid or expired session, please login again.",
    "api.context.permissions.app_error": "You do not have the appropriate permissions.",
    "api.context.invalid_body_param.app_error": "Invalid or missing {{.Name}} in request body.",
    "api.context.invalid_url_param.app_error": (
        "Invalid or missing {{.Name}} parameter in request URL."
    ),
    "api.context.invalid_param.app_error": "Invalid {{.Name}} parameter.",
    "api.context.request_body_too_large.app_error": (
        "Your request is too large to be processed. Please reduce its size and try again."
    ),
    "api.context.not_implemented.app_error": "Not implemented.",
    "api.context.method_not_allowed.app_error": "Method not allowed.",
    "api.context.server_error.app_error": "Internal Server Error",
    "api.user.login.invalid_credentials_email_username": (
        "Enter a valid email or username and/or password."
    ),
    "api.user.login.blank_pwd.app_error": "Password field must not be blank",
    "api.user.login.inactive.app_error": (
        "Login failed because your account has been deactivated. Please contact an administrator."
    ),
    "api.user.login.bot_login_forbidden.app_error": "Bot login is forbidden.",
    "app.user.missing_account.const": "Unable to find the user.",
    "api.user.login_by_email.app_error": "Unable to login because email address not found.",
    "web.incoming_webhook.invalid.app_error": "Invalid webhook.",
}

# Generic errors by HTTP status, for unknown routes, faults and the like.
STATUS_IDS = {
    400: "api.context.invalid_param.app_error",
    401: "api.context.session_expired.app_error",
    403: "api.context.permissions.app_error",
    404: "api.context.404.app_error",
    405: "api.context.method_not_allowed.app_error",
    413: "api.context.request_body_too_large.app_error",
    501: "api.context.not_implemented.app_error",
}


class AppError(Exception):
    """Raise from a handler; the app turns it into the AppError JSON body."""

    def __init__(
        self,
        status: int,
        error_id: str,
        detailed: str = "",
        message: str | None = None,
        **params: str,
    ) -> None:
        text = message if message is not None else MESSAGES.get(error_id, error_id)
        for name, value in params.items():
            text = text.replace("{{." + name + "}}", value)
        super().__init__(text)
        self.status = status
        self.id = error_id
        self.message = text
        self.detailed = detailed

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "message": self.message,
            "detailed_error": self.detailed,
            "request_id": g.get("request_id", ""),
            "status_code": self.status,
        }


def to_response(error: AppError) -> Response:
    response = jsonify(error.to_dict())
    response.status_code = error.status
    return response


def for_status(status: int, detailed: str = "") -> AppError:
    return AppError(status, STATUS_IDS.get(status, "api.context.server_error.app_error"), detailed)


def invalid_url_param(name: str) -> AppError:
    return AppError(400, "api.context.invalid_url_param.app_error", Name=name)


def invalid_body_param(name: str) -> AppError:
    return AppError(400, "api.context.invalid_body_param.app_error", Name=name)


def session_expired(detailed: str = "") -> AppError:
    return AppError(401, "api.context.session_expired.app_error", detailed)


def permission_denied(user_id: str, permission: str) -> AppError:
    return AppError(
        403,
        "api.context.permissions.app_error",
        f"userId={user_id}, permission={permission}",
    )


def not_implemented(operation: str) -> AppError:
    return AppError(
        501,
        "api.context.not_implemented.app_error",
        f"chat-emulator does not implement {operation} yet",
        message=f"chat-emulator does not implement {operation} yet.",
    )
