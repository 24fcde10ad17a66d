"""Every JSON shape the Mattermost app sends (``server/public/model/*.go`` struct tags).

Stored documents already use the wire field names; these functions drop what the server never
sends (password hashes, session secrets) and the ``omitempty`` fields that are empty.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Doc = dict[str, Any]

# Fields the real User struct tags `omitempty`.
_USER_OMITEMPTY = (
    "create_at",
    "update_at",
    "password",
    "auth_data",
    "email_verified",
    "allow_marketing",
    "props",
    "notify_props",
    "last_password_update",
    "last_picture_update",
    "failed_attempts",
    "mfa_active",
    "remote_id",
    "last_activity_at",
    "is_bot",
    "bot_description",
    "bot_last_icon_update",
    "terms_of_service_id",
    "terms_of_service_create_at",
    "last_login",
)
_USER_PRIVATE = ("password", "mfa_secret", "mfa_used_timestamps", "auth_data")


def _drop_empty(doc: Doc, fields: tuple[str, ...]) -> Doc:
    for name in fields:
        if name in doc and doc[name] in (None, "", 0, False, {}, []):
            del doc[name]
    return doc


# What ``ClearNonProfileFields`` blanks when someone else's profile is shown.
_USER_NON_PROFILE = (
    "email_verified",
    "allow_marketing",
    "notify_props",
    "last_password_update",
    "failed_attempts",
    "last_login",
)


def user(
    doc: Doc,
    *,
    viewer_is_admin: bool = False,
    is_self: bool = False,
    show_email: bool = True,
    show_full_name: bool = True,
) -> Doc:
    """A sanitised User; others' email and names follow the privacy settings (shown by default)."""
    out = {k: v for k, v in doc.items() if k not in _USER_PRIVATE}
    if not (viewer_is_admin or is_self):
        for name in _USER_NON_PROFILE:
            out.pop(name, None)
        if not show_email:
            out["email"] = ""
        if not show_full_name:
            out["first_name"] = out["last_name"] = ""
    return _drop_empty(out, _USER_OMITEMPTY)


def access_token(doc: Doc, *, with_token: bool = False) -> Doc:
    """``UserAccessToken``: the secret only in the answer to its creation (``omitempty``)."""
    out = {
        "id": doc["id"],
        "token": doc["token"],
        "user_id": doc["user_id"],
        "description": doc["description"],
        "is_active": doc["is_active"],
    }
    if not with_token:
        del out["token"]
    return out


def bot(doc: Doc) -> Doc:
    return _drop_empty(dict(doc), ("last_icon_update",))


def status(doc: Doc) -> Doc:
    out = {
        "user_id": doc["user_id"],
        "status": doc["status"],
        "manual": doc["manual"],
        "last_activity_at": doc["last_activity_at"],
        "active_channel": doc.get("active_channel", ""),
        "dnd_end_time": doc.get("dnd_end_time", 0),
    }
    return _drop_empty(out, ("active_channel",))


def preference(doc: Doc) -> Doc:
    return {k: doc[k] for k in ("user_id", "category", "name", "value")}


def team_unread(counts: Doc) -> Doc:
    """``TeamUnread`` (threads counts are 0: the emulator keeps no per-thread unreads here)."""
    return {
        "team_id": counts["team_id"],
        "msg_count": counts["msg_count"],
        "mention_count": counts["mention_count"],
        "mention_count_root": counts["mention_count_root"],
        "msg_count_root": counts["msg_count_root"],
        "thread_count": 0,
        "thread_mention_count": 0,
        "thread_urgent_mention_count": 0,
    }


def team_stats(team_id: str, total: int, active: int) -> Doc:
    return {"team_id": team_id, "total_member_count": total, "active_member_count": active}


def team(doc: Doc) -> Doc:
    """A Team. ``policy_id`` (a Go ``*string``) is left out while unset: the real server sends
    ``null``, which the OpenAPI schema (type string) refuses although its prose allows it."""
    out = _drop_empty(dict(doc), ("last_team_icon_update",))
    if out.get("policy_id") is None:
        out.pop("policy_id", None)
    return out


def team_member(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k != "id"}


def channel(doc: Doc) -> Doc:
    return dict(doc)


def channel_member(doc: Doc, viewer_id: str | None = None) -> Doc:
    """``SanitizeForCurrentUser``: another user's read timestamps are left out."""
    out = {k: v for k, v in doc.items() if k != "id"}
    if viewer_id is not None and doc["user_id"] != viewer_id:
        out.pop("last_viewed_at", None)
        out.pop("last_update_at", None)
    return out


_POST_OMITEMPTY = ("message_source", "has_reactions", "remote_id", "is_following")


def _strip_action_integrations(props: Doc) -> Doc:
    """``StripActionIntegrations``: clients never see an action's ``integration`` (its URL and
    private context); the stored props are left as they are."""
    attachments = props.get("attachments")
    if not isinstance(attachments, list):
        return props
    stripped = []
    for attachment in attachments:
        if isinstance(attachment, dict) and isinstance(attachment.get("actions"), list):
            actions = [
                {k: v for k, v in a.items() if k != "integration"} if isinstance(a, dict) else a
                for a in attachment["actions"]
            ]
            attachment = {**attachment, "actions": actions}
        stripped.append(attachment)
    return {**props, "attachments": stripped}


def post(doc: Doc, metadata: Doc | None = None) -> Doc:
    """A Post; ``metadata`` as ``PreparePostForClient`` fills it (REST answers always carry it,
    ``{}`` when empty), left out when not given. Every door renders posts here, so actions lose
    their ``integration`` on every one."""
    out = _drop_empty(dict(doc), _POST_OMITEMPTY)
    if isinstance(out.get("props"), dict):
        out["props"] = _strip_action_integrations(out["props"])
    out.pop("metadata", None)
    if metadata is not None:
        out["metadata"] = metadata
    return out


def post_metadata(docs: Doc) -> Doc:
    """``PostMetadata`` from the documents ``models.post_metadata`` found."""
    renderers = {"files": file_info, "reactions": reaction, "emojis": emoji}
    return {name: [renderers[name](d) for d in found] for name, found in docs.items() if found}


def post_with_metadata(doc: Doc, metadata: Doc) -> Doc:
    """A Post as REST answers and post events carry it: ``metadata`` always, ``{}`` when empty."""
    return post(doc, post_metadata(metadata))


def post_list(posts: list[Doc], order: list[str], **paging: Any) -> Doc:
    return {
        "order": order,
        "posts": {p["id"]: p for p in posts},
        "next_post_id": paging.get("next_post_id", ""),
        "prev_post_id": paging.get("prev_post_id", ""),
        "has_next": paging.get("has_next", False),
        "first_inaccessible_post_time": 0,
    }


def reaction(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k != "id"}


def file_info(doc: Doc) -> Doc:
    return _drop_empty(dict(doc), ("post_id", "width", "height", "has_preview_image"))


def draft(doc: Doc) -> Doc:
    """``Draft``: ``file_ids`` and ``priority`` left out when empty; ``metadata`` (its files'
    infos) only on a draft the domain attached ``files`` to, as ``prepareDraftWithFileInfos``."""
    out = {k: doc[k] for k in ("create_at", "update_at", "delete_at", "user_id", "channel_id")}
    out.update(root_id=doc["root_id"], message=doc["message"], props=doc["props"] or {})
    if doc["file_ids"]:
        out["file_ids"] = doc["file_ids"]
    if "files" in doc:
        out["metadata"] = {"files": [file_info(f) for f in doc["files"]]} if doc["files"] else {}
    if doc["priority"]:
        out["priority"] = doc["priority"]
    return out


def session(doc: Doc) -> Doc:
    """``Session.Sanitize``: the token is blanked, the rest is shown."""
    return {**doc, "token": ""}


def oauth_app(doc: Doc, *, sanitize: bool = False) -> Doc:
    """``OAuthApp``; ``Sanitize`` blanks the client secret (``info``, authorized apps)."""
    out = dict(doc)
    if sanitize:
        out["client_secret"] = ""
    return out


def status_ok() -> Doc:
    return {"status": "OK"}


# -- channels, posts, threads, files, emoji, integrations (REST part B) -----------------------


def channel_stats(channel_id: str, members: int, pinned: int, files: int) -> Doc:
    return {
        "channel_id": channel_id,
        "member_count": members,
        "guest_count": 0,
        "pinnedpost_count": pinned,
        "files_count": files,
    }


def channel_unread(channel: Doc, member: Doc) -> Doc:
    """``ChannelUnread``: what the member has not read yet."""
    return {
        "team_id": channel["team_id"],
        "channel_id": channel["id"],
        "msg_count": max(channel["total_msg_count"] - member["msg_count"], 0),
        "mention_count": member["mention_count"],
        "mention_count_root": member["mention_count_root"],
        "urgent_mention_count": member["urgent_mention_count"],
        "msg_count_root": max(channel["total_msg_count_root"] - member["msg_count_root"], 0),
        "notify_props": member["notify_props"],
    }


def post_search_results(posts: list[Doc], order: list[str]) -> Doc:
    """``PostSearchResults``: a PostList plus ``matches`` (null with the database backend)."""
    return {**post_list(posts, order), "matches": None}


def user_thread(root: Doc, membership: Doc | None, participants: list[Doc], unread: int) -> Doc:
    """``ThreadResponse``: ``root`` already in wire form."""
    return {
        "id": root["id"],
        "reply_count": root["reply_count"],
        "last_reply_at": root["last_reply_at"],
        "last_viewed_at": membership["last_viewed"] if membership else 0,
        "participants": participants,
        "post": root,
        "unread_replies": unread,
        "unread_mentions": membership["unread_mentions"] if membership else 0,
        "is_urgent": False,
        "delete_at": root["delete_at"],
    }


def thread_participant(user_id: str) -> Doc:
    """A participant when ``extended`` is off: a User with only its id set."""
    return user(
        {
            "id": user_id,
            "delete_at": 0,
            "username": "",
            "auth_service": "",
            "email": "",
            "nickname": "",
            "first_name": "",
            "last_name": "",
            "position": "",
            "roles": "",
            "locale": "",
            "timezone": None,
            "disable_welcome_email": False,
        },
        viewer_is_admin=True,
    )


def emoji(doc: Doc) -> Doc:
    return {k: doc[k] for k in ("id", "creator_id", "name", "create_at", "update_at", "delete_at")}


def incoming_webhook(doc: Doc) -> Doc:
    return dict(doc)


def outgoing_webhook(doc: Doc) -> Doc:
    return dict(doc)


def command(doc: Doc) -> Doc:
    return _drop_empty(dict(doc), ("autocomplete_data", "autocomplete_icon_data"))


# -- WebSocket (server/public/model/websocket_message.go) --------------------------------------


def ws_broadcast(broadcast: Doc | None) -> Doc:
    """``WebsocketBroadcast`` as sent: ``omit_users`` a map (or null), the flags only when set."""
    broadcast = broadcast or {}
    omit = broadcast.get("omit_users")
    if isinstance(omit, list | tuple | set):
        omit = {user_id: True for user_id in omit}
    out = {
        "omit_users": dict(omit) if omit else None,
        "user_id": broadcast.get("user_id") or "",
        "channel_id": broadcast.get("channel_id") or "",
        "team_id": broadcast.get("team_id") or "",
        "connection_id": broadcast.get("connection_id") or "",
        "omit_connection_id": broadcast.get("omit_connection_id") or "",
    }
    for flag in ("contains_sanitized_data", "contains_sensitive_data"):
        if broadcast.get(flag):
            out[flag] = True
    return out


def _compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


# The ``data`` fields the server sends as JSON-encoded strings (websocket.md), and how each
# document is rendered first. ``post`` is separate: it takes the ``post_metadata`` beside it.
_ENCODED_EVENT_FIELDS: dict[str, Callable[[Any], Any]] = {
    "channel": channel,
    "team": team,
    "emoji": emoji,
    "reaction": reaction,
    "teammate_ids": list,
    "preferences": lambda docs: [preference(d) for d in docs],
    # ``open_dialog``: the OpenDialogRequest, already in its wire form.
    "dialog": dict,
    # ``memberrole_updated`` and ``channel_member_updated``.
    "member": team_member,
    "channelMember": channel_member,
    "draft": draft,
    # ``role_updated``: the role, already in its wire form.
    "role": dict,
}


def ws_event_data(data: Doc) -> Doc:
    """An event's ``data`` as sent, from what the domain published (documents as stored): the
    documents rendered, and those the server JSON-encodes (``post``, ``channel``, ...) encoded.
    ``post_metadata`` (documents) goes into the post; a post without it has no ``metadata``."""
    out = dict(data)
    if "post" in out:
        metadata = out.pop("post_metadata", None)
        shown = post(out["post"]) if metadata is None else post_with_metadata(out["post"], metadata)
        out["post"] = _compact_json(shown)
    for name, render in _ENCODED_EVENT_FIELDS.items():
        if name in out:
            out[name] = _compact_json(render(out[name]))
    if "user" in out:
        out["user"] = user(out["user"])
    return out


def ws_event(event: str, data: Doc | None, broadcast: Doc | None, seq: int) -> Doc:
    """The event envelope; ``data`` is a Go map, so its keys go out sorted."""
    return {
        "event": event,
        "data": dict(sorted((data or {}).items())),
        "broadcast": ws_broadcast(broadcast),
        "seq": seq,
    }


def ws_response(seq_reply: int, data: Doc | None = None, error: Doc | None = None) -> Doc:
    """``WebSocketResponse``: ``data`` and ``error`` omitted when empty."""
    out: Doc = {"status": "FAIL" if error else "OK", "seq_reply": seq_reply}
    if data:
        out["data"] = dict(sorted(data.items()))
    if error:
        out["error"] = error
    return out
