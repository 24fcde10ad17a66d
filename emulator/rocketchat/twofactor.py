"""The REST side of two-factor authentication (``app/2fa/server/code``, ``processTwoFactor``).

``twoFactorRequired`` routes call :func:`require_two_factor`: the code and method come from the
``x-2fa-code`` / ``x-2fa-method`` headers, the connection is the caller's login token and its
fingerprint (user agent + address), and the rule is ``models.two_factor.check_code_for_user``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import g, request

from ..core.runtime import Runtime
from . import errors, models, wire
from .models import two_factor

Doc = dict[str, Any]


def connection() -> two_factor.Connection:
    """The calling connection as ``checkCodeForUser`` sees it."""
    fingerprint = hashlib.md5(
        json.dumps(
            {"userAgent": request.headers.get("User-Agent"), "clientAddress": request.remote_addr}
        ).encode(),
        usedforsecurity=False,
    ).hexdigest()
    return two_factor.Connection(g.get("auth_token"), fingerprint)


def rest_details(details: Any) -> Any:
    """A refusal's details as JSON carries them: the e-mail code's expiry as an ISO date."""
    if isinstance(details, dict) and isinstance(details.get("codeExpires"), int):
        return {**details, "codeExpires": wire.iso(details["codeExpires"])}
    return details


def refused(refusal: models.Refused) -> errors.RocketError:
    return errors.meteor_error(refusal.code, refusal.reason, rest_details(refusal.details))


def require_two_factor(
    rt: Runtime, user: Doc, disable_remember_me: bool = False, require_second_factor: bool = False
) -> None:
    """``twoFactorRequired`` routes: the caller's second factor (TOTP, e-mail code, or the
    password fallback: the SHA-256 hex of the password with ``x-2fa-method: password``); a
    success is remembered on the login token for ``..._RememberFor`` seconds, same client."""
    code = request.headers.get("x-2fa-code") or None
    method = request.headers.get("x-2fa-method") or None
    options = two_factor.Options(
        disable_remember_me=disable_remember_me, require_second_factor=require_second_factor
    )
    try:
        two_factor.check_code_for_user(rt, user, code, method, options, connection())
    except models.Refused as refusal:
        raise refused(refusal) from None
