"""Calendar events (``v1/calendar.ts``): each user's own events, as records."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from ...core.runtime import Runtime
from .. import ajv, auth, errors, inputs, wire
from ..models import calendar
from ._rooms_common import ok, parse_date

blueprint = Blueprint("rc_calendar", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]

_EVENT = {
    "startTime": "string",
    "endTime": "string?",
    "externalId": "string?",
    "subject": "string",
    "description": "string",
    "meetingUrl": "string?",
    "reminderMinutesBeforeStart": "number?",
    "busy": "boolean?",
}
_UPDATE = {"eventId": "string", **{k: v for k, v in _EVENT.items() if k != "externalId"}}


def _times(args: Doc) -> Doc:
    """``new Date(startTime)``: an unparsable date is stored as Invalid Date upstream; the
    emulator refuses it with the body check's message instead of storing garbage."""
    out = dict(args)
    for key in ("startTime", "endTime"):
        if args.get(key):
            parsed = parse_date(args[key])
            if parsed is None:
                raise ajv.refusal(f'must match format "date-time" ({key})')
            out[key] = parsed
    return out


def _own_event(rt: Runtime, user: Doc, event_id: Any) -> Doc:
    event = rt.store.get("calendar_events", event_id) if isinstance(event_id, str) else None
    if event is None or event["uid"] != user["_id"]:
        raise errors.plain(errors.INVALID_CALENDAR_EVENT)
    return event


@blueprint.get("/calendar-events.list")
def calendar_list() -> Response:
    args = ajv.check(request.args.to_dict(), {"date": "string"}, ("date",), source=ajv.QUERY)
    date = parse_date(args["date"])
    if date is None:
        raise ajv.refusal('must match format "date-time"', ajv.QUERY)
    rt, user = auth.runtime_and_user()
    return ok(data=[wire.rest_dates(e) for e in calendar.events_on(rt, user["_id"], date)])


@blueprint.get("/calendar-events.info")
def calendar_info() -> Response:
    args = ajv.check(request.args.to_dict(), {"id": "string"}, ("id",), source=ajv.QUERY)
    rt, user = auth.runtime_and_user()
    event = rt.store.get("calendar_events", args["id"])
    if event is None or event["uid"] != user["_id"]:
        raise errors.RocketError(400, {"success": False})
    return ok(event=wire.rest_dates(event))


@blueprint.post("/calendar-events.create")
def calendar_create() -> Response:
    args = _times(ajv.check(inputs.body(), _EVENT, ("startTime", "subject", "description")))
    rt, user = auth.runtime_and_user()
    return ok(id=calendar.create_event(rt, user["_id"], args)["_id"])


@blueprint.post("/calendar-events.import")
def calendar_import() -> Response:
    required = ("startTime", "externalId", "subject", "description")
    args = _times(ajv.check(inputs.body(), _EVENT, required))
    rt, user = auth.runtime_and_user()
    return ok(id=calendar.import_event(rt, user["_id"], args)["_id"])


@blueprint.post("/calendar-events.update")
def calendar_update() -> Response:
    required = ("eventId", "startTime", "subject", "description")
    args = _times(ajv.check(inputs.body(), _UPDATE, required))
    rt, user = auth.runtime_and_user()
    calendar.update_event(rt, _own_event(rt, user, args["eventId"]), args)
    return ok()


@blueprint.post("/calendar-events.delete")
def calendar_delete() -> Response:
    args = ajv.check(inputs.body(), {"eventId": "string"}, ("eventId",))
    rt, user = auth.runtime_and_user()
    calendar.delete_event(rt, _own_event(rt, user, args["eventId"]))
    return ok()
