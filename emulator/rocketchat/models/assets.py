"""Workspace assets (``app/assets/server/assets.ts``): logos, favicons and touch icons an admin
uploads. Each is stored with its bytes and announced through its ``Assets_<name>`` setting
(``{url, defaultUrl}``); ``/assets/<name>.<ext>`` serves it."""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, Refused, setting
from .workspace import set_setting_value


@dataclass(frozen=True)
class Asset:
    default_url: str | None
    extensions: tuple[str, ...]
    size: tuple[int, int] | None = None  # exact width and height, for the PNG icons


_IMAGE = ("svg", "png", "jpg", "jpeg")


def _png(path: str, side: int, height: int | None = None) -> Asset:
    return Asset(f"images/logo/{path}", ("png",), (side, height or side))


ASSETS: dict[str, Asset] = {
    "logo": Asset("images/logo/logo.svg", _IMAGE),
    "logo_dark": Asset("images/logo/logo_dark.svg", _IMAGE),
    "background": Asset(None, _IMAGE),
    "background_dark": Asset(None, _IMAGE),
    "favicon_ico": Asset("favicon.ico", ("ico",)),
    "favicon": Asset("images/logo/icon.svg", ("svg",)),
    "favicon_16": _png("favicon-16x16.png", 16),
    "favicon_32": _png("favicon-32x32.png", 32),
    "favicon_192": _png("android-chrome-192x192.png", 192),
    "favicon_512": _png("android-chrome-512x512.png", 512),
    "touchicon_180": _png("apple-touch-icon.png", 180),
    "touchicon_180_pre": _png("apple-touch-icon-precomposed.png", 180),
    "tile_70": _png("mstile-70x70.png", 70),
    "tile_144": _png("mstile-144x144.png", 144),
    "tile_150": _png("mstile-150x150.png", 150),
    "tile_310_square": _png("mstile-310x310.png", 310),
    "tile_310_wide": _png("mstile-310x150.png", 310, 150),
    "safari_pinned": Asset("images/logo/safari-pinned-tab.svg", ("svg",)),
    "livechat_widget_logo": Asset(None, _IMAGE),
}
_EXTENSIONS = {
    "image/svg+xml": "svg",
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/jpg": "jpg",
    "image/x-icon": "ico",
    "image/vnd.microsoft.icon": "ico",
}


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _setting(rt: Runtime, name: str, value: Doc) -> None:
    key = f"Assets_{name}"
    if setting(rt, key) is None and rt.store.get("settings", key) is None:
        now = rt.clock.now_ms()
        default = {"defaultUrl": ASSETS[name].default_url}
        rt.store.insert(
            "settings",
            {
                "_id": key,
                "value": default,
                "packageValue": default,
                "type": "asset",
                "public": True,
                "_updatedAt": now,
            },
        )
    set_setting_value(rt, key, value)


def set_asset(rt: Runtime, name: str, data: bytes, content_type: str) -> Doc:
    """``setAssetWithBuffer``: the type must suit the asset, the PNG icons their exact size."""
    where = {"function": "RocketChat.Assets.setAsset"}
    asset = ASSETS.get(name)
    if asset is None:
        raise Refused(errors.INVALID_ASSET, "Invalid asset", where)
    extension = _EXTENSIONS.get(content_type, content_type.rsplit("/", 1)[-1])
    if extension not in asset.extensions:
        raise Refused(errors.INVALID_FILE_TYPE, f"Invalid file type: {content_type}", where)
    if asset.size is not None:
        width, height = _png_size(data) or (0, 0)
        if width != asset.size[0]:
            raise Refused(
                errors.INVALID_FILE_WIDTH, "Invalid file width", {"function": "Invalid file width"}
            )
        if height != asset.size[1]:
            raise Refused(errors.INVALID_FILE_HEIGHT)
    value = {"url": f"assets/{name}.{extension}", "defaultUrl": asset.default_url}
    with rt.store.transaction():
        rt.store.upsert(
            "assets",
            {
                "_id": name,
                "extension": extension,
                "contentType": content_type,
                "data": base64.b64encode(data).decode(),
                "uploadedAt": rt.clock.now_ms(),
            },
        )
        _setting(rt, name, value)
    return value


def unset_asset(rt: Runtime, name: str) -> Doc:
    """``unsetAsset``: back to the default image."""
    if name not in ASSETS:
        raise Refused(
            errors.INVALID_ASSET, "Invalid asset", {"function": "RocketChat.Assets.unsetAsset"}
        )
    value = {"defaultUrl": ASSETS[name].default_url}
    with rt.store.transaction():
        rt.store.delete("assets", name)
        _setting(rt, name, value)
    return value
