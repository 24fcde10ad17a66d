"""What the room resources share: parameters, paging, history, counters, member/file lists.

The routes ``channels.*`` and ``groups.*`` have in common live in ``_room_family``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from flask import Response, jsonify, request

from ...core.pagination import page_slice
from ...core.runtime import Runtime
from .. import errors, inputs, models, wire

Doc = dict[str, Any]


# -- request helpers --------------------------------------------------------------------------


def params() -> Doc:
    """Query parameters for GET, the JSON/form body otherwise."""
    if request.method == "GET":
        return request.args.to_dict()
    return inputs.body()


def ok(**fields: Any) -> Response:
    """``API.v1.success``: the fields plus ``success: true``."""
    return jsonify({**fields, "success": True})


def text_param(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def truthy(value: Any) -> bool:
    """A boolean sent as JSON or as a query/form string."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def parse_date(value: Any) -> int | None:
    """An ISO-8601 date (or epoch ms) as epoch ms; None when absent or unparsable."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    if not isinstance(value, str) or not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


def updated_since(raw: Any, code: str, reason: str) -> int | None:
    """An optional ``updatedSince`` date (``rooms.get``, ``subscriptions.get``): None when absent,
    else epoch ms, or the route's own 400 when unparsable."""
    if not raw:
        return None
    since = parse_date(raw)
    if since is None:
        raise errors.meteor_error(code, reason)
    return since


def sorted_by(items: Iterable[Doc], sort: Doc | None, default: Doc) -> list[Doc]:
    """Documents ordered by a ``{"field": 1|-1}`` spec (dotted fields allowed)."""
    result = list(items)
    for field, direction in reversed(list((sort or default).items())):

        def key(doc: Doc, field: str = field) -> tuple:
            value: Any = doc
            for part in field.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            return (value is not None, value if not isinstance(value, dict | list) else str(value))

        result.sort(key=key, reverse=direction == -1)
    return result


def page_body(
    rt: Runtime, key: str, items: list[Doc], render: Callable[[Doc], Doc], default: Doc
) -> Doc:
    """``{key: [...], count, offset, total}`` for one page of ``items``."""
    offset, limit, sort = inputs.pagination(rt)
    ordered = sorted_by(items, sort, default)
    chunk = page_slice(ordered, offset, limit)
    return {
        key: [render(d) for d in chunk],
        "count": len(chunk),
        "offset": offset,
        "total": len(items),
    }


def page(
    rt: Runtime, key: str, items: list[Doc], render: Callable[[Doc], Doc], default: Doc
) -> Response:
    """A list answer: ``{key: [...], count, offset, total, success}``."""
    return ok(**page_body(rt, key, items, render, default))


def target_user(rt: Runtime, args: Doc) -> Doc:
    """The ``userId``/``username`` param's user (``getUserFromParams``)."""
    user_id, username = text_param(args.get("userId")), text_param(args.get("username"))
    if user_id is None and username is None:
        raise errors.meteor_error(errors.MISSING_USER_PARAM, errors.USER_PARAM_NOT_PROVIDED)
    found = (
        rt.store.get("users", user_id)
        if user_id
        else rt.store.find_one("users", "username", username.lower())
    )
    if found is None:
        raise errors.meteor_error(errors.INVALID_USER, errors.USER_PARAM_NO_MATCH)
    return found


def target_users(rt: Runtime, args: Doc) -> list[Doc]:
    """``getUserListFromParams``: ``userIds``/``usernames`` arrays, else one user."""
    user_ids, usernames = args.get("userIds"), args.get("usernames")
    if isinstance(user_ids, list) and user_ids:
        found = [rt.store.get("users", u) for u in user_ids if isinstance(u, str)]
        return [u for u in found if u is not None]
    if isinstance(usernames, list) and usernames:
        found = [
            rt.store.find_one("users", "username", u.lower())
            for u in usernames
            if isinstance(u, str)
        ]
        return [u for u in found if u is not None]
    if not text_param(args.get("userId")) and not text_param(args.get("username")):
        raise errors.meteor_error(
            errors.USERS_PARAMS_NOT_PROVIDED,
            'Please provide "userId" or "username" or "userIds" or "usernames" as param',
        )
    return [target_user(rt, args)]


def visible_messages(rt: Runtime, room_id: str) -> list[Doc]:
    """The room's messages, newest first."""
    return list(reversed(rt.store.find("messages", "rid", room_id)))


# -- history and counters (shared with im.*) --------------------------------------------------


def history(rt: Runtime, room: Doc, user: Doc, args: Doc, legacy_paging: bool = False) -> Response:
    """``getChannelHistory``: newest first, between ``oldest`` and ``latest``.

    ``channels.history``/``im.history`` page with ``getPaginationItems`` and hide thread replies
    unless ``showThreadMessages=true``; ``groups.history`` (``legacy_paging``) defaults to 20
    messages and shows replies unless ``showThreadMessages=false``.
    """
    latest = parse_date(args.get("latest"))
    oldest = parse_date(args.get("oldest"))
    inclusive = str(args.get("inclusive", "")).lower() == "true"
    if legacy_paging:
        offset, count = inputs.offset_and_count(args, 20, infinite=True)
        show_threads = str(args.get("showThreadMessages", "")).lower() != "false"
    else:
        offset, count, _ = inputs.pagination(rt)
        show_threads = str(args.get("showThreadMessages", "")).lower() == "true"
    latest = rt.clock.now_ms() if latest is None else latest
    low = 0 if oldest is None else oldest

    def within(m: Doc) -> bool:
        if inclusive:
            return low <= m["ts"] <= latest
        return low < m["ts"] < latest

    candidates = [
        m
        for m in visible_messages(rt, room["_id"])
        if within(m) and (show_threads or not m.get("tmid") or m.get("tshow"))
    ]
    messages = page_slice(candidates, offset, count if count else None)
    body: Doc = {"messages": [wire.message(m) for m in messages]}
    if str(args.get("unreads", "")).lower() == "true":
        body["unreadNotLoaded"] = 0
        if oldest is not None and messages and messages[-1]["ts"] > oldest:
            first_loaded = messages[-1]["ts"]
            unread = [
                m
                for m in candidates
                if oldest < m["ts"] < first_loaded and m["u"]["_id"] != user["_id"]
            ]
            body["unreadNotLoaded"] = len(unread)
            if unread:
                body["firstUnread"] = wire.message(unread[-1])
    return ok(**body)


def counters(
    rt: Runtime, room: Doc, caller: Doc, args: Doc, denied: errors.RocketError
) -> Response:
    """``*.counters``: another user's counters (``userId``) need ``view-room-administration``."""
    admin = models.has_permission(rt, caller, "view-room-administration")
    user_id = caller["_id"]
    if text_param(args.get("userId")):
        if not admin:
            raise denied
        user_id = args["userId"]
    sub = models.subscription(rt, room["_id"], user_id)
    latest = room.get("lm") or room["_updatedAt"]
    body: Doc = {
        "joined": False,
        "members": None,
        "unreads": None,
        "unreadsFrom": None,
        "msgs": None,
        "latest": None,
        "userMentions": None,
    }
    if sub is not None and sub.get("open"):
        since = sub.get("ls") or sub["ts"]
        body["joined"] = True
        body["unreads"] = sum(
            1
            for m in rt.store.find("messages", "rid", room["_id"])
            if since < m["ts"] <= latest and not m.get("t")
        )
        body["unreadsFrom"] = wire.iso(since)
        body["userMentions"] = sub.get("userMentions", 0)
    if admin or body["joined"]:
        body["msgs"] = room["msgs"]
        body["latest"] = wire.iso(latest)
        body["members"] = room["usersCount"]
    return ok(**body)


def members_page(rt: Runtime, room: Doc, args: Doc) -> Response:
    users = [
        rt.store.get("users", s["u"]["_id"])
        for s in rt.store.find("subscriptions", "rid", room["_id"])
    ]
    users = [u for u in users if u is not None]
    status = args.get("status")
    if status:
        wanted = (
            status if isinstance(status, list) else request.args.getlist("status[]") or [status]
        )
        users = [u for u in users if u.get("status") in wanted]
    term = (args.get("filter") or "").lower()
    if term:
        users = [
            u
            for u in users
            if term in u["username"].lower() or term in (u.get("name") or "").lower()
        ]
    return page(rt, "members", users, wire.member, {"username": 1})


def files_page(rt: Runtime, room: Doc) -> Response:
    uploads = [u for u in rt.store.find("uploads", "rid", room["_id"]) if u.get("complete", True)]

    def render(doc: Doc) -> Doc:
        return wire.upload(doc, rt.store.get("users", doc.get("userId")))

    return page(rt, "files", uploads, render, {"name": 1})


def messages_page(rt: Runtime, room: Doc, args: Doc) -> Response:
    """``channels.messages``-style list: all messages, with optional filters."""
    found = rt.store.find("messages", "rid", room["_id"])
    mention_ids = _json_list(args.get("mentionIds"))
    starred_ids = _json_list(args.get("starredIds"))
    if mention_ids:
        found = [m for m in found if {x["_id"] for x in m.get("mentions", [])} & set(mention_ids)]
    if starred_ids:
        found = [m for m in found if {x["_id"] for x in m.get("starred", [])} & set(starred_ids)]
    if truthy(args.get("pinned")):
        found = [m for m in found if m.get("pinned")]
    return page(rt, "messages", found, wire.message, {"ts": -1})


def _json_list(raw: Any) -> list[str]:
    """Ids given as a JSON array or a comma-separated string."""
    if isinstance(raw, list):
        return [x for x in raw if isinstance(x, str)]
    if not isinstance(raw, str) or not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return [part.strip() for part in raw.split(",") if part.strip()]
    return [x for x in value if isinstance(x, str)] if isinstance(value, list) else []
