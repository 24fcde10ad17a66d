"""Two-factor authentication of ``twoFactorRequired`` routes (``app/2fa/server/code``)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import g, request

from ..core.runtime import Runtime
from . import errors, models

Doc = dict[str, Any]


def require_two_factor(rt: Runtime, user: Doc, disable_remember_me: bool = False) -> None:
    """``twoFactorRequired`` routes: with 2FA on and no TOTP/email method, the password fallback.

    The code is the SHA-256 hex digest of the password, sent as ``x-2fa-code`` with
    ``x-2fa-method: password``. A success is remembered on the login token for
    ``Accounts_TwoFactorAuthentication_RememberFor`` seconds, for the same client.
    """
    if not models.setting(rt, "Accounts_TwoFactorAuthentication_Enabled"):
        return
    code = request.headers.get("x-2fa-code")
    method = request.headers.get("x-2fa-method")
    if not (code and method):
        code = method = None
    token = g.get("auth_token")
    record = rt.store.get("tokens", models.hash_token(token)) if token else None
    fingerprint = hashlib.md5(
        json.dumps(
            {"userAgent": request.headers.get("User-Agent"), "clientAddress": request.remote_addr}
        ).encode(),
        usedforsecurity=False,
    ).hexdigest()
    now = rt.clock.now_ms()
    remember_ms = (models.setting(rt, "Accounts_TwoFactorAuthentication_RememberFor") or 0) * 1000
    if record is not None:
        if record.get("bypassTwoFactor") is True:
            return
        if not disable_remember_me:
            if remember_ms > 0 and user.get("createdAt", 0) + remember_ms >= now:
                return
            if (
                record.get("twoFactorAuthorizedUntil", 0) >= now
                and record.get("twoFactorAuthorizedHash") == fingerprint
            ):
                return
    has_password = bool(user.get("services", {}).get("password", {}).get("bcrypt"))
    if not (
        models.setting(rt, "Accounts_TwoFactorAuthentication_Enforce_Password_Fallback")
        and has_password
    ):
        return
    details = {"method": "password", "codeGenerated": False, "availableMethods": []}
    if not code:
        raise errors.two_factor(errors.TOTP_REQUIRED, "TOTP Required", details)
    if not models.check_user_password(user, {"digest": code, "algorithm": "sha-256"}):
        raise errors.two_factor(errors.TOTP_INVALID, "TOTP Invalid", details)
    if not disable_remember_me and record is not None and remember_ms > 0:
        rt.store.update(
            "tokens",
            record["hashedToken"],
            {"twoFactorAuthorizedUntil": now + remember_ms, "twoFactorAuthorizedHash": fingerprint},
        )
