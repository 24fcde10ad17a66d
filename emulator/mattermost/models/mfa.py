"""Multi-factor authentication: TOTP secrets, activation and the code check at login.

As ``server/platform/shared/mfa``: a 160-bit base32 secret, RFC 6238 codes of 6 digits over 30 s
steps, a window of one step either side of now, and no code accepted twice: the time steps used
are kept, and a code whose step is not after the last one used is refused. Time is the emulator
clock's, so the clock control moves the window.
"""

from __future__ import annotations

import base64
import hmac
import io
import secrets
from urllib.parse import quote_plus

import pyotp
import segno

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, setting

SECRET_BYTES = 20
STEP_SECONDS = 30
# dgoogauth's WindowSize 3: the steps t-1, t and t+1.
WINDOW = 1


def mfa_enabled(rt: Runtime) -> bool:
    return bool(setting(rt, "ServiceSettings", "EnableMultifactorAuthentication", False))


def _step(rt: Runtime) -> int:
    return rt.clock.now_ms() // 1000 // STEP_SECONDS


def _issuer(site_url: str) -> str:
    """``getIssuerFromURL``: the site's host part, else "Mattermost", query-escaped."""
    issuer = site_url.strip()
    for prefix in ("https://", "http://", "www."):
        issuer = issuer.removeprefix(prefix)
    return quote_plus(issuer or "Mattermost")


def generate_mfa_secret(rt: Runtime, user: Doc) -> tuple[str, str]:
    """``GenerateMfaSecret``: a new secret (replacing any earlier one; MFA stays as it was) and
    the base64 PNG of the QR code of its ``otpauth://`` link."""
    if not mfa_enabled(rt):
        raise errors.AppError(501, errors.MFA_DISABLED)
    secret = base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode()
    issuer = _issuer(setting(rt, "ServiceSettings", "SiteURL", ""))
    link = f"otpauth://totp/{issuer}:{user['email']}?secret={secret}&issuer={issuer}"
    png = io.BytesIO()
    # rsc/qr as upstream uses it: error correction H, 8 pixels a module, 4-module quiet zone.
    segno.make_qr(link, error="h").save(png, kind="png", scale=8, border=4)
    rt.store.update("users", user["id"], {"mfa_secret": secret, "update_at": rt.clock.now_ms()})
    return secret, base64.b64encode(png.getvalue()).decode()


def current_mfa_code(rt: Runtime, user: Doc) -> str | None:
    """The code an authenticator app shows now for the user's secret; None without one."""
    secret = user.get("mfa_secret")
    return pyotp.TOTP(secret).generate_otp(_step(rt)) if secret else None


def _parse(token: str) -> str | None:
    """dgoogauth accepts 6 digits (a TOTP code) or 8 digits not starting with 0 (a scratch code,
    of which Mattermost users have none); anything else is a parse error, not a wrong code."""
    token = token.strip()
    if (
        token.isascii()
        and token.isdigit()
        and (len(token) == 6 or (len(token) == 8 and token[0] != "0"))
    ):
        return token
    return None


def _authenticate(rt: Runtime, user: Doc, token: str) -> list[int] | None:
    """The used steps to store once ``token`` is accepted, None when it is wrong or replayed;
    raises ``ValueError`` on a token that is not a code at all."""
    code = _parse(token)
    if code is None:
        raise ValueError("invalid code")
    secret = user.get("mfa_secret")
    if not secret or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = _step(rt)
    used = list(user.get("mfa_used_timestamps") or [])
    for step in range(now - WINDOW, now + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            if any(seen >= step for seen in used):
                return None
            return sorted(s for s in [*used, step] if s >= now - WINDOW)
    return None


def activate_mfa(rt: Runtime, user: Doc, token: str) -> Doc:
    """``ActivateMfa``: the code must match the secret generated last."""
    if user.get("auth_service") not in ("", "email", "ldap", None):
        raise errors.AppError(400, errors.MFA_EMAIL_AND_LDAP_ONLY)
    if not mfa_enabled(rt):
        raise errors.AppError(501, errors.MFA_DISABLED)
    try:
        used = _authenticate(rt, user, token)
    except ValueError:
        # Upstream fails a token that is not a code at all with a 500 (mfa.activate.app_error);
        # bad input is never a 500 here, so it is the wrong code's 401.
        used = None
    if used is None:
        raise errors.AppError(401, errors.MFA_ACTIVATE_BAD_TOKEN)
    changes = {"mfa_active": True, "mfa_used_timestamps": used, "update_at": rt.clock.now_ms()}
    return rt.store.update("users", user["id"], changes)


def deactivate_mfa(rt: Runtime, user: Doc) -> Doc:
    """``DeactivateMfa``: MFA off and the secret forgotten (allowed with MFA disabled too)."""
    changes = {"mfa_active": False, "mfa_secret": "", "update_at": rt.clock.now_ms()}
    return rt.store.update("users", user["id"], changes)


def check_mfa_login(rt: Runtime, user: Doc, token: str) -> None:
    """``CheckUserMfa``: nothing to check unless MFA is on for the server and the user; then a
    missing or malformed code, a wrong one and a replayed one are the real 401s."""
    if not user.get("mfa_active") or not mfa_enabled(rt):
        return
    try:
        used = _authenticate(rt, user, token)
    except ValueError:
        raise errors.AppError(401, errors.MFA_VALIDATE_TOKEN) from None
    if used is None:
        raise errors.AppError(401, errors.MFA_BAD_CODE)
    rt.store.update("users", user["id"], {"mfa_used_timestamps": used})
