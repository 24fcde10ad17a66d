"""Custom sounds (``v1/custom-sounds.ts``): rocketchat_API's list/getOne, raw calls otherwise."""

from __future__ import annotations

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from tests.rocketchat.clients import NO_PERMISSION, call, refused

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt "


def create(client, name: str, filename: str = "ding.wav", data: bytes = WAV):
    return call(
        client,
        "POST",
        "custom-sounds.create",
        files={"sound": (filename, data)},
        data={"name": name},
    )


def test_create_list_get_update_delete(rc_server, admin, alice):
    made = create(admin, ":ding:")
    assert made.status_code == 200
    sound_id = made.json()["sound"]["_id"]
    assert made.json() == {"sound": {"_id": sound_id}, "success": True}
    create(admin, "chime", "chime.mp3", b"ID3")
    # rocketchat_API pages through the list itself
    assert [(s["name"], s["extension"]) for s in alice.custom_sounds_list()] == [
        ("chime", "mp3"),
        ("ding", "wav"),
    ]
    listed = call(alice, "GET", "custom-sounds.list", params={"count": 1, "offset": 1}).json()
    assert [s["name"] for s in listed["sounds"]] == ["ding"]
    assert (listed["count"], listed["offset"], listed["total"]) == (1, 1, 2)
    assert [s["name"] for s in alice.custom_sounds_list(name="DI")] == ["ding"]
    one = alice.custom_sounds_get_one(sound_id)["sound"]
    assert one == {
        "_id": sound_id,
        "name": "ding",
        "extension": "wav",
        "_updatedAt": one["_updatedAt"],
    }
    served = requests.get(f"{rc_server.url}/custom-sounds/{sound_id}.wav", timeout=5)
    assert served.content == WAV and served.headers["Content-Type"] == "audio/wav"

    renamed = call(admin, "POST", "custom-sounds.update", data={"_id": sound_id, "name": "dong"})
    assert renamed.json() == {"success": True}
    replaced = call(
        admin,
        "POST",
        "custom-sounds.update",
        data={"_id": sound_id, "name": "dong"},
        files={"sound": ("dong.mp3", b"ID3x")},
    )
    assert replaced.status_code == 200
    assert alice.custom_sounds_get_one(sound_id)["sound"]["extension"] == "mp3"

    assert call(admin, "POST", "custom-sounds.delete", json={"_id": sound_id}).json() == {
        "success": True
    }
    with pytest.raises(RocketApiException) as excinfo:
        alice.custom_sounds_get_one(sound_id)
    assert refused(excinfo) == (404, {"success": False, "error": "Custom Sound not found."})
    gone = call(admin, "POST", "custom-sounds.delete", json={"_id": sound_id})
    assert (gone.status_code, gone.json()) == (
        400,
        {"success": False, "error": "Custom_Sound_Error_Invalid_Sound"},
    )


def test_refusals(admin, alice):
    assert create(alice, "mine").json() == NO_PERMISSION
    create(admin, "ding")
    clash = create(admin, "ding")
    assert (clash.status_code, clash.json()) == (
        400,
        {
            "success": False,
            "error": (
                "The custom sound name is already in use [Custom_Sound_Error_Name_Already_In_Use]"
            ),
        },
    )
    assert create(admin, "bad name").json()["error"] == (
        "bad name is not a valid name [error-input-is-not-a-valid-field]"
    )
    assert create(admin, "pic", "pic.png").json() == {
        "success": False,
        "error": "MIME type not allowed",
    }
    missing = call(admin, "POST", "custom-sounds.create", data={"name": "x"})
    assert missing.json()["errorType"] == "No file uploaded"
    update = call(admin, "POST", "custom-sounds.update", data={"_id": "nope", "name": "x"})
    assert update.json() == {"success": False, "error": "Custom Sound not found."}
    no_id = call(alice, "GET", "custom-sounds.getOne")
    assert no_id.json() == {
        "success": False,
        "error": "must have required property '_id'",
        "errorType": "error-invalid-params",
    }
