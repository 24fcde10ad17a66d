"""Incoming and outgoing webhook CRUD through mattermostdriver's ``webhooks`` endpoints."""

import pytest
from mattermostdriver.exceptions import FeatureDisabled, NotEnoughPermissions

from emulator.app import runtime_of
from tests.mattermost.test_channels import assert_error, call, channel, login, team

INCOMING_KEYS = [
    "id",
    "create_at",
    "update_at",
    "delete_at",
    "user_id",
    "channel_id",
    "team_id",
    "display_name",
    "description",
    "username",
    "icon_url",
    "channel_locked",
]
OUTGOING_KEYS = [
    "id",
    "token",
    "create_at",
    "update_at",
    "delete_at",
    "creator_id",
    "channel_id",
    "team_id",
    "trigger_words",
    "trigger_when",
    "callback_urls",
    "display_name",
    "description",
    "content_type",
    "username",
    "icon_url",
]


def set_service(server, **values):
    rt = runtime_of(server.app)
    config = rt.store.get("config", "config")
    settings = {k: dict(v) for k, v in config["settings"].items()}
    settings["ServiceSettings"].update(values)
    rt.store.upsert("config", {"id": "config", "settings": settings})


def test_incoming_crud(mm_server):
    admin = login(mm_server, "admin")
    eng = channel(admin, "engineering")
    hook = admin.webhooks.create_incoming_hook(
        {"channel_id": eng["id"], "display_name": "CI", "description": "builds"}
    )
    assert list(hook) == INCOMING_KEYS
    assert hook["user_id"] == admin.client.userid
    assert hook["team_id"] == eng["team_id"]
    assert hook["channel_locked"] is False
    assert admin.webhooks.get_incoming_hook(hook["id"]) == hook
    listed = admin.webhooks.list_incoming_hooks({"team_id": eng["team_id"]})
    assert [h["id"] for h in listed] == [hook["id"]]
    counted = call(mm_server, admin, "GET", "/hooks/incoming?include_total_count=true").json()
    assert counted["total_count"] == 1
    updated = call(
        mm_server,
        admin,
        "PUT",
        f"/hooks/incoming/{hook['id']}",
        json={**hook, "display_name": "CI 2"},
    )
    assert updated.status_code == 201
    assert updated.json()["display_name"] == "CI 2"
    assert updated.json()["create_at"] == hook["create_at"]
    assert_error(
        call(
            mm_server, admin, "PUT", f"/hooks/incoming/{hook['id']}", json={**hook, "id": "x" * 26}
        ),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(
            mm_server,
            admin,
            "PUT",
            f"/hooks/incoming/{hook['id']}",
            json={**hook, "team_id": "t" * 26},
        ),
        400,
        "api.webhook.team_mismatch.app_error",
    )
    assert call(mm_server, admin, "DELETE", f"/hooks/incoming/{hook['id']}").json() == {
        "status": "OK"
    }
    assert_error(
        call(mm_server, admin, "GET", f"/hooks/incoming/{hook['id']}"),
        404,
        "app.webhooks.get_incoming.app_error",
    )


def test_incoming_permissions_and_errors(mm_server):
    alice, admin = login(mm_server), login(mm_server, "admin")
    eng = channel(alice, "engineering")
    with pytest.raises(NotEnoughPermissions):
        alice.webhooks.create_incoming_hook({"channel_id": eng["id"]})
    assert_error(
        call(mm_server, admin, "POST", "/hooks/incoming", json={"channel_id": "x"}),
        404,
        "app.channel.get.existing.app_error",
    )
    assert_error(
        call(
            mm_server,
            admin,
            "POST",
            "/hooks/incoming",
            json={"channel_id": eng["id"], "channel_locked": "yes"},
        ),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(
            mm_server,
            admin,
            "POST",
            "/hooks/incoming",
            json={"channel_id": eng["id"], "display_name": "x" * 65},
        ),
        400,
        "model.incoming_hook.display_name.app_error",
    )
    hook = admin.webhooks.create_incoming_hook({"channel_id": eng["id"]})
    assert_error(
        call(mm_server, alice, "GET", f"/hooks/incoming/{hook['id']}"),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, alice, "GET", "/hooks/incoming"), 403, "api.context.permissions.app_error"
    )
    set_service(mm_server, EnableIncomingWebhooks=False)
    with pytest.raises(FeatureDisabled):
        admin.webhooks.get_incoming_hook(hook["id"])
    assert_error(
        call(mm_server, admin, "POST", "/hooks/incoming", json={"channel_id": eng["id"]}),
        501,
        "api.incoming_webhook.disabled.app_error",
    )


def test_outgoing_crud(mm_server):
    admin = login(mm_server, "admin")
    t = team(admin)
    eng = channel(admin, "engineering")
    hook = admin.webhooks.create_outgoing_hook(
        {
            "team_id": t["id"],
            "channel_id": eng["id"],
            "trigger_words": ["deploy"],
            "callback_urls": ["http://example.com/hook"],
            "display_name": "Deployer",
        }
    )
    assert list(hook) == OUTGOING_KEYS
    assert len(hook["token"]) == 26
    assert hook["trigger_when"] == 0
    assert hook["content_type"] == "application/x-www-form-urlencoded"
    assert hook["creator_id"] == admin.client.userid
    assert admin.webhooks.get_outgoing_hook(hook["id"]) == hook
    assert [h["id"] for h in admin.webhooks.list_outgoing_hooks({"team_id": t["id"]})] == [
        hook["id"]
    ]
    assert [h["id"] for h in admin.webhooks.list_outgoing_hooks({"channel_id": eng["id"]})] == [
        hook["id"]
    ]
    updated = admin.webhooks.update_outgoing_hook(
        hook["id"], {**hook, "trigger_words": ["ship"], "trigger_when": 1}
    )
    assert updated["trigger_words"] == ["ship"] and updated["trigger_when"] == 1
    regen = call(mm_server, admin, "POST", f"/hooks/outgoing/{hook['id']}/regen_token")
    assert regen.status_code == 200
    assert regen.json()["token"] != hook["token"] and len(regen.json()["token"]) == 26
    assert admin.webhooks.delete_outgoing_hook(hook["id"]) == {"status": "OK"}
    assert_error(
        call(mm_server, admin, "GET", f"/hooks/outgoing/{hook['id']}"),
        404,
        "app.webhooks.get_outgoing.app_error",
    )


def test_outgoing_validation(mm_server):
    alice, admin = login(mm_server), login(mm_server, "admin")
    t = team(admin)
    eng, leadership = channel(admin, "engineering"), channel(admin, "leadership")
    base = {"team_id": t["id"], "callback_urls": ["https://example.com"]}
    cases = [
        ({}, 400, "api.webhooks.create_outgoing.triggers.app_error"),
        ({"channel_id": leadership["id"]}, 403, "api.webhooks.create_outgoing.not_open.app_error"),
        (
            {"trigger_words": ["x"], "callback_urls": []},
            400,
            "model.outgoing_hook.is_valid.callback.app_error",
        ),
        (
            {"trigger_words": ["x"], "callback_urls": ["ftp://x"]},
            400,
            "model.outgoing_hook.is_valid.url.app_error",
        ),
        (
            {"trigger_words": ["x"], "trigger_when": 3},
            400,
            "model.outgoing_hook.is_valid.trigger_when.app_error",
        ),
        ({"trigger_words": "x"}, 400, "api.context.invalid_body_param.app_error"),
    ]
    for extra, status, error_id in cases:
        assert_error(
            call(mm_server, admin, "POST", "/hooks/outgoing", json={**base, **extra}),
            status,
            error_id,
        )
    admin.webhooks.create_outgoing_hook({**base, "channel_id": eng["id"], "trigger_words": ["a"]})
    assert_error(
        call(
            mm_server,
            admin,
            "POST",
            "/hooks/outgoing",
            json={**base, "channel_id": eng["id"], "trigger_words": ["a"]},
        ),
        400,
        "api.webhooks.create_outgoing.intersect.app_error",
    )
    with pytest.raises(NotEnoughPermissions):
        alice.webhooks.create_outgoing_hook({**base, "trigger_words": ["b"]})
    set_service(mm_server, EnableOutgoingWebhooks=False)
    assert_error(
        call(mm_server, admin, "POST", "/hooks/outgoing", json={**base, "trigger_words": ["c"]}),
        501,
        "api.outgoing_webhook.disabled.app_error",
    )
