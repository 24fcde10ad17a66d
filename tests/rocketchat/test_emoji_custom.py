"""``emoji-custom.*`` and the ``/emoji-custom/`` files."""

from __future__ import annotations

import requests

from emulator.app import runtime_of
from tests.rocketchat.clients import NO_PERMISSION, call


def create_emoji(rocket, name, aliases="", content=b"\x89PNG-emoji", mime="image/png"):
    return call(
        rocket,
        "POST",
        "emoji-custom.create",
        data={"name": name, "aliases": aliases},
        files={"emoji": (f"{name}.png", content, mime)},
    )


def test_custom_emoji_lifecycle(admin, alice, rc_server):
    assert create_emoji(admin, "party-parrot", "parrot, pp").json() == {"success": True}
    emojis = alice.call_api_get("emoji-custom.all")
    assert emojis["total"] == 1 and emojis["count"] == 1
    emoji = emojis["emojis"][0]
    assert emoji["name"] == "party-parrot"
    assert emoji["aliases"] == ["parrot", "pp"]
    assert emoji["extension"] == "png"
    image = requests.get(f"{rc_server.url}/emoji-custom/party-parrot.png", timeout=5)
    assert image.content == b"\x89PNG-emoji" and image.headers["Content-Type"] == "image/png"
    listed = alice.custom_emoji_list()
    assert [e["_id"] for e in listed["emojis"]["update"]] == [emoji["_id"]]
    raw = call(
        admin,
        "POST",
        "emoji-custom.update",
        data={"_id": emoji["_id"], "name": "parrot-party", "aliases": ""},
    )
    assert raw.json() == {"success": True}
    assert alice.call_api_get("emoji-custom.all", name="parrot")["emojis"][0]["aliases"] == []
    runtime_of(rc_server.app).clock.advance(1000)
    since = alice.call_api_get("emoji-custom.all")["emojis"][0]["_updatedAt"]
    assert admin.custom_emoji_delete(emoji["_id"]) == {"success": True}
    changed = alice.custom_emoji_list(updatedSince=since)
    assert changed["emojis"]["update"] == []
    assert [e["_id"] for e in changed["emojis"]["remove"]] == [emoji["_id"]]


def test_custom_emoji_errors(admin, alice):
    raw = create_emoji(alice, "nope")
    assert (raw.status_code, raw.json()) == (403, NO_PERMISSION)
    raw = call(admin, "POST", "emoji-custom.create", data={"name": "x"})
    assert raw.json() == {
        "success": False,
        "error": "[No file uploaded]",
        "errorType": "No file uploaded",
    }
    assert create_emoji(admin, "dup").status_code == 200
    raw = create_emoji(admin, "other", aliases="dup")
    assert raw.json()["errorType"] == "Custom_Emoji_Error_Name_Or_Alias_Already_In_Use"
    raw = create_emoji(admin, "bad name")
    assert raw.json()["error"] == "bad name is not a valid name [error-input-is-not-a-valid-field]"
    raw = create_emoji(admin, "text", mime="text/plain")
    assert raw.status_code == 400
    raw = call(admin, "POST", "emoji-custom.update", data={"name": "x"})
    assert raw.json()["errorType"] == 'The required "_id" query param is missing.'
    raw = call(admin, "POST", "emoji-custom.update", data={"_id": "nope", "name": "x"})
    assert raw.json() == {
        "success": False,
        "error": "[Emoji not found.]",
        "errorType": "Emoji not found.",
    }
    raw = call(admin, "POST", "emoji-custom.delete", json={})
    assert raw.json() == {"success": False, "error": 'The "emojiId" params is required!'}
    raw = call(admin, "POST", "emoji-custom.delete", json={"emojiId": "nope"})
    assert raw.json() == {
        "success": False,
        "error": "Invalid emoji [Custom_Emoji_Error_Invalid_Emoji]",
        "errorType": "Custom_Emoji_Error_Invalid_Emoji",
        "details": {"method": "deleteEmojiCustom"},
    }
