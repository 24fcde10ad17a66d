"""Profile images: read, default, upload and remove."""

from __future__ import annotations

from tests.mattermost.clients import (
    assert_error,
    logged_in,
    raw,
    user_id,
)


def test_profile_images(mm_server):
    alice = logged_in(mm_server)
    call = raw(mm_server, alice)
    default = call("get", "/users/me/image")
    assert default.status_code == 200
    assert default.headers["Content-Type"] == "image/png"
    assert default.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert call("get", "/users/me/image/default").content == default.content
    bob = user_id(mm_server, "bob")
    assert call("get", f"/users/{bob}/image").content != default.content
    png = default.content
    uploaded = alice.users.set_user_profile_image("me", {"image": ("me.png", png, "image/png")})
    assert uploaded == {"status": "OK"}
    assert alice.users.get_user("me")["last_picture_update"] > 0
    etag = call("get", "/users/me/image").headers["ETag"]
    assert etag == str(alice.users.get_user("me")["last_picture_update"])
    assert call("get", "/users/me/image", headers={"If-None-Match": etag}).status_code == 304
    assert_error(
        call("post", "/users/me/image", files={"image": ("x.txt", b"hello", "text/plain")}),
        400,
        "api.user.upload_profile_user.decode.app_error",
    )
    assert_error(
        call("post", "/users/me/image", files={"other": ("x.png", png, "image/png")}),
        400,
        "api.user.upload_profile_user.no_file.app_error",
    )


def _white_pixels(png: bytes) -> set[tuple[int, int]]:
    """Where a generated (unfiltered, 8-bit RGB) PNG is white."""
    import struct
    import zlib

    width = struct.unpack(">I", png[16:20])[0]
    offset, data = 8, b""
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        if png[offset + 4 : offset + 8] == b"IDAT":
            data += png[offset + 8 : offset + 8 + length]
        offset += 12 + length
    raw_rows = zlib.decompress(data)
    stride = 1 + width * 3
    return {
        (x, y)
        for y in range(len(raw_rows) // stride)
        for x in range(width)
        if raw_rows[y * stride + 1 + x * 3 : y * stride + 4 + x * 3] == b"\xff\xff\xff"
    }


def test_default_image_draws_the_username_initial():
    from emulator.mattermost.resources.user_images import default_image

    alice, anna, bob = (
        default_image("id1", "alice"),
        default_image("id2", "anna"),
        default_image("id1", "bob"),
    )
    # The letter, not a shape every user shares: same initial same glyph, another initial not.
    assert _white_pixels(alice) and _white_pixels(alice) == _white_pixels(anna)
    assert _white_pixels(alice) != _white_pixels(bob)
    assert default_image("id1", "alice") == alice
