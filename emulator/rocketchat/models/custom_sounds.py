"""Custom sounds (``app/custom-sounds/server/lib``): name rules, create, rename, replace, delete."""

from __future__ import annotations

import base64
import re

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, Refused

# every character but colon, whitespace, comma, >, <, &, ", ', /, \, (, )
INVALID_NAME = re.compile(r"[\s,:><&\"'/\\()]")
DETAILS = {"method": "insertOrUpdateSound"}


def checked_name(rt: Runtime, name: object, own_id: str | None) -> str:
    """``insertOrUpdateSound``'s checks: present, colons stripped, no forbidden character,
    unused by another sound."""
    if not isinstance(name, str) or not name.strip():
        raise Refused(
            errors.THE_FIELD_IS_REQUIRED,
            "The field Name is required",
            {**DETAILS, "field": "Name"},
        )
    name = name.replace(":", "")
    if INVALID_NAME.search(name):
        raise Refused(
            errors.INPUT_IS_NOT_A_VALID_FIELD,
            f"{name} is not a valid name",
            {**DETAILS, "input": name, "field": "Name"},
        )
    if any(s["_id"] != own_id for s in rt.store.find("custom_sounds", "name", name)):
        raise Refused(
            errors.CUSTOM_SOUND_ERROR_NAME_ALREADY_IN_USE,
            "The custom sound name is already in use",
            DETAILS,
        )
    return name


def create_sound(rt: Runtime, name: object, extension: str, data: bytes, mime: str) -> Doc:
    with rt.store.transaction():
        checked = checked_name(rt, name, None)
        sound = {
            "_id": rt.ids.meteor_id(),
            "name": checked,
            "extension": extension,
            "_updatedAt": rt.clock.now_ms(),
        }
        rt.store.insert("custom_sounds", {**sound, **_file(data, mime)})
    return sound


def update_sound(
    rt: Runtime, sound_id: str, name: object, upload: tuple[bytes, str, str] | None
) -> None:
    """Rename and/or replace the file (``upload``: data, MIME type, extension)."""
    with rt.store.transaction():
        checked = checked_name(rt, name, sound_id)
        changes: Doc = {"name": checked, "_updatedAt": rt.clock.now_ms()}
        if upload is not None:
            data, mime, extension = upload
            changes |= {"extension": extension, **_file(data, mime)}
        rt.store.update("custom_sounds", sound_id, changes)


def delete_sound(rt: Runtime, sound_id: object) -> None:
    sound = rt.store.get("custom_sounds", sound_id) if isinstance(sound_id, str) else None
    if sound is None:
        raise Refused(
            errors.CUSTOM_SOUND_ERROR_INVALID_SOUND,
            "Custom Sound does not exist",
            {"method": "deleteCustomSound"},
        )
    rt.store.delete("custom_sounds", sound["_id"])


def public(sound: Doc) -> Doc:
    """The ``ICustomSound`` document, without the stored file."""
    return {k: v for k, v in sound.items() if k not in ("data", "contentType")}


def _file(data: bytes, mime: str) -> Doc:
    return {"data": base64.b64encode(data).decode(), "contentType": mime}
