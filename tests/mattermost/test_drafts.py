"""Server-synced drafts (``resources/drafts.py``): saved, listed per team, deleted, told to their
author over the WebSocket, and refused when ``AllowSyncedDrafts`` is off."""

from __future__ import annotations

import json

import pytest

from emulator.app import runtime_of
from emulator.mattermost import errors, models
from tests.mattermost.clients import assert_error, logged_in, raw, set_config, team_id, user_id

PERMISSIONS = "api.context.permissions.app_error"


@pytest.fixture
def alice(mm_server):
    return raw(mm_server, logged_in(mm_server, "alice"))


@pytest.fixture
def town(mm_server) -> str:
    store = runtime_of(mm_server.app).store
    return store.find_one("channels", "team_name", (team_id(mm_server), "town-square"))["id"]


def test_a_draft_is_saved_listed_and_deleted(mm_server, alice, town):
    saved = alice("POST", "/drafts", json={"channel_id": town, "message": "half a thought"})
    assert saved.status_code == 201, saved.text
    draft = saved.json()
    assert draft["user_id"] == user_id(mm_server, "alice")
    assert (draft["channel_id"], draft["root_id"], draft["message"]) == (town, "", "half a thought")
    assert draft["create_at"] == draft["update_at"] > 0
    assert draft["metadata"] == {} and "file_ids" not in draft

    again = alice("POST", "/drafts", json={"channel_id": town, "message": "a whole thought"})
    assert again.json()["create_at"] == draft["create_at"]
    listed = alice("GET", f"/users/me/teams/{team_id(mm_server)}/drafts").json()
    assert [d["message"] for d in listed] == ["a whole thought"]

    deleted = alice("DELETE", f"/users/me/channels/{town}/drafts")
    assert deleted.json() == {"status": "OK"}
    assert alice("GET", f"/users/me/teams/{team_id(mm_server)}/drafts").json() == []
    # Deleting what is not there is no error either.
    assert alice("DELETE", f"/users/me/channels/{town}/drafts").status_code == 200


def test_drafts_are_per_thread_and_per_user(mm_server, alice, town):
    root = "r" * 26
    alice("POST", "/drafts", json={"channel_id": town, "message": "channel"})
    alice("POST", "/drafts", json={"channel_id": town, "root_id": root, "message": "reply"})
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    assert bob("GET", f"/users/me/teams/{team_id(mm_server)}/drafts").json() == []

    alice("DELETE", f"/users/me/channels/{town}/drafts/{root}")
    listed = alice("GET", f"/users/me/teams/{team_id(mm_server)}/drafts").json()
    assert [(d["root_id"], d["message"]) for d in listed] == [("", "channel")]


def test_an_empty_message_deletes_the_draft_and_answers_null(mm_server, alice, town):
    alice("POST", "/drafts", json={"channel_id": town, "message": "soon gone"})
    emptied = alice("POST", "/drafts", json={"channel_id": town, "message": ""})
    assert (emptied.status_code, emptied.text.strip()) == (201, "null")
    assert alice("GET", f"/users/me/teams/{team_id(mm_server)}/drafts").json() == []


def test_the_author_hears_of_each_change(mm_server, alice, town, bus):
    alice("POST", "/drafts", json={"channel_id": town, "message": "typing"})
    alice("DELETE", f"/users/me/channels/{town}/drafts")
    events = [(name, p) for name, p in bus if name.startswith("draft_")]
    assert [name for name, _ in events] == ["draft_created", "draft_deleted"]
    for _, payload in events:
        assert payload["broadcast"]["user_id"] == user_id(mm_server, "alice")
        assert json.loads(payload["data"]["draft"])["message"] == "typing"


def test_drafts_refused_when_synced_drafts_are_off(mm_server, alice, town):
    set_config(mm_server, "ServiceSettings", "AllowSyncedDrafts", False)
    for method, path in [
        ("POST", "/drafts"),
        ("GET", f"/users/me/teams/{team_id(mm_server)}/drafts"),
        ("DELETE", f"/users/me/channels/{town}/drafts"),
    ]:
        assert_error(alice(method, path, json={"channel_id": town}), 501, errors.DRAFTS_DISABLED)


def test_a_draft_needs_a_channel_one_may_post_in(mm_server, alice, town):
    unknown = "u" * 26
    assert_error(alice("POST", "/drafts", json={"channel_id": unknown}), 403, PERMISSIONS)
    assert_error(
        alice("POST", "/drafts", json={"channel_id": town, "message": 7}),
        400,
        errors.INVALID_BODY_PARAM,
    )
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    body = assert_error(
        admin("POST", "/drafts", json={"channel_id": unknown, "message": "x"}),
        400,
        errors.INVALID_BODY_PARAM,
    )
    assert "draft.channel_id" in body["message"]
    runtime_of(mm_server.app).store.update("channels", town, {"delete_at": 1})
    assert_error(
        admin("POST", "/drafts", json={"channel_id": town, "message": "x"}),
        400,
        errors.DRAFT_DELETED_CHANNEL,
    )


def test_listing_needs_the_team(mm_server, town):
    stranger = "s" * 26
    alice = raw(mm_server, logged_in(mm_server, "alice"))
    assert_error(alice("GET", f"/users/me/teams/{stranger}/drafts"), 403, PERMISSIONS)


def test_a_draft_shows_its_authors_unposted_files_only(mm_server, alice, town):
    rt = runtime_of(mm_server.app)
    mine = models.upload_file(
        rt,
        user_id=user_id(mm_server, "alice"),
        channel_id=town,
        name="notes.txt",
        data=b"notes",
        mime_type="text/plain",
    )
    theirs = models.upload_file(
        rt,
        user_id=user_id(mm_server, "bob"),
        channel_id=town,
        name="other.txt",
        data=b"other",
        mime_type="text/plain",
    )
    body = {"channel_id": town, "message": "see files", "file_ids": [mine["id"], theirs["id"]]}
    draft = alice("POST", "/drafts", json=body).json()
    assert draft["file_ids"] == [mine["id"], theirs["id"]]
    assert [f["id"] for f in draft["metadata"]["files"]] == [mine["id"]]
