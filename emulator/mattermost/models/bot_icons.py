"""A bot's sidebar icon (``app/bot.go``): an SVG, kept as text keyed by the bot's user id."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ...core.runtime import Runtime
from .. import errors
from .common import Doc
from .users import publish_user_updated

_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)")


def _dimension(value: str | None) -> float:
    match = _NUMBER.match(value or "")
    return float(match.group(1)) if match else 0.0


def check_svg(data: bytes) -> None:
    """``parseSVG``: an ``<svg>`` root whose size comes from width/height or the viewBox.
    Entity declarations are refused outright: nothing they could expand is ever stored."""
    if b"<!ENTITY" in data.upper():
        raise errors.bad_request(errors.BOT_ICON_PARSE, "entities are not accepted")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise errors.bad_request(errors.BOT_ICON_PARSE, str(exc)) from None
    if root.tag.rsplit("}", 1)[-1] != "svg":
        raise errors.bad_request(errors.BOT_ICON_PARSE, "not an svg")
    width, height = _dimension(root.get("width")), _dimension(root.get("height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if (not width or not height) and len(box) == 4:
        width, height = width or _dimension(box[2]), height or _dimension(box[3])
    if not width and not height:
        raise errors.bad_request(errors.BOT_ICON_PARSE, "unable to extract SVG dimensions")


def set_bot_icon(rt: Runtime, bot: Doc, data: bytes) -> Doc:
    """``SetBotIconImage``: the SVG stored, ``last_icon_update`` now, ``user_updated`` sent."""
    check_svg(data)
    now = rt.clock.now_ms()
    with rt.store.transaction():
        rt.store.upsert("bot_icons", {"user_id": bot["user_id"], "svg": data.decode()})
        bot = rt.store.update("bots", bot["user_id"], {"last_icon_update": now})
        user = rt.store.update("users", bot["user_id"], {"bot_last_icon_update": now})
    publish_user_updated(rt, user)
    return bot


def delete_bot_icon(rt: Runtime, bot: Doc) -> Doc:
    """``DeleteBotIconImage``: the icon gone, ``last_picture_update`` moved so caches refetch."""
    now = rt.clock.now_ms()
    with rt.store.transaction():
        rt.store.delete("bot_icons", bot["user_id"])
        bot = rt.store.update("bots", bot["user_id"], {"last_icon_update": 0})
        user = rt.store.update(
            "users", bot["user_id"], {"bot_last_icon_update": 0, "last_picture_update": now}
        )
    publish_user_updated(rt, user)
    return bot


def bot_icon(rt: Runtime, bot: Doc) -> bytes:
    icon = rt.store.get("bot_icons", bot["user_id"])
    if icon is None:
        raise errors.not_found(errors.BOT_ICON_READ, f"bot_user_id={bot['user_id']}")
    return icon["svg"].encode()
