"""Video conferences (``v1/videoConference.ts``) on a Community server with no conference-call
app installed: no provider, so starting (or asking for capabilities) is refused with the
diagnosis ``no-videoconf-provider-app`` (and, for a start, the ephemeral message explaining
it); stored calls (``video_conferences``) are listed and shown to those who may see the room."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from ...core.runtime import Runtime
from .. import ajv, auth, errors, inputs, models, wire
from ..models import slash_commands
from ..models.messages import check_sendable
from ._rooms_common import ok

blueprint = Blueprint("rc_video_conference", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]
NO_APP = errors.VIDEOCONF_NO_PROVIDER_APP

# en.i18n.json: an admin is told where the apps are, other users whom to ask.
_DIAGNOSIS = {
    True: "**Conference call not enabled**: Conference call apps are available in the "
    "Rocket.Chat marketplace.",
    False: "**Conference call not available**: Conference call apps can be installed in the "
    "Rocket.Chat marketplace by a workspace admin.",
}


def _accessible_call(rt: Runtime, user: Doc, call_id: str) -> Doc:
    """The call, when its room is one the caller can access; else the bare ``invalid-params``
    failure the routes answer."""
    call = rt.store.get("video_conferences", call_id)
    room = rt.store.get("rooms", call["rid"]) if call else None
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.plain(errors.INVALID_PARAMS)
    return call


@blueprint.post("/video-conference.start")
def start() -> Response:
    args = ajv.check(
        inputs.body(),
        {"roomId": "string", "title": "string?", "allowRinging": "boolean?"},
        ("roomId",),
    )
    rt, user = auth.runtime_and_user()
    room_id = args["roomId"]
    if not models.has_permission(rt, user, "call-management", room_id):
        raise errors.forbidden("Not allowed")
    room = rt.store.get("rooms", room_id)
    try:
        check_sendable(rt, room, user, "")
    except models.SendRefused:
        raise errors.forbidden("Not allowed") from None
    is_admin = "admin" in user.get("roles", [])
    slash_commands.ephemeral(rt, user["_id"], room_id, _DIAGNOSIS[is_admin])
    raise errors.plain(NO_APP)


@blueprint.post("/video-conference.join")
def join() -> Response:
    args = ajv.check(inputs.body(), {"callId": "string", "state": "object?"}, ("callId",))
    rt, user = auth.runtime_and_user()
    call = _accessible_call(rt, user, args["callId"])
    slash_commands.ephemeral(rt, user["_id"], call["rid"], _DIAGNOSIS["admin" in user["roles"]])
    raise errors.plain(NO_APP)


@blueprint.post("/video-conference.cancel")
def cancel() -> Response:
    args = ajv.check(inputs.body(), {"callId": "string"}, ("callId",))
    rt, user = auth.runtime_and_user()
    call = _accessible_call(rt, user, args["callId"])
    if call.get("status") in (0, 1):  # calling or started: ``VideoConf.cancel`` ends it
        rt.store.update(
            "video_conferences",
            call["_id"],
            {"status": 3, "endedAt": rt.clock.now_ms(), "endedBy": wire.user_ref(user)},
        )
    return ok()


@blueprint.get("/video-conference.info")
def info() -> Response:
    query = request.args.to_dict()
    args = ajv.check(query, {"callId": "string"}, ("callId",), source=ajv.QUERY)
    rt, user = auth.runtime_and_user()
    call = _accessible_call(rt, user, args["callId"])
    return ok(**wire.rest_dates(call), capabilities={})


@blueprint.get("/video-conference.list")
def list_calls() -> Response:
    args = ajv.check(
        request.args.to_dict(),
        {"roomId": "string", "offset": "string", "count": "string"},
        ("roomId",),
        source=ajv.QUERY,
    )
    rt, user = auth.runtime_and_user()
    room = rt.store.get("rooms", args["roomId"])
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.plain(errors.INVALID_PARAMS)
    offset, limit, _ = inputs.pagination(rt)
    calls = sorted(
        rt.store.find("video_conferences", "rid", room["_id"]),
        key=lambda c: c["createdAt"],
        reverse=True,
    )
    page = calls[offset:] if limit is None else calls[offset : offset + limit]
    return ok(
        data=[wire.rest_dates(c) for c in page], count=len(page), offset=offset, total=len(calls)
    )


@blueprint.get("/video-conference.providers")
def providers() -> Response:
    auth.runtime_and_user()
    return ok(data=[])


@blueprint.get("/video-conference.capabilities")
def capabilities() -> Response:
    auth.runtime_and_user()
    raise errors.plain(NO_APP)


@blueprint.post("/video-conference/jitsi.update-timeout")
def jitsi_update_timeout() -> Response:
    """Served by the Jitsi app once installed; with no apps the route does not exist."""
    raise errors.for_status(404)
