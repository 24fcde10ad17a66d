"""The moderation console: ``moderation.*`` (``v1/moderation.ts``) over the reports that
``chat.reportMessage`` and ``moderation.reportUser`` file."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response

from ...core.pagination import page_slice
from ...core.runtime import Runtime
from .. import auth, errors, inputs, models, wire
from ._rooms_common import ok, params, parse_date, sorted_by, text_param

blueprint = Blueprint("rc_moderation", __name__, url_prefix="/api/v1")

Doc = dict


def _caller(permission: str) -> tuple[Runtime, Doc]:
    """The route's ``permissionsRequired``: 403 without it."""
    rt, user = auth.runtime_and_user()
    if not models.has_permission(rt, user, permission):
        raise errors.forbidden()
    return rt, user


def _range(args: Doc) -> tuple[int, int]:
    latest = parse_date(args.get("latest"))
    return (latest if latest is not None else 2**53), parse_date(args.get("oldest")) or 0


def _selector(args: Doc) -> str:
    selector = args.get("selector")
    return selector if isinstance(selector, str) else ""


def _paged(rt: Runtime, key: str, items: list[Doc], default: Doc, default_count: int) -> Doc:
    """One page of ``items`` (``count`` defaulting as the route does)."""
    offset, count, sort = inputs.pagination(rt)
    if params().get("count") in (None, ""):
        count = default_count
    chunk = page_slice(sorted_by(items, sort, default), offset, count)
    return {key: [wire.rest_dates(d) for d in chunk], "offset": offset, "total": len(items)}


def _existing_user(rt: Runtime, user_id: object) -> Doc:
    user = rt.store.get("users", user_id) if isinstance(user_id, str) else None
    if user is None:
        raise errors.plain(errors.INVALID_USER)
    return user


def _required(args: Doc, key: str) -> str:
    value = args.get(key)
    if not isinstance(value, str) or not value:
        raise errors.invalid_params(f"must have required property '{key}'")
    return value


def _grouped_reports(group: Callable[..., list[Doc]]) -> Response:
    """The console's report lists, grouped by ``group``, in a date range, newest first."""
    rt, _ = _caller("view-moderation-console")
    args = params()
    latest, oldest = _range(args)
    found = group(rt, latest, oldest, _selector(args))
    body = _paged(rt, "reports", found, {"ts": -1}, 20)
    return ok(**body, count=len(body["reports"]))


@blueprint.get("/moderation.reportsByUsers")
def reports_by_users() -> Response:
    return _grouped_reports(models.reports_by_users)


@blueprint.get("/moderation.userReports")
def user_reports() -> Response:
    return _grouped_reports(models.user_reports)


@blueprint.get("/moderation.user.reportedMessages")
def user_reported_messages() -> Response:
    rt, _ = _caller("view-moderation-console")
    args = params()
    user = _existing_user(rt, _required(args, "userId"))
    term = _selector(args).lower()
    found = [
        r
        for r in models.open_reports(rt, "message")
        if r["message"]["u"]["_id"] == user["_id"]
        and (not term or term in (r["message"].get("msg") or "").lower())
    ]
    body = _paged(rt, "messages", found, {"ts": -1}, 50)
    count = len(body["messages"])
    unique: list[Doc] = []
    for report in body["messages"]:  # one entry per message, as upstream dedupes the page
        if all(u["message"]["_id"] != report["message"]["_id"] for u in unique):
            unique.append({k: report[k] for k in ("_id", "message", "ts", "room")})
    return ok(messages=unique, count=count, total=body["total"], offset=body["offset"])


@blueprint.get("/moderation.user.reportsByUserId")
def reports_by_user_id() -> Response:
    rt, _ = _caller("view-moderation-console")
    args = params()
    user = _existing_user(rt, _required(args, "userId"))
    term = _selector(args).lower()
    found = [
        r
        for r in models.open_reports(rt, "user")
        if r["reportedUser"]["_id"] == user["_id"]
        and (not term or term in r.get("description", "").lower())
    ]
    body = _paged(rt, "reports", found, {"ts": -1}, 50)
    fields = ("_id", "username", "name", "createdAt", "emails", "active", "roles")
    brief = wire.rest_dates({k: user[k] for k in fields if k in user})
    return ok(user=brief, **body, count=len(body["reports"]))


@blueprint.get("/moderation.reports")
def reports_of_message() -> Response:
    rt, _ = _caller("view-moderation-console")
    args = params()
    message_id = _required(args, "msgId")
    term = _selector(args).lower()
    found = [
        r
        for r in models.open_reports(rt, "message")
        if r["message"]["_id"] == message_id
        and (
            not term
            or term in r.get("description", "").lower()
            or term in (r["reportedBy"].get("username") or "").lower()
        )
    ]
    body = _paged(rt, "reports", found, {"ts": -1}, 50)
    return ok(**body, count=len(body["reports"]))


@blueprint.get("/moderation.reportInfo")
def report_info() -> Response:
    rt, _ = _caller("view-moderation-console")
    report = rt.store.get("moderation_reports", _required(params(), "reportId"))
    if report is None:
        raise errors.plain(errors.REPORT_NOT_FOUND)
    return ok(report=wire.rest_dates(report))


@blueprint.post("/moderation.reportUser")
def report_user() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    user_id, description = _required(args, "userId"), _required(args, "description")
    reported = rt.store.get("users", user_id)
    if reported is None:
        raise errors.plain(errors.INVALID_USER_ID_PROVIDED)
    report = models.report_user(rt, user, reported, description)
    # the insert's result, as ``ModerationReports.createWithDescriptionAndUser`` returns it
    return ok(acknowledged=True, insertedId=report["_id"])


@blueprint.post("/moderation.dismissReports")
def dismiss_reports() -> Response:
    rt, user = _caller("manage-moderation-actions")
    args = inputs.body()
    user_id, message_id = text_param(args.get("userId")), text_param(args.get("msgId"))
    if user_id is None and message_id is None:
        raise errors.invalid_params(
            "must have required property 'userId'\n must have required property 'msgId'\n"
            " must match exactly one schema in oneOf"
        )
    try:
        models.dismiss_reports(
            rt, user, user_id, message_id, args.get("reason"), args.get("action")
        )
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()


@blueprint.post("/moderation.dismissUserReports")
def dismiss_user_reports() -> Response:
    rt, user = _caller("manage-moderation-actions")
    args = inputs.body()
    user_id = _required(args, "userId")
    try:
        models.dismiss_user_reports(rt, user, user_id, args.get("reason"), args.get("action"))
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()


@blueprint.post("/moderation.user.deleteReportedMessages")
def delete_reported_messages() -> Response:
    rt, user = _caller("manage-moderation-actions")
    args = inputs.body()
    target = _existing_user(rt, _required(args, "userId"))
    try:
        models.delete_reported_messages(rt, user, target["_id"], args.get("reason"))
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()
