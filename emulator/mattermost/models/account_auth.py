"""How an account signs in: an administrator moving it to another authentication service
(``UpdateUserAuth``), and the e-mailed links for a password reset or an address check. The
emulator sends no e-mail, so it issues no such link and every token is one the server does
not know."""

from __future__ import annotations

from typing import NoReturn

from ...core.runtime import Runtime
from .. import errors
from .common import Doc
from .users import update_user

TOKEN_SIZE = 64  # model.TokenSize


def update_user_auth(rt: Runtime, user_id: str, service: str, auth_data: str) -> Doc:
    """``UpdateAuthData``: the password dropped, the new service and data set (unique among
    accounts). A missing account changes nothing and still answers, as the SQL update does."""
    clash = any(
        u["id"] != user_id and u.get("auth_data") == auth_data for u in rt.store.all("users")
    )
    if clash:
        raise errors.bad_request(
            errors.UPDATE_AUTH_DATA_EXISTS, f"User.id={user_id}", Service=service
        )
    if rt.store.get("users", user_id) is not None:
        now = rt.clock.now_ms()
        changes = {
            "password": "",
            "last_password_update": now,
            "failed_attempts": 0,
            "auth_service": service,
            "auth_data": auth_data,
        }
        update_user(rt, user_id, changes)
    return {"auth_data": auth_data, "auth_service": service}


def reset_password_from_token(token: str) -> NoReturn:
    """``ResetPasswordFromToken``: no recovery token was ever issued."""
    raise errors.bad_request(errors.RESET_PASSWORD_INVALID_LINK)


def verify_email_from_token(token: str) -> NoReturn:
    """``VerifyEmailFromToken``: no verification token was ever issued."""
    raise errors.bad_request(errors.VERIFY_EMAIL_BAD_LINK)
