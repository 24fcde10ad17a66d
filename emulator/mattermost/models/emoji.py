"""Custom emoji."""

from __future__ import annotations

import base64
import re
from typing import Any

from ...core.runtime import Runtime
from ...core.store import DuplicateKey
from .. import errors
from .common import Doc, publish_event

# -- custom emoji ----------------------------------------------------------------------------------

EMOJI_NAME_RE = re.compile(r"^[a-zA-Z0-9\-+_]+$")
# A few of the built-in emoji names a custom emoji may not take (``model.SystemEmojis``).
SYSTEM_EMOJI = frozenset(
    (
        *("+1", "-1", "thumbsup", "thumbsdown", "smile", "smiley", "grinning", "laughing"),
        *("joy", "wink", "heart", "tada", "rocket", "fire", "eyes", "white_check_mark", "x"),
        *("warning", "thinking_face", "slightly_smiling_face", "ok_hand", "clap", "pray"),
        *("100", "star", "sunglasses", "cry", "sob", "wave"),
    )
)


def is_valid_emoji_name(name: Any) -> bool:
    return (
        isinstance(name, str)
        and 0 < len(name) <= 64
        and bool(EMOJI_NAME_RE.match(name))
        and name not in SYSTEM_EMOJI
    )


def image_type(data: bytes) -> str | None:
    """``png``, ``jpeg`` or ``gif`` from the magic bytes; None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return None


def create_emoji(rt: Runtime, *, creator_id: str, name: str, image: bytes, kind: str) -> Doc:
    now = rt.clock.now_ms()
    emoji = {
        "id": rt.ids.mattermost_id(),
        "creator_id": creator_id,
        "name": name,
        "create_at": now,
        "update_at": now,
        "delete_at": 0,
    }
    try:
        _store_emoji(rt, emoji, image, kind)
    except DuplicateKey:  # lost a race for the name
        raise errors.AppError(400, errors.EMOJI_DUPLICATE) from None
    publish_event(rt, "emoji_added", {"emoji": emoji})
    return emoji


def _store_emoji(rt: Runtime, emoji: Doc, image: bytes, kind: str) -> None:
    with rt.store.transaction():
        rt.store.insert("emoji", emoji)
        rt.store.insert(
            "emoji_images",
            {"id": emoji["id"], "type": kind, "data": base64.b64encode(image).decode()},
        )


def delete_emoji(rt: Runtime, emoji: Doc) -> None:
    """Soft-delete a custom emoji, its image and every reaction that used it."""
    now = rt.clock.now_ms()
    with rt.store.transaction():
        rt.store.update("emoji", emoji["id"], {"delete_at": now, "update_at": now})
        rt.store.delete("emoji_images", emoji["id"])
        for reaction in rt.store.find("reactions", "emoji_name", emoji["name"]):
            rt.store.delete("reactions", reaction["id"])
            if not rt.store.count_by("reactions", "post_id", reaction["post_id"]):
                rt.store.update("posts", reaction["post_id"], {"has_reactions": False})
