"""Writes after a restart, a crash or a snapshot restore: new ids never meet stored ones.

The end-to-end tests run ``chat-emulator serve`` as a user does (a real process, signals between
runs) and create one of everything a client creates: users, channels, posts, reactions, webhooks
and files, on both products.
"""

from __future__ import annotations

import json
import os
import signal
import stat

import pytest
import requests

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.core.store import DuplicateKey
from emulator.mattermost import models as mm_models
from tests.test_cli import Served

PRODUCTS = ["mattermost", "rocketchat"]


class MattermostWriter:
    """An admin creating one of each record through the REST API."""

    def __init__(self, url: str) -> None:
        self.api = f"{url}/api/v4"
        login = requests.post(
            f"{self.api}/users/login",
            json={"login_id": "admin", "password": "admin-password"},
            timeout=10,
        )
        assert login.status_code == 200, login.text
        self.user_id = login.json()["id"]
        self.headers = {"Authorization": f"Bearer {login.headers['Token']}"}
        self.team_id = self.call("GET", "/users/me/teams").json()[0]["id"]

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, self.api + path, headers=self.headers, timeout=10, **kwargs)

    def created(self, method: str, path: str, **kwargs) -> dict:
        response = self.call(method, path, **kwargs)
        assert response.status_code in (200, 201), f"{method} {path}: {response.text}"
        return response.json()

    def write_all(self, tag: str) -> dict[str, str]:
        account = {
            "username": f"user-{tag}",
            "email": f"{tag}@example.com",
            "password": "pw-12345678",
        }
        user = self.created("POST", "/users", json=account)
        channel = self.created(
            "POST",
            "/channels",
            json={"team_id": self.team_id, "name": f"room-{tag}", "display_name": tag, "type": "O"},
        )
        post = self.created("POST", "/posts", json={"channel_id": channel["id"], "message": tag})
        self.created(
            "POST",
            "/reactions",
            json={"user_id": self.user_id, "post_id": post["id"], "emoji_name": "tada"},
        )
        hook = self.created("POST", "/hooks/incoming", json={"channel_id": channel["id"]})
        files = self.created(
            "POST",
            "/files",
            data={"channel_id": channel["id"]},
            files={"files": (f"{tag}.txt", tag.encode(), "text/plain")},
        )
        return {
            f"/users/{user['id']}": user["username"],
            f"/channels/{channel['id']}": channel["name"],
            f"/posts/{post['id']}": tag,
            f"/posts/{post['id']}/reactions": "tada",
            f"/hooks/incoming/{hook['id']}": hook["channel_id"],
            f"/files/{files['file_infos'][0]['id']}/info": f"{tag}.txt",
        }

    def still_there(self, written: dict[str, str]) -> None:
        for path, marker in written.items():
            response = self.call("GET", path)
            assert response.status_code == 200, f"{path}: {response.text}"
            assert marker in response.text, path


class RocketChatWriter:
    """The admin creating one of each record through the REST API."""

    def __init__(self, url: str) -> None:
        self.api = f"{url}/api/v1"
        login = requests.post(
            f"{self.api}/login", json={"user": "admin", "password": "admin-password"}, timeout=10
        )
        assert login.status_code == 200, login.text
        data = login.json()["data"]
        self.headers = {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}

    def call(self, method: str, endpoint: str, **kwargs) -> requests.Response:
        return requests.request(
            method, f"{self.api}/{endpoint}", headers=self.headers, timeout=10, **kwargs
        )

    def created(self, endpoint: str, **kwargs) -> dict:
        response = self.call("POST", endpoint, **kwargs)
        assert response.status_code == 200, f"{endpoint}: {response.text}"
        return response.json()

    def write_all(self, tag: str) -> dict[str, str]:
        user = self.created(
            "users.create",
            json={
                "username": f"user-{tag}",
                "email": f"{tag}@example.com",
                "name": tag,
                "password": "pw-12345678",
            },
        )["user"]
        room = self.created("channels.create", json={"name": f"room-{tag}"})["channel"]
        message = self.created("chat.postMessage", json={"roomId": room["_id"], "text": tag})
        self.created("chat.react", json={"messageId": message["message"]["_id"], "emoji": "tada"})
        hook = self.created(
            "integrations.create",
            json={
                "type": "webhook-incoming",
                "name": f"hook-{tag}",
                "enabled": True,
                "username": "admin",
                "channel": f"#room-{tag}",
                "scriptEnabled": False,
            },
        )["integration"]
        upload = self.created(
            f"rooms.upload/{room['_id']}",
            files={"file": (f"{tag}.txt", tag.encode(), "text/plain")},
        )["message"]
        return {
            f"users.info?userId={user['_id']}": user["username"],
            f"channels.info?roomId={room['_id']}": room["name"],
            f"chat.getMessage?msgId={message['message']['_id']}": ":tada:",
            f"integrations.get?integrationId={hook['_id']}": hook["name"],
            f"chat.getMessage?msgId={upload['_id']}": f"{tag}.txt",
        }

    def still_there(self, written: dict[str, str]) -> None:
        for endpoint, marker in written.items():
            response = self.call("GET", endpoint)
            assert response.status_code == 200, f"{endpoint}: {response.text}"
            assert marker in response.text, endpoint


WRITERS = {"mattermost": MattermostWriter, "rocketchat": RocketChatWriter}


def serve(product: str, data_dir) -> Served:
    return Served("--data-dir", str(data_dir), "--only", product, products=[product])


@pytest.mark.parametrize("product", PRODUCTS)
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill-9"])
def test_writes_after_a_restart_succeed_and_keep_earlier_records(tmp_path, product, signum):
    first = serve(product, tmp_path)
    try:
        writer = WRITERS[product](first.urls[product])
        before = writer.write_all("one")
    finally:
        code = first.stop(signum)
    # Every write was answered after its journal line reached the OS: kill -9 loses none of them.
    assert code == (0 if signum == signal.SIGTERM else -signal.SIGKILL), first.stderr
    again = serve(product, tmp_path)
    try:
        writer = WRITERS[product](again.urls[product])
        after = writer.write_all("two")
        writer.still_there(before)
        writer.still_there(after)
    finally:
        assert again.stop() == 0, again.stderr
    assert "Traceback" not in again.stderr


@pytest.mark.parametrize("product", PRODUCTS)
def test_writes_after_a_snapshot_restore_succeed_and_survive_a_restart(tmp_path, product):
    served = serve(product, tmp_path)
    try:
        url = served.urls[product]
        before = WRITERS[product](url).write_all("one")
        snapshot = requests.get(f"{url}/_emulator/snapshot", timeout=10).json()
        assert requests.post(f"{url}/_emulator/reset", timeout=10).status_code == 200
        restored = requests.put(f"{url}/_emulator/snapshot", json=snapshot, timeout=10)
        assert restored.status_code == 200, restored.text
        writer = WRITERS[product](url)  # a login writes a session too
        after = writer.write_all("two")
        writer.still_there(before)
    finally:
        assert served.stop() == 0, served.stderr
    again = serve(product, tmp_path)
    try:
        writer = WRITERS[product](again.urls[product])
        writer.write_all("three")
        writer.still_there(before)
        writer.still_there(after)
    finally:
        assert again.stop() == 0, again.stderr


# -- the id stream, in process -----------------------------------------------------------------


def persistent_app(product: str, data_dir, **config):
    return create_app(product, ephemeral_config(data_dir=data_dir, **config))


def make_ids(app, count: int) -> list[str]:
    rt = runtime_of(app)
    draw = rt.ids.mattermost_id if rt.product.name == "mattermost" else rt.ids.meteor_id
    with rt.store.transaction():  # a committed write carries the position to the journal
        ids = [draw() for _ in range(count)]
        rt.store.upsert("users", rt.store.all("users")[0])
    return ids


@pytest.mark.parametrize("product", PRODUCTS)
def test_same_operations_give_the_same_ids_with_or_without_a_restart(tmp_path, product):
    straight = persistent_app(product, tmp_path / "straight")
    expected = make_ids(straight, 6)
    runtime_of(straight).close()

    first = persistent_app(product, tmp_path / "restarted")
    ids = make_ids(first, 3)
    runtime_of(first).close()
    second = persistent_app(product, tmp_path / "restarted")
    ids += make_ids(second, 3)
    runtime_of(second).close()
    assert ids == expected


@pytest.mark.parametrize("product", PRODUCTS)
def test_a_crash_keeps_the_id_position_of_the_last_write(tmp_path, product):
    first = persistent_app(product, tmp_path)
    made = make_ids(first, 4)
    # No close(): as after kill -9, only the journal tells where the stream was.
    again = persistent_app(product, tmp_path)
    assert set(make_ids(again, 4)).isdisjoint(made)
    runtime_of(again).close()
    runtime_of(first).close()


@pytest.mark.parametrize("product", PRODUCTS)
def test_snapshot_carries_the_id_position_and_restoring_it_continues(product):
    app = create_app(product, ephemeral_config())
    client = app.test_client()
    made = make_ids(app, 3)
    snapshot = client.get("/_emulator/snapshot").get_json()
    assert snapshot["ids"] == runtime_of(app).ids.state()
    next_ids = make_ids(app, 2)
    client.post("/_emulator/reset")
    assert client.put("/_emulator/snapshot", json=snapshot).status_code == 200
    # The stream goes on from where the snapshot was taken: nothing in it is handed out again.
    assert make_ids(app, 2) == next_ids
    assert not set(next_ids) & set(made)


@pytest.mark.parametrize("product", PRODUCTS)
def test_a_snapshot_without_a_position_gets_a_stream_of_its_own(product):
    app = create_app(product, ephemeral_config())
    client = app.test_client()
    made = make_ids(app, 3)
    snapshot = client.get("/_emulator/snapshot").get_json()
    del snapshot["ids"]  # hand-made, or from an older version
    client.post("/_emulator/reset")
    assert client.put("/_emulator/snapshot", json=snapshot).status_code == 200
    fresh = make_ids(app, 3)
    assert set(fresh).isdisjoint(made)
    # Still deterministic: the same body loaded the same way gives the same ids.
    twin = create_app(product, ephemeral_config())
    twin.test_client().put("/_emulator/snapshot", json=snapshot)
    assert make_ids(twin, 3) == fresh


@pytest.mark.parametrize(
    "ids",
    [
        [],
        {"generation": 1},
        {"generation": "1", "counter": 0},
        {"generation": 1, "counter": -1},
        {"generation": True, "counter": 0},
        {"generation": 1, "counter": 0, "extra": 0},
    ],
)
def test_a_malformed_id_position_is_refused_and_changes_nothing(ids):
    app = create_app("mattermost", ephemeral_config())
    client = app.test_client()
    snapshot = client.get("/_emulator/snapshot").get_json()
    before = runtime_of(app).ids.state()
    response = client.put("/_emulator/snapshot", json={**snapshot, "ids": ids})
    assert response.status_code == 400
    assert "id state" in response.get_json()["error"]
    assert runtime_of(app).ids.state() == before


@pytest.mark.parametrize("product", PRODUCTS)
def test_a_data_dir_written_without_a_position_gets_a_stream_of_its_own(tmp_path, product):
    first = persistent_app(product, tmp_path)
    made = make_ids(first, 3)
    runtime_of(first).close()
    # As an older version wrote it: no position in the snapshot's meta record.
    path = tmp_path / f"{product}.json"
    data = json.loads(path.read_text())
    del data["_meta"]["1"]["ids"]
    path.write_text(json.dumps(data))
    again = persistent_app(product, tmp_path)
    assert set(make_ids(again, 3)).isdisjoint(made)
    runtime_of(again).close()


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


# -- files on disk ---------------------------------------------------------------------------


@pytest.mark.parametrize("product", PRODUCTS)
def test_store_files_are_private_to_their_owner(tmp_path, product):
    data_dir = tmp_path / "new" / "data"
    app = persistent_app(product, data_dir)
    rt = runtime_of(app)
    make_ids(app, 1)  # a journal line
    rt.store.compact()  # a snapshot through a temp file, the journal moved aside meanwhile
    make_ids(app, 1)
    assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
    names = {p.name for p in data_dir.iterdir()}
    assert names == {f"{product}.json", f"{product}.journal"}
    for path in data_dir.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    rt.close()
