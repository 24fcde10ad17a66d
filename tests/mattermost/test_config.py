"""What clients read on start: the old-format client config and license."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from tests.mattermost.clients import assert_error, logged_in, raw, set_config


def test_client_config_old_format(mm_server):
    alice = logged_in(mm_server)
    config = alice.system.get_client_configuration({"format": "old"})
    assert all(isinstance(v, str) for v in config.values())
    assert config["Version"] == "10.11.0"
    assert config["SiteName"] == "Mattermost"
    assert config["EnableUserAccessTokens"] == "false"
    assert config["EnableBotAccountCreation"] == "false"
    assert config["EnableCustomEmoji"] == "true"
    assert config["EnableSignUpWithEmail"] == "true"
    assert config["EnableOpenServer"] == "false"
    set_config(mm_server, "ServiceSettings", "EnableUserAccessTokens", True)
    again = alice.system.get_client_configuration({"format": "old"})
    assert again["EnableUserAccessTokens"] == "true"


def test_client_config_without_a_session_is_limited(mm_server):
    response = requests.get(
        f"{mm_server.url}/api/v4/config/client", params={"format": "old"}, timeout=5
    )
    assert response.status_code == 200
    config = response.json()
    assert config["SiteName"] == "Mattermost" and config["EnableSignInWithUsername"] == "true"
    assert "EnableUserAccessTokens" not in config


def test_client_config_other_formats(mm_server):
    url = f"{mm_server.url}/api/v4/config/client"
    assert_error(requests.get(url, timeout=5), 501, "api.config.client.old_format.app_error")
    assert_error(
        requests.get(url, params={"format": "new"}, timeout=5),
        400,
        "api.context.invalid_body_param.app_error",
    )


def test_client_license(mm_server):
    alice = logged_in(mm_server)
    assert alice.system.get_client_license({"format": "old"}) == {"IsLicensed": "false"}
    url = f"{mm_server.url}/api/v4/license/client"
    assert_error(requests.get(url, timeout=5), 501, "api.license.client.old_format.app_error")
    assert_error(
        requests.get(url, params={"format": "x"}, timeout=5),
        400,
        "api.context.invalid_body_param.app_error",
    )


# -- the server config API: GET/PUT /config, PUT /config/patch, reload, environment ---------------

FAKE = "********************************"
CLEAR_SITEURL = "api.config.update_config.clear_siteurl.app_error"
BAD_BODY = "api.context.invalid_body_param.app_error"
INVALID = "model.config.is_valid."


@pytest.fixture
def admin_raw(mm_server):
    return raw(mm_server, logged_in(mm_server, "admin"))


def stored(server) -> dict:
    return runtime_of(server.app).store.get("config", "config")["settings"]


def test_get_config_is_for_system_admins_and_hides_secrets(mm_server, admin_raw):
    set_config(mm_server, "FileSettings", "PublicLinkSalt", "salty")
    set_config(mm_server, "EmailSettings", "SMTPPassword", "")
    response = admin_raw("GET", "/config")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache, no-store, must-revalidate"
    config = response.json()
    assert config["FileSettings"]["PublicLinkSalt"] == FAKE
    assert config["EmailSettings"]["SMTPPassword"] == ""  # only set secrets are hidden
    assert config["ServiceSettings"]["EnableIncomingWebhooks"] is True
    assert config["ServiceSettings"]["AllowedUntrustedInternalConnections"] == ""
    alice = raw(mm_server, logged_in(mm_server, "alice"))
    assert_error(alice("GET", "/config"), 403, "api.context.permissions.app_error")
    assert_error(alice("PUT", "/config/patch", json={}), 403, "api.context.permissions.app_error")
    assert_error(raw(mm_server)("GET", "/config"), 401, "api.context.session_expired.app_error")


def test_patch_applies_at_once_and_announces_it(mm_server, admin_raw, bus):
    admin = logged_in(mm_server, "admin")
    eng = admin.channels.get_channel_by_name_and_team_name("acme", "engineering")
    hook = admin.webhooks.create_incoming_hook({"channel_id": eng["id"], "display_name": "CI"})
    patched = admin_raw(
        "PUT", "/config/patch", json={"ServiceSettings": {"EnableIncomingWebhooks": False}}
    )
    assert patched.status_code == 200
    assert patched.json()["ServiceSettings"]["EnableIncomingWebhooks"] is False
    assert patched.json()["ServiceSettings"]["EnableOutgoingWebhooks"] is True  # untouched
    sent = requests.post(f"{mm_server.url}/hooks/{hook['id']}", json={"text": "x"}, timeout=5)
    assert sent.status_code == 501 and "have been disabled" in sent.json()["detailed_error"]
    client = logged_in(mm_server).system.get_client_configuration({"format": "old"})
    assert client["EnableIncomingWebhooks"] == "false"
    (changed,) = [payload for name, payload in bus if name == "config_changed"]
    assert changed["data"]["config"]["EnableIncomingWebhooks"] == "false"
    assert changed["broadcast"] == {
        "omit_users": None,
        "user_id": "",
        "channel_id": "",
        "team_id": "",
    }


def test_an_unchanged_patch_announces_nothing(mm_server, admin_raw, bus):
    body = {"ServiceSettings": {"EnableIncomingWebhooks": True}}
    assert admin_raw("PUT", "/config/patch", json=body).status_code == 200
    assert [name for name, _ in bus if name == "config_changed"] == []


def test_put_replaces_keeps_secrets_sent_back_hidden_and_refuses_clearing_the_site_url(
    mm_server, admin_raw
):
    set_config(mm_server, "FileSettings", "PublicLinkSalt", "salty")
    set_config(mm_server, "ServiceSettings", "EnablePostUsernameOverride", True)
    config = admin_raw("GET", "/config").json()
    config["ServiceSettings"]["EnableCommands"] = False
    del config["ServiceSettings"]["EnablePostUsernameOverride"]  # missing: back to the default
    replaced = admin_raw("PUT", "/config", json=config)
    assert replaced.status_code == 200
    settings = stored(mm_server)
    assert settings["FileSettings"]["PublicLinkSalt"] == "salty"
    assert settings["ServiceSettings"]["EnableCommands"] is False
    assert settings["ServiceSettings"]["EnablePostUsernameOverride"] is False
    set_config(mm_server, "ServiceSettings", "SiteURL", "http://chat.example.com")
    assert_error(
        admin_raw("PUT", "/config", json={}),
        400,
        "api.config.update_config.clear_siteurl.app_error",
    )
    assert_error(
        admin_raw("PUT", "/config/patch", json={"ServiceSettings": {"SiteURL": ""}}),
        400,
        "api.config.update_config.clear_siteurl.app_error",
    )
    assert stored(mm_server)["ServiceSettings"]["SiteURL"] == "http://chat.example.com"


def test_plugin_uploads_cannot_be_switched_through_the_api(mm_server, admin_raw):
    body = {"PluginSettings": {"EnableUploads": True}}
    assert_error(
        admin_raw("PUT", "/config/patch", json=body),
        403,
        "api.config.update_config.not_allowed_security.app_error",
    )
    config = admin_raw("GET", "/config").json()
    config["PluginSettings"]["EnableUploads"] = True
    assert (
        admin_raw("PUT", "/config", json=config).json()["PluginSettings"]["EnableUploads"] is False
    )


@pytest.mark.parametrize(
    "body, error_id",
    [
        ([], "api.context.invalid_body_param.app_error"),
        ({"ServiceSettings": []}, "api.context.invalid_body_param.app_error"),
        ({"ServiceSettings": {"EnableCommands": "no"}}, "api.context.invalid_body_param.app_error"),
        ({"TeamSettings": {"MaxUsersPerTeam": True}}, "api.context.invalid_body_param.app_error"),
        (
            {"PasswordSettings": {"MinimumLength": 3}},
            "model.config.is_valid.password_length.app_error",
        ),
        ({"ServiceSettings": {"SiteURL": "chat"}}, "model.config.is_valid.site_url.app_error"),
        (
            {"TeamSettings": {"SiteName": "x" * 31}},
            "model.config.is_valid.sitename_length.app_error",
        ),
        (
            {"RateLimitSettings": {"Enable": True, "MaxBurst": 0}},
            "model.config.is_valid.max_burst.app_error",
        ),
    ],
)
def test_bad_bodies_change_nothing(mm_server, admin_raw, body, error_id):
    before = stored(mm_server)
    assert_error(admin_raw("PUT", "/config/patch", json=body), 400, error_id)
    assert stored(mm_server) == before


def test_unknown_sections_are_dropped_unknown_settings_kept(mm_server, admin_raw):
    body = {"Nonsense": {"A": 1}, "ServiceSettings": {"EnableSomethingNew": "yes"}}
    patched = admin_raw("PUT", "/config/patch", json=body).json()
    assert "Nonsense" not in patched
    assert patched["ServiceSettings"]["EnableSomethingNew"] == "yes"


def test_reload_reads_the_stored_config_again(mm_server, admin_raw, bus):
    body = {"ServiceSettings": {"EnableCommands": False}}
    assert admin_raw("PUT", "/config/patch", json=body).status_code == 200
    # Changed in the running config only, not in the stored one: a reload drops it.
    set_config(mm_server, "ServiceSettings", "EnablePostIconOverride", True)
    response = admin_raw("POST", "/config/reload")
    assert (response.status_code, response.json()) == (200, {"status": "OK"})
    service = stored(mm_server)["ServiceSettings"]
    assert (service["EnableCommands"], service["EnablePostIconOverride"]) == (False, False)
    assert [name for name, _ in bus].count("config_changed") == 2


def test_reload_is_for_system_admins(mm_server):
    alice = raw(mm_server, logged_in(mm_server, "alice"))
    assert_error(alice("POST", "/config/reload"), 403, "api.context.permissions.app_error")


# -- the environment: every MM_<SECTION>_<SETTING> kept, and it wins over the API -----------------

ENV = {
    "MM_SERVICESETTINGS_ALLOWEDUNTRUSTEDINTERNALCONNECTIONS": "10.0.0.0/8 localhost",
    "MM_SERVICESETTINGS_ENABLECOMMANDS": "false",
    "MM_SERVICESETTINGS_SOMETHINGNEW": "kept",
    "MM_SQLSETTINGS_DATASOURCE": "postgres://secret",
    "MM_ADMIN_USERNAME": "root",
    "MM_ADMIN_PASSWORD": "root-password",
}


def admin_client(app):
    client = app.test_client()
    login = client.post(
        "/api/v4/users/login", json={"login_id": "root", "password": "root-password"}
    )
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {login.headers['Token']}"
    return client


def test_every_env_setting_is_kept_and_wins_over_the_api():
    app = create_app("mattermost", ephemeral_config(workspace="empty", environ=ENV))
    client = admin_client(app)
    config = client.get("/api/v4/config").get_json()
    service = config["ServiceSettings"]
    assert service["AllowedUntrustedInternalConnections"] == "10.0.0.0/8 localhost"
    assert service["EnableCommands"] is False
    assert service["SOMETHINGNEW"] == "kept"
    assert config["SqlSettings"]["DataSource"] == FAKE
    patched = client.put(
        "/api/v4/config/patch",
        json={"ServiceSettings": {"EnableCommands": True, "EnableIncomingWebhooks": False}},
    ).get_json()
    assert patched["ServiceSettings"]["EnableCommands"] is False
    assert patched["ServiceSettings"]["EnableIncomingWebhooks"] is False
    assert client.get("/api/v4/config/environment").get_json() == {
        "ServiceSettings": {
            "AllowedUntrustedInternalConnections": True,
            "EnableCommands": True,
            "SOMETHINGNEW": True,
        },
        "SqlSettings": {"DataSource": True},
    }
    runtime_of(app).close()


def test_api_changes_survive_a_restart_and_env_values_are_not_persisted(tmp_path):
    env = {key: ENV[key] for key in ("MM_SERVICESETTINGS_ENABLECOMMANDS", "MM_ADMIN_USERNAME")}
    env["MM_ADMIN_PASSWORD"] = "root-password"
    first = create_app("mattermost", ephemeral_config(data_dir=tmp_path, environ=env))
    admin_client(first).put(
        "/api/v4/config/patch",
        json={"ServiceSettings": {"EnableIncomingWebhooks": False, "EnableCommands": True}},
    )
    runtime_of(first).close()
    without_env = {k: v for k, v in env.items() if k != "MM_SERVICESETTINGS_ENABLECOMMANDS"}
    second = create_app("mattermost", ephemeral_config(data_dir=tmp_path, environ=without_env))
    service = admin_client(second).get("/api/v4/config").get_json()["ServiceSettings"]
    assert service["EnableIncomingWebhooks"] is False
    # The env's false was never stored: without it, the default is back.
    assert service["EnableCommands"] is True
    runtime_of(second).close()


def test_outgoing_integration_requests_timeout_cuts_a_slow_app(mm_server, admin_raw):
    """The timeout set through the API applies to the next call: the app, which would answer
    only when released, is cut off and the call journaled as timed out."""
    release = threading.Event()

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            release.wait(30)

        def log_message(self, *args: object) -> None:
            pass

    app = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    admin = logged_in(mm_server, "admin")
    eng = admin.channels.get_channel_by_name_and_team_name("acme", "engineering")
    admin.webhooks.create_outgoing_hook(
        {
            "team_id": eng["team_id"],
            "display_name": "Slow",
            "trigger_words": ["slow"],
            "callback_urls": [f"http://127.0.0.1:{app.server_address[1]}/hook"],
        }
    )
    body = {"ServiceSettings": {"OutgoingIntegrationRequestsTimeout": 1}}
    assert admin_raw("PUT", "/config/patch", json=body).status_code == 200
    rt = runtime_of(mm_server.app)
    try:
        admin.posts.create_post({"channel_id": eng["id"], "message": "slow"})
        assert rt.callouts.wait_idle(20)  # well under the 30 s the app would take
    finally:
        release.set()
        app.shutdown()
        app.server_close()
    (call,) = [e for e in rt.journal.query() if e["kind"] == "callback"]
    assert call["status"] is None and "Timeout" in call["error"]
