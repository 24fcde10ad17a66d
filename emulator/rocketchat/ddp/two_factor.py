"""DDP methods of TOTP two-factor authentication (``app/2fa/server/methods``), calling
``models.two_factor``."""

from __future__ import annotations

from typing import Any

from ...core import realtime
from .. import errors, models
from ..errors import DdpError
from ..models import two_factor
from .protocol import DdpSession, refused
from .registry import UNDEFINED, ddp_method


def _caller(session: DdpSession, method: str) -> Any:
    """``Meteor.userId()`` else ``not-authorized``; the user, else ``error-invalid-user``."""
    if session.user_id is None:
        raise DdpError(errors.BARE_NOT_AUTHORIZED)
    user = session.user()
    if user is None:
        raise errors.ddp_invalid_user(method)
    return user


def _first(params: list) -> Any:
    return params[0] if params else None


@ddp_method("2fa:enable")
def enable(session: DdpSession, conn: Any, params: list) -> Any:
    user = _caller(session, "2fa:enable")
    try:
        return two_factor.enable_totp(session.rt, user)
    except models.Refused as refusal:
        raise refused(refusal) from None


@ddp_method("2fa:validateTempToken")
def validate_temp_token(session: DdpSession, conn: Any, params: list) -> Any:
    user = _caller(session, "2fa:validateTempToken")
    # Only a call through ``method.call`` carries ``x-auth-token`` in its connection's headers:
    # then the user's other clients are logged out.
    auth_token = None if isinstance(conn, realtime.Connection) else session.token
    try:
        return two_factor.validate_temp_token(session.rt, user, _first(params), auth_token)
    except models.Refused as refusal:
        raise refused(refusal) from None


@ddp_method("2fa:disable")
def disable(session: DdpSession, conn: Any, params: list) -> Any:
    user = _caller(session, "2fa:disable")
    return two_factor.disable_totp(session.rt, user, _first(params))


@ddp_method("2fa:regenerateCodes")
def regenerate_codes(session: DdpSession, conn: Any, params: list) -> Any:
    user = _caller(session, "2fa:regenerateCodes")
    try:
        codes = two_factor.regenerate_codes(session.rt, user, _first(params))
    except models.Refused as refusal:
        raise refused(refusal) from None
    return UNDEFINED if codes is None else codes


@ddp_method("2fa:checkCodesRemaining")
def check_codes_remaining(session: DdpSession, conn: Any, params: list) -> Any:
    user = _caller(session, "2fa:checkCodesRemaining")
    try:
        return two_factor.codes_remaining(user)
    except models.Refused as refusal:
        raise refused(refusal) from None
