"""DDP methods on permissions: ``permissions/get``."""

from __future__ import annotations

from typing import Any

from ...core import realtime
from .protocol import DdpSession
from .registry import ddp_method


@ddp_method("permissions/get")
def get_permissions(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    session.require_user("permissions/get")
    return session.rt.store.all("permissions")
