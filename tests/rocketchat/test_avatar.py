"""Avatars: ``users.setAvatar``, ``users.resetAvatar``, ``users.getAvatar`` and ``/avatar/``."""

from __future__ import annotations

import requests

from emulator.app import runtime_of
from tests.rocketchat.clients import call


def upload_avatar(rocket, content: bytes, mime: str, **fields):
    # rocketchat_API's users_set_avatar leaves the file open; send the same multipart body.
    return call(
        rocket, "POST", "users.setAvatar", files={"image": ("me", content, mime)}, data=fields
    )


def test_default_avatar_is_a_deterministic_svg(rc_server):
    first = requests.get(f"{rc_server.url}/avatar/alice", timeout=5)
    second = requests.get(f"{rc_server.url}/avatar/alice", timeout=5)
    assert first.status_code == 200
    assert first.headers["Content-Type"].startswith("image/svg+xml")
    assert first.content == second.content
    assert b">\nA\n</text>" in first.content
    assert (
        b'viewBox="0 0 64 64"'
        in requests.get(f"{rc_server.url}/avatar/alice?size=64", timeout=5).content
    )


def test_set_and_reset_avatar(alice, rc_server):
    png = b"\x89PNG\r\n\x1a\nfake-image"
    assert upload_avatar(alice, png, "image/png").json() == {"success": True}
    served = requests.get(f"{rc_server.url}/avatar/alice", timeout=5)
    assert served.headers["Content-Type"] == "image/png"
    assert served.content == png
    assert alice.users_info(username="alice")["user"]["avatarETag"]
    assert alice.users_reset_avatar(username="alice") == {"success": True}
    served = requests.get(f"{rc_server.url}/avatar/alice", timeout=5)
    assert served.headers["Content-Type"].startswith("image/svg+xml")


def test_set_avatar_errors(alice, admin):
    raw = call(alice, "POST", "users.setAvatar", json={})
    assert raw.json() == {"success": False, "error": "The 'image' param is required"}
    raw = upload_avatar(alice, b"hello", "text/plain")
    assert raw.json()["errorType"] == "error-invalid-image"
    raw = upload_avatar(alice, b"x", "image/png", username="bob")
    assert raw.status_code == 401
    assert upload_avatar(admin, b"x", "image/png", username="bob").json() == {"success": True}
    assert alice.users_set_avatar("https://example.com/a.png") == {"success": True}
    raw = call(
        alice,
        "POST",
        "users.setAvatar",
        json={"avatarUrl": "https://example.com/a.png", "username": "bob"},
    )
    assert (raw.status_code, raw.json()) == (401, {"success": False, "error": "unauthorized"})
    raw = call(alice, "POST", "users.resetAvatar", json={"username": "bob"})
    assert raw.json()["errorType"] == "error-not-allowed"


def test_get_avatar_redirects(rc_server):
    raw = requests.get(
        f"{rc_server.url}/api/v1/users.getAvatar",
        params={"username": "alice"},
        allow_redirects=False,
        timeout=5,
    )
    assert raw.status_code == 307
    assert raw.headers["Location"] == "http://localhost:3000/avatar/alice"


def test_oversize_avatar_is_refused(alice, rc_server):
    runtime_of(rc_server.app).store.update("settings", "FileUpload_MaxFileSize", {"value": 4})
    raw = upload_avatar(alice, b"\x89PNG-too-big", "image/png")
    assert raw.status_code == 400
    assert raw.json()["errorType"] == "error-file-too-large"
