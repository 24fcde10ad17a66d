"""Custom emoji through mattermostdriver's ``emoji`` endpoints."""

import json

import pytest
from mattermostdriver.exceptions import FeatureDisabled, NotEnoughPermissions, ResourceNotFound

from emulator.app import runtime_of
from emulator.mattermost.models import _PLACEHOLDER_PNG
from tests.mattermost.test_channels import assert_error, call, login
from tests.mattermost.test_webhooks import set_service

EMOJI_KEYS = ["id", "creator_id", "name", "create_at", "update_at", "delete_at"]
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


def create(d, name, image=_PLACEHOLDER_PNG, filename="e.png"):
    return d.emoji.create_custom_emoji(name, {"image": (filename, image)})


def test_create_get_image_delete(mm_server, bus):
    d = login(mm_server)
    emoji = create(d, "party-parrot")
    assert list(emoji) == EMOJI_KEYS
    assert emoji["creator_id"] == d.client.userid and emoji["delete_at"] == 0
    added = [p for n, p in bus if n == "emoji_added"]
    assert json.loads(added[0]["data"]["emoji"]) == emoji
    assert d.emoji.get_custom_emoji(emoji["id"]) == emoji
    assert d.emoji.get_custom_emoji_by_name("party-parrot") == emoji
    image = d.emoji.get_custom_emoji_image(emoji["id"])
    assert image.content == _PLACEHOLDER_PNG
    assert image.headers["Content-Type"] == "image/png"
    gif = create(d, "blink", GIF, "b.gif")
    assert d.emoji.get_custom_emoji_image(gif["id"]).headers["Content-Type"] == "image/gif"
    assert [e["name"] for e in d.emoji.get_emoji_list({"sort": "name"})] == [
        "blink",
        "party-parrot",
    ]
    assert [e["name"] for e in d.emoji.get_emoji_list({"per_page": 1, "page": 1})] == ["blink"]
    assert d.emoji.delete_custom_emoji(emoji["id"]) == {"status": "OK"}
    with pytest.raises(ResourceNotFound):
        d.emoji.get_custom_emoji(emoji["id"])
    assert_error(
        call(mm_server, d, "GET", "/emoji/name/party-parrot"),
        404,
        "app.emoji.get_by_name.no_result",
    )
    assert create(d, "party-parrot")["name"] == "party-parrot"  # the name is free again


def test_custom_emoji_in_post_metadata(mm_server):
    d = login(mm_server)
    emoji = create(d, "shipit")
    store = runtime_of(mm_server.app).store
    post_id = next(
        p["id"] for p in store.all("posts") if p["user_id"] == d.client.userid and not p["root_id"]
    )
    d.reactions.create_reaction(
        {"user_id": d.client.userid, "post_id": post_id, "emoji_name": "shipit"}
    )
    metadata = d.posts.get_post(post_id)["metadata"]
    assert metadata["emojis"] == [emoji]
    # deleting the emoji takes its reactions with it
    before = len(d.reactions.get_reactions_of_post(post_id))
    d.emoji.delete_custom_emoji(emoji["id"])
    after = d.reactions.get_reactions_of_post(post_id)
    assert len(after) == before - 1
    assert "shipit" not in [r["emoji_name"] for r in after]


def test_create_errors(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    create(alice, "taken")
    base = {"name": "fresh", "creator_id": alice.client.userid}
    cases = [
        ({**base, "name": "taken"}, _PLACEHOLDER_PNG, 400, "api.emoji.create.duplicate.app_error"),
        ({**base, "name": "smile"}, _PLACEHOLDER_PNG, 400, "model.emoji.name.app_error"),
        ({**base, "name": "has space"}, _PLACEHOLDER_PNG, 400, "model.emoji.name.app_error"),
        (
            {**base, "creator_id": bob.client.userid},
            _PLACEHOLDER_PNG,
            401,
            "api.emoji.create.other_user.app_error",
        ),
        (base, b"not an image", 400, "api.emoji.upload.image.app_error"),
    ]
    for spec, image, status, error_id in cases:
        response = call(
            mm_server,
            alice,
            "POST",
            "/emoji",
            data={"emoji": json.dumps(spec)},
            files={"image": ("x.png", image)},
        )
        assert_error(response, status, error_id)
    assert_error(
        call(
            mm_server,
            alice,
            "POST",
            "/emoji",
            data={"emoji": "{bad"},
            files={"image": ("x.png", _PLACEHOLDER_PNG)},
        ),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(
            mm_server,
            alice,
            "POST",
            "/emoji",
            data={"emoji": json.dumps(base)},
            files={"other": ("x.png", _PLACEHOLDER_PNG)},
        ),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(mm_server, alice, "POST", "/emoji", json=base), 400, "api.emoji.create.parse.app_error"
    )
    assert_error(
        call(
            mm_server,
            alice,
            "POST",
            "/emoji",
            data={"emoji": json.dumps(base)},
            files={"image": ("x.png", b"x" * (1 << 20))},
        ),
        413,
        "api.emoji.create.too_large.app_error",
    )


def test_delete_others_emoji_is_forbidden(mm_server):
    alice, bob, admin = login(mm_server), login(mm_server, "bob"), login(mm_server, "admin")
    emoji = create(alice, "mine")
    with pytest.raises(NotEnoughPermissions):
        bob.emoji.delete_custom_emoji(emoji["id"])
    assert admin.emoji.delete_custom_emoji(emoji["id"]) == {"status": "OK"}


def test_search_and_autocomplete(mm_server):
    d = login(mm_server)
    for name in ("cat-wave", "catnip", "dog"):
        create(d, name)
    assert [e["name"] for e in d.emoji.search_custom_emoji({"term": "cat"})] == [
        "cat-wave",
        "catnip",
    ]
    assert [e["name"] for e in d.emoji.search_custom_emoji({"term": "nip"})] == ["catnip"]
    assert d.emoji.search_custom_emoji({"term": "nip", "prefix_only": True}) == []
    assert [e["name"] for e in d.emoji.autocomplete_custom_emoji({"name": "ca"})] == [
        "cat-wave",
        "catnip",
    ]
    assert_error(
        call(mm_server, d, "POST", "/emoji/search", json={"term": ""}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(mm_server, d, "GET", "/emoji/autocomplete"),
        400,
        "api.context.invalid_url_param.app_error",
    )
    assert_error(
        call(mm_server, d, "GET", "/emoji?sort=bogus"),
        400,
        "api.context.invalid_url_param.app_error",
    )
    assert_error(call(mm_server, d, "GET", "/emoji/" + "e" * 26), 404, "app.emoji.get.no_result")
    assert_error(
        call(mm_server, d, "GET", "/emoji/bad-id"), 400, "api.context.invalid_url_param.app_error"
    )


def test_disabled_custom_emoji(mm_server):
    d = login(mm_server)
    emoji = create(d, "soon-gone")
    set_service(mm_server, EnableCustomEmoji=False)
    with pytest.raises(FeatureDisabled):
        create(d, "nope")
    # the handlers that check the setting answer 501, the app-layer checks 403
    for path in ("/emoji", f"/emoji/{emoji['id']}", f"/emoji/{emoji['id']}/image"):
        assert_error(call(mm_server, d, "GET", path), 501, "api.emoji.disabled.app_error")
    for method, path in (
        ("GET", "/emoji/name/soon-gone"),
        ("GET", "/emoji/autocomplete?name=s"),
        ("DELETE", f"/emoji/{emoji['id']}"),
    ):
        assert_error(call(mm_server, d, method, path), 403, "api.emoji.disabled.app_error")


def test_emojis_by_names(mm_server):
    alice = login(mm_server)
    party = create(alice, "partyparrot")
    create(alice, "shipit")
    found = call(mm_server, alice, "POST", "/emoji/names", json=["shipit", "nope", "partyparrot"])
    assert found.status_code == 200
    assert [e["name"] for e in found.json()] == ["partyparrot", "shipit"]
    assert found.json()[0]["id"] == party["id"]
    assert_error(
        call(mm_server, alice, "POST", "/emoji/names", json=[]),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(mm_server, alice, "POST", "/emoji/names", data="{"),
        400,
        "api.payload.parse.error",
    )
    assert_error(
        call(mm_server, alice, "POST", "/emoji/names", json=[f"e{i}" for i in range(201)]),
        400,
        "api.emoji.get_multiple_by_name_too_many.request_error",
    )
    set_service(mm_server, EnableCustomEmoji=False)
    assert_error(
        call(mm_server, alice, "POST", "/emoji/names", json=["shipit"]),
        501,
        "api.emoji.disabled.app_error",
    )
