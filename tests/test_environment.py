"""Configuration the way the real images take it: env vars."""

import requests

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.server import ThreadedServer

RC_ADMIN = {
    "ADMIN_USERNAME": "boss",
    "ADMIN_PASS": "boss-pass",
    "ADMIN_EMAIL": "boss@example.com",
    "ADMIN_NAME": "The Boss",
}


def rc_login(app, user, password):
    return app.test_client().post("/api/v1/login", json={"user": user, "password": password})


def test_rocketchat_admin_from_env_on_an_empty_server():
    app = create_app("rocketchat", ephemeral_config(workspace="empty", environ=RC_ADMIN))
    response = rc_login(app, "boss", "boss-pass")
    assert response.status_code == 200
    me = response.get_json()["data"]["me"]
    assert me["roles"] == ["admin"] and me["name"] == "The Boss"
    # A fresh server: rocket.cat, #general, and the admin only.
    rt = runtime_of(app)
    assert sorted(u["username"] for u in rt.store.all("users")) == ["boss", "rocket.cat"]
    assert [r["_id"] for r in rt.store.all("rooms")] == ["GENERAL"]


def test_rocketchat_env_admin_survives_reset_and_restart(tmp_path):
    config = ephemeral_config(data_dir=tmp_path, environ=RC_ADMIN)
    app = create_app("rocketchat", config)
    rt = runtime_of(app)
    rt.reset()
    assert rc_login(app, "boss", "boss-pass").status_code == 200
    user_id = rt.store.find_one("users", "username", "boss")["_id"]
    rt.close()
    again = create_app("rocketchat", config)  # same env, existing data dir: no failure
    assert runtime_of(again).store.find_one("users", "username", "boss")["_id"] == user_id
    assert rc_login(again, "boss", "boss-pass").status_code == 200
    runtime_of(again).close()


def test_rocketchat_env_admin_wins_over_a_seeded_user_of_that_name():
    env = {"ADMIN_USERNAME": "alice", "ADMIN_PASS": "from-env"}
    app = create_app("rocketchat", ephemeral_config(environ=env))
    response = rc_login(app, "alice", "from-env")
    assert response.status_code == 200
    assert "admin" in response.get_json()["data"]["me"]["roles"]


def test_rocketchat_overwrite_setting():
    env = {
        "OVERWRITE_SETTING_API_Default_Count": "7",
        "OVERWRITE_SETTING_Site_Name": "Test Chat",
        "API_Upper_Count_Limit": "30",
    }
    rt = runtime_of(create_app("rocketchat", ephemeral_config(environ=env)))
    assert rt.store.get("settings", "API_Default_Count")["value"] == 7
    assert rt.store.get("settings", "Site_Name")["value"] == "Test Chat"
    assert rt.store.get("settings", "API_Upper_Count_Limit")["value"] == 30


def test_mattermost_config_overrides_and_admin_from_env():
    env = {
        "MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS": "true",
        "MM_RATELIMITSETTINGS_PERSEC": "3",
        "MM_ADMIN_USERNAME": "root",
        "MM_ADMIN_PASSWORD": "root-password",
        "MM_ADMIN_EMAIL": "root@example.com",
    }
    app = create_app("mattermost", ephemeral_config(workspace="empty", environ=env))
    rt = runtime_of(app)
    settings = rt.store.get("config", "config")["settings"]
    assert settings["ServiceSettings"]["EnableUserAccessTokens"] is True
    assert settings["RateLimitSettings"]["PerSec"] == 3
    assert [u["username"] for u in rt.store.all("users")] == ["root"]
    with ThreadedServer(app) as server:
        login = requests.post(
            f"{server.url}/api/v4/users/login",
            timeout=5,
            json={"login_id": "root", "password": "root-password"},
        )
    assert login.status_code == 200
    assert login.json()["roles"] == "system_admin system_user"


def test_empty_mattermost_has_no_users():
    rt = runtime_of(create_app("mattermost", ephemeral_config(workspace="empty")))
    assert rt.store.count("users") == 0 and rt.store.count("teams") == 0
