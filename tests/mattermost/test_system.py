"""``GET /system/ping``: the health check integrations poll."""

from __future__ import annotations

from datetime import UTC, datetime

import requests

from emulator.app import runtime_of
from emulator.mattermost import errors, settings
from tests.mattermost.clients import assert_error, driver, logged_in, raw, set_config, team_id

PING_KEYS = {
    "status",
    "ActiveSearchBackend",
    "AndroidLatestVersion",
    "AndroidMinVersion",
    "IosLatestVersion",
    "IosMinVersion",
    "version",
}


def test_ping(mm_server):
    d = driver(mm_server)
    assert d.system.check_system_health()["status"] == "OK"


def test_ping_needs_no_login_and_names_the_version(mm_server):
    response = requests.get(f"{mm_server.url}/api/v4/system/ping", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == PING_KEYS
    assert (body["status"], body["version"]) == ("OK", settings.VERSION)


def test_ping_with_server_status_adds_the_store_checks(mm_server):
    url = f"{mm_server.url}/api/v4/system/ping"
    body = requests.get(url, params={"get_server_status": "true"}, timeout=5).json()
    assert set(body) == PING_KEYS | {"database_status", "filestore_status"}
    assert (body["database_status"], body["filestore_status"]) == ("OK", "OK")
    other = requests.get(url, params={"get_server_status": "yes"}, timeout=5).json()
    assert set(other) == PING_KEYS


# -- administration ----------------------------------------------------------------------------


def _admin(mm_server):
    return logged_in(mm_server, "admin")


def test_server_busy_is_set_read_and_cleared_by_system_admins(mm_server):
    admin = raw(mm_server, _admin(mm_server))
    never = admin("GET", "/server_busy").json()
    assert never == {
        "busy": False,
        "expires": -62135596800,
        "expires_ts": "Mon Jan 1 00:00:00 +0000 UTC 0001",
    }
    assert admin("POST", "/server_busy", params={"seconds": "60"}).json() == {"status": "OK"}
    now = runtime_of(mm_server.app).clock.now_ms() // 1000
    busy = admin("GET", "/server_busy").json()
    assert busy["busy"] is True and busy["expires"] == now + 60
    at = datetime.fromtimestamp(now + 60, UTC)
    assert busy["expires_ts"] == f"{at:%a %b} {at.day} {at:%H:%M:%S} +0000 UTC {at.year:04d}"
    assert admin("DELETE", "/server_busy").json() == {"status": "OK"}
    assert admin("GET", "/server_busy").json() == never


def test_server_busy_seconds_are_bounded_and_default_to_an_hour(mm_server):
    admin = raw(mm_server, _admin(mm_server))
    for bad in ("0", "86401", "x"):
        body = assert_error(
            admin("POST", "/server_busy", params={"seconds": bad}),
            400,
            "api.context.invalid_url_param.app_error",
        )
        assert "seconds must be 1 - 86400" in body["message"]
    admin("POST", "/server_busy")
    now = runtime_of(mm_server.app).clock.now_ms() // 1000
    assert admin("GET", "/server_busy").json()["expires"] == now + 3600


def test_administration_needs_its_permissions(mm_server):
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    for method, path, permission in [
        ("GET", "/server_busy", "manage_system"),
        ("POST", "/server_busy", "manage_system"),
        ("DELETE", "/server_busy", "manage_system"),
        ("GET", "/audits", "read_audits"),
        ("POST", "/database/recycle", "recycle_database_connections"),
        ("POST", "/caches/invalidate", "invalidate_caches"),
        ("GET", "/logs", "get_logs"),
    ]:
        body = assert_error(bob(method, path), 403, "api.context.permissions.app_error")
        assert body["detailed_error"].endswith(f"permission={permission}")
    assert_error(raw(mm_server)("GET", "/audits"), 401, "api.context.session_expired.app_error")


def test_admin_maintenance_calls_through_the_driver(mm_server):
    admin = _admin(mm_server)
    assert admin.system.recycle_database_connection() == {"status": "OK"}
    assert admin.system.invalidate_all_caches() == {"status": "OK"}
    assert admin.system.get_audits(params={}) == []
    assert admin.system.get_logs(params={}) == []


def test_client_logs_need_a_session_unless_developer_mode(mm_server):
    anonymous = raw(mm_server)
    line = {"level": "ERROR", "message": "boom"}
    assert_error(anonymous("POST", "/logs", json=line), 403, "api.context.permissions.app_error")
    answer = _admin(mm_server).system.add_log_message(line)
    assert answer == {"level": "ERROR", "message": "Client Logs API Endpoint Message: boom"}
    set_config(mm_server, "ServiceSettings", "EnableDeveloper", True)
    long = anonymous("POST", "/logs", json={"message": "x" * 500}).json()
    assert long["message"] == "Client Logs API Endpoint Message: " + "x" * 399


def test_supported_timezones_are_iana_names(mm_server):
    zones = raw(mm_server, logged_in(mm_server, "bob"))("GET", "/system/timezones").json()
    assert "Europe/Berlin" in zones and "America/New_York" in zones
    assert zones == sorted(zones)
    assert_error(
        raw(mm_server)("GET", "/system/timezones"), 401, "api.context.session_expired.app_error"
    )


def test_product_notices_are_empty_and_marking_them_viewed_checks_the_ids(mm_server):
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    team = team_id(mm_server)
    assert bob("GET", f"/system/notices/{team}", params={"client": "web"}).json() == []
    assert_error(
        bob("GET", f"/system/notices/{team}", params={"client": "tv"}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        bob("GET", "/system/notices/short", params={"client": "web"}),
        400,
        "api.context.invalid_url_param.app_error",
    )
    assert bob("PUT", "/system/notices/view", json=["a", "b"]).json() == {"status": "OK"}
    assert_error(bob("PUT", "/system/notices/view", json={"a": 1}), 400, "api.payload.parse.error")


ANALYTICS_NAMES = [
    "channel_open_count",
    "channel_private_count",
    "post_count",
    "unique_user_count",
    "team_count",
    "total_websocket_connections",
    "total_master_db_connections",
    "total_read_db_connections",
    "daily_active_users",
    "monthly_active_users",
    "inactive_user_count",
    "single_channel_guest_count",
]


def _counts(rows):
    assert [row["name"] for row in rows] == ANALYTICS_NAMES
    return {row["name"]: row["value"] for row in rows}


def test_standard_analytics_count_the_site(mm_server):
    admin = _admin(mm_server)
    rt = runtime_of(mm_server.app)
    store = rt.store
    before = _counts(admin.system.get_analytics(params={}))
    people = [u for u in store.all("users") if not u.get("is_bot")]
    assert before["unique_user_count"] == sum(1 for u in people if not u["delete_at"])
    assert before["team_count"] == sum(1 for t in store.all("teams") if not t["delete_at"])
    town = store.find_one("channels", "team_name", (team_id(mm_server), "town-square"))
    admin.posts.create_post({"channel_id": town["id"], "message": "counted"})
    after = _counts(admin.system.get_analytics(params={"name": "standard"}))
    assert after["post_count"] == before["post_count"] + 1
    in_team = _counts(admin.system.get_analytics(params={"team_id": team_id(mm_server)}))
    assert in_team["inactive_user_count"] == -1
    assert in_team["channel_open_count"] <= after["channel_open_count"]


def test_analytics_need_their_permission_and_a_known_name(mm_server):
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    assert_error(bob("GET", "/analytics/old"), 403, "api.context.permissions.app_error")
    admin = raw(mm_server, _admin(mm_server))
    assert_error(
        admin("GET", "/analytics/old", params={"name": "nope"}),
        400,
        "api.context.invalid_body_param.app_error",
    )


def test_onboarding_is_completed_once_by_an_admin_naming_the_organisation(mm_server):
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    path = "/system/onboarding/complete"
    assert admin("GET", path).json() == {"name": "FirstAdminSetupComplete", "value": "false"}
    assert_error(bob("GET", path), 403, errors.PERMISSIONS)
    assert_error(bob("POST", path, json={"organization": "Acme"}), 403, errors.ONBOARDING_NOT_ADMIN)
    assert_error(admin("POST", path, json=[]), 400, errors.ONBOARDING_BAD_REQUEST)
    assert_error(admin("POST", path, json={}), 400, errors.ONBOARDING_NO_ORGANIZATION)
    done = admin("POST", path, json={"organization": "Acme", "install_plugins": []})
    assert done.json() == {"status": "OK"}
    assert admin("GET", path).json() == {"name": "FirstAdminSetupComplete", "value": "true"}


def test_schema_migrations_need_a_console_read_permission(mm_server):
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    assert admin("GET", "/system/schema/version").json() == []
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    body = assert_error(bob("GET", "/system/schema/version"), 403, errors.PERMISSIONS)
    assert (
        "sysconsole_read_about_edition_and_license,sysconsole_read_billing,"
        in body["detailed_error"]
    )
