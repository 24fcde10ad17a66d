"""assets.setAsset/unsetAsset (rocketchat_API's assets_* methods) and the served asset."""

import gc
import struct
import warnings
import zlib

import requests

from .clients import NO_PERMISSION, call


def png(width, height):
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(header))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


def set_asset(client, name, path):
    """rocketchat_API's ``assets_set_asset`` leaves the file it uploads open: collect it here,
    with its warning silenced, rather than in a later test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return client.assets_set_asset(name, path)
        finally:
            gc.collect()


def test_set_serve_and_unset(rc_server, admin, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(40, 20))
    assert set_asset(admin, "logo", str(logo)) == {"success": True}
    setting = admin.settings_get("Assets_logo")
    assert setting["value"]["url"] == "assets/logo.png"
    served = requests.get(f"{rc_server.url}/assets/logo.png", timeout=5)
    assert served.status_code == 200 and served.content == png(40, 20)
    assert served.headers["Content-Type"] == "image/png"
    assert admin.assets_unset_asset("logo") == {"success": True}
    assert admin.settings_get("Assets_logo")["value"] == {"defaultUrl": "images/logo/logo.svg"}
    assert requests.get(f"{rc_server.url}/assets/logo.png", timeout=5).status_code == 404


def upload(client, name, content, content_type="image/png"):
    files = {"asset": (f"{name}.png", content, content_type)}
    return call(client, "POST", "assets.setAsset", files=files, data={"assetName": name})


def test_refusals(admin, alice):
    answer = upload(admin, "favicon_16", png(20, 20))
    assert answer.json() == {
        "success": False,
        "error": "Invalid file width [error-invalid-file-width]",
        "errorType": "error-invalid-file-width",
        "details": {"function": "Invalid file width"},
    }
    answer = upload(admin, "favicon", png(20, 20))
    assert answer.json()["error"] == "Invalid file type: image/png [error-invalid-file-type]"
    answer = upload(admin, "wallpaper", png(20, 20))
    assert answer.json() == {"success": False, "error": "Invalid asset"}
    assert upload(admin, "favicon_16", png(16, 16)).json() == {"success": True}
    answer = call(alice, "POST", "assets.unsetAsset", json={"assetName": "logo"})
    assert answer.status_code == 403 and answer.json() == NO_PERMISSION
