"""Passwords are bcrypt-hashed as the real servers do, at a configurable cost."""

from __future__ import annotations

import hashlib
import json

import bcrypt
import pytest
import requests

from emulator.app import create_app, runtime_of
from emulator.cli import build_parser, config_from_args
from emulator.config import EmulatorConfig, ephemeral_config
from emulator.core.passwords import (
    DEFAULT_COST,
    MIN_COST,
    check_password,
    hash_password,
    seeded_hash,
    sha256_hex,
)
from emulator.mattermost import models as mm_models
from emulator.rocketchat import models as rc_models


def cost_of(stored: str) -> int:
    assert stored.startswith("$2b$"), stored
    return int(stored.split("$")[2])


def test_hashes_are_bcrypt_at_the_cost_asked():
    stored = hash_password("s3cret", 5)
    assert cost_of(stored) == 5
    assert bcrypt.checkpw(b"s3cret", stored.encode())
    assert check_password("s3cret", stored) and not check_password("s3creT", stored)
    assert hash_password("s3cret", 5) != stored  # a fresh salt every time


def test_seeded_hashes_are_cheap_and_reproducible():
    assert seeded_hash("pw", "00ff") == seeded_hash("pw", "00ff") != seeded_hash("pw", "00fe")
    assert cost_of(seeded_hash("pw", "00ff")) == MIN_COST
    assert check_password("pw", seeded_hash("pw", "00ff"))


def test_real_servers_cost_is_the_default_and_tests_use_the_minimum():
    assert EmulatorConfig().password_cost == DEFAULT_COST == 10
    assert ephemeral_config().password_cost == MIN_COST


@pytest.mark.parametrize("cost", [3, 32])
def test_a_cost_bcrypt_cannot_use_is_refused_up_front(cost):
    with pytest.raises(ValueError, match="password_cost"):
        ephemeral_config(password_cost=cost)


def test_cost_from_the_command_line_and_the_environment():
    args = build_parser({}).parse_args(["serve", "--password-cost", "12"])
    assert config_from_args(args, {}).password_cost == 12
    env = {"CHAT_EMULATOR_PASSWORD_COST": "6"}
    assert config_from_args(build_parser(env).parse_args(["serve"]), env).password_cost == 6
    assert build_parser({}).parse_args(["serve"]).password_cost == DEFAULT_COST
    for bad in ("3", "32", "ten"):
        with pytest.raises(SystemExit):
            build_parser({}).parse_args(["serve", "--password-cost", bad])


def test_older_pbkdf2_hashes_still_verify():
    salt = "0123456789abcdef"
    digest = hashlib.pbkdf2_hmac("sha256", b"old-password", salt.encode(), 1000).hex()
    stored = f"pbkdf2_sha256$1000${salt}${digest}"
    assert check_password("old-password", stored)
    assert not check_password("old-passwort", stored)
    assert not check_password("x", "pbkdf2_sha256$many$salt$digest")
    assert not check_password("x", "not a hash")


def test_passwords_longer_than_bcrypt_reads_do_not_fail():
    long = "é" * 50  # 100 bytes
    stored = hash_password(long, MIN_COST)
    assert check_password(long, stored)


def test_mattermost_stores_bcrypt_of_the_password():
    rt = runtime_of(create_app("mattermost", ephemeral_config(password_cost=5)))
    alice = rt.store.find_one("users", "username", "alice")
    assert cost_of(alice["password"]) == MIN_COST  # seeded
    assert bcrypt.checkpw(b"alice-password", alice["password"].encode())
    user = mm_models.create_user(rt, username="zed", email="zed@example.com", password="zed-pw")
    assert cost_of(user["password"]) == 5
    assert bcrypt.checkpw(b"zed-pw", user["password"].encode())
    changed = mm_models.set_password(rt, user["id"], "new-pw")
    assert cost_of(changed["password"]) == 5


def test_rocketchat_stores_bcrypt_of_the_sha256_digest():
    app = create_app("rocketchat", ephemeral_config(password_cost=5))
    rt = runtime_of(app)
    alice = rc_models.find_user(rt, "alice")
    stored = alice["services"]["password"]["bcrypt"]
    assert cost_of(stored) == MIN_COST
    assert bcrypt.checkpw(sha256_hex("alice-password").encode(), stored.encode())
    user = rc_models.create_user(rt, username="zed", email=None, password="zed-pw")
    stored = user["services"]["password"]["bcrypt"]
    assert cost_of(stored) == 5
    assert bcrypt.checkpw(sha256_hex("zed-pw").encode(), stored.encode())
    client = app.test_client()
    digest = {"digest": sha256_hex("zed-pw"), "algorithm": "sha-256"}
    assert client.post("/api/v1/login", json={"user": "zed", "password": digest}).status_code == 200


@pytest.mark.parametrize("product", ["mattermost", "rocketchat"])
def test_logins_work_over_a_legacy_hash(product):
    app = create_app(product, ephemeral_config())
    rt = runtime_of(app)
    salt = "0123456789abcdef"
    if product == "mattermost":
        digest = hashlib.pbkdf2_hmac("sha256", b"old-pw", salt.encode(), 1000).hex()
        alice = rt.store.find_one("users", "username", "alice")
        rt.store.update("users", alice["id"], {"password": f"pbkdf2_sha256$1000${salt}${digest}"})
        login = app.test_client().post(
            "/api/v4/users/login", json={"login_id": "alice", "password": "old-pw"}
        )
    else:
        secret = sha256_hex("old-pw").encode()
        digest = hashlib.pbkdf2_hmac("sha256", secret, salt.encode(), 1000).hex()
        alice = rc_models.find_user(rt, "alice")
        services = {"password": {"bcrypt": f"pbkdf2_sha256$1000${salt}${digest}"}}
        rt.store.update("users", alice["_id"], {"services": services})
        login = app.test_client().post(
            "/api/v1/login", json={"user": "alice", "password": "old-pw"}
        )
    assert login.status_code == 200


ADMIN_ENV = {
    "mattermost": {"MM_ADMIN_USERNAME": "admin", "MM_ADMIN_PASSWORD": "env-pw"},
    "rocketchat": {"ADMIN_USERNAME": "admin", "ADMIN_PASS": "env-pw"},
}


@pytest.mark.parametrize("product", ["mattermost", "rocketchat"])
def test_env_admin_over_a_seeded_user_is_reproducible(product):
    """The env password replaces the fixture one in the baseline, with a salt from the seed."""

    def snapshot() -> str:
        app = create_app(product, ephemeral_config(environ=ADMIN_ENV[product]))
        return json.dumps(runtime_of(app).store.dump(), sort_keys=True)

    assert snapshot() == snapshot()


def test_the_pytest_plugin_hashes_at_the_minimum(mattermost):
    created = requests.post(
        f"{mattermost.url}/api/v4/users",
        json={"email": "zed@example.com", "username": "zed", "password": "zed-password-1"},
        headers={"Authorization": f"Bearer {mattermost.admin.token}"},
        timeout=10,
    )
    assert created.status_code == 201
    users = mattermost.snapshot()["tables"]["users"]
    assert cost_of(next(u for u in users if u["username"] == "zed")["password"]) == MIN_COST
