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
