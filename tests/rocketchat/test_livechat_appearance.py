"""The widget's appearance, the omnichannel webhook settings and test call, and the routing
configuration (``appearance.ts``, ``integrations.ts``, ``integration.ts``, ``webhooks.ts``,
``config.ts``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from emulator.app import runtime_of
from tests import receiver as receiver_module
from tests.rocketchat.clients import NO_PERMISSION, call, refused


class Receiver(receiver_module.Receiver):
    def __init__(self) -> None:
        super().__init__()
        self.status = 200

    def respond(self, request: dict) -> receiver_module.Reply:
        return self.status, b"{}", "application/json"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_module.serving(Receiver()) as r:
        yield r


def _values(answer: dict, key: str) -> dict:
    return {s["_id"]: s["value"] for s in answer[key]}


def test_appearance_lists_the_community_settings_and_saves_by_type(admin):
    shown = admin.livechat_get_appearance()
    values = _values(shown, "appearance")
    # the enterprise appearance settings (watermark, background...) are not on Community
    assert len(values) == 20
    assert "Livechat_hide_watermark" not in values
    assert (values["Livechat_title"], values["Livechat_registration_form"]) == ("Rocket.Chat", True)

    saved = admin.livechat_set_appearance(
        [
            {"_id": "Livechat_title", "value": "Acme help"},
            {"_id": "Livechat_registration_form", "value": "false"},
            {"_id": "Livechat_message_character_limit", "value": "120 chars"},
            {"_id": "Livechat_hide_watermark", "value": True},
        ]
    )
    assert saved == {"success": True}
    values = _values(admin.livechat_get_appearance(), "appearance")
    assert values["Livechat_title"] == "Acme help"
    assert values["Livechat_registration_form"] is False
    assert values["Livechat_message_character_limit"] == 120
    assert "Livechat_hide_watermark" not in values


def test_appearance_refusals(admin, alice):
    with pytest.raises(RocketApiException) as excinfo:
        admin.livechat_set_appearance([{"_id": "Site_Name", "value": "x"}])
    assert refused(excinfo) == (400, {"success": False, "error": "invalid-setting"})
    with pytest.raises(RocketApiException) as excinfo:
        admin.livechat_set_appearance([])
    assert refused(excinfo) == (
        400,
        {
            "success": False,
            "error": "must NOT have fewer than 1 items [invalid-params]",
            "errorType": "invalid-params",
        },
    )
    with pytest.raises(RocketApiException) as excinfo:
        alice.livechat_get_appearance()
    assert refused(excinfo) == (403, NO_PERMISSION)


def test_integration_settings_and_their_save(admin, alice):
    before = _values(call(admin, "GET", "livechat/integrations.settings").json(), "settings")
    assert before["Livechat_webhookUrl"] == ""
    assert before["Livechat_http_timeout"] == 5000
    body = {
        "LivechatWebhookUrl": "  http://example.com/hook ",
        "LivechatHttpTimeout": 1500,
        "LivechatWebhookOnClose": True,
    }
    assert call(admin, "POST", "omnichannel/integrations", json=body).json() == {"success": True}
    after = _values(call(admin, "GET", "livechat/integrations.settings").json(), "settings")
    assert after["Livechat_webhookUrl"] == "http://example.com/hook"
    assert (after["Livechat_http_timeout"], after["Livechat_webhook_on_close"]) == (1500, True)
    wrong = call(admin, "POST", "omnichannel/integrations", json={"LivechatWebhookOnClose": "yes"})
    assert wrong.json() == {
        "success": False,
        "error": "must be boolean [invalid-params]",
        "errorType": "invalid-params",
    }
    assert call(alice, "GET", "livechat/integrations.settings").json() == NO_PERMISSION


def test_webhook_test_posts_the_sample_with_the_secret(admin, receiver):
    assert call(admin, "POST", "livechat/webhook.test").json() == {
        "success": False,
        "error": "Webhook_URL_not_set",
    }
    body = {"LivechatWebhookUrl": receiver.url + "/hook", "LivechatSecretToken": "s3cret"}
    call(admin, "POST", "omnichannel/integrations", json=body)
    assert call(admin, "POST", "livechat/webhook.test").json() == {"success": True}
    sent = receiver.wait_for(1)[0]
    assert sent["path"] == "/hook"
    assert sent["headers"]["X-RocketChat-Livechat-Token"] == "s3cret"
    assert (sent["json"]["type"], sent["json"]["visitor"]["name"]) == (
        "LivechatSession",
        "visitor name",
    )
    # a zero webhook timeout does not cut the test call short
    call(admin, "POST", "omnichannel/integrations", json={"LivechatHttpTimeout": 0})
    assert call(admin, "POST", "livechat/webhook.test").json() == {"success": True}
    receiver.status = 500
    assert call(admin, "POST", "livechat/webhook.test").json() == {
        "success": False,
        "error": "error-invalid-webhook-response",
    }


def test_webhook_test_needs_the_webhooks_permission(alice):
    assert call(alice, "POST", "livechat/webhook.test").json() == NO_PERMISSION


def test_routing_config_follows_the_routing_method(alice, rc_server):
    config = call(alice, "GET", "livechat/config/routing").json()
    assert config["config"]["autoAssignAgent"] is True
    assert config["config"]["showQueueLink"] is True
    rt = runtime_of(rc_server.app)
    method = rt.store.get("settings", "Livechat_Routing_Method") or {
        "_id": "Livechat_Routing_Method",
        "packageValue": "Auto_Selection",
        "type": "select",
        "public": True,
    }
    rt.store.upsert("settings", {**method, "value": "Manual_Selection"})
    manual = call(alice, "GET", "livechat/config/routing").json()["config"]
    assert (manual["showQueue"], manual["autoAssignAgent"]) == (True, False)
