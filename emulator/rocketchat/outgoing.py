"""Outgoing integrations (``app/integrations/server/lib/triggerHandler.ts``), run where upstream's
``triggers.ts`` hooks them: the domain operations call ``models.common.run_integrations`` after a
message is saved (any door), a room is created, joined or left, a user is created, a file is
uploaded; ``register`` plugs this module in there (it sends messages itself, so the domain cannot
import it).

Each matching integration URL gets an ``IntegrationHistory`` document, updated step by step as
upstream's ``updateHistory`` does, and a call through ``rt.callouts``. The answer (a JSON
``text``/``attachments``) becomes a message by the integration's user. Like upstream there is no
loop guard: a message the answer posts fires the integrations again, with ``bot: true``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
from dataclasses import dataclass, field
from typing import Any

from ..core.runtime import Runtime
from . import errors, wire
from .models import rooms, scripts, webhook_messages
from .models.common import (
    INTEGRATIONS_SERVICE,
    Doc,
    IntegrationEvent,
    Refused,
    setting,
)

KIND = "rocketchat.outgoing_integration"  # the call-out kind whose answers this module handles
OUTGOING = "webhook-outgoing"
SUCCESS = (200, 201, 202)
TIMEOUT_S = 20.0  # serverFetch's default
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/41.0.2227.0 Safari/537.36"
)
# ``outgoingEvents``: which events are filtered by channel, which look at trigger words.
USES_CHANNEL = frozenset({"sendMessage", "fileUploaded", "roomJoined", "roomLeft"})
USES_TRIGGER_WORDS = frozenset({"sendMessage"})


@dataclass
class _Attempt:
    """One call of ``executeTriggerUrl``, carried through the call-out to its answer."""

    url: str
    trigger: Doc
    event: IntegrationEvent
    tries: int
    history_id: str
    data: Doc
    request: Doc
    answered: bool = False


@dataclass
class _Retries:
    """Retries waiting for their delay (``setTimeout``); a reset drops them."""

    timers: set[threading.Timer] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def schedule(self, delay_s: float, action: Any) -> threading.Timer:
        def fire() -> None:
            with self.lock:
                if timer not in self.timers:
                    return
                self.timers.discard(timer)
            # The runtime may have been closed meanwhile (its dispatcher refuses new calls):
            # the retry is dropped, as a stopped server's timers are.
            with contextlib.suppress(RuntimeError):
                action()

        timer = threading.Timer(delay_s, fire)
        timer.daemon = True
        with self.lock:
            self.timers.add(timer)
        timer.start()
        return timer

    def cancel(self) -> None:
        with self.lock:
            for timer in self.timers:
                timer.cancel()
            self.timers.clear()


def register(rt: Runtime) -> None:
    """Plug the integrations into the domain's events and the call-out answers."""
    retries = _Retries()
    rt.on_reset(retries.cancel)
    rt.services[INTEGRATIONS_SERVICE] = lambda event: fire(rt, event)
    rt.callouts.on_answer(
        KIND, lambda attempt, status, body: _on_answer(rt, retries, attempt, status, body)
    )


# -- which integrations an event triggers -----------------------------------------------------


def _channels(trigger: Doc) -> list[str]:
    """``addIntegration``'s keys: ``__any`` for events without a room, all public channels
    when the list is empty."""
    if trigger.get("event") not in USES_CHANNEL:
        return ["__any"]
    return list(trigger.get("channel") or []) or ["all_public_channels"]


def _room_keys(room: Doc | None, message: Doc | None) -> set[str]:
    """``getTriggersToExecute``: the channel keys that select integrations for ``room``."""
    if room is None:
        return set()
    if room["t"] == "d":
        sender = ((message or {}).get("u") or {}).get("username")
        keys = {"all_direct_messages", *(f"@{uid}" for uid in room.get("uids", []))}
        return keys | {f"@{name}" for name in room.get("usernames", []) if name != sender}
    scope = "all_public_channels" if room["t"] == "c" else "all_private_groups"
    return {scope, f"#{room['_id']}", f"#{room.get('name')}"}


def execute_triggers(rt: Runtime, event: IntegrationEvent, triggers: list[Doc]) -> None:
    """``executeTriggers``: every enabled outgoing integration of ``event`` whose channels match,
    once per URL."""
    keys = _room_keys(event.room, event.message) | {"__any"}
    for trigger in triggers:
        if not keys.intersection(_channels(trigger)):
            continue
        if trigger.get("enabled") is True and trigger.get("event") == event.name:
            for url in trigger.get("urls") or []:
                execute_trigger_url(rt, url, trigger, event)


# -- history ----------------------------------------------------------------------------------


def _history(rt: Runtime, history_id: str | None, **fields: Any) -> str:
    """``updateHistory``: the first call inserts the document, later ones set their fields."""
    now = rt.clock.now_ms()
    changes = {"type": "outgoing-webhook", **fields, "_updatedAt": now}
    if history_id:
        if rt.store.get("integration_history", history_id) is not None:
            rt.store.update("integration_history", history_id, changes)
        return history_id
    history_id = rt.ids.meteor_id()
    rt.store.insert("integration_history", {"_id": history_id, **changes, "_createdAt": now})
    return history_id


# -- one URL ----------------------------------------------------------------------------------


def _trigger_word(trigger: Doc, event: IntegrationEvent) -> tuple[bool, str | None]:
    """Whether the message's text selects the integration, and by which word."""
    words = trigger.get("triggerWords") or []
    if event.name not in USES_TRIGGER_WORDS or not words:
        return True, None
    text = (event.message or {}).get("msg") or ""
    anywhere = bool(trigger.get("triggerWordAnywhere"))
    for word in words:
        if (word in text) if anywhere else text.startswith(word):
            return True, word
    return False, None


def _without_services(doc: Doc) -> Doc:
    return wire.rest_dates({k: v for k, v in doc.items() if k != "services"})


def _data(rt: Runtime, trigger: Doc, event: IntegrationEvent, word: str | None) -> Doc:
    """``mapEventArgsToData``. As upstream does, an event without a message (room and user
    events) gets only ``token`` and ``bot``: the mapping returns early without one."""
    data: Doc = {"token": trigger.get("token"), "bot": False}
    if word:
        data["trigger_word"] = word
    message, room = event.message, event.room
    if room is None or message is None:
        return {k: v for k, v in data.items() if v is not None}
    data.update(
        channel_id=room["_id"],
        channel_name=room.get("name"),
        message_id=message["_id"],
        timestamp=wire.iso(message["ts"]),
        user_id=message["u"]["_id"],
        user_name=message["u"]["username"],
        text=message.get("msg", ""),
    )
    if event.name == "sendMessage":
        data["siteUrl"] = setting(rt, "Site_Url")
    else:  # fileUploaded
        data.update(
            user=_without_services(event.user or {}),
            room=wire.rest_dates(room),
            message=wire.rest_dates(message),
        )
    if message.get("alias"):
        data["alias"] = message["alias"]
    if message.get("bot"):
        data["bot"] = True
    if event.name == "sendMessage" and message.get("editedAt"):
        data["isEdited"] = True
    if event.name == "sendMessage" and message.get("tmid"):
        data["tmid"] = message["tmid"]
    return {k: v for k, v in data.items() if v is not None}


def _run_script(
    rt: Runtime, trigger: Doc, method: str, params: Doc, history_id: str
) -> tuple[bool, Any]:
    """``executeOutgoingScript``: ``(ran, result)``; a script that does not load counts as no
    script (``hasScriptAndMethod``), one that throws is recorded and gives no result."""
    if not scripts.has_valid_script(trigger):
        return False, None
    _history(rt, history_id, step=f"execute-script-before-running-{method}")
    try:
        return scripts.run(rt, trigger, method, params)
    except scripts.ScriptError as error:
        if error.loading:
            return False, None
        stack = "\n".join("  " + line for line in error.stack.splitlines())
        _history(
            rt,
            history_id,
            step=f"execute-script-error-running-{method}",
            error=True,
            errorStack=stack,
        )
        return True, None


def execute_trigger_url(
    rt: Runtime, url: str, trigger: Doc, event: IntegrationEvent, tries: int = 0
) -> None:
    """``executeTriggerUrl``: record, prepare (script), then call ``url`` in the background."""
    trigger = rt.store.get("integrations", trigger["_id"])  # ``isTriggerEnabled``: as it is now
    if trigger is None or trigger.get("enabled") is not True:
        return
    fires, word = _trigger_word(trigger, event)
    if not fires:
        return
    if event.message and event.message.get("editedAt") and not trigger.get("runOnEdits"):
        return
    history_id = _history(
        rt, None, step="start-execute-trigger-url", integration=trigger, event=event.name
    )
    data = _data(rt, trigger, event, word)
    _history(rt, history_id, step="mapped-args-to-data", data=data, **_word(word))
    request: Doc = {
        "params": {},
        "method": "POST",
        "url": url,
        "data": data,
        "headers": {"User-Agent": USER_AGENT},
    }
    params = {"request": request}
    ran, opts = _run_script(rt, trigger, "prepare_outgoing_request", params, history_id)
    opts = opts if ran else request
    _history(rt, history_id, step="after-maybe-ran-prepare", ranPrepareScript=True)
    if not opts:
        _history(rt, history_id, step="after-prepare-no-opts", finished=True)
        return
    opts = opts if isinstance(opts, dict) else {}  # a bare value has no url, method or message
    if opts.get("message"):
        sent = _send_answer(rt, trigger, event, opts["message"], data)
        if not sent:
            _history(rt, history_id, step="after-prepare-send-message-failed", finished=True)
            return
        _history(rt, history_id, step="after-prepare-send-message", prepareSentMessage=sent)
    if not opts.get("url") or not opts.get("method"):
        _history(rt, history_id, step="after-prepare-no-url_or_method", finished=True)
        return
    headers = {str(k): str(v) for k, v in (opts.get("headers") or {}).items()}
    if opts.get("auth"):
        auth = str(opts["auth"])
        if ":" not in auth:
            return  # upstream throws out of the handler: the call is never made
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    _history(rt, history_id, step="pre-http-call", url=opts["url"], httpCallData=opts.get("data"))
    body = b""
    if opts.get("data"):
        headers["Content-Type"] = "application/json"
        body = json.dumps(opts["data"], separators=(",", ":")).encode()
    limit = opts.get("timeout")  # ms, from a script
    valid = isinstance(limit, int | float) and not isinstance(limit, bool) and limit > 0
    timeout = limit / 1000 if valid else TIMEOUT_S
    attempt = _Attempt(url, trigger, event, tries, history_id, data, opts)
    future = rt.callouts.post(str(opts["url"]), body, headers, timeout, KIND, attempt)
    future.add_done_callback(lambda _done: _unanswered(rt, attempt))


def _word(word: str | None) -> Doc:
    return {"triggerWord": word} if word else {}


def _unanswered(rt: Runtime, attempt: _Attempt) -> None:
    """The call failed below HTTP (refused, timed out): ``fetch``'s rejection, recorded and never
    retried, as upstream's ``.catch``."""
    if not attempt.answered:
        error = {"name": "FetchError", "message": f"request to {attempt.request['url']} failed"}
        _history(rt, attempt.history_id, step="after-http-call", httpError=error, httpResult="null")


# -- the answer -------------------------------------------------------------------------------


def _retry_delay_ms(kind: Any, tries: int) -> int | None:
    return {
        "powers-of-ten": 10 ** (tries + 2),
        "powers-of-two": 2 ** (tries + 1) * 1000,
        "increments-of-two": (tries + 1) * 2 * 1000,
    }.get(kind)


def _on_answer(rt: Runtime, retries: _Retries, attempt: _Attempt, status: int, body: bytes) -> None:
    attempt.answered = True
    hid, trigger = attempt.history_id, attempt.trigger
    content = body.decode("utf-8", "replace")
    try:
        answer = json.loads(content) if content else None
    except ValueError:
        answer = None
    _history(rt, hid, step="after-http-call", httpResult=json.dumps(content, indent=2))
    response = {
        "error": None,
        "status_code": status,
        "content": content,
        "content_raw": content,
        "headers": {},
    }
    _ran, result = _run_script(
        rt,
        trigger,
        "process_outgoing_response",
        {"request": attempt.request, "response": response},
        hid,
    )
    if result is False:
        _history(rt, hid, step="after-process-false-result", finished=True)
        return
    if isinstance(result, dict) and result.get("content"):
        sent = _send_answer(rt, trigger, attempt.event, result["content"], attempt.data)
        if not sent:
            _history(rt, hid, step="after-process-send-message-failed", finished=True)
            return
        _history(rt, hid, step="after-process-send-message", processSentMessage=sent, finished=True)
        return
    if not content or status not in SUCCESS:
        _failed(rt, retries, attempt, status, content)
        return
    if isinstance(answer, dict) and (answer.get("text") or answer.get("attachments")):
        sent = _send_answer(rt, trigger, attempt.event, answer, attempt.data)
        if not sent:
            _history(rt, hid, step="after-http-call-send-message-failed", finished=True)
            return
        _history(rt, hid, step="url-response-sent-message", resultMessage=sent, finished=True)


def _failed(rt: Runtime, retries: _Retries, attempt: _Attempt, status: int, content: str) -> None:
    """An empty or unsuccessful answer: 410 disables the integration, 500 is final, anything
    else is retried when the integration says so."""
    hid, trigger = attempt.history_id, attempt.trigger
    if content and status == 410:
        _history(rt, hid, step="after-process-http-status-410", error=True)
        if rt.store.get("integrations", trigger["_id"]) is not None:
            rt.store.update("integrations", trigger["_id"], {"enabled": False})
        return
    if content and status == 500:
        _history(rt, hid, step="after-process-http-status-500", error=True)
        return
    count = trigger.get("retryCount")
    if not trigger.get("retryFailedCalls") or not count:
        _history(rt, hid, step="failed-and-not-configured-to-retry", error=True)
        return
    if attempt.tries >= count or not trigger.get("retryDelay"):
        _history(rt, hid, step="too-many-retries", error=True)
        return
    _history(rt, hid, error=True, step=f"going-to-retry-{attempt.tries + 1}")
    delay = _retry_delay_ms(trigger["retryDelay"], attempt.tries)
    if delay is None:
        _history(
            rt,
            hid,
            step="failed-and-retry-delay-is-invalid",
            error=True,
            errorStack="Error: The integration's retryDelay setting is invalid.",
        )
        return
    retries.schedule(
        delay / 1000,
        lambda: execute_trigger_url(
            rt, attempt.url, trigger, attempt.event, tries=attempt.tries + 1
        ),
    )


def _resolve_room(rt: Runtime, user: Doc, name_or_id: str) -> Doc | None:
    """``getRoomByNameOrIdWithOptionToJoin``: ``@user`` opens the DM, ``#name``/id a room,
    joined when it is a public channel the user is not in."""
    if name_or_id.startswith("@"):
        key = name_or_id[1:]
        other = rt.store.get("users", key) or rt.store.find_one("users", "username", key.lower())
        return None if other is None else rooms.open_direct(rt, [user, other])
    key = name_or_id.lstrip("#")
    room = rt.store.get("rooms", key) or rt.store.find_one("rooms", "name", key)
    joinable = room is not None and room["t"] == "c"
    if joinable and rooms.subscription(rt, room["_id"], user["_id"]) is None:
        rooms.add_member(rt, room, user)
    return room


def _send_answer(
    rt: Runtime, trigger: Doc, event: IntegrationEvent, payload: Any, data: Doc
) -> list[Doc] | None:
    """``sendMessage`` then ``processWebhookMessage``: the answer as messages by the
    integration's user (or the author, with ``impersonateUser``) in the event's room, or the
    room the answer or the integration names. None when nothing could be sent."""
    if not isinstance(payload, dict):
        return None
    user = None
    if trigger.get("impersonateUser") and data.get("user_name"):
        user = rt.store.find_one("users", "username", data["user_name"].lower())
    user = user or rt.store.find_one("users", "username", str(trigger.get("username")).lower())
    if user is None:
        return None
    sent = []
    try:
        target = payload.get("channel") or payload.get("roomId") or trigger.get("targetRoom")
        names = target if isinstance(target, list) else [target] if target else []
        targets = [_resolve_room(rt, user, n) for n in names if isinstance(n, str)]
        if not targets:
            targets = [event.room]
        fields = webhook_messages.message_fields(dict(payload), trigger)
        for room in targets:
            if room is None:
                return None
            message = webhook_messages.send_webhook_message(rt, user, room, payload, fields)
            channel = f"@{room['_id']}" if room["t"] == "d" else f"#{room['_id']}"
            sent.append({"channel": channel, "message": wire.message(message)})
    except (Refused, errors.RocketError):
        return None
    return sent


def replay(rt: Runtime, integration: Doc, history: Doc) -> None:
    """``triggerHandler.replay``: the recorded event again, with today's message, room and
    users."""
    data = history.get("data") or {}
    if not history.get("url"):
        return
    event = IntegrationEvent(
        history.get("event", ""),
        message=rt.store.get("messages", data.get("message_id", "")),
        room=rt.store.get("rooms", data.get("channel_id", "")),
        user=rt.store.get("users", data.get("user_id", "")),
        owner=rt.store.get("users", (data.get("owner") or {}).get("_id", "")),
    )
    execute_trigger_url(rt, history["url"], integration, event)


def fire(rt: Runtime, event: IntegrationEvent) -> None:
    """The domain operations' hook: an index lookup, so a message costs nothing more when there
    is no outgoing integration."""
    triggers = rt.store.find("integrations", "type", OUTGOING)
    if triggers:
        execute_triggers(rt, event, triggers)
