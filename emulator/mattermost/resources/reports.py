"""``api4/report.go``: the user report and its count (see ``models/reports.py``). The CSV
export needs a licence (``resources/licensed.py``)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from .. import authentication, errors, permissions
from ..models import reports
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
