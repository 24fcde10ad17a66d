"""``api4/user.go``, profile pictures: the generated default, uploads and resets."""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import runtime
from .. import authentication, errors, initials, models, permissions, wire
from .users import load_user

blueprint = Blueprint("mm_user_images", __name__, url_prefix="/api/v4")

IMAGE_SIZE = 128
_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
    b"BM": "image/bmp",
}


def image_type(data: bytes) -> str | None:
    """The MIME type of PNG, JPEG, GIF or BMP bytes, else None (not an image we decode)."""
    return next((m for sig, m in _SIGNATURES.items() if data.startswith(sig)), None)


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


# Background colours of generated pictures; white initials read well on each.
_PALETTE = (
    (197, 8, 126),
    (28, 140, 92),
    (35, 130, 190),
    (116, 49, 196),
    (197, 19, 19),
    (214, 110, 6),
    (40, 120, 120),
    (90, 100, 120),
)


def default_image(user_id: str, username: str, size: int = IMAGE_SIZE) -> bytes:
    """As ``CreateProfileImage``: the username's initial, in white, on a colour picked by the
    user id."""
    digest = hashlib.sha256(user_id.encode()).digest()
    colour = bytes(_PALETTE[digest[0] % len(_PALETTE)])
    white = b"\xff\xff\xff"
    rows = initials.glyph(username[:1] or "?")
    scale = size * 5 // 16 // initials.WIDTH  # the letter spans about a third of the picture
    left = (size - initials.WIDTH * scale) // 2
    top = (size - initials.HEIGHT * scale) // 2
    lines = []
    for y in range(size):
        row_index = (y - top) // scale if y >= top else -1
        cells = rows[row_index] if 0 <= row_index < initials.HEIGHT else ""
        line = bytearray(colour * size)
        for column, cell in enumerate(cells):
            if cell == "#":
                start = (left + column * scale) * 3
                line[start : start + scale * 3] = white * scale
        lines.append(b"\x00" + bytes(line))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(lines), 9))
        + _chunk(b"IEND", b"")
    )


def _image_response(data: bytes, mime: str) -> Response:
    response = Response(data, mimetype=mime)
    response.headers["Cache-Control"] = "max-age=86400, private"
    return response


@blueprint.get("/users/<user_id>/image")
def get_image(user_id: str) -> Response:
    rt = runtime()
    authentication.current_user()
    user = load_user(rt, user_id)
    # ETag: the picture's last update, as HandleEtag compares it.
    etag = str(user.get("last_picture_update", 0))
    if request.headers.get("If-None-Match") == etag:
        return Response(status=304, headers={"ETag": etag})
    stored = rt.store.get("profile_images", user["id"])
    if stored is not None:
        response = _image_response(base64.b64decode(stored["data"]), stored["content_type"])
    else:
        response = _image_response(default_image(user["id"], user["username"]), "image/png")
    response.headers["ETag"] = etag
    return response


@blueprint.get("/users/<user_id>/image/default")
def get_default_image(user_id: str) -> Response:
    rt = runtime()
    authentication.current_user()
    user = load_user(rt, user_id)
    return _image_response(default_image(user["id"], user["username"]), "image/png")


@blueprint.post("/users/<user_id>/image")
def set_image(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    user = load_user(rt, user_id)
    permissions.require_self_or(viewer, user["id"])
    upload = request.files.get("image")
    if upload is None:
        raise errors.AppError(400, errors.USER_PROFILE_IMAGE_NO_FILE)
    data = upload.read()
    limit = models.setting(rt, "FileSettings", "MaxFileSize", 104857600)
    if len(data) > limit:
        raise errors.AppError(413, errors.USER_PROFILE_IMAGE_TOO_LARGE)
    mime = image_type(data)
    if mime is None:
        raise errors.AppError(400, errors.USER_PROFILE_IMAGE_DECODE)
    models.set_profile_image(rt, user["id"], base64.b64encode(data).decode("ascii"), mime)
    return jsonify(wire.status_ok())


@blueprint.delete("/users/<user_id>/image")
def reset_image(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    user = load_user(rt, user_id)
    permissions.require_self_or(viewer, user["id"])
    models.reset_profile_image(rt, user["id"])
    return jsonify(wire.status_ok())
