"""POST /settings (several at once, 2FA-confirmed) and settings.addCustomOAuth."""

import hashlib

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from .clients import call

TWO_FACTOR = {
    "x-2fa-code": hashlib.sha256(b"admin-password").hexdigest(),
    "x-2fa-method": "password",
}


def test_bulk_update(admin):
    changes = {
        "settings": [
            {"_id": "Site_Name", "value": "Acme"},
            {"_id": "API_Default_Count", "value": 10},
        ]
    }
    refused = call(admin, "POST", "settings", json=changes)
    assert refused.json()["errorType"] == "totp-required"
    answer = call(admin, "POST", "settings", json=changes, headers=TWO_FACTOR)
    assert answer.json() == {"success": True}
    assert admin.settings_get("Site_Name")["value"] == "Acme"
    assert admin.settings_get("API_Default_Count")["value"] == 10
    wrong = call(
        admin,
        "POST",
        "settings",
        json={"settings": [{"_id": "API_Default_Count", "value": "many"}]},
        headers=TWO_FACTOR,
    )
    assert wrong.status_code == 400 and admin.settings_get("API_Default_Count")["value"] == 10
    empty = call(admin, "POST", "settings", json={}, headers=TWO_FACTOR)
    assert empty.json()["error"] == "must have required property 'settings' [invalid-params]"


def test_bulk_update_needs_the_permission(alice):
    answer = call(
        alice, "POST", "settings", json={"settings": [{"_id": "Site_Name", "value": "x"}]}
    )
    assert answer.status_code == 403
    assert answer.json() == {
        "success": False,
        "error": "Editing settings is not allowed [error-action-not-allowed]",
        "errorType": "error-action-not-allowed",
        "details": {"method": "saveSettings", "settingIds": ["Site_Name"]},
    }


def test_add_custom_oauth(admin, alice):
    answer = call(
        admin, "POST", "settings.addCustomOAuth", json={"name": "My IdP!"}, headers=TWO_FACTOR
    )
    assert answer.json() == {"success": True}
    assert admin.settings_get("Accounts_OAuth_Custom-Myidp")["value"] is False
    assert admin.settings_get("Accounts_OAuth_Custom-Myidp-scope")["value"] == "openid"
    missing = call(admin, "POST", "settings.addCustomOAuth", json={"name": " "}, headers=TWO_FACTOR)
    assert missing.json() == {
        "success": False,
        "error": 'The parameter "name" is required [error-name-param-not-provided]',
        "errorType": "error-name-param-not-provided",
    }
    with pytest.raises(RocketApiException):
        alice.call_api_post("settings.addCustomOAuth", name="x")
