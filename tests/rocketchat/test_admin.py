"""What the administration routes share: malformed bodies. Each route family has its own module
(``test_permissions``, ``test_roles``, ``test_settings``, ``test_emoji_custom``, ...)."""

from __future__ import annotations

import hashlib

import pytest
import requests

TWO_FACTOR = {
    "x-2fa-code": hashlib.sha256(b"admin-password").hexdigest(),
    "x-2fa-method": "password",
}


@pytest.mark.parametrize(
    "path",
    [
        "users.create",
        "users.update",
        "users.setStatus",
        "users.setPreferences",
        "users.generatePersonalAccessToken",
        "users.delete",
        "users.setActiveStatus",
        "permissions.update",
        "roles.addUserToRole",
        "settings/Site_Name",
        "emoji-custom.delete",
        "commands.run",
    ],
)
@pytest.mark.parametrize("payload", [b"{nope", b"[1, 2]", b'"text"'])
def test_malformed_bodies_get_a_400_envelope(admin, path, payload):
    headers = {**admin.headers, **TWO_FACTOR, "Content-Type": "application/json"}
    raw = requests.post(
        f"{admin.server_url}/api/v1/{path}", data=payload, headers=headers, timeout=5
    )
    assert raw.status_code == 400
    assert raw.json()["success"] is False
