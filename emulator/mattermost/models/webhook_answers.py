"""An outgoing webhook's answer becomes a post (the end of ``TriggerWebhook``)."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from ...core.runtime import Runtime
from .. import errors
from .common import Doc
from .incoming_hooks import create_webhook_post
from .outgoing_hooks import ANSWER


def register(rt: Runtime) -> None:
    rt.callouts.on_answer(
        ANSWER, lambda context, status, data: post_answer(rt, context, status, data)
    )


def post_answer(rt: Runtime, context: tuple[Doc, Doc, Doc], status: int, data: bytes) -> None:
    """A JSON answer with text or attachments becomes the hook creator's webhook post; anything
    else (an empty body, non-JSON, an error status) is only journaled, as upstream logs it."""
    hook, post, channel = context
    if not 200 <= status < 300 or not data.strip():
        return
    try:
        answer: Any = json.loads(data)
    except ValueError:
        return
    if not isinstance(answer, dict):
        return
    if answer.get("text") is None and not answer.get("attachments"):
        return
    creator = rt.store.get("users", hook["creator_id"])
    if creator is None:
        return
    answer = dict(answer)
    # TriggerWebhook: the hook's own username/icon stand in for ones the answer leaves out.
    answer["username"] = answer.get("username") or hook["username"]
    answer["icon_url"] = answer.get("icon_url") or hook["icon_url"]
    # A reply to a reply goes to its thread's root, where upstream would refuse the root id.
    root_id = post["root_id"] or post["id"] if answer.get("response_type") == "comment" else ""
    # Upstream logs a refused answer (a system_ type, a bad priority); the journal holds it.
    with contextlib.suppress(errors.AppError):
        create_webhook_post(rt, hook, creator, channel, answer, root_id)
