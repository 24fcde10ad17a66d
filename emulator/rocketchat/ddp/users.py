"""DDP methods on users: presence (``UserPresence:*``), calling ``models.users``."""

from __future__ import annotations

from typing import Any

from ...core import realtime
from .. import errors, models
from .protocol import DdpSession
from .registry import ddp_method


@ddp_method("UserPresence:setDefaultStatus")
def set_default_status(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    user = session.require_user("UserPresence:setDefaultStatus")
    status = params[0] if params else None
    if status not in models.USER_STATUSES:
        raise errors.ddp_match_failed()
    models.set_user_status(session.rt, user, status, None)
    return True


@ddp_method("UserPresence:online", "UserPresence:away")
def presence_ping(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    session.require_user("UserPresence:online")
    return True
