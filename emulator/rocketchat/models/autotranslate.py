"""Auto-translation (``app/autotranslate/server``) with no reachable provider: the emulator
calls no translation service, so it answers as a server whose provider has no API key —
no languages, and messages come back untranslated."""

from __future__ import annotations

from ...core.runtime import Runtime
from .. import errors
from . import rooms
from .common import Doc, Refused, has_permission

_METHOD = {"method": "autoTranslate.saveSettings"}


def _require_permission(rt: Runtime, user: Doc) -> None:
    if not has_permission(rt, user, "auto-translate"):
        raise Refused(errors.ACTION_NOT_ALLOWED, "Auto-Translate is not allowed", _METHOD)


def supported_languages(rt: Runtime, user: Doc) -> list[Doc]:
    """``autoTranslate.getSupportedLanguages``: ``auto-translate``; a provider without a key
    lists none."""
    _require_permission(rt, user)
    return []


def save_autotranslate_setting(
    rt: Runtime, user: Doc, room_id: str, field: str, value: str, default_language: object
) -> Doc:
    """``saveAutoTranslateSettings``: ``auto-translate``, a known field, the caller's
    subscription, no auto-translation in encrypted rooms (else ``Refused``); the change
    reaches the user as ``subscriptions-changed``."""
    _require_permission(rt, user)
    if field not in ("autoTranslate", "autoTranslateLanguage"):
        raise Refused(errors.INVALID_SETTINGS, "Invalid settings field", _METHOD)
    sub = rooms.subscription(rt, room_id, user["_id"])
    if sub is None:
        raise Refused(errors.INVALID_SUBSCRIPTION, "Invalid subscription", _METHOD)
    if field == "autoTranslateLanguage":
        return rooms.update_subscription(rt, sub, {"autoTranslateLanguage": value})
    room = rt.store.get("rooms", room_id) or {}
    if room.get("encrypted") and value == "1":
        raise Refused(
            errors.E2E_ENABLED,
            "Enabling auto-translation in E2E encrypted rooms is not allowed",
            _METHOD,
        )
    changes: Doc = {"autoTranslate": value == "1"}
    if not sub.get("autoTranslateLanguage") and isinstance(default_language, str):
        changes["autoTranslateLanguage"] = default_language
    return rooms.update_subscription(rt, sub, changes)
