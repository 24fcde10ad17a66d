"""Counters, connection tests and lookups (``resources/system_checks.py``): usage and limits,
the e-mail / site URL / S3 tests, redirects, the image proxy being off, acknowledgements without
a push proxy, bulk import/export directories and the audit log certificate."""

from __future__ import annotations

import http.server
import threading

import pytest

from emulator.app import runtime_of
from emulator.mattermost.models.system_checks import round_off_to_zeroes
from tests.mattermost.clients import assert_error, logged_in, raw, set_config

PERMISSIONS = "api.context.permissions.app_error"


@pytest.fixture
def admin(mm_server):
    return raw(mm_server, logged_in(mm_server, "admin"))


@pytest.fixture
def bob(mm_server):
    return raw(mm_server, logged_in(mm_server, "bob"))


@pytest.mark.parametrize(
    ("n", "resolution", "rounded"),
    [(987, 3, 900), (12345, 3, 12000), (7, 3, 0), (7, 0, 7), (1_234_567_890, 8, 1_200_000_000)],
)
def test_usage_counts_are_rounded_as_upstream(n, resolution, rounded):
    assert round_off_to_zeroes(n, resolution) == rounded


def test_limits_show_user_counts_to_admins_only(mm_server, admin, bob):
    rt = runtime_of(mm_server.app)
    active = sum(1 for u in rt.store.all("users") if not u["delete_at"] and not u.get("is_bot"))
    assert admin("GET", "/limits/server").json() == {
        "activeUserCount": active,
        "maxUsersLimit": 2500,
        "maxUsersHardLimit": 5000,
        "postHistoryLimit": 0,
        "lastAccessiblePostTime": 0,
    }
    assert bob("GET", "/limits/server").json() == {
        "postHistoryLimit": 0,
        "lastAccessiblePostTime": 0,
    }


def test_usage_counts_posts_and_stored_bytes(mm_server, bob):
    rt = runtime_of(mm_server.app)
    posts = sum(
        1
        for p in rt.store.all("posts")
        if not p["delete_at"] and not p["type"].startswith("system_")
    )
    assert bob("GET", "/usage/posts").json() == {"count": round_off_to_zeroes(posts, 3)}
    stored = sum(f["size"] for f in rt.store.all("files") if not f.get("delete_at"))
    assert bob("GET", "/usage/storage").json() == {"bytes": round_off_to_zeroes(stored, 8)}


def test_without_the_ai_plugin_there_are_no_agents(bob):
    assert bob("GET", "/agents").json() == []
    assert bob("GET", "/llmservices").json() == []
    status = bob("GET", "/agents/status").json()
    assert status == {
        "available": False,
        "reason": "app.agents.bridge.not_available.plugin_not_active",
    }


def test_email_test_needs_a_complete_config_a_server_and_the_permission(mm_server, admin, bob):
    assert admin("POST", "/email/test").json() == {"status": "OK"}
    response = admin("POST", "/email/test", json={"EmailSettings": {}})
    assert_error(response, 400, "api.file.test_connection_email_settings_nil.app_error")
    assert_error(bob("POST", "/email/test"), 403, PERMISSIONS)
    set_config(mm_server, "EmailSettings", "SMTPServer", "")
    assert_error(admin("POST", "/email/test"), 400, "api.admin.test_email.missing_server")


def test_site_url_test_pings_loopback_urls_only(mm_server, admin, bob):
    assert admin("POST", "/site_url/test", json={"site_url": mm_server.url}).json() == {
        "status": "OK"
    }
    response = admin("POST", "/site_url/test", json={"site_url": "https://example.com"})
    assert_error(response, 400, "app.admin.test_site_url.failure")
    response = admin("POST", "/site_url/test", json={})
    assert_error(response, 400, "api.context.invalid_body_param.app_error")
    assert_error(bob("POST", "/site_url/test", json={"site_url": mm_server.url}), 403, PERMISSIONS)


def test_s3_test_needs_a_bucket(admin, bob):
    assert_error(admin("POST", "/file/s3_test"), 400, "api.admin.test_s3.missing_s3_bucket")
    response = admin("POST", "/file/s3_test", json={"FileSettings": {"MaxFileSize": None}})
    assert_error(response, 400, "api.file.test_connection_settings_nil.app_error")
    assert_error(bob("POST", "/file/s3_test"), 403, PERMISSIONS)


class _Redirector(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        self.send_response(302)
        self.send_header("Location", "http://127.0.0.1/landed")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def redirector():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/start"
    server.shutdown()
    server.server_close()


def test_redirect_location_follows_loopback_urls_only(mm_server, bob, redirector):
    found = bob("GET", "/redirect_location", params={"url": redirector})
    assert found.json() == {"location": "http://127.0.0.1/landed"}
    outside = bob("GET", "/redirect_location", params={"url": "https://example.com/x"})
    assert outside.json() == {"location": ""}
    assert_error(bob("GET", "/redirect_location"), 400, "api.context.invalid_body_param.app_error")
    set_config(mm_server, "ServiceSettings", "EnableLinkPreviews", False)
    assert bob("GET", "/redirect_location", params={"url": redirector}).json() == {"location": ""}


def test_image_redirects_to_the_image_while_the_proxy_is_off(mm_server, bob):
    response = bob(
        "GET", "/image", params={"url": "https://example.com/a.png"}, allow_redirects=False
    )
    assert (response.status_code, response.headers["Location"]) == (
        302,
        "https://example.com/a.png",
    )
    response = bob("GET", "/image", params={"url": "mailto:someone"}, allow_redirects=False)
    assert_error(response, 400, "api.image.get.app_error")


def test_push_acknowledgements_need_push_notifications(bob):
    ack = {"id": "x", "platform": "android", "type": "message"}
    assert_error(
        bob("POST", "/notifications/ack", json=ack), 501, "api.push_notification.disabled.app_error"
    )
    response = bob("POST", "/notifications/ack", data=b"not json")
    assert_error(response, 400, "api.push_notifications_ack.message.parse.app_error")


def test_client_performance_reports_are_dropped_while_metrics_are_off(bob):
    response = bob("POST", "/client_perf", data=b"anything")
    assert (response.status_code, response.content) == (200, b"")


def test_logs_download_is_an_empty_attachment_for_admins(admin, bob):
    response = admin("GET", "/logs/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment;filename="mattermost.log"'
    assert_error(bob("GET", "/logs/download"), 403, PERMISSIONS)


def test_import_and_export_directories_are_empty(admin, bob):
    assert admin("GET", "/imports").json() == []
    assert admin("GET", "/exports").json() == []
    assert admin("DELETE", "/imports/none.zip").json() == {"status": "OK"}
    assert admin("DELETE", "/exports/none.zip").json() == {"status": "OK"}
    assert_error(admin("GET", "/exports/none.zip"), 404, "api.export.export_not_found.app_error")
    assert_error(bob("GET", "/imports"), 403, PERMISSIONS)
    assert_error(bob("DELETE", "/exports/none.zip"), 403, PERMISSIONS)


def test_the_audit_log_certificate_is_kept_and_removed(mm_server, admin, bob):
    rt = runtime_of(mm_server.app)
    files = {"certificate": ("audit.crt", b"PEM")}
    assert admin("POST", "/audit_logs/certificate", files=files).json() == {"status": "OK"}
    assert rt.store.get("systems", "audit_certificate")["value"] == "UEVN"
    assert admin("DELETE", "/audit_logs/certificate").json() == {"status": "OK"}
    assert rt.store.get("systems", "audit_certificate") is None
    response = admin("POST", "/audit_logs/certificate", files={"other": ("a", b"x")})
    assert_error(response, 400, "api.admin.add_certificate.no_file.app_error")
    assert_error(bob("POST", "/audit_logs/certificate", files=files), 403, PERMISSIONS)


def test_a_test_notification_is_a_direct_message_from_the_system_bot(mm_server, bob):
    assert bob("POST", "/notifications/test").json() == {"status": "OK"}
    rt = runtime_of(mm_server.app)
    bot = rt.store.find_one("users", "username", "system-bot")
    assert bot["is_bot"] and rt.store.get("bots", bot["id"])["display_name"] == "System"
    bob_id = rt.store.find_one("users", "username", "bob")["id"]
    dms = [
        c
        for c in rt.store.find("channels", "type", "D")
        if {m["user_id"] for m in rt.store.find("channel_members", "channel_id", c["id"])}
        == {bob_id, bot["id"]}
    ]
    [post] = rt.store.find("posts", "channel_id", dms[0]["id"])
    assert (post["user_id"], post["message"]) == (
        bot["id"],
        "If you received this test notification, it worked!",
    )
    # The bot is made once.
    bob("POST", "/notifications/test").raise_for_status()
    assert len([u for u in rt.store.all("users") if u["username"] == "system-bot"]) == 1


def test_teams_usage_counts_live_teams(mm_server, bob):
    rt = runtime_of(mm_server.app)
    live = sum(1 for t in rt.store.all("teams") if not t["delete_at"])
    assert bob("GET", "/usage/teams").json() == {"active": live, "cloud_archived": 0}
