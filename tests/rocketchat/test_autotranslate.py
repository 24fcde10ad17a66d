"""autotranslate.*: refused while AutoTranslate_Enabled is off; with it on, answered as a server
whose provider has no API key (rocketchat_API wraps none of them)."""

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from emulator.rocketchat import models


def login(server, name):
    return RocketChat(name, f"{name}-password", server_url=server.url)


def api_error(excinfo):
    return excinfo.value.status_code, excinfo.value.response_json


def enable(rc_server):
    models.set_setting_value(runtime_of(rc_server.app), "AutoTranslate_Enabled", True)


def test_disabled_by_default(rc_server):
    admin = login(rc_server, "admin")
    mid = admin.chat_post_message("hola", room_id="GENERAL")["message"]["_id"]
    for call in (
        lambda: admin.call_api_get("autotranslate.getSupportedLanguages", targetLanguage="en"),
        lambda: admin.call_api_post(
            "autotranslate.saveSettings", roomId="GENERAL", field="autoTranslate", value=True
        ),
        lambda: admin.call_api_post("autotranslate.translateMessage", messageId=mid),
    ):
        with pytest.raises(RocketApiException) as exc:
            call()
        assert api_error(exc) == (400, {"success": False, "error": "AutoTranslate is disabled."})
    with pytest.raises(RocketApiException) as exc:  # the schema is checked first
        admin.call_api_get("autotranslate.getSupportedLanguages")
    assert api_error(exc)[1]["errorType"] == "invalid-params"


def test_enabled_without_a_provider(rc_server):
    enable(rc_server)
    admin, alice = login(rc_server, "admin"), login(rc_server, "alice")
    body = admin.call_api_get("autotranslate.getSupportedLanguages", targetLanguage="en")
    assert body == {"languages": [], "success": True}
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_get("autotranslate.getSupportedLanguages", targetLanguage="en")
    assert api_error(exc)[1] == {
        "success": False,
        "error": "Auto-Translate is not allowed [error-action-not-allowed]",
        "errorType": "error-action-not-allowed",
        "details": {"method": "autoTranslate.saveSettings"},
    }
    mid = alice.chat_post_message("hola", room_id="GENERAL")["message"]["_id"]
    message = admin.call_api_post(
        "autotranslate.translateMessage", messageId=mid, targetLanguage="en"
    )["message"]
    assert message["_id"] == mid and message["msg"] == "hola" and "translations" not in message
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("autotranslate.translateMessage", messageId="nope")
    assert api_error(exc)[1] == {"success": False, "error": "Message not found."}


def test_save_settings(rc_server):
    enable(rc_server)
    admin = login(rc_server, "admin")
    admin.call_api_post(
        "autotranslate.saveSettings",
        roomId="GENERAL",
        field="autoTranslate",
        value=True,
        defaultLanguage="pt",
    )
    sub = admin.subscriptions_get_one("GENERAL")["subscription"]
    assert sub["autoTranslate"] is True and sub["autoTranslateLanguage"] == "pt"
    admin.call_api_post(
        "autotranslate.saveSettings", roomId="GENERAL", field="autoTranslateLanguage", value="de"
    )
    assert admin.subscriptions_get_one("GENERAL")["subscription"]["autoTranslateLanguage"] == "de"
    for field, value, error in (
        ("autoTranslate", "yes", 'The bodyParam "autoTranslate" must be a boolean.'),
        ("autoTranslateLanguage", "12", 'The bodyParam "autoTranslateLanguage" must be a string.'),
    ):
        with pytest.raises(RocketApiException) as exc:
            admin.call_api_post(
                "autotranslate.saveSettings", roomId="GENERAL", field=field, value=value
            )
        assert api_error(exc)[1] == {"success": False, "error": error}
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post(
            "autotranslate.saveSettings", roomId="nowhere", field="autoTranslate", value=True
        )
    assert api_error(exc)[1]["errorType"] == "error-invalid-subscription"
    models.set_setting_value(runtime_of(rc_server.app), "E2E_Enable", True)
    rid = admin.groups_create("sealed")["group"]["_id"]
    admin.groups_set_encrypted(rid, True)
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post(
            "autotranslate.saveSettings", roomId=rid, field="autoTranslate", value=True
        )
    assert api_error(exc)[1]["errorType"] == "error-e2e-enabled"
