"""DDP method ``slashCommand`` (``app/utils/server/slashCommand.ts``): the same commands as
``commands.run``, through ``models.run_command``."""

from __future__ import annotations

from typing import Any

from ...core import realtime
from .. import errors, models
from ..errors import DdpError
from .protocol import DdpSession
from .registry import UNDEFINED, ddp_method


@ddp_method("slashCommand")
def slash_command(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    user = session.require_user("slashCommand")
    command = params[0] if params and isinstance(params[0], dict) else {}
    name = command.get("cmd")
    # No lower-casing here, unlike commands.run; the details name another method (sic).
    if not isinstance(name, str) or not name or models.find_command(name) is None:
        raise DdpError(
            errors.INVALID_COMMAND,
            "Invalid Command Provided",
            {"method": "executeSlashCommandPreview"},
        )
    msg = command.get("msg") if isinstance(command.get("msg"), dict) else {}
    text = command.get("params")
    try:
        models.run_command(
            session.rt,
            user,
            name,
            text if isinstance(text, str) else "",
            msg.get("rid"),
            tmid=msg["tmid"] if isinstance(msg.get("tmid"), str) and msg["tmid"] else None,
            message_id=msg["_id"] if isinstance(msg.get("_id"), str) and msg["_id"] else None,
        )
    except models.Refused as refused:
        if refused.reason is None:  # a plain Error: Meteor hides it from the client
            raise DdpError(500, "Internal server error") from None
        raise DdpError(refused.code, refused.reason, refused.details) from None
    return UNDEFINED
