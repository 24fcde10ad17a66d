"""Omnichannel custom-field definitions (``LivechatCustomField``: keyed by the field name).

The values visitors and rooms carry are validated against these by the conversation side
(``livechat/custom.field(s)``); this module only keeps the definitions.
"""

from __future__ import annotations

from ...core.runtime import Runtime
from .common import Doc, Refused

NOT_FOUND = "Custom Field Not found"
ALREADY_EXISTS = "Custom Field already exists"
DELETE_NOT_FOUND = "Custom field not found"


def save_custom_field(rt: Runtime, field_id: str | None, data: Doc) -> Doc:
    """``custom-fields.save``: update ``field_id``, or create the field named ``data['field']``
    (refused if either is not so); answers the record as ``createOrUpdateCustomField`` does."""
    with rt.store.transaction():
        if field_id and rt.store.get("livechat_custom_fields", field_id) is None:
            raise Refused(NOT_FOUND)
        if not field_id and rt.store.get("livechat_custom_fields", data["field"]) is not None:
            raise Refused(ALREADY_EXISTS)
        record = {k: v for k, v in data.items() if k != "field"}
        now = rt.clock.now_ms()
        if field_id:
            rt.store.update("livechat_custom_fields", field_id, {**record, "_updatedAt": now})
            return record
        return rt.store.insert(
            "livechat_custom_fields", {**record, "_id": data["field"], "_updatedAt": now}
        )


def delete_custom_field(rt: Runtime, field_id: str) -> None:
    if rt.store.delete("livechat_custom_fields", field_id) is None:
        raise Refused(DELETE_NOT_FOUND)
