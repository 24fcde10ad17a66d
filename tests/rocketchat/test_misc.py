"""``GET /api/info``."""

from __future__ import annotations


def test_info_for_admins(admin):
    info = admin.info()
    assert info["version"] == "8.3.0"
    assert info["info"]["version"] == "8.3.0"
    assert set(info["info"]) == {"version", "build", "marketplaceApiVersion", "commit"}
    assert info["info"]["build"]["platform"] == "linux"
