import json
import os
import subprocess
import sys

import pytest

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config


def snapshot(product: str, **config) -> str:
    app = create_app(product, ephemeral_config(**config))
    return json.dumps(runtime_of(app).store.dump(), sort_keys=True)


@pytest.mark.parametrize("product", ["mattermost", "rocketchat"])
def test_same_seed_same_workspace_byte_for_byte(product):
    assert snapshot(product, seed=7) == snapshot(product, seed=7)


@pytest.mark.parametrize("product", ["mattermost", "rocketchat"])
def test_another_seed_another_workspace(product):
    assert snapshot(product, seed=7) != snapshot(product, seed=8)


def test_ids_have_each_products_real_format():
    mm = runtime_of(create_app("mattermost", ephemeral_config()))
    rc = runtime_of(create_app("rocketchat", ephemeral_config()))
    mm_alphabet = set("ybndrfg8ejkmcpqxot1uwisza345h769")
    meteor = set("23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz")
    for post in mm.store.all("posts"):
        assert len(post["id"]) == 26 and set(post["id"]) <= mm_alphabet
    for message in rc.store.all("messages"):
        assert len(message["_id"]) == 17 and set(message["_id"]) <= meteor


def test_runtime_ids_after_reset_repeat():
    app = create_app("mattermost", ephemeral_config())
    rt = runtime_of(app)
    first = [rt.ids.mattermost_id() for _ in range(3)]
    rt.reset()
    assert [rt.ids.mattermost_id() for _ in range(3)] == first


def test_seeded_timestamps_do_not_depend_on_the_wall_clock():
    rt = runtime_of(create_app("rocketchat", ephemeral_config()))
    rt_later = runtime_of(create_app("rocketchat", ephemeral_config()))
    rt_later.clock.advance(10**9)
    assert rt.store.dump() == rt_later.store.dump()


def _made_at_run_time(product: str, seed: int) -> list[str]:
    """Ids a login and three posts make through the API of a fresh app."""
    app = create_app(product, ephemeral_config(seed=seed))
    client = app.test_client()
    if product == "mattermost":
        login = client.post(
            "/api/v4/users/login", json={"login_id": "alice", "password": "alice-password"}
        )
        headers = {"Authorization": f"Bearer {login.headers['Token']}"}
        channel = client.get("/api/v4/users/me/channels", headers=headers).get_json()[0]["id"]
        posts = [
            client.post(
                "/api/v4/posts", headers=headers, json={"channel_id": channel, "message": str(i)}
            ).get_json()["id"]
            for i in range(3)
        ]
        session = [s["id"] for s in runtime_of(app).store.all("sessions")]
        return session + posts
    login = client.post("/api/v1/login", json={"user": "alice", "password": "alice-password"})
    data = login.get_json()["data"]
    headers = {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}
    return [
        client.post(
            "/api/v1/chat.postMessage",
            headers=headers,
            json={"channel": "#general", "text": str(i)},
        ).get_json()["message"]["_id"]
        for i in range(3)
    ]


@pytest.mark.parametrize("product", ["mattermost", "rocketchat"])
def test_same_seed_and_operations_give_the_same_run_time_ids(product):
    ids = _made_at_run_time(product, seed=7)
    assert len(set(ids)) == len(ids) >= 3
    assert _made_at_run_time(product, seed=7) == ids
    assert not set(_made_at_run_time(product, seed=8)) & set(ids)


@pytest.mark.parametrize("product", ["mattermost", "rocketchat"])
def test_same_seed_same_workspace_whatever_the_string_hashing(product):
    """Sets of strings iterate in an order PYTHONHASHSEED picks; seeding must not follow it."""
    script = (
        "import hashlib, json\n"
        "from emulator.app import create_app, runtime_of\n"
        "from emulator.config import ephemeral_config\n"
        f"app = create_app({product!r}, ephemeral_config(seed=7))\n"
        "dump = json.dumps(runtime_of(app).store.dump(), sort_keys=True)\n"
        "print(hashlib.sha256(dump.encode()).hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in (1, 2, 3)
    }
    assert len(digests) == 1
