"""What clients read on start: the old-format client config and license."""

import requests

from tests.mattermost.clients import assert_error, logged_in, set_config


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
