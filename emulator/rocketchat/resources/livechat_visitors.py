"""Omnichannel visitors (``livechat/v1/visitor.ts``, ``imports/server/rest/visitors.ts``,
``v1/customField.ts``, ``v1/pageVisited.ts``): the widget registers by token, agents look
visitors up."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...core.runtime import runtime
from .. import auth, errors, inputs, models, wire
from ..models import livechat, livechat_messages, livechat_rooms
from . import _livechat
from ._livechat import Doc
from ._rooms_common import ok, page

blueprint = Blueprint("rc_livechat_visitors", __name__, url_prefix="/api/v1/livechat")


def _match_error(message: str) -> errors.RocketError:
    # a failed ``check()``: a Match.Error, answered as a plain failure
    return errors.plain(f"Match error: {message}")


@blueprint.post("/visitor")
def register_visitor() -> Response:
    rt = runtime()
    params = inputs.body()
    visitor = params.get("visitor")
    if not isinstance(visitor, dict):
        raise _match_error("Missing key 'visitor'")
    if not isinstance(visitor.get("token"), str):
        raise _match_error("Expected string, got undefined in field visitor.token")
    for name in ("name", "email", "department", "phone", "username"):
        if visitor.get(name) is not None and not isinstance(visitor[name], str):
            raise _match_error(
                f"Expected string, got {models.js_type(visitor[name])} in field visitor.{name}"
            )
    custom = visitor.get("customFields")
    if custom is not None and (
        not isinstance(custom, list)
        or not all(
            isinstance(f, dict)
            and isinstance(f.get("key"), str)
            and isinstance(f.get("value"), str)
            and isinstance(f.get("overwrite"), bool)
            for f in custom
        )
    ):
        raise _match_error(
            "Failed Match.OneOf, Match.Maybe or Match.Optional validation"
            " in field visitor.customFields"
        )
    try:
        saved = livechat.register_visitor(
            rt,
            token=visitor["token"],
            name=visitor.get("name"),
            email=visitor.get("email"),
            department=visitor.get("department"),
            phone=visitor.get("phone"),
            username=visitor.get("username"),
            connection_data={"httpHeaders": dict(request.headers)},
        )
        livechat_rooms.sync_visitor_rooms(rt, saved)
        known = livechat.visitor_field_ids(rt)
        # unknown keys are skipped: upstream only logs them
        wanted = [f for f in custom or [] if f["key"] in known]
        livechat.set_visitor_custom_fields(rt, saved["token"], wanted)
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok(visitor=wire.rest_dates(rt.store.get("livechat_visitors", saved["_id"])))


@blueprint.get("/visitor/<token>")
def get_visitor(token: str) -> Response:
    rt = runtime()
    visitor = livechat.find_visitor(rt, token)
    if visitor is None:
        raise errors.meteor_error(errors.BARE_INVALID_TOKEN)
    return ok(visitor=wire.rest_dates(visitor))


@blueprint.delete("/visitor/<token>")
def delete_visitor(token: str) -> Response:
    rt = runtime()
    if livechat.find_visitor(rt, token) is None:
        raise errors.meteor_error(errors.BARE_INVALID_TOKEN)
    try:
        removed = livechat.remove_visitor(rt, token)
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok(visitor={"_id": removed["_id"], "ts": wire.iso(rt.clock.now_ms())})


@blueprint.get("/visitor/<token>/room")
def visitor_rooms(token: str) -> Response:
    rt = runtime()
    auth.require_permission("view-livechat-manager")
    fields = ("_id", "name", "t", "cl", "u", "usernames", "servedBy")
    found = [
        {k: r[k] for k in fields if k in r}
        for r in livechat_rooms.livechat_rooms(rt)
        if r["v"]["token"] == token and r.get("open")
    ]
    return ok(rooms=[wire.rest_dates(r) for r in found])


@blueprint.get("/visitors.info")
def visitor_info() -> Response:
    rt = runtime()
    auth.require_permission("view-l-room")
    visitor_id = request.args.get("visitorId")
    if not visitor_id:
        raise _livechat.ajv("must have required property 'visitorId'")
    visitor = rt.store.get("livechat_visitors", visitor_id)
    if visitor is None:
        raise errors.plain(errors.VISITOR_NOT_FOUND)
    return ok(visitor=wire.rest_dates(visitor))


def _visitor_matches(visitor: Doc, term: str) -> bool:
    needle = term.lower()
    values = [visitor.get("name"), visitor.get("username")]
    values += [e.get("address") for e in visitor.get("visitorEmails", [])]
    values += [p.get("phoneNumber") for p in visitor.get("phone", [])]
    return any(needle in (v or "").lower() for v in values)


@blueprint.get("/visitors.search")
def search_visitors() -> Response:
    rt = runtime()
    auth.require_permission("view-l-room")
    term = request.args.get("term") or ""
    found = [v for v in rt.store.all("livechat_visitors") if not term or _visitor_matches(v, term)]
    return page(rt, "visitors", found, wire.rest_dates, {"ts": -1})


@blueprint.get("/visitors.autocomplete")
def autocomplete_visitors() -> Response:
    rt = runtime()
    auth.require_permission("view-l-room")
    raw = request.args.get("selector")
    if not raw:
        raise _livechat.ajv("must have required property 'selector'")
    selector = _livechat.json_object(raw)
    term = selector.get("term") or ""
    found = [v for v in rt.store.all("livechat_visitors") if not term or _visitor_matches(v, term)]
    items = [
        {
            "_id": v["_id"],
            "name": v.get("name"),
            "username": v["username"],
            "custom_name": v.get("name") or v["username"],
        }
        for v in sorted(found, key=lambda v: v["username"])
    ]
    return ok(items=items[:10])


@blueprint.get("/visitors.pagesVisited/<room_id>")
def pages_visited(room_id: str) -> Response:
    rt = runtime()
    auth.require_permission("view-l-room")
    room = rt.store.get("rooms", room_id)
    if room is None or room["t"] != "l":
        raise errors.plain(errors.BARE_INVALID_ROOM)
    found = [
        m
        for m in rt.store.find("messages", "rid", room_id)
        if m.get("t") == "livechat_navigation_history"
    ]
    return page(rt, "pages", found, wire.rest_dates, {"ts": -1})


def _visitor_rooms(rt, visitor_id: str, room_id: str, user: Doc) -> list[Doc]:
    room = rt.store.get("rooms", room_id)
    if room is None or room["t"] != "l" or not livechat_rooms.can_access(rt, room, user):
        raise errors.plain(errors.BARE_INVALID_ROOM)
    return [
        r
        for r in livechat_rooms.livechat_rooms(rt)
        if r["v"]["_id"] == visitor_id and not r.get("open")
    ]


@blueprint.get("/visitors.chatHistory/room/<room_id>/visitor/<visitor_id>")
def chat_history(room_id: str, visitor_id: str) -> Response:
    rt, user = auth.runtime_and_user()
    auth.require_permission("view-l-room")
    found = _visitor_rooms(rt, visitor_id, room_id, user)
    return page(rt, "history", found, wire.rest_dates, {"_updatedAt": -1})


@blueprint.get("/visitors.searchChats/room/<room_id>/visitor/<visitor_id>")
def search_chats(room_id: str, visitor_id: str) -> Response:
    rt, user = auth.runtime_and_user()
    auth.require_permission("view-l-room")
    found = _visitor_rooms(rt, visitor_id, room_id, user)
    text = request.args.get("searchText")
    closed = request.args.get("closedChatsOnly")
    served = request.args.get("servedChatsOnly")
    if text:
        found = [r for r in found if text.lower() in (r.get("fname") or "").lower()]
    if closed == "true":
        found = [r for r in found if not r.get("open")]
    if served == "true":
        found = [r for r in found if r.get("servedBy")]
    return page(rt, "history", found, wire.rest_dates, {"_updatedAt": -1})


@blueprint.post("/visitor.status")
@blueprint.post("/visitors.status")
def visitor_status() -> Response:
    rt = runtime()
    params = inputs.body()
    token, status = params.get("token"), params.get("status")
    if not isinstance(token, str) or not isinstance(status, str):
        raise _match_error(
            "Expected string, got undefined in field "
            + ("status" if isinstance(token, str) else "token")
        )
    visitor = _livechat.visitor(rt, token)
    livechat.set_visitor_status(rt, visitor, status)
    return ok(token=token, status=status)


@blueprint.post("/custom.field")
def custom_field() -> Response:
    rt = runtime()
    params = _livechat.checked(
        inputs.body(), {"token": str, "key": str, "value": str, "overwrite": bool}
    )
    _livechat.visitor(rt, params["token"])
    field = {"key": params["key"], "value": params["value"], "overwrite": params["overwrite"]}
    try:
        livechat.set_visitor_custom_fields(rt, params["token"], [field])
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok(field=field)


@blueprint.post("/custom.fields")
def custom_fields() -> Response:
    rt = runtime()
    params = _livechat.checked(inputs.body(), {"token": str, "customFields": list})
    schema = {"key": str, "value": str, "overwrite": bool}
    values = [
        _livechat.checked(f if isinstance(f, dict) else {}, schema) for f in params["customFields"]
    ]
    _livechat.visitor(rt, params["token"])
    try:
        saved = livechat.set_visitor_custom_fields(rt, params["token"], values)
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    fields = [{"Key": v["key"], "value": v["value"], "overwrite": v["overwrite"]} for v in saved]
    return ok(fields=fields)


@blueprint.post("/page.visited")
def page_visited() -> Response:
    rt = runtime()
    params = _livechat.checked(inputs.body(), {"token": str, "pageInfo": dict}, {"rid": str})
    page_info = _livechat.checked(
        params["pageInfo"], {"change": str, "title": str, "location": dict}
    )
    _livechat.checked(page_info["location"], {"href": str})
    message = livechat_messages.record_page_view(
        rt, params["token"], params.get("rid"), params["pageInfo"]
    )
    if message is None:
        return ok()
    return ok(page={"msg": message["msg"], "navigation": message["navigation"]})
