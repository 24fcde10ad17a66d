"""Omnichannel settings written through their own routes: the widget's appearance
(``livechat/appearance``), the webhook (``omnichannel/integrations``) and its test call
(``livechat/webhook.test``), the routing method's configuration."""

from __future__ import annotations

import json
import re
from typing import Any

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, Refused, setting
from .workspace import set_setting_value

# ``findAppearance``/the POST's ``validSettingList``; the five enterprise ones exist only on a
# licensed server, so a Community server lists and stores none of them.
APPEARANCE = (
    "Livechat_title",
    "Livechat_title_color",
    "Livechat_enable_message_character_limit",
    "Livechat_message_character_limit",
    "Livechat_show_agent_info",
    "Livechat_show_agent_email",
    "Livechat_display_offline_form",
    "Livechat_offline_form_unavailable",
    "Livechat_offline_message",
    "Livechat_offline_success_message",
    "Livechat_offline_title",
    "Livechat_offline_title_color",
    "Livechat_offline_email",
    "Livechat_conversation_finished_message",
    "Livechat_conversation_finished_text",
    "Livechat_registration_form",
    "Livechat_name_field_registration_form",
    "Livechat_email_field_registration_form",
    "Livechat_registration_form_message",
    "Livechat_hide_watermark",
    "Livechat_background",
    "Livechat_widget_position",
    "Livechat_hide_system_messages",
    "Omnichannel_allow_visitors_to_close_conversation",
    "Livechat_hide_expand_chat",
)
INTEGRATION = (
    "Livechat_webhookUrl",
    "Livechat_secret_token",
    "Livechat_http_timeout",
    "Livechat_webhook_on_start",
    "Livechat_webhook_on_close",
    "Livechat_webhook_on_chat_taken",
    "Livechat_webhook_on_chat_queued",
    "Livechat_webhook_on_forward",
    "Livechat_webhook_on_offline_msg",
    "Livechat_webhook_on_visitor_message",
    "Livechat_webhook_on_agent_message",
)
# ``omnichannel/integrations`` body key -> (setting, conversion)
INTEGRATION_PARAMS = {
    "LivechatWebhookUrl": ("Livechat_webhookUrl", "trimmed"),
    "LivechatSecretToken": ("Livechat_secret_token", "trimmed"),
    "LivechatHttpTimeout": ("Livechat_http_timeout", "number"),
    "LivechatWebhookOnStart": ("Livechat_webhook_on_start", "boolean"),
    "LivechatWebhookOnClose": ("Livechat_webhook_on_close", "boolean"),
    "LivechatWebhookOnChatTaken": ("Livechat_webhook_on_chat_taken", "boolean"),
    "LivechatWebhookOnChatQueued": ("Livechat_webhook_on_chat_queued", "boolean"),
    "LivechatWebhookOnForward": ("Livechat_webhook_on_forward", "boolean"),
    "LivechatWebhookOnOfflineMsg": ("Livechat_webhook_on_offline_msg", "boolean"),
    "LivechatWebhookOnVisitorMessage": ("Livechat_webhook_on_visitor_message", "boolean"),
    "LivechatWebhookOnAgentMessage": ("Livechat_webhook_on_agent_message", "boolean"),
}
# ``RoutingManager.getConfig()``: each routing method's fixed configuration
ROUTING_CONFIGS: dict[str, Doc] = {
    "Auto_Selection": {
        "previewRoom": False,
        "showConnecting": False,
        "showQueue": False,
        "showQueueLink": True,
        "returnQueue": False,
        "enableTriggerAction": True,
        "autoAssignAgent": True,
    },
    "Manual_Selection": {
        "previewRoom": True,
        "showConnecting": True,
        "showQueue": True,
        "showQueueLink": False,
        "returnQueue": True,
        "enableTriggerAction": False,
        "autoAssignAgent": False,
    },
    "External": {
        "previewRoom": False,
        "showConnecting": False,
        "showQueue": False,
        "showQueueLink": False,
        "returnQueue": False,
        "enableTriggerAction": True,
        "autoAssignAgent": True,
    },
}


def settings_docs(rt: Runtime, ids: tuple[str, ...]) -> list[Doc]:
    """``Settings.find({_id: {$in: ids}})``: the stored ones, in the database's order."""
    wanted = set(ids)
    return [s for s in rt.store.all("settings") if s["_id"] in wanted]


def _coerce_int(value: Any) -> int:
    if isinstance(value, bool | list):
        return 0
    if isinstance(value, int | float):
        return int(value)
    found = re.match(r"\s*([+-]?\d+)", str(value))
    return int(found.group(1)) if found else 0


def save_appearance(rt: Runtime, entries: list[Doc]) -> None:
    """``POST livechat/appearance``: every ``_id`` must be an appearance setting; each stored
    one that changes takes the value converted to its type."""
    if not all(entry["_id"] in APPEARANCE for entry in entries):
        raise Refused(errors.INVALID_SETTING)
    for stored in settings_docs(rt, APPEARANCE):
        given = next((e for e in entries if e["_id"] == stored["_id"]), None)
        if given is None or given["value"] == stored["value"]:
            continue
        value = given["value"]
        if stored["type"] == "boolean":
            value = value == "true" or value is True
        elif stored["type"] == "int":
            value = _coerce_int(value)
        if value != stored["value"]:
            set_setting_value(rt, stored["_id"], value)


def save_integration(rt: Runtime, params: Doc) -> None:
    """``POST omnichannel/integrations``: the webhook settings given, converted."""
    for key, (setting_id, kind) in INTEGRATION_PARAMS.items():
        if key not in params:
            continue
        raw = params[key]
        if kind == "trimmed":
            value: Any = ("" if raw is None else str(raw)).strip()
        elif kind == "number":
            value = 0 if raw is None else raw
        else:
            value = bool(raw)
        if setting(rt, setting_id) != value:
            set_setting_value(rt, setting_id, value)


def routing_config(rt: Runtime) -> Doc | None:
    """The configured routing method's configuration (None for an unknown method)."""
    return ROUTING_CONFIGS.get(setting(rt, "Livechat_Routing_Method") or "Auto_Selection")


def _sample(now_iso: str) -> Doc:
    """``webhook.test``'s sample session, as upstream posts it."""
    return {
        "type": "LivechatSession",
        "_id": "fasd6f5a4sd6f8a4sdf",
        "label": "title",
        "topic": "asiodojf",
        "createdAt": now_iso,
        "lastMessageAt": now_iso,
        "tags": ["tag1", "tag2", "tag3"],
        "customFields": {"productId": "123456"},
        "visitor": {
            "_id": "",
            "name": "visitor name",
            "username": "visitor-username",
            "department": "department",
            "email": "email@address.com",
            "phone": "192873192873",
            "ip": "123.456.7.89",
            "browser": "Chrome",
            "os": "Linux",
            "customFields": {"customerId": "123456"},
        },
        "agent": {
            "_id": "asdf89as6df8",
            "username": "agent.username",
            "name": "Agent Name",
            "email": "agent@email.com",
        },
        "messages": [
            {"username": "visitor-username", "msg": "message content", "ts": now_iso},
            {
                "username": "agent.username",
                "agentId": "asdf89as6df8",
                "msg": "message content from agent",
                "ts": now_iso,
            },
        ],
    }


WEBHOOK_KIND = "livechat-webhook-test"
DEFAULT_TIMEOUT_MS = 5000


def test_webhook(rt: Runtime, now_iso: str) -> None:
    """``livechat/webhook.test``: POST the sample to ``Livechat_webhookUrl`` with the secret
    token; anything but a 200 is refused. The call-out pool makes the call, so a webhook URL
    on this very server is answered too."""
    url = setting(rt, "Livechat_webhookUrl")
    if not url:
        raise Refused(errors.WEBHOOK_URL_NOT_SET)
    headers = {
        "X-RocketChat-Livechat-Token": str(setting(rt, "Livechat_secret_token") or ""),
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
    # upstream's test call sets no timeout of its own; the webhook's timeout bounds it here
    configured = max(_coerce_int(setting(rt, "Livechat_http_timeout")), 0)
    timeout = (configured or DEFAULT_TIMEOUT_MS) / 1000
    body = json.dumps(_sample(now_iso)).encode()
    answer = rt.callouts.call(url, body, headers, timeout, WEBHOOK_KIND)
    if answer is None or answer[0] != 200:
        raise Refused(errors.INVALID_WEBHOOK_RESPONSE)
