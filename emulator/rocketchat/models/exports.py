"""User data exports (``server/methods/requestDataDownload.ts``): the request is recorded as an
``ExportOperation``; the emulator has no export worker, so it stays ``pending``."""

from __future__ import annotations

from ...core.runtime import Runtime
from .common import Doc

DAY_MS = 24 * 60 * 60 * 1000


def request_data_download(rt: Runtime, user: Doc, full_export: bool) -> tuple[bool, Doc]:
    """(requested, operation): a request within a day of the last one of the same kind answers
    that one instead of queueing another."""
    now = rt.clock.now_ms()
    mine = [
        op
        for op in rt.store.find("export_operations", "userId", user["_id"])
        if op["fullExport"] == full_export
    ]
    last = max(mine, key=lambda op: op["createdAt"], default=None)
    if last is not None and last["createdAt"] > now - DAY_MS:
        return False, last
    op_id = rt.ids.meteor_id()
    folder = f"/tmp/userData/{op_id}"
    user_data = {k: v for k, v in user.items() if k != "services"}
    operation = {
        "_id": op_id,
        "status": "pending",
        "userId": user["_id"],
        "fileList": [],
        "fullExport": full_export,
        "userData": user_data,
        "userNameTable": {},
        "exportPath": folder,
        "assetsPath": f"{folder}/assets",
        "createdAt": now,
        "_updatedAt": now,
    }
    rt.store.insert("export_operations", operation)
    return True, operation
