"""``api4/report.go``: the user report and its count (see ``models/reports.py``). The CSV
export needs a licence (``resources/licensed.py``)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ...core.ids import is_mattermost_id
from .. import authentication, errors, inputs, models, permissions, wire
from ..models import reports
from .channels import load_channel
from .users import present

blueprint = Blueprint("mm_reports", __name__, url_prefix="/api/v4")


def user_filter() -> reports.UserReportFilter:
    """``fillUserReportOptions``, shared with the export."""
    args = request.args
    flt = reports.UserReportFilter(
        team=args.get("team_filter", ""),
        role=args.get("role_filter", ""),
        has_no_team=args.get("has_no_team") == "true",
        hide_active=args.get("hide_active") == "true",
        hide_inactive=args.get("hide_inactive") == "true",
        search_term=args.get("search_term", ""),
    )
    reports.check_filter(flt.team, flt.hide_active, flt.hide_inactive)
    return flt


def _page() -> reports.Page:
    """``fillReportingBaseOptions``: a page size that is no integer keeps the default."""
    args = request.args
    try:
        page_size = int(args.get("page_size", ""))
    except ValueError:
        page_size = 50
    return reports.Page(
        sort_column=args.get("sort_column") or "Username",
        sort_desc=args.get("sort_direction") == "desc",
        previous=args.get("direction") == "prev",
        page_size=page_size,
        from_column_value=args.get("from_column_value", ""),
        from_id=args.get("from_id", ""),
        date_range=args.get("date_range", ""),
    )


@blueprint.get("/reports/users")
def get_users_for_reporting() -> Response:
    rt, viewer = authentication.caller()
    permissions.require_system(viewer, "sysconsole_read_user_management_users")
    page = _page()
    flt = user_filter()
    if not 0 < page.page_size <= reports.PAGE_SIZE_MAX:
        raise errors.bad_request(errors.REPORT_INVALID_PAGE_SIZE)
    rows = reports.users_for_reporting(rt, flt, page)
    return jsonify([{**present(rt, viewer, user), **stats} for user, stats in rows])


@blueprint.get("/reports/users/count")
def get_user_count_for_reporting() -> Response:
    rt, viewer = authentication.caller()
    permissions.require_system(viewer, "sysconsole_read_user_management_users")
    return jsonify(reports.user_count(rt, user_filter()))


_POST_REPORT_FIELDS = {
    "channel_id": str,
    "cursor": str,
    "start_time": int,
    "time_field": str,
    "sort_direction": str,
    "per_page": int,
    "include_deleted": bool,
    "exclude_system_posts": bool,
    "include_metadata": bool,
}


@blueprint.post("/reports/posts")
def get_posts_for_reporting() -> Response:
    rt, viewer = authentication.caller()
    permissions.require_system(viewer, "manage_system")
    body = {} if inputs.body_is_json_null() else inputs.json_object("body")
    inputs.check_types(body, _POST_REPORT_FIELDS, "body")
    channel_id = body.get("channel_id") or ""
    if not is_mattermost_id(channel_id):
        raise errors.invalid_body_param("channel_id")
    load_channel(rt, channel_id)
    time_field = body.get("time_field") or "create_at"
    if time_field not in ("create_at", "update_at"):
        raise errors.invalid_body_param("time_field")
    direction = body.get("sort_direction") or "asc"
    if direction not in ("asc", "desc"):
        raise errors.invalid_body_param("sort_direction")
    per_page = body.get("per_page") or 0
    per_page = 100 if per_page <= 0 else per_page
    if per_page > reports.POSTS_PER_PAGE_MAX:
        raise errors.bad_request(
            errors.REPORT_POSTS_INVALID_PER_PAGE,
            f"Maximum per_page is {reports.POSTS_PER_PAGE_MAX}",
        )
    if body.get("cursor"):
        # The cursor carries every query parameter; the body's are ignored.
        query = reports.decode_post_cursor(body["cursor"])
    else:
        start = body.get("start_time") or 0
        default_start = 0 if direction == "asc" else reports.INT64_MAX
        query = reports.PostQuery(
            channel_id=channel_id,
            time_field=time_field,
            sort_direction=direction,
            include_deleted=bool(body.get("include_deleted")),
            exclude_system_posts=bool(body.get("exclude_system_posts")),
            cursor_time=start if start > 0 else default_start,
        )
    posts, next_cursor = reports.posts_for_reporting(rt, query, per_page)
    if body.get("include_metadata"):
        rendered = [wire.post_with_metadata(p, models.post_metadata(rt, p)) for p in posts]
    else:
        rendered = [wire.post(p) for p in posts]
    answer: dict = {"posts": rendered}
    if next_cursor:
        answer["next_cursor"] = {"cursor": next_cursor}
    return jsonify(answer)
