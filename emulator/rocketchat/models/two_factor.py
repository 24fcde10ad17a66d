"""Two-factor authentication: TOTP, backup codes, e-mail codes and the code check (``app/2fa``).

As upstream: a TOTP secret is speakeasy's (32 random characters, shown base32), codes are RFC 6238
(6 digits, 30 s) accepted within ``Accounts_TwoFactorAuthentication_MaxDelta`` steps either side
of now (0: the current step only). A code is not remembered once used: speakeasy's check is
stateless, so the real server accepts the same code again inside its window, and so do we.
Backup codes are 12 ``Random.id(8)`` strings stored as their SHA-256 hex, each usable once.
E-mail codes are 6 digits stored bcrypt-hashed; no mail leaves the emulator: the code "sent" is
kept in the ``email_codes`` table (the outbox), read by the control API, never logged. Time is
the emulator clock's, so the clock control moves the TOTP window and the codes' expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pyotp

from ...core.ids import METEOR_ALPHABET
from ...core.passwords import check_password, hash_password
from ...core.runtime import Runtime
from .. import errors
from .common import Doc, Refused, hash_token, setting
from .tokens import revoke_other_login_tokens
from .users import check_user_password, revoke_user_tokens

STEP_SECONDS = 30
BACKUP_CODES = 12
# speakeasy's ``generateSecretASCII`` character set (with symbols) and length.
_SECRET_CHARS = (
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!@#$%^&*()<>?/[]{},.:;"
)
_SECRET_LENGTH = 32
# The second factors a user may have on, in the order ``checkCodeForUser`` picks the first.
METHOD_NAMES = ("totp", "email")


@dataclass(frozen=True)
class Connection:
    """What ``checkCodeForUser`` reads of the caller's connection: the login token it uses and
    the fingerprint (user agent + address) a success is remembered for."""

    token: str | None
    fingerprint: str


@dataclass(frozen=True)
class Options:
    """``ITwoFactorOptions``."""

    disable_password_fallback: bool = False
    disable_remember_me: bool = False
    require_second_factor: bool = False


LOGIN = Options(disable_password_fallback=True)  # ``onValidateLogin``'s check


def _now_ms(rt: Runtime) -> int:
    return rt.clock.now_ms()


def _services(user: Doc) -> Doc:
    return user.get("services") or {}


def _set_services(rt: Runtime, user_id: str, changes: Doc) -> Doc:
    """Replace some ``services`` entries (None removes one), as one update."""
    current = rt.store.get("users", user_id) or {}
    services = dict(current.get("services") or {})
    for key, value in changes.items():
        if value is None:
            services.pop(key, None)
        else:
            services[key] = value
    return rt.store.update("users", user_id, {"services": services})


# -- TOTP ---------------------------------------------------------------------------------------


def _totp_secret() -> tuple[str, str]:
    """(ascii, base32 without padding) as speakeasy's ``generateSecret`` returns them."""
    ascii_secret = "".join(secrets.choice(_SECRET_CHARS) for _ in range(_SECRET_LENGTH))
    return ascii_secret, base64.b32encode(ascii_secret.encode()).decode().rstrip("=")


def _otpauth_url(ascii_secret: str, username: str) -> str:
    """speakeasy's ``otpauthURL``: the label as the path, the padded base32 secret in the
    query (node's querystring escapes the ``=`` padding)."""
    padded = base64.b32encode(ascii_secret.encode()).decode()
    return f"otpauth://totp/Rocket.Chat:{username}?secret={quote(padded, safe='')}"


def _step(rt: Runtime) -> int:
    return _now_ms(rt) // 1000 // STEP_SECONDS


def current_totp_code(rt: Runtime, user: Doc) -> str | None:
    """What the user's authenticator app shows now: for the enabled secret, else the one being
    set up (``2fa:enable`` then ``2fa:validateTempToken``); None without either."""
    totp = _services(user).get("totp") or {}
    secret = totp.get("secret") if totp.get("enabled") else totp.get("tempSecret")
    return pyotp.TOTP(secret).generate_otp(_step(rt)) if secret else None


def _verify_totp(rt: Runtime, secret: str | None, token: str) -> bool:
    if not secret or not isinstance(token, str):
        return False
    delta = setting(rt, "Accounts_TwoFactorAuthentication_MaxDelta") or 0
    totp, now = pyotp.TOTP(secret), _step(rt)
    return any(
        hmac.compare_digest(totp.generate_otp(step), token)
        for step in range(now - delta, now + delta + 1)
    )


def _verify(rt: Runtime, user: Doc, token: Any, secret: str | None, with_backup: bool) -> bool:
    """``TOTP.verify``: an 8-character token is a backup code (used up when it matches), any
    other a TOTP code."""
    if not isinstance(token, str):
        return False
    totp = _services(user).get("totp") or {}
    backup = totp.get("hashedBackup") if with_backup else None
    if len(token) == 8 and backup is not None:
        hashed = hashlib.sha256(token.encode()).hexdigest()
        if hashed not in backup:
            return False
        remaining = list(backup)
        remaining.remove(hashed)
        _set_services(rt, user["_id"], {"totp": {**totp, "hashedBackup": remaining}})
        return True
    return _verify_totp(rt, secret, token)


def _backup_codes() -> tuple[list[str], list[str]]:
    codes = [
        "".join(secrets.choice(METEOR_ALPHABET) for _ in range(8)) for _ in range(BACKUP_CODES)
    ]
    return codes, [hashlib.sha256(c.encode()).hexdigest() for c in codes]


def enable_totp(rt: Runtime, user: Doc) -> Doc:
    """``2fa:enable``: a new secret waits as ``tempSecret`` until a code of it is validated."""
    if not user.get("username"):
        raise Refused(errors.INVALID_USER, "Invalid user")
    totp = _services(user).get("totp") or {}
    if totp.get("enabled"):
        raise Refused(errors.TWO_FA_ALREADY_ENABLED)
    ascii_secret, base32 = _totp_secret()
    _set_services(rt, user["_id"], {"totp": {"enabled": False, "tempSecret": base32}})
    return {"secret": base32, "url": _otpauth_url(ascii_secret, user["username"])}


def validate_temp_token(rt: Runtime, user: Doc, token: Any, auth_token: str | None) -> Doc:
    """``2fa:validateTempToken``: a code of the pending secret turns TOTP on and hands out the
    backup codes; with the caller's token known (REST), its other login tokens go."""
    totp = _services(user).get("totp") or {}
    if not totp.get("tempSecret"):
        raise Refused(errors.INVALID_TOTP)
    if not (isinstance(token, str) and _verify_totp(rt, totp["tempSecret"], token)):
        raise Refused(errors.INVALID_TOTP)
    codes, hashed = _backup_codes()
    enabled = {"enabled": True, "secret": totp["tempSecret"], "hashedBackup": hashed}
    _set_services(rt, user["_id"], {"totp": enabled})
    if auth_token:
        revoke_other_login_tokens(rt, user["_id"], auth_token)
    return {"codes": codes}


def disable_totp(rt: Runtime, user: Doc, code: Any) -> bool:
    """``2fa:disable``: with a TOTP or backup code, TOTP off and its secret forgotten."""
    totp = _services(user).get("totp") or {}
    if not totp.get("enabled"):
        return False
    if not _verify(rt, user, code, totp.get("secret"), with_backup=True):
        return False
    _set_services(rt, user["_id"], {"totp": {"enabled": False}})
    return True


def regenerate_codes(rt: Runtime, user: Doc, code: Any) -> Doc | None:
    """``2fa:regenerateCodes``: 12 new backup codes for a valid code (None: nothing happens)."""
    totp = _services(user).get("totp") or {}
    if not totp.get("enabled"):
        raise Refused(errors.INVALID_TOTP)
    if not _verify(rt, user, code, totp.get("secret"), with_backup=True):
        return None
    codes, hashed = _backup_codes()
    fresh = rt.store.get("users", user["_id"]) or user
    current = _services(fresh).get("totp") or totp
    _set_services(rt, user["_id"], {"totp": {**current, "hashedBackup": hashed}})
    return {"codes": codes}


def codes_remaining(user: Doc) -> Doc:
    totp = _services(user).get("totp") or {}
    if not totp.get("enabled"):
        raise Refused(errors.INVALID_TOTP)
    return {"remaining": len(totp.get("hashedBackup") or [])}


def reset_totp(rt: Runtime, user: Doc) -> bool:
    """``resetTOTP``: the TOTP set-up forgotten and, when there was one, every login and
    personal access token gone (the user logs in again)."""
    if "totp" not in _services(user):
        return False
    _set_services(rt, user["_id"], {"totp": None})
    revoke_user_tokens(rt, user["_id"])
    return True


# -- e-mail codes -------------------------------------------------------------------------------


def _verified_emails(user: Doc) -> list[str]:
    return [e["address"] for e in user.get("emails") or [] if e.get("verified")]


def set_email_two_factor(rt: Runtime, user: Doc, enabled: bool, auth_token: str | None) -> None:
    """``users.2fa.enableEmail`` / ``disableEmail``. Enabling needs every address verified and
    logs the user's other clients out."""
    if enabled and any(not e.get("verified") for e in user.get("emails") or []):
        raise Refused(errors.INVALID_USER, "You need to verify your emails before setting up 2FA")
    _set_services(rt, user["_id"], {"email2fa": {"enabled": enabled, "changedAt": _now_ms(rt)}})
    if enabled and auth_token:
        revoke_other_login_tokens(rt, user["_id"], auth_token)


def send_email_code(rt: Runtime, user: Doc) -> None:
    """``EmailCheck.sendEmailCode``: a new 6-digit code, bcrypt-hashed on the user, "mailed" to
    the verified addresses (the ``email_codes`` outbox)."""
    code = "".join(secrets.choice("0123456789") for _ in range(6))
    expire = _now_ms(rt) + (
        int(setting(rt, "Accounts_TwoFactorAuthentication_By_Email_Code_Expiration") or 0) * 1000
    )
    hashed = hash_password(code, rt.config.password_cost)
    _set_services(rt, user["_id"], {"emailCode": {"code": hashed, "expire": expire, "attempts": 0}})
    outbox = {"_id": user["_id"], "code": code, "to": _verified_emails(user), "sentAt": _now_ms(rt)}
    if rt.store.get("email_codes", user["_id"]) is None:
        rt.store.insert("email_codes", outbox)
    else:
        rt.store.update("email_codes", user["_id"], outbox)


def last_email_code(rt: Runtime, user: Doc) -> Doc | None:
    """The last code "mailed" to the user: ``{code, to, sentAt}``, or None."""
    return rt.store.get("email_codes", user["_id"])


def send_email_code_to(rt: Runtime, caller: Doc | None, email_or_username: Any) -> None:
    """``users.2fa.sendEmailCode``: to the caller, else to the named user; an unknown name is
    not told apart (success, nothing sent)."""
    if not email_or_username or not isinstance(email_or_username, str):
        raise Refused(errors.PARAMETER_REQUIRED, "emailOrUsername is required")
    user = caller
    if user is None:
        if "@" in email_or_username:
            user = rt.store.find_one("users", "email", email_or_username.lower())
        else:
            user = rt.store.find_one("users", "username", email_or_username.lower())
    if user is not None:
        send_email_code(rt, user)


def _max_attempts_reached(rt: Runtime, user: Doc) -> bool:
    email_code = _services(user).get("emailCode") or {}
    limit = setting(rt, "Accounts_TwoFactorAuthentication_Max_Invalid_Email_Code_Attempts") or 0
    return email_code.get("attempts", 0) >= limit


def _verify_email_code(rt: Runtime, user: Doc, code: str) -> bool:
    email_code = _services(user).get("emailCode")
    if not _email_enabled(rt, user) or not email_code:
        return False
    digits = "".join(c for c in code if c.isdigit())
    if email_code["expire"] < _now_ms(rt):
        return False
    if check_password(digits, email_code["code"]):
        _set_services(rt, user["_id"], {"emailCode": None})
        return True
    attempts = email_code.get("attempts", 0) + 1
    _set_services(rt, user["_id"], {"emailCode": {**email_code, "attempts": attempts}})
    return False


def _email_data(rt: Runtime, user: Doc) -> Doc:
    """``EmailCheck.processInvalidCode``: a still-valid code is kept, else a new one is sent."""
    email_code = _services(user).get("emailCode")
    if email_code and email_code["expire"] < _now_ms(rt):
        user = _set_services(rt, user["_id"], {"emailCode": None})
        email_code = None
    emails = _verified_emails(user)
    email_or_username = user.get("username") or (emails[0] if emails else None)
    if email_code and not _max_attempts_reached(rt, user):
        return {
            "emailOrUsername": email_or_username,
            "codeGenerated": False,
            "codeExpires": email_code["expire"],
        }
    send_email_code(rt, user)
    return {"codeGenerated": True, "emailOrUsername": email_or_username}


# -- the check ----------------------------------------------------------------------------------


def _totp_enabled(rt: Runtime, user: Doc) -> bool:
    return bool(setting(rt, "Accounts_TwoFactorAuthentication_By_TOTP_Enabled")) and (
        (_services(user).get("totp") or {}).get("enabled") is True
    )


def _email_enabled(rt: Runtime, user: Doc) -> bool:
    return (
        bool(setting(rt, "Accounts_TwoFactorAuthentication_By_Email_Enabled"))
        and bool((_services(user).get("email2fa") or {}).get("enabled"))
        and bool(_verified_emails(user))
    )


def available_methods(rt: Runtime, user: Doc) -> list[str]:
    enabled = {"totp": _totp_enabled(rt, user), "email": _email_enabled(rt, user)}
    return [name for name in METHOD_NAMES if enabled[name]]


def _password_fallback(rt: Runtime, user: Doc, options: Options) -> bool:
    has_password = bool(_services(user).get("password", {}).get("bcrypt"))
    if options.require_second_factor:
        return has_password
    if options.disable_password_fallback:
        return False
    return bool(setting(rt, "Accounts_TwoFactorAuthentication_Enforce_Password_Fallback")) and (
        has_password
    )


def _select_method(rt: Runtime, user: Doc, method: str | None, options: Options) -> str | None:
    """``getSecondFactorMethod``: the one named, else the first the user has on, else the
    password when it may stand in; None: nothing to check."""
    if method in METHOD_NAMES:
        return method
    available = available_methods(rt, user)
    if available:
        return available[0]
    return "password" if _password_fallback(rt, user, options) else None


def _remembered(rt: Runtime, user: Doc, connection: Connection, options: Options) -> bool:
    """``isAuthorizedForToken``."""
    record = rt.store.get("tokens", hash_token(connection.token)) if connection.token else None
    if record is None or options.require_second_factor:
        return False
    if record.get("bypassTwoFactor") is True:
        return True
    if options.disable_remember_me:
        return False
    now = _now_ms(rt)
    remember_ms = int(setting(rt, "Accounts_TwoFactorAuthentication_RememberFor") or 0) * 1000
    if remember_ms > 0 and user.get("createdAt", 0) + remember_ms >= now:
        return True
    return (
        record.get("twoFactorAuthorizedUntil", 0) >= now
        and record.get("twoFactorAuthorizedHash") == connection.fingerprint
    )


def _remember(rt: Runtime, connection: Connection) -> None:
    remember_ms = int(setting(rt, "Accounts_TwoFactorAuthentication_RememberFor") or 0) * 1000
    if remember_ms <= 0 or not connection.token:
        return
    record = rt.store.get("tokens", hash_token(connection.token))
    if record is not None:
        until = {
            "twoFactorAuthorizedUntil": _now_ms(rt) + remember_ms,
            "twoFactorAuthorizedHash": connection.fingerprint,
        }
        rt.store.update("tokens", record["hashedToken"], until)


def check_code_for_user(
    rt: Runtime,
    user: Doc,
    code: str | None,
    method: str | None,
    options: Options = Options(),
    connection: Connection | None = None,
) -> None:
    """``checkCodeForUser``: returns when the second factor is satisfied (or not asked); else
    refuses ``totp-required`` / ``totp-invalid`` / ``totp-max-attempts`` with the method used,
    what it did (an e-mail code sent...) and the user's available methods."""
    if not setting(rt, "Accounts_TwoFactorAuthentication_Enabled"):
        return
    if connection is not None and _remembered(rt, user, connection, options):
        return
    selected = _select_method(rt, user, method, options)
    if selected is None:
        return
    data: Doc = _email_data(rt, user) if selected == "email" else {"codeGenerated": False}
    user = rt.store.get("users", user["_id"]) or user
    details = {"method": selected, **data, "availableMethods": available_methods(rt, user)}
    if not code:
        raise Refused(errors.TOTP_REQUIRED, "TOTP Required", details)
    if selected == "totp":
        valid = _totp_enabled(rt, user) and _verify(
            rt, user, code, (_services(user).get("totp") or {}).get("secret"), with_backup=True
        )
    elif selected == "email":
        valid = _verify_email_code(rt, user, code)
    else:
        valid = check_user_password(user, {"digest": code.lower(), "algorithm": "sha-256"})
    if not valid:
        if selected == "email" and _max_attempts_reached(rt, rt.store.get("users", user["_id"])):
            raise Refused(errors.TOTP_MAX_ATTEMPTS, "TOTP Maximun Failed Attempts Reached", details)
        raise Refused(errors.TOTP_INVALID, "TOTP Invalid", details)
    if not options.disable_remember_me and connection is not None:
        _remember(rt, connection)
