import json

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
