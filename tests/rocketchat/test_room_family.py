"""What ``channels.*`` and ``groups.*`` share (``resources/_room_family.py``): the same routes give
the same stored effect in both families, each with its own response keys and error texts."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from emulator.app import runtime_of
from tests.rocketchat.clients import call


@dataclass(frozen=True)
class Fam:
    prefix: str
    room_type: str
    one: str
    noun: str
    param_error: str
    not_found: str


FAMILIES = [
    Fam("channels", "c", "channel", "channel", "error-roomid-param-not-provided", "channel"),
    Fam("groups", "p", "group", "private group", "error-room-param-not-provided", "group"),
]


@pytest.fixture(params=FAMILIES, ids=lambda f: f.prefix)
def fam(request) -> Fam:
    return request.param


def create(admin, fam: Fam, name: str) -> dict:
    response = call(
        admin, "POST", f"{fam.prefix}.create", json={"name": name, "members": ["alice"]}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    return body[fam.one]


def test_create_stores_the_room_and_subscribes_the_members(fam, admin, alice, rc_server):
    room = create(admin, fam, f"fam-{fam.prefix}")
    assert (room["t"], room["name"]) == (fam.room_type, f"fam-{fam.prefix}")
    store = runtime_of(rc_server.app).store
    stored = store.get("rooms", room["_id"])
    assert (stored["t"], stored["name"]) == (fam.room_type, f"fam-{fam.prefix}")
    members = {s["u"]["username"] for s in store.find("subscriptions", "rid", room["_id"])}
    assert members == {"admin", "alice"}
    seen = call(alice, "GET", f"{fam.prefix}.info", params={"roomName": room["name"]})
    assert seen.status_code == 200 and seen.json()[fam.one]["_id"] == room["_id"]


def test_a_missing_or_unknown_room_names_the_family(fam, alice):
    missing = call(alice, "GET", f"{fam.prefix}.info")
    assert (missing.status_code, missing.json()) == (
        400,
        {
            "success": False,
            "error": f'The parameter "roomId" or "roomName" is required [{fam.param_error}]',
            "errorType": fam.param_error,
        },
    )
    unknown = call(alice, "GET", f"{fam.prefix}.info", params={"roomName": "no-such-room"})
    assert (unknown.status_code, unknown.json()) == (
        400,
        {
            "success": False,
            "error": f'The required "roomId" or "roomName" param provided does not match any'
            f" {fam.not_found} [error-room-not-found]",
            "errorType": "error-room-not-found",
        },
    )


def test_rename_read_only_archive_and_delete(fam, admin, rc_server):
    store = runtime_of(rc_server.app).store
    room = create(admin, fam, f"old-{fam.prefix}")
    renamed = call(
        admin, "POST", f"{fam.prefix}.rename", json={"roomId": room["_id"], "name": "new"}
    )
    assert renamed.status_code == 200 and renamed.json()[fam.one]["name"] == "new"
    assert (store.get("rooms", room["_id"])["name"], store.get("rooms", room["_id"])["fname"]) == (
        "new",
        "new",
    )
    assert [m["t"] for m in store.find("messages", "rid", room["_id"])].count("r") == 1

    ro = call(
        admin, "POST", f"{fam.prefix}.setReadOnly", json={"roomId": room["_id"], "readOnly": True}
    )
    assert ro.status_code == 200 and store.get("rooms", room["_id"])["ro"] is True

    assert call(admin, "POST", f"{fam.prefix}.archive", json={"roomId": room["_id"]}).json() == {
        "success": True
    }
    assert store.get("rooms", room["_id"])["archived"] is True
    assert all(not s["open"] for s in store.find("subscriptions", "rid", room["_id"]))
    archived = call(
        admin, "POST", f"{fam.prefix}.rename", json={"roomId": room["_id"], "name": "x"}
    )
    assert archived.json() == {
        "success": False,
        "error": f"The {fam.noun}, new, is archived [error-room-archived]",
        "errorType": "error-room-archived",
    }
    call(admin, "POST", f"{fam.prefix}.unarchive", json={"roomId": room["_id"]})
    assert store.get("rooms", room["_id"])["archived"] is False

    deleted = call(admin, "POST", f"{fam.prefix}.delete", json={"roomId": room["_id"]})
    assert deleted.json() == {"success": True}
    assert store.get("rooms", room["_id"]) is None
    assert store.find("subscriptions", "rid", room["_id"]) == []
    assert store.find("messages", "rid", room["_id"]) == []
