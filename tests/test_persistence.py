"""Writes after a restart, a crash or a snapshot restore: new ids never meet stored ones."""

from __future__ import annotations

import pytest

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.core.store import DuplicateKey
from emulator.mattermost import models as mm_models

# -- creates never replace ---------------------------------------------------------------------


def _hook(channel: dict, user_id: str) -> dict:
    return {
        "channel_id": channel["id"],
        "team_id": channel["team_id"],
        "user_id": user_id,
        "display_name": "",
        "description": "",
        "username": "",
        "icon_url": "",
        "channel_locked": False,
    }


def test_a_create_whose_id_is_taken_fails_and_replaces_nothing(monkeypatch):
    rt = runtime_of(create_app("mattermost", ephemeral_config()))
    channel = rt.store.all("channels")[0]
    user_id = rt.store.all("users")[0]["id"]
    existing = mm_models.save_incoming_webhook(rt, _hook(channel, user_id))
    monkeypatch.setattr(rt.ids, "mattermost_id", lambda: existing["id"])
    with pytest.raises(DuplicateKey):
        mm_models.save_incoming_webhook(rt, {**_hook(channel, user_id), "display_name": "other"})
    assert rt.store.get("incoming_webhooks", existing["id"]) == existing
    # An edit of the hook itself still replaces it.
    edited = mm_models.save_incoming_webhook(rt, {**existing, "display_name": "renamed"})
    assert rt.store.get("incoming_webhooks", existing["id"]) == edited
