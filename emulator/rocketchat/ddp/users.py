"""DDP methods on users: presence (``UserPresence:*``), calling ``models.users``."""

from __future__ import annotations

from typing import Any

from ...core import realtime
from .. import errors, models
from .protocol import DdpSession
from .registry import UNDEFINED, ddp_method


@ddp_method("UserPresence:setDefaultStatus")
def set_default_status(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    user = session.user()
    if user is None:
        return UNDEFINED
    status = params[0] if params else None
    if status not in models.USER_STATUSES:  # upstream stores anything: we keep the store sane
        raise errors.ddp_match_failed()
    return models.set_default_status(session.rt, user, status)


@ddp_method("UserPresence:online")
def presence_online(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    return _set_connection_presence(session, conn, "online")


@ddp_method("UserPresence:away")
def presence_away(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    return _set_connection_presence(session, conn, "away")


def _set_connection_presence(session: DdpSession, conn: realtime.Connection, status: str) -> Any:
    """``Presence.setConnectionStatus``: this connection's status, which the user's shown
    status follows when their default is ``online``. Whether the connection's status changed;
    nothing without a login or a connection (``method.call``)."""
    user = session.user()
    if user is None or not isinstance(conn, realtime.Connection):
        return UNDEFINED
    previous, session.presence = session.presence, status
    models.set_connection_status(session.rt, user["_id"], session.connection_status(user["_id"]))
    return previous != status
