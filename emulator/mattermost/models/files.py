"""File uploads and their bytes."""

from __future__ import annotations

import base64
import zlib

from ...core.runtime import Runtime
from . import posts
from .common import Doc

# -- files -----------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")


# A valid 1x1 transparent PNG: the placeholder image of seeded files, padded to their size.
_PLACEHOLDER_PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", (1).to_bytes(4, "big") * 2 + bytes([8, 6, 0, 0, 0]))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00\x00"))
    + _png_chunk(b"IEND", b"")
)


def _image_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] == _PLACEHOLDER_PNG[:8] and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    return None


def upload_file(
    rt: Runtime, *, user_id: str, channel_id: str, name: str, data: bytes, mime_type: str
) -> Doc:
    """Store an uploaded file's bytes and its FileInfo (not yet attached to a post)."""
    with rt.store.transaction():
        info = posts.create_file_info(
            rt,
            user_id=user_id,
            channel_id=channel_id,
            name=name,
            size=len(data),
            mime_type=mime_type,
        )
        size = _image_size(data) if mime_type.startswith("image/") else None
        if size is not None:
            info = rt.store.update("files", info["id"], {"width": size[0], "height": size[1]})
        rt.store.insert("file_blobs", {"id": info["id"], "data": base64.b64encode(data).decode()})
    return info


def file_bytes(rt: Runtime, info: Doc) -> bytes:
    """The stored bytes, or deterministic placeholder content of the recorded size and type."""
    blob = rt.store.get("file_blobs", info["id"])
    if blob is not None:
        return base64.b64decode(blob["data"])
    size = info["size"]
    if info["mime_type"].startswith("image/"):
        return _PLACEHOLDER_PNG + bytes(max(size - len(_PLACEHOLDER_PNG), 0))
    pattern = f"chat-emulator placeholder for {info['name']}\n".encode()
    return (pattern * (size // len(pattern) + 1))[:size]
