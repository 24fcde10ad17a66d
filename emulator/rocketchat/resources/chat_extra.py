"""``chat.reportMessage`` (feeding the moderation console) and ``chat.getURLPreview``
(``v1/chat.ts``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response

from .. import auth, errors, inputs, models
from ._rooms_common import ok, params

blueprint = Blueprint("rc_chat_extra", __name__, url_prefix="/api/v1")


@blueprint.post("/chat.reportMessage")
def report_message() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    for key in ("messageId", "description"):
        if not isinstance(args.get(key), str):
            raise errors.invalid_params(f"must have required property '{key}'")
    try:
        models.report_message(rt, user, args["messageId"], args["description"])
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()


@blueprint.get("/chat.getURLPreview")
def url_preview() -> Response:
    """``OEmbed.parseUrl`` without its fetch: the emulator reaches no outside host, so every
    URL answers as one whose page gave no metadata (``meta`` and ``headers`` empty)."""
    rt, user = auth.runtime_and_user()
    args = params()
    for key in ("roomId", "url"):
        if not isinstance(args.get(key), str) or not args[key]:
            raise errors.invalid_params(f"must have required property '{key}'")
    room = rt.store.get("rooms", args["roomId"])
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.plain("Not allowed")
    url = args["url"]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a malformed host or a port that is no number: nothing to parse
        port, parts = None, urlsplit("")
    if not parts.scheme or not parts.netloc:
        return ok(urlPreview={"url": url, "meta": {}, "headers": {}, "ignoreParse": True})
    parsed = {
        "host": parts.netloc,
        "hash": f"#{parts.fragment}" if parts.fragment else None,
        "pathname": parts.path or "/",
        "protocol": f"{parts.scheme}:",
        "port": str(port) if port else None,
        "query": parts.query or None,
        "search": f"?{parts.query}" if parts.query else None,
        "hostname": parts.hostname,
    }
    preview = {"url": url, "meta": {}, "headers": {}, "parsedUrl": parsed, "ignoreParse": True}
    return ok(urlPreview=preview)
