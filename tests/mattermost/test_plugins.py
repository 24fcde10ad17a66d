"""``api4/plugin.go`` on a server with no plugin installed and uploads off."""

from __future__ import annotations

import pytest

from tests.mattermost.clients import assert_error, logged_in, raw, set_config

PERMISSIONS = "api.context.permissions.app_error"


@pytest.fixture
def admin(mm_server):
    return raw(mm_server, logged_in(mm_server, "admin"))


@pytest.fixture
def bob(mm_server):
    return raw(mm_server, logged_in(mm_server, "bob"))


def test_lists_are_empty_for_those_who_may_read_them(admin, bob):
    assert admin("GET", "/plugins").json() == {"active": [], "inactive": []}
    assert admin("GET", "/plugins/statuses").json() == []
    assert admin("GET", "/plugins/marketplace").json() == []
    assert bob("GET", "/plugins/webapp").json() == []
    for path in ("/plugins", "/plugins/statuses", "/plugins/marketplace"):
        body = assert_error(bob("GET", path), 403, PERMISSIONS)
        assert body["detailed_error"].endswith("permission=sysconsole_read_plugins")
    # Remote-only listings need no permission.
    assert bob("GET", "/plugins/marketplace", params={"remote_only": "true"}).json() == []


def test_uploads_are_off_by_default_before_any_permission_check(mm_server, admin, bob):
    files = {"plugin": ("p.tar.gz", b"not a bundle")}
    assert_error(bob("POST", "/plugins", files=files), 501, "app.plugin.upload_disabled.app_error")
    assert_error(
        admin("POST", "/plugins/install_from_url", params={"plugin_download_url": "http://x"}),
        501,
        "app.plugin.disabled.app_error",
    )
    set_config(mm_server, "PluginSettings", "EnableUploads", True)
    assert_error(bob("POST", "/plugins", files=files), 403, PERMISSIONS)
    assert_error(admin("POST", "/plugins"), 400, "api.plugin.upload.no_file.app_error")
    assert_error(admin("POST", "/plugins", files=files), 400, "app.plugin.extract.app_error")


def test_no_plugin_is_installed_to_remove_enable_or_disable(admin, bob):
    for method, suffix in (("DELETE", ""), ("POST", "/enable"), ("POST", "/disable")):
        path = "/plugins/com.example.demo" + suffix
        assert_error(admin(method, path), 404, "app.plugin.not_installed.app_error")
        assert_error(bob(method, path), 403, PERMISSIONS)
        assert_error(
            admin(method, "/plugins/x!" + suffix), 400, "api.context.invalid_url_param.app_error"
        )


def test_disabling_plugins_refuses_everything(mm_server, admin):
    set_config(mm_server, "PluginSettings", "Enable", False)
    for method, path in (
        ("GET", "/plugins"),
        ("GET", "/plugins/webapp"),
        ("DELETE", "/plugins/abc"),
    ):
        assert_error(admin(method, path), 501, "app.plugin.disabled.app_error")
    set_config(mm_server, "PluginSettings", "Enable", True)
    set_config(mm_server, "PluginSettings", "EnableMarketplace", False)
    assert_error(
        admin("GET", "/plugins/marketplace"), 501, "app.plugin.marketplace_disabled.app_error"
    )


def test_installing_from_the_empty_marketplace_finds_nothing(admin):
    response = admin("POST", "/plugins/marketplace", json={"id": "com.example.demo"})
    assert_error(response, 404, "app.plugin.marketplace_plugins.not_found.app_error")


def test_first_admin_visit_is_remembered(mm_server, admin, bus):
    path = "/plugins/marketplace/first_admin_visit"
    first = {"name": "FirstAdminVisitMarketplace", "value": "false"}
    assert admin("GET", path).json() == first
    assert_error(raw(mm_server)("POST", path), 403, PERMISSIONS)
    assert admin("POST", path).json() == {"status": "OK"}
    assert admin("GET", path).json() == {**first, "value": "true"}
    events = [data for name, data in bus if name == "first_admin_visit_marketplace_status_received"]
    assert events[-1]["data"] == {"firstAdminVisitMarketplaceStatus": "true"}
