"""Livechat triggers (``LivechatTrigger``): what the widget runs on a visitor's page."""

from __future__ import annotations

from ...core.runtime import Runtime
from .common import Doc

FIELDS = ("name", "description", "enabled", "runOnce", "conditions", "actions")


def save_trigger(rt: Runtime, trigger_id: str | None, data: Doc) -> None:
    """``POST livechat/triggers``: update by ``_id`` (an unknown one changes nothing, as
    ``updateById`` does) or insert a new trigger."""
    fields = {k: data.get(k) for k in FIELDS}
    fields["_updatedAt"] = rt.clock.now_ms()
    with rt.store.transaction():
        if trigger_id:
            if rt.store.get("livechat_triggers", trigger_id) is not None:
                rt.store.update("livechat_triggers", trigger_id, fields)
            return
        rt.store.insert("livechat_triggers", {"_id": rt.ids.meteor_id(), **fields})


def delete_trigger(rt: Runtime, trigger_id: str) -> None:
    rt.store.delete("livechat_triggers", trigger_id)
