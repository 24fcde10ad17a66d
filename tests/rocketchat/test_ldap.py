"""LDAP on a Community server without a directory: ``ldap.testConnection``/``testSearch``
(``v1/ldap.ts``) and the enterprise ``ldap.syncNow`` (``ee/server/api/ldap.ts``)."""

from __future__ import annotations

import pytest
import requests

from emulator.app import runtime_of
from emulator.core.passwords import sha256_hex
from emulator.rocketchat import models
from tests.rocketchat.clients import NO_PERMISSION, call

LDAP_DISABLED = {"success": False, "error": "LDAP_disabled"}
PASSWORD_2FA = {"x-2fa-code": sha256_hex("admin-password"), "x-2fa-method": "password"}


def enable_ldap(rc_server) -> None:
    models.set_setting_value(runtime_of(rc_server.app), "LDAP_Enable", True)


@pytest.mark.parametrize("path", ["ldap.testConnection", "ldap.testSearch"])
def test_ldap_tests_refuse_while_ldap_is_off(rc_server, admin, alice, path):
    anonymous = requests.post(f"{rc_server.url}/api/v1/{path}", json={}, timeout=5)
    assert anonymous.status_code == 401
    body = {"username": "alice"}
    answer = call(alice, "POST", path, json=body)
    assert (answer.status_code, answer.json()) == (403, NO_PERMISSION)
    answer = call(admin, "POST", path, json=body)
    assert (answer.status_code, answer.json()) == (400, LDAP_DISABLED)


def test_ldap_tests_fail_to_connect_when_on(rc_server, admin):
    enable_ldap(rc_server)
    answer = call(admin, "POST", "ldap.testConnection")
    assert (answer.status_code, answer.json()) == (
        400,
        {"success": False, "error": "Connection_failed"},
    )


def test_ldap_test_search_validates_its_body(admin):
    answer = call(admin, "POST", "ldap.testSearch", json={})
    assert answer.status_code == 400
    assert answer.json() == {
        "success": False,
        "error": "must have required property 'username' [invalid-params]",
        "errorType": "invalid-params",
    }
    answer = call(admin, "POST", "ldap.testSearch", json={"username": "a", "x": 1})
    assert answer.json()["error"] == "must NOT have additional properties [invalid-params]"


def test_ldap_sync_now_wants_a_fresh_second_factor_then_ldap(rc_server, admin, alice):
    anonymous = requests.post(f"{rc_server.url}/api/v1/ldap.syncNow", timeout=5)
    assert anonymous.status_code == 401
    # Unlicensed: the password stands in as a second factor, asked every time.
    answer = call(admin, "POST", "ldap.syncNow")
    assert answer.status_code == 400
    assert answer.json()["errorType"] == "totp-required"
    assert answer.json()["details"]["method"] == "password"
    answer = call(admin, "POST", "ldap.syncNow", headers=PASSWORD_2FA)
    assert (answer.status_code, answer.json()) == (400, LDAP_DISABLED)
    enable_ldap(rc_server)
    answer = call(admin, "POST", "ldap.syncNow", headers=PASSWORD_2FA)
    assert answer.json()["errorType"] == "error-action-not-allowed"
    alice_2fa = {"x-2fa-code": sha256_hex("alice-password"), "x-2fa-method": "password"}
    answer = call(alice, "POST", "ldap.syncNow", headers=alice_2fa)
    assert (answer.status_code, answer.json()) == (
        400,
        {"success": False, "error": "error-not-authorized"},
    )
