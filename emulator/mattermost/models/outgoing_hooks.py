"""Outgoing webhooks firing (``handleWebhookEvents``/``TriggerWebhook``, ``app/webhook.go``).

Every live post goes through here from ``store_post``, whichever door made it; the matching
hooks' callback URLs are called in the background. Answers are ``webhook_answers``' (registered
as the ``ANSWER`` handler: it posts through ``store_post``, which imports this module).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from ...core.runtime import Runtime
from .common import Doc, setting

TRIGGER_EXACT, TRIGGER_STARTS_WITH = 0, 1  # TriggerwordsExactMatch, TriggerwordsStartsWith
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
ANSWER = "mattermost.outgoing_webhook"  # the call-out kind whose answers become posts


def _trigger_word(hook: Doc, first_word: str) -> str | None:
    """The hook's trigger word ``first_word`` fires (``""`` for a channel-wide hook without
    words), or None when the hook does not fire."""
    if not hook["trigger_words"]:
        return "" if hook["channel_id"] else None
    for word in hook["trigger_words"]:
        if hook["trigger_when"] == TRIGGER_EXACT and first_word == word:
            return word
        if hook["trigger_when"] == TRIGGER_STARTS_WITH and first_word.startswith(word):
            return word
    return None


def _is_integration_post(post: Doc) -> bool:
    """The loop guard: posts by webhooks and bots (and system messages) fire nothing."""
    props = post["props"] or {}
    return (
        props.get("from_webhook") == "true"
        or props.get("from_bot") == "true"
        or post["type"].startswith("system_")
    )


def handle_webhook_events(rt: Runtime, post: Doc) -> None:
    """Call every outgoing webhook of the post's team that ``post`` triggers; public channels
    only, as upstream."""
    if not setting(rt, "ServiceSettings", "EnableOutgoingWebhooks", True):
        return
    if _is_integration_post(post):
        return
    channel = rt.store.get("channels", post["channel_id"])
    if channel is None or channel["type"] != "O":
        return
    hooks = [
        h
        for h in rt.store.find("outgoing_webhooks", "team_id", channel["team_id"])
        if not h["delete_at"] and h["channel_id"] in ("", channel["id"])
    ]
    if not hooks:
        return
    words = post["message"].split()
    first_word = words[0] if words else ""
    team = rt.store.get("teams", channel["team_id"])
    user = rt.store.get("users", post["user_id"])
    for hook in hooks:
        trigger_word = _trigger_word(hook, first_word)
        if trigger_word is None:
            continue
        payload = {
            "token": hook["token"],
            "team_id": hook["team_id"],
            "team_domain": team["name"] if team else "",
            "channel_id": post["channel_id"],
            "channel_name": channel["name"],
            "timestamp": post["create_at"],
            "user_id": post["user_id"],
            "user_name": user["username"] if user else "",
            "post_id": post["id"],
            "text": post["message"],
            "trigger_word": trigger_word,
            "file_ids": ",".join(post["file_ids"]),
        }
        _trigger_webhook(rt, hook, payload, post, channel)


def _encode(hook: Doc, payload: Doc) -> tuple[bytes, str]:
    """The body as ``doOutgoingWebhookRequest`` sends it: JSON (milliseconds) or form values
    (``ToFormValues``: the timestamp in seconds)."""
    if hook["content_type"] == JSON:
        return json.dumps(payload).encode(), JSON
    form = {**payload, "timestamp": payload["timestamp"] // 1000}
    return urlencode(form).encode(), FORM


def _trigger_webhook(rt: Runtime, hook: Doc, payload: Doc, post: Doc, channel: Doc) -> None:
    body, content_type = _encode(hook, payload)
    headers = {"Content-Type": content_type, "Accept": "application/json"}
    timeout = float(setting(rt, "ServiceSettings", "OutgoingIntegrationRequestsTimeout", 30))
    for url in hook["callback_urls"]:
        rt.callouts.post(
            url,
            body,
            headers,
            timeout,
            ANSWER,
            (hook, post, channel),
            product="mattermost",
            hook_id=hook["id"],
        )
