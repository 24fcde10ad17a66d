"""Messages: ``chat.*`` (``v1/chat.ts``, ``processWebhookMessage``, ``sendMessage``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response

from ...core.runtime import Runtime
from .. import auth, errors, inputs, models, wire
from ._rooms_common import ok, page, params, parse_date, sorted_by, text_param, truthy

blueprint = Blueprint("rc_chat", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]

STRING_FIELDS = ("_id", "msg", "text", "alias", "emoji", "tmid", "avatar")


# -- shared checks ----------------------------------------------------------------------------


def _check_size(rt: Runtime, text: str) -> None:
    """``chat.postMessage`` checks the size before anything else, with a bare code."""
    if models.exceeds_max_size(rt, text):
        raise errors.plain(errors.MESSAGE_SIZE_EXCEEDED)


def _validate_fields(rt: Runtime, user: Doc, fields: Doc) -> Callable[[Doc], None]:
    """``validateMessage``, run by ``executeSendMessage`` once the room is known sendable."""

    def validate(room: Doc) -> None:
        for key in STRING_FIELDS:
            if key in fields and fields[key] is not None and not isinstance(fields[key], str):
                raise errors.plain(
                    f"Match error: Expected string, got {type(fields[key]).__name__}"
                )
        attachments = fields.get("attachments")
        if attachments is not None and (
            not isinstance(attachments, list) or not all(isinstance(a, dict) for a in attachments)
        ):
            raise errors.plain("Match error: Expected array of objects in field attachments")
        if (fields.get("alias") or fields.get("avatar")) and not models.has_permission(
            rt, user, "message-impersonate", room["_id"]
        ):
            raise errors.plain(errors.NOT_ENOUGH_PERMISSION)

    return validate


def _send(rt: Runtime, user: Doc, room: Doc | None, text: str, fields: Doc, msg: Doc) -> Doc:
    try:
        return models.execute_send_message(
            rt,
            user,
            room,
            text,
            tmid=msg.get("tmid"),
            message_id=msg.get("_id") or None,
            extra=fields,
            validate=_validate_fields(rt, user, fields),
        )
    except models.SendRefused as refused:
        raise errors.refused(refused) from None


def _resolve_channel(rt: Runtime, user: Doc, channel: str) -> Doc:
    """``processWebhookMessage``'s target: ``#name``, ``@username`` or a room id/name."""
    invalid = errors.meteor_error(errors.BARE_INVALID_CHANNEL)
    kind, value = channel[:1], channel[1:]
    if kind == "@":
        other = rt.store.find_one("users", "username", value.lower())
        if other is None:
            raise invalid
        try:
            return models.create_direct_message(rt, user, [other["username"]])
        except models.Refused as refused:
            raise errors.refused(refused) from None
    name = value if kind == "#" else channel
    room = rt.store.get("rooms", name) if kind != "#" else None
    room = room or rt.store.find_one("rooms", "name", name)
    if room is None:
        raise invalid
    if (
        room["t"] == "c"
        and models.subscription(rt, room["_id"], user["_id"]) is None
        and models.can_access_room(rt, room, user)
        and not room.get("archived")
    ):
        models.add_member(rt, room, user)
    return rt.store.get("rooms", room["_id"])


def _message_or_error(rt: Runtime, message_id: Any) -> Doc:
    if not text_param(message_id):
        raise errors.meteor_error(errors.MESSAGE_ID_PARAM_NOT_PROVIDED, errors.MESSAGE_ID_REQUIRED)
    message = rt.store.get("messages", message_id)
    if message is None:
        raise errors.meteor_error(errors.MISSING_MESSAGE, errors.MESSAGE_NOT_FOUND)
    return message


def _message_in_room(rt: Runtime, args: Doc, required: tuple[str, ...]) -> Doc:
    """``chat.update``/``chat.delete``: the ``msgId`` message, which must be in ``roomId``."""
    for key in required:
        if not isinstance(args.get(key), str):
            raise errors.invalid_params(f"must have required property '{key}'")
    message = rt.store.get("messages", args["msgId"])
    if message is None:
        raise errors.plain(f'No message found with the id of "{args["msgId"]}".')
    if message["rid"] != args["roomId"]:
        raise errors.plain("The room id provided does not match where the message is from.")
    return message


def _room_param(rt: Runtime, user: Doc, args: Doc, key: str = "roomId") -> Doc:
    """A ``roomId`` query parameter the caller may read (``chat.get*Messages``)."""
    room_id = text_param(args.get(key))
    if room_id is None:
        raise errors.meteor_error(
            errors.ROOM_ID_PARAM_NOT_PROVIDED, f'The required "{key}" query param is missing.'
        )
    room = rt.store.get("rooms", room_id)
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.not_allowed()
    return room


# -- posting ----------------------------------------------------------------------------------


@blueprint.post("/chat.postMessage")
def post_message() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    text = args.get("text") if args.get("text") is not None else args.get("msg", "")
    if not isinstance(text, str):
        raise errors.plain(f"Match error: Expected string, got {type(text).__name__}")
    _check_size(rt, text)
    attachments = args.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else []:
        if isinstance(attachment, dict) and isinstance(attachment.get("text"), str):
            _check_size(rt, attachment["text"])
    target = args.get("channel") or args.get("roomId")
    if isinstance(target, list):
        target = target[0] if target else None
    if not isinstance(target, str) or not target:
        raise errors.plain(errors.UNKNOWN_ERROR)
    room = _resolve_channel(rt, user, target)
    alias = args.get("alias") if args.get("alias") is not None else args.get("username", "")
    fields: Doc = {
        "alias": alias,
        "attachments": args.get("attachments") or [],
        "parseUrls": args.get("parseUrls", not args.get("attachments")),
        "groupable": args.get("groupable", False),
    }
    if args.get("avatar") or args.get("icon_url"):
        fields["avatar"] = args.get("avatar") or args.get("icon_url")
    elif args.get("emoji") or args.get("icon_emoji"):
        fields["emoji"] = args.get("emoji") or args.get("icon_emoji")
    if isinstance(args.get("customFields"), dict):
        fields["customFields"] = args["customFields"]
    message = _send(rt, user, room, text.strip(), fields, {"tmid": args.get("tmid")})
    return ok(ts=rt.clock.now_ms(), channel=target, message=wire.message(message))


@blueprint.post("/chat.sendMessage")
def send_message() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    msg = args.get("message")
    if not isinstance(msg, dict):
        raise errors.meteor_error(
            errors.ERROR_INVALID_PARAMS, 'The "message" parameter must be provided.'
        )
    if msg.get("t"):
        raise errors.plain("Cannot send system messages using 'chat.sendMessage'")
    inputs.required_text(msg, "rid", "The 'rid' property on the message object is missing.")
    for key in STRING_FIELDS:
        if msg.get(key) is not None and not isinstance(msg[key], str):
            raise errors.plain(f"Match error: Expected string, got {type(msg[key]).__name__}")
    text = msg.get("msg") or ""
    fields = {
        k: msg[k]
        for k in ("alias", "emoji", "avatar", "attachments", "customFields", "tshow", "blocks")
        if msg.get(k) is not None
    }
    message = _send(rt, user, rt.store.get("rooms", msg["rid"]), text, fields, msg)
    return ok(message=wire.message(message))


@blueprint.post("/chat.update")
def update() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    message = _message_in_room(rt, args, ("roomId", "msgId", "text"))
    try:
        fresh = models.edit_message(rt, message, args["text"], user)
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok(message=wire.message(fresh))


@blueprint.post("/chat.delete")
def delete() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    message = _message_in_room(rt, args, ("roomId", "msgId"))
    try:
        models.delete_message(rt, message, user, as_user=truthy(args.get("asUser")))
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok(
        _id=message["_id"],
        ts=str(rt.clock.now_ms()),
        message={"_id": message["_id"], "rid": message["rid"], "u": message["u"]},
    )


# -- single messages: read, react, pin, star, follow ------------------------------------------


@blueprint.get("/chat.getMessage")
def get_message() -> Response:
    rt, user = auth.runtime_and_user()
    msg_id = inputs.required_text(
        params(), "msgId", 'The "msgId" query parameter must be provided.'
    )
    message = rt.store.get("messages", msg_id)
    if message is None:
        raise errors.meteor_error(
            errors.INVALID_MESSAGE, "Invalid message", {"method": "getSingleMessage"}
        )
    room = rt.store.get("rooms", message["rid"])
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.not_allowed("getSingleMessage")
    return ok(message=wire.message(message))


@blueprint.post("/chat.react")
def react() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    message = _message_or_error(rt, args.get("messageId"))
    emoji = args.get("emoji") or args.get("reaction")
    if not isinstance(emoji, str) or not emoji.strip(":"):
        raise errors.meteor_error(
            errors.EMOJI_PARAM_NOT_PROVIDED, 'The required "emoji" param is missing.'
        )
    should = args.get("shouldReact")
    try:
        models.set_reaction(rt, message, user, emoji, None if should is None else truthy(should))
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()


@blueprint.post("/chat.pinMessage", defaults={"pin": True})
@blueprint.post("/chat.unPinMessage", defaults={"pin": False})
def pin_message(pin: bool) -> Response:
    rt, user = auth.runtime_and_user()
    message = _message_or_error(rt, inputs.body().get("messageId"))
    try:
        if not pin:
            models.unpin_message(rt, message, user)
            return ok()
        return ok(message=wire.message(models.pin_message(rt, message, user)))
    except models.Refused as refused:
        raise errors.refused(refused) from None


@blueprint.post("/chat.starMessage", defaults={"starred": True})
@blueprint.post("/chat.unStarMessage", defaults={"starred": False})
def star_message(starred: bool) -> Response:
    rt, user = auth.runtime_and_user()
    message = _message_or_error(rt, inputs.body().get("messageId"))
    try:
        models.star_message(rt, message, user, starred)
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()


@blueprint.post("/chat.followMessage", defaults={"follow": True})
@blueprint.post("/chat.unfollowMessage", defaults={"follow": False})
def follow_message(follow: bool) -> Response:
    rt, user = auth.runtime_and_user()
    mid = inputs.body().get("mid")
    missing = 'The required "mid" body param is missing.'
    if not text_param(mid):
        raise errors.failure(f"[{missing}]", missing)
    try:
        models.follow_message(rt, mid, user, follow)
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()


# -- lists ------------------------------------------------------------------------------------


@blueprint.get("/chat.search")
def search() -> Response:
    rt, user = auth.runtime_and_user()
    args = params()
    inputs.required_text(
        args,
        "roomId",
        'The required "roomId" query param is missing.',
        errors.ROOM_ID_PARAM_NOT_PROVIDED,
    )
    inputs.required_text(
        args,
        "searchText",
        'The required "searchText" query param is missing.',
        errors.SEARCH_TEXT_PARAM_NOT_PROVIDED,
    )
    room = rt.store.get("rooms", args["roomId"])
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.bare_failure()
    term = args["searchText"].lower()
    found = [
        m
        for m in reversed(rt.store.find("messages", "rid", room["_id"]))
        if not m.get("t") and term in m.get("msg", "").lower()
    ]
    offset, limit, _ = inputs.pagination(rt)
    chunk = found[offset : offset + limit] if limit else found[offset:]
    return ok(messages=[wire.message(m) for m in chunk])


@blueprint.get("/chat.getThreadMessages")
def thread_messages() -> Response:
    rt, user = auth.runtime_and_user()
    tmid = text_param(params().get("tmid"))
    if tmid is None:
        raise errors.meteor_error(
            errors.ERROR_INVALID_PARAMS, 'The required "tmid" query param is missing.'
        )
    if not models.setting(rt, "Threads_enabled"):
        raise errors.meteor_error(errors.NOT_ALLOWED, "Threads Disabled")
    parent = rt.store.get("messages", tmid)
    room = rt.store.get("rooms", parent["rid"]) if parent else None
    if parent is None or room is None:
        raise errors.meteor_error(errors.INVALID_MESSAGE, "Invalid Message")
    if not models.can_access_room(rt, room, user):
        raise errors.meteor_error(errors.NOT_ALLOWED, "Not Allowed")
    replies = rt.store.find("messages", "tmid", tmid)
    return page(rt, "messages", replies, wire.message, {"ts": 1})


@blueprint.get("/chat.getThreadsList")
def threads_list() -> Response:
    rt, user = auth.runtime_and_user()
    args = params()
    inputs.required_text(
        args, "rid", 'The required "rid" query param is missing.', errors.RID_PARAM_NOT_PROVIDED
    )
    if not models.setting(rt, "Threads_enabled"):
        raise errors.meteor_error(errors.NOT_ALLOWED, "Threads Disabled")
    room = rt.store.get("rooms", args["rid"])
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.meteor_error(errors.NOT_ALLOWED, "Not Allowed")
    threads = [m for m in rt.store.find("messages", "rid", room["_id"]) if m.get("tcount")]
    kind = args.get("type")
    if kind == "following":
        threads = [m for m in threads if user["_id"] in m.get("replies", [])]
    elif kind == "unread":
        sub = models.subscription(rt, room["_id"], user["_id"])
        unread = set((sub or {}).get("tunread", []))
        threads = [m for m in threads if m["_id"] in unread]
    term = (args.get("text") or "").lower()
    if term:
        threads = [m for m in threads if term in m.get("msg", "").lower()]
    return page(rt, "threads", threads, wire.message, {"tlm": -1})


def _filtered_page(predicate, plain_denial: bool = False) -> Response:
    """Pinned (``Not allowed [error-not-allowed]``), starred and mentioned messages (a plain
    ``error-not-allowed`` from ``findStarredMessages``/``findMentionedMessages``)."""
    rt, user = auth.runtime_and_user()
    args = params()
    if plain_denial and text_param(args.get("roomId")):
        room = rt.store.get("rooms", args["roomId"])
        if room is None or not models.can_access_room(rt, room, user):
            raise errors.plain(errors.NOT_ALLOWED)
    room = _room_param(rt, user, args)
    found = [m for m in rt.store.find("messages", "rid", room["_id"]) if predicate(m, user)]
    return page(rt, "messages", found, wire.message, {"ts": -1})


@blueprint.get("/chat.getPinnedMessages")
def pinned_messages() -> Response:
    return _filtered_page(lambda m, u: m.get("pinned") is True)


@blueprint.get("/chat.getStarredMessages")
def starred_messages() -> Response:
    return _filtered_page(
        lambda m, u: any(s["_id"] == u["_id"] for s in m.get("starred", [])), plain_denial=True
    )


@blueprint.get("/chat.getMentionedMessages")
def mentioned_messages() -> Response:
    return _filtered_page(
        lambda m, u: any(x["_id"] == u["_id"] for x in m.get("mentions", [])), plain_denial=True
    )


@blueprint.get("/chat.syncMessages")
def sync_messages() -> Response:
    rt, user = auth.runtime_and_user()
    args = params()
    room = _room_param(rt, user, args)
    inputs.required_text(
        args,
        "lastUpdate",
        'The required "lastUpdate" query param is missing.',
        errors.LAST_UPDATE_PARAM_NOT_PROVIDED,
    )
    since = parse_date(args["lastUpdate"])
    if since is None:
        raise errors.meteor_error(
            errors.ROOM_ID_PARAM_INVALID, 'The "lastUpdate" query parameter must be a valid date.'
        )
    updated = [
        m
        for m in reversed(rt.store.find("messages", "rid", room["_id"]))
        if m["_updatedAt"] > since
    ]
    deleted = [
        d for d in rt.store.find("trash", "message_rid", room["_id"]) if d["_deletedAt"] > since
    ]
    return ok(
        result={
            "updated": [wire.message(m) for m in updated],
            "deleted": [wire.trashed(d) for d in deleted],
        }
    )


@blueprint.get("/chat.getDeletedMessages")
def deleted_messages() -> Response:
    rt, user = auth.runtime_and_user()
    args = params()
    inputs.required_text(args, "roomId", 'The required "roomId" query param is missing.')
    inputs.required_text(args, "since", 'The required "since" query param is missing.')
    since = parse_date(args["since"])
    if since is None:
        raise errors.plain('The "since" query parameter must be a valid date.')
    room = _room_param(rt, user, args)
    deleted = [
        d for d in rt.store.find("trash", "message_rid", room["_id"]) if d["_deletedAt"] > since
    ]
    return page(rt, "messages", deleted, lambda d: {"_id": d["_id"]}, {"_deletedAt": -1})


@blueprint.get("/chat.ignoreUser")
def ignore_user() -> Response:
    rt, user = auth.runtime_and_user()
    args = params()
    inputs.required_text(
        args, "rid", 'The required "rid" param is missing.', errors.RID_PARAM_NOT_PROVIDED
    )
    inputs.required_text(
        args, "userId", 'The required "userId" param is missing.', errors.USER_ID_PARAM_NOT_PROVIDED
    )
    sub = models.subscription(rt, args["rid"], user["_id"])
    if sub is None:
        raise errors.meteor_error(
            errors.INVALID_SUBSCRIPTION, "Invalid subscription", {"method": "ignoreUser"}
        )
    if models.subscription(rt, args["rid"], args["userId"]) is None:
        raise errors.meteor_error(
            errors.INVALID_SUBSCRIPTION, "Invalid subscription", {"method": "ignoreUser"}
        )
    ignored = [u for u in sub.get("ignored", []) if u != args["userId"]]
    if truthy(args.get("ignore", "true")):
        ignored.append(args["userId"])
    models.update_subscription(rt, sub, {"ignored": ignored})
    return ok()


# -- thread sync and discussions (validateParams: ajv errors as "<message> [invalid-params]") ----


def _schema_checked(args: Doc, required: tuple[str, ...], allowed: tuple[str, ...]) -> Doc:
    for name in required:
        if name not in args:
            raise errors.invalid_params(f"must have required property '{name}'")
    if set(args) - set(required) - set(allowed):
        raise errors.invalid_params("must NOT have additional properties")
    for name in required:
        if name != "updatedSince" and not args[name]:
            raise errors.invalid_params("must NOT have fewer than 1 characters")
    return args


def _updated_since(rt: Runtime, args: Doc) -> int:
    if parse_date(args["updatedSince"]) is None or args["updatedSince"].isdigit():
        raise errors.invalid_params('must match format "iso-date-time"')
    if not models.setting(rt, "Threads_enabled"):
        raise errors.meteor_error(errors.NOT_ALLOWED, "Threads Disabled")
    return parse_date(args["updatedSince"]) or 0


def _sync_answer(rt: Runtime, key: str, updated: list[Doc], removed: list[Doc]) -> Response:
    # no pagination: every change since the date, in the caller's ``sort`` if any
    sort = inputs.pagination(rt)[2]
    updates = [wire.message(m) for m in sorted_by(updated, sort, {})]
    return ok(**{key: {"update": updates, "remove": [wire.trashed(d) for d in removed]}})


@blueprint.get("/chat.syncThreadsList")
def sync_threads_list() -> Response:
    rt, user = auth.runtime_and_user()
    args = _schema_checked(params(), ("rid", "updatedSince"), ())
    since = _updated_since(rt, args)
    room = rt.store.get("rooms", args["rid"])
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.meteor_error(errors.NOT_ALLOWED, "Not Allowed")
    threads = [m for m in rt.store.find("messages", "rid", room["_id"]) if "tcount" in m]
    removed = [
        d
        for d in rt.store.find("trash", "message_rid", room["_id"])
        if "tcount" in d and d["_deletedAt"] > since
    ]
    return _sync_answer(rt, "threads", [m for m in threads if m["_updatedAt"] > since], removed)


@blueprint.get("/chat.syncThreadMessages")
def sync_thread_messages() -> Response:
    rt, user = auth.runtime_and_user()
    args = _schema_checked(
        params(), ("tmid", "updatedSince"), ("count", "offset", "sort", "query", "fields")
    )
    since = _updated_since(rt, args)
    thread = rt.store.get("messages", args["tmid"])
    if thread is None:
        raise errors.meteor_error(errors.INVALID_MESSAGE, "Invalid Message")
    room = rt.store.get("rooms", thread["rid"])
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.meteor_error(errors.NOT_ALLOWED, "Not Allowed")
    replies = [
        m for m in rt.store.find("messages", "tmid", thread["_id"]) if m["_updatedAt"] > since
    ]
    removed = [
        d
        for d in rt.store.find("trash", "message_rid", room["_id"])
        if d.get("tmid") == thread["_id"] and d["_deletedAt"] > since
    ]
    return _sync_answer(rt, "messages", replies, removed)


@blueprint.get("/chat.getDiscussions")
def discussions() -> Response:
    """``findDiscussionsFromRoom``: discussion-starting messages of a readable room."""
    rt, user = auth.runtime_and_user()
    args = _schema_checked(params(), ("roomId",), ("text", "offset", "count", "sort"))
    room = rt.store.get("rooms", args["roomId"])
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.plain(errors.NOT_ALLOWED)
    term = (args.get("text") or "").lower()
    found = [
        m
        for m in rt.store.find("messages", "rid", room["_id"])
        if "drid" in m and term in m.get("msg", "").lower()
    ]
    return page(rt, "messages", found, wire.message, {"ts": -1})
