"""Interactive messages and dialogs (``app/integration_action.go``, its ``model`` namesake).

A click on a button or a menu choice POSTs a ``PostActionIntegrationRequest`` to the action's
``integration.url`` and waits for the app, as upstream does; its answer may replace the post
(``update``) or tell the clicker something (``ephemeral_text``). The request carries a signed
``trigger_id`` the app may spend on opening a dialog in the clicker's clients.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import re
import secrets
from typing import Any

from ...core.runtime import Runtime
from .. import errors, permissions
from .common import Doc, broadcast, publish_event, setting
from .integrations import is_http_url
from .posts import check_message, check_props, get_action, send_ephemeral_post, update_post

ACTION_CALL = "mattermost.post_action"
DIALOG_CALL = "mattermost.dialog_submit"
# PostActionRetainPropKeys: an update never loses where the post came from.
RETAIN_PROP_KEYS = ("from_webhook", "override_username", "override_icon_url")
ACTION_ID_RE = re.compile(r"[A-Za-z0-9]+\Z")  # the route's {action_id:[A-Za-z0-9]+}
# model.ParseSlackLinksToMarkdown
_SLACK_LINK = re.compile(r"<([^\n<|>]+)\|([^\n>]+)>")
_SIGNING_KEY_ID = "trigger_signing_key"


# -- trigger ids ------------------------------------------------------------------------------


def _signing_key(rt: Runtime) -> bytes:
    """The server's own signing key (upstream an ECDSA key in the Systems table), made once."""
    doc = rt.store.get("config", _SIGNING_KEY_ID)
    if doc is None:
        with rt.store.transaction():  # holds the store lock: one key, made once
            doc = rt.store.get("config", _SIGNING_KEY_ID)
            if doc is None:
                doc = {"id": _SIGNING_KEY_ID, "key": secrets.token_hex(32)}
                rt.store.insert("config", doc)
    return bytes.fromhex(doc["key"])


def _sign(rt: Runtime, data: str) -> str:
    digest = hmac.new(_signing_key(rt), data.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def new_trigger_id(rt: Runtime, user_id: str) -> tuple[str, str]:
    """``GenerateTriggerId``: the client's id and the signed trigger id the app gets,
    ``base64("<client id>:<user id>:<millis>:" + base64(signature))``."""
    client_id = rt.ids.mattermost_id()
    data = f"{client_id}:{user_id}:{rt.clock.now_ms()}:"
    return client_id, base64.b64encode((data + _sign(rt, data)).encode()).decode()


def _trigger_error(name: str, **params: str) -> errors.AppError:
    return errors.bad_request(f"interactive_message.decode_trigger_id.{name}", **params)


def _go_duration(seconds: int) -> str:
    """``time.Duration.String`` for whole seconds (``30s``, ``1m0s``, ``1h0m0s``)."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"


def verify_trigger_id(rt: Runtime, trigger_id: str) -> tuple[str, str]:
    """``DecodeAndVerifyTriggerId``: the client id and user id of a trigger id this server
    signed less than ``OutgoingIntegrationRequestsTimeout`` seconds ago."""
    try:
        decoded = base64.b64decode(trigger_id, validate=True).decode()
    except ValueError as exc:
        raise _trigger_error("base64_decode_failed") from exc
    parts = decoded.split(":")
    if len(parts) != 4:
        raise _trigger_error("missing_data")
    client_id, user_id, stamp, signature = parts
    timeout = int(_timeout(rt))
    issued = int(stamp) if stamp.isascii() and stamp.isdigit() else 0
    if rt.clock.now_ms() - issued > timeout * 1000:
        raise _trigger_error("expired", Duration=_go_duration(timeout))
    try:
        base64.b64decode(signature, validate=True)
    except ValueError as exc:
        raise _trigger_error("base64_decode_failed_signature") from exc
    if not hmac.compare_digest(signature, _sign(rt, f"{client_id}:{user_id}:{stamp}:")):
        raise _trigger_error("verify_signature_failed")
    return client_id, user_id


# -- calling the app --------------------------------------------------------------------------


def _timeout(rt: Runtime) -> float:
    return float(setting(rt, "ServiceSettings", "OutgoingIntegrationRequestsTimeout", 30))


def _integration_error(detailed: str = "") -> errors.AppError:
    return errors.bad_request(errors.ACTION_INTEGRATION, detailed)


def _call_app(rt: Runtime, url: str, payload: Doc, kind: str) -> bytes:
    """``DoActionRequest``: POST the JSON payload and wait; anything but a 200 is the app's
    failure, which the clicker gets as a 400. Plugin URLs need plugins, which are not here."""
    if not is_http_url(url):
        raise _integration_error(f"url={url}")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    answer = rt.callouts.call(url, json.dumps(payload).encode(), headers, _timeout(rt), kind)
    if answer is None:
        raise _integration_error("err=the app did not answer")
    status, body = answer
    if status != 200:
        raise _integration_error(f"status={status}")
    return body


def _decode_answer(body: bytes) -> Doc:
    """The app's JSON answer; an empty body is no answer, anything else must be an object."""
    if not body.strip():
        return {}
    try:
        answer = json.loads(body)
    except ValueError as exc:
        raise _integration_error() from exc
    if not isinstance(answer, dict):
        raise _integration_error()
    return answer


def parse_slack_links(text: str) -> str:
    """``ParseSlackLinksToMarkdown``: ``<url|text>`` becomes ``[text](url)``."""
    return _SLACK_LINK.sub(r"[\2](\1)", text)


# -- post actions -----------------------------------------------------------------------------


def do_post_action(
    rt: Runtime, user: Doc, post: Doc, action_id: str, selected_option: str = ""
) -> str:
    """``DoPostActionWithCookie`` for a stored post: call the action's app with the clicker's
    context, apply its answer; the client's trigger id is returned."""
    action = get_action(post, action_id)
    integration = action.get("integration") if action else None
    if not isinstance(integration, dict):
        raise errors.not_found(errors.ACTION_ID_INVALID, f"action={action}")
    channel = rt.store.get("channels", post["channel_id"])
    team = rt.store.get("teams", channel["team_id"]) if channel["team_id"] else None
    context = integration.get("context")
    context = dict(context) if isinstance(context, dict) else {}
    action_type = action.get("type") if isinstance(action.get("type"), str) else ""
    data_source = ""
    if action_type == "select" and selected_option:
        data_source = action.get("data_source") or ""
        context["selected_option"] = selected_option
    client_trigger_id, trigger_id = new_trigger_id(rt, user["id"])
    payload: Doc = {
        "user_id": user["id"],
        "user_name": user["username"],
        "channel_id": post["channel_id"],
        "channel_name": channel["name"],
        "team_id": channel["team_id"],
        "team_domain": team["name"] if team else "",
        "post_id": post["id"],
        "trigger_id": trigger_id,
        "type": action_type,
        "data_source": data_source,
    }
    if context:
        payload["context"] = context
    url = integration.get("url")
    url = url if isinstance(url, str) else ""
    answer = _decode_answer(_call_app(rt, url, payload, ACTION_CALL))
    # The whole answer decodes before any of it is applied: a bad field changes nothing.
    update = answer.get("update")
    changes = None if update is None else _update_changes(post, update)
    ephemeral = answer.get("ephemeral_text") or ""
    if not isinstance(ephemeral, str):
        raise _integration_error()
    if changes is not None:
        current = rt.store.get("posts", post["id"])
        if current is None or current["delete_at"]:
            raise errors.not_found(errors.POST_NOT_FOUND, f"post_id={post['id']}")
        update_post(rt, current, changes)
    if ephemeral:
        if answer.get("skip_slack_parsing") is not True:
            ephemeral = parse_slack_links(ephemeral)
        send_ephemeral_post(
            rt,
            sender_id=user["id"],
            target_id=user["id"],
            channel_id=post["channel_id"],
            message=ephemeral,
            root_id=post["root_id"] or post["id"],
            props=_retained(post),
        )
    return client_trigger_id


def _retained(post: Doc) -> Doc:
    props = post["props"] or {}
    return {k: props[k] for k in RETAIN_PROP_KEYS if k in props}


def _update_changes(post: Doc, update: Any) -> Doc:
    """What the answer's ``update`` changes (``UpdatePost`` without the safe-update guard):
    message, file ids and props are the app's; the pin and the reactions stay, and so do the
    retained props (props the app leaves out keep the post's whole set)."""
    if not isinstance(update, dict):
        raise _integration_error()
    message = update.get("message") or ""
    new_props = update.get("props")
    file_ids = update.get("file_ids") or []
    if (
        not isinstance(message, str)
        or not (new_props is None or isinstance(new_props, dict))
        or not isinstance(file_ids, list)
        or not all(isinstance(f, str) for f in file_ids)
    ):
        raise _integration_error()
    if new_props is None:
        props = post["props"]
    else:
        props = {k: v for k, v in new_props.items() if k not in RETAIN_PROP_KEYS}
        props.update(_retained(post))
    return {
        "message": check_message(message, post["id"]),
        "props": check_props(props, post["id"]),
        "file_ids": file_ids,
    }


# -- dialogs ----------------------------------------------------------------------------------

# Dialog and DialogElement fields as Go marshals them (all of them; ``omitempty`` ones only when
# set), with the JSON type each must have for the request to decode.
_DIALOG_FIELDS: tuple[tuple[str, type | tuple[type, ...], Any], ...] = (
    ("callback_id", str, ""),
    ("title", str, ""),
    ("introduction_text", str, ""),
    ("icon_url", str, ""),
    ("elements", list, None),
    ("submit_label", str, ""),
    ("notify_on_cancel", bool, False),
    ("state", str, ""),
)
_ELEMENT_FIELDS: tuple[tuple[str, type | tuple[type, ...], Any], ...] = (
    ("display_name", str, ""),
    ("name", str, ""),
    ("type", str, ""),
    ("subtype", str, ""),
    ("default", str, ""),
    ("placeholder", str, ""),
    ("help_text", str, ""),
    ("optional", bool, False),
    ("min_length", int, 0),
    ("max_length", int, 0),
    ("data_source", str, ""),
    ("options", list, None),
    ("multiselect", bool, False),
)
_ELEMENT_OMITEMPTY = (
    ("data_source_url", str),
    ("refresh", bool),
    ("min_date", str),
    ("max_date", str),
    ("time_interval", int),
)


def _typed(value: Any, kind: type | tuple[type, ...]) -> bool:
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def _struct(raw: Any, fields: tuple[tuple[str, Any, Any], ...]) -> Doc:
    """A Go struct decoded from ``raw`` and marshalled again: every field, zero when absent;
    a wrong type is the decoding error (``ValueError``)."""
    if not isinstance(raw, dict):
        raise ValueError("not an object")
    out: Doc = {}
    for name, kind, zero in fields:
        value = raw.get(name)
        if value is None:
            out[name] = zero
        elif _typed(value, kind):
            out[name] = value
        else:
            raise ValueError(name)
    return out


def _dialog(raw: Any) -> Doc:
    dialog = _struct(raw if raw is not None else {}, _DIALOG_FIELDS)
    if dialog["elements"] is not None:
        elements = []
        for raw_element in dialog["elements"]:
            element = _struct(raw_element, _ELEMENT_FIELDS)
            for name, kind in _ELEMENT_OMITEMPTY:
                value = raw_element.get(name)
                if value is not None and not _typed(value, kind):
                    raise ValueError(name)
                if value:
                    element[name] = value
            elements.append(element)
        dialog["elements"] = elements
    source_url = raw.get("source_url") if isinstance(raw, dict) else None
    if source_url is not None and not isinstance(source_url, str):
        raise ValueError("source_url")
    if source_url:
        dialog["source_url"] = source_url
    return dialog


def open_dialog(rt: Runtime, request: Doc) -> None:
    """``OpenInteractiveDialog``: a valid trigger id opens the dialog in every client of the
    user it was issued to (``open_dialog``, the request with the client's trigger id)."""
    try:
        dialog = _dialog(request.get("dialog"))
    except ValueError as exc:
        raise errors.invalid_body_param("dialog") from exc
    url = request.get("url")
    trigger_id = request.get("trigger_id")
    if not isinstance(url, str) or not isinstance(trigger_id or "", str):
        raise errors.invalid_body_param("dialog")
    if not url:
        raise errors.invalid_body_param("url")
    client_id, user_id = verify_trigger_id(rt, trigger_id or "")
    shown = {"trigger_id": client_id, "url": url, "dialog": dialog}
    publish_event(rt, "open_dialog", {"dialog": shown}, broadcast(user_id=user_id))


_SUBMIT_FIELDS = {
    "type": str,
    "url": str,
    "callback_id": str,
    "state": str,
    "user_id": str,
    "channel_id": str,
    "team_id": str,
    "submission": dict,
    "cancelled": bool,
}


def _dialog_call(rt: Runtime, user: Doc, request: Doc, call_type: str) -> bytes:
    """What ``submitDialog`` and ``lookupDialog`` share: the request decoded and checked (the
    channel must exist and be readable, the team viewable), then POSTed to its URL as the
    user's ``SubmitDialogRequest`` of type ``call_type``; the app's answer is returned."""
    for name, kind in _SUBMIT_FIELDS.items():
        if request.get(name) is not None and not _typed(request[name], kind):
            raise errors.invalid_body_param("dialog")
    url = request.get("url") or ""
    # IsValidLookupURL: lookups also refuse what is neither a plugin path nor an HTTP URL.
    lookup_ok = is_http_url(url) or (url.startswith("/plugins/") and ".." not in url)
    if not url or (call_type == "dialog_lookup" and not lookup_ok):
        raise errors.invalid_body_param("url")
    channel_id = request.get("channel_id") or ""
    channel = rt.store.get("channels", channel_id) if channel_id else None
    if channel is None:
        raise errors.not_found(errors.CHANNEL_NOT_FOUND, f"channel_id={channel_id}")
    if not permissions.can_read_channel(rt, user, channel):
        raise errors.permission_denied(user["id"], "read_channel_content")
    team_id = request.get("team_id") or ""
    if not team_id or not permissions.has_team_permission(rt, user, team_id, "view_team"):
        raise errors.permission_denied(user["id"], "view_team")
    payload = {
        "type": call_type,
        "callback_id": request.get("callback_id") or "",
        "state": request.get("state") or "",
        "user_id": user["id"],
        "channel_id": channel["id"],
        "team_id": team_id,
        "submission": request.get("submission"),
        "cancelled": bool(request.get("cancelled")),
    }
    return _call_app(rt, url, payload, DIALOG_CALL)


def _json_object(body: bytes) -> Doc:
    """The app's answer when it is a JSON object; ``{}`` for an empty or undecodable one (which
    upstream answers with a 500 of its own; here the client just gets no fields)."""
    try:
        answer = json.loads(body) if body.strip() else {}
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def submit_dialog(rt: Runtime, user: Doc, request: Doc) -> Doc:
    """``SubmitInteractiveDialog``: the app's answer (``error``, ``errors``, ``type``,
    ``form``) is handed back."""
    return _submit_answer(_json_object(_dialog_call(rt, user, request, "dialog_submission")))


def lookup_dialog(rt: Runtime, user: Doc, request: Doc) -> Doc:
    """``LookupInteractiveDialog`` (dynamic selects): the app's ``items``, each ``{text,
    value}``; ``null`` when it sends none."""
    answer = _json_object(_dialog_call(rt, user, request, "dialog_lookup"))
    items = answer.get("items")
    if not isinstance(items, list):
        return {"items": None}
    return {
        "items": [
            {"text": i.get("text") or "", "value": i.get("value") or ""}
            for i in items
            if isinstance(i, dict)
            and isinstance(i.get("text") or "", str)
            and isinstance(i.get("value") or "", str)
        ]
    }


def _submit_answer(answer: Doc) -> Doc:
    """``SubmitDialogResponse`` re-encoded: its four fields, each only when set."""
    out: Doc = {}
    if isinstance(answer.get("error"), str) and answer["error"]:
        out["error"] = answer["error"]
    found = answer.get("errors")
    if isinstance(found, dict) and found and all(isinstance(v, str) for v in found.values()):
        out["errors"] = found
    if isinstance(answer.get("type"), str) and answer["type"]:
        out["type"] = answer["type"]
    if answer.get("form") is not None:
        with contextlib.suppress(ValueError):  # upstream ignores an undecodable answer
            out["form"] = _dialog(answer["form"])
    return out
