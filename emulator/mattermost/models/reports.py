"""The system console's user report (``GetUsersForReporting``, ``GetUserCountForReport``):
users filtered by team, role, activity and a search term, with their post statistics over a
date range, one cursor page at a time."""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass

from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime
from .. import errors
from .common import Doc

PAGE_SIZE_MAX = 100  # model.ReportingMaxPageSize
DATE_RANGES = ("", "all_time", "last_30_days", "previous_month", "last_6_months")
# model.UserReportSortColumns and the user fields they sort by.
SORT_COLUMNS = {
    "CreateAt": "create_at",
    "Username": "username",
    "FirstName": "first_name",
    "LastName": "last_name",
    "Nickname": "nickname",
    "Email": "email",
    "Roles": "roles",
}
_DAY_MS = 86_400_000


@dataclass
class UserReportFilter:
    team: str = ""
    role: str = ""
    has_no_team: bool = False
    hide_active: bool = False
    hide_inactive: bool = False
    search_term: str = ""


@dataclass
class Page:
    sort_column: str = "Username"
    sort_desc: bool = False
    previous: bool = False  # direction "prev": the page before the cursor
    page_size: int = 50
    from_column_value: str = ""
    from_id: str = ""
    date_range: str = ""


def check_filter(team: str, hide_active: bool, hide_inactive: bool) -> None:
    """``fillUserReportOptions``."""
    if team and not is_mattermost_id(team):
        raise errors.bad_request(errors.REPORT_INVALID_TEAM_FILTER)
    if hide_active and hide_inactive:
        raise errors.bad_request(errors.REPORT_INVALID_ACTIVE_FILTER)


def _date_window(now_ms: int, date_range: str) -> tuple[int, int]:
    """``PopulateDateRange``: [start, end) in ms, 0 meaning open."""
    now = dt.datetime.fromtimestamp(now_ms / 1000, dt.UTC)
    if date_range == "last_30_days":
        return now_ms - 30 * _DAY_MS, 0
    if date_range == "previous_month":
        start_of_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        previous = (start_of_month - dt.timedelta(days=1)).replace(day=1)
        return int(previous.timestamp() * 1000), int(start_of_month.timestamp() * 1000)
    if date_range == "last_6_months":
        month = now.month - 6
        year = now.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        day = min(now.day, 28)
        return int(now.replace(year=year, month=month, day=day).timestamp() * 1000), 0
    return 0, 0


def _matches(rt: Runtime, user: Doc, flt: UserReportFilter) -> bool:
    if user.get("is_bot"):
        return False
    if flt.hide_active and not user["delete_at"]:
        return False
    if flt.hide_inactive and user["delete_at"]:
        return False
    if flt.role and flt.role not in (user.get("roles") or "").split():
        return False
    teams = [m for m in rt.store.find("team_members", "user_id", user["id"]) if not m["delete_at"]]
    if flt.team and not any(m["team_id"] == flt.team for m in teams):
        return False
    if flt.has_no_team and teams:
        return False
    if flt.search_term:
        term = flt.search_term.lower()
        fields = ("username", "first_name", "last_name", "nickname", "email")
        if not any((user.get(f) or "").lower().startswith(term) for f in fields):
            return False
    return True


def user_count(rt: Runtime, flt: UserReportFilter) -> int:
    return sum(1 for u in rt.store.all("users") if _matches(rt, u, flt))


def users_for_reporting(rt: Runtime, flt: UserReportFilter, page: Page) -> list[tuple[Doc, Doc]]:
    """(user, post statistics) for one page after (or before) the cursor."""
    if page.date_range not in DATE_RANGES:
        raise errors.bad_request(errors.REPORT_BAD_DATE_RANGE)
    if page.sort_column not in SORT_COLUMNS:
        raise errors.bad_request(errors.REPORT_INVALID_SORT_COLUMN)
    field = SORT_COLUMNS[page.sort_column]

    def key(user: Doc) -> tuple:
        return (user.get(field) or ("" if field != "create_at" else 0), user["id"])

    users = sorted((u for u in rt.store.all("users") if _matches(rt, u, flt)), key=key)
    # The page runs away from the cursor: forwards in the sort order, or backwards for "prev".
    backwards = page.sort_desc != page.previous
    if backwards:
        users.reverse()
    if page.from_id:
        value: object = page.from_column_value
        if field == "create_at":
            value = int(page.from_column_value) if page.from_column_value.isdigit() else 0
        cursor = (value, page.from_id)
        users = [u for u in users if (key(u) < cursor if backwards else key(u) > cursor)]
    chosen = users[: page.page_size]
    if page.previous:
        chosen.reverse()
    start, end = _date_window(rt.clock.now_ms(), page.date_range)
    return [(u, _post_stats(rt, u, start, end)) for u in chosen]


def _post_stats(rt: Runtime, user: Doc, start: int, end: int) -> Doc:
    """``UserPostStats``: the user's posts in the window, their last status and login."""
    stamps = [
        p["create_at"]
        for p in rt.store.all("posts")
        if p["user_id"] == user["id"]
        and not p["delete_at"]
        and p["create_at"] >= start
        and (not end or p["create_at"] < end)
    ]
    status = rt.store.get("statuses", user["id"]) or {}
    stats: Doc = {
        "last_login": user.get("last_login", 0),
        "last_status_at": status.get("last_activity_at", 0),
        "total_posts": len(stamps),
        "days_active": len({s // _DAY_MS for s in stamps}),
    }
    if stamps:
        stats["last_post_date"] = max(stamps)
    # The statistics are omitted when empty (``omitempty``).
    return {k: v for k, v in stats.items() if v}


# -- the posts report: one channel's posts in time order, with an opaque cursor ---------------

POSTS_PER_PAGE_MAX = 1000  # model.MaxReportingPerPage
INT64_MAX = 2**63 - 1


@dataclass
class PostQuery:
    """``ReportPostQueryParams``: what a cursor carries between pages."""

    channel_id: str
    time_field: str = "create_at"
    sort_direction: str = "asc"
    include_deleted: bool = False
    exclude_system_posts: bool = False
    cursor_time: int = 0
    cursor_id: str = ""


def encode_post_cursor(query: PostQuery, timestamp: int, post_id: str) -> str:
    """``EncodeReportPostCursor``: version 1, base64 (URL alphabet, padded)."""
    flags = (str(query.include_deleted).lower(), str(query.exclude_system_posts).lower())
    plain = (
        f"1:{query.channel_id}:{query.time_field}:{flags[0]}:{flags[1]}:"
        f"{query.sort_direction}:{timestamp}:{post_id}"
    )
    return base64.urlsafe_b64encode(plain.encode()).decode()


def _go_bool(raw: str) -> bool | None:
    """``strconv.ParseBool``."""
    if raw in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if raw in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return None


def decode_post_cursor(cursor: str) -> PostQuery:
    """``DecodeReportPostCursorV1``, each malformed part its own 400."""
    # Go's URLEncoding is strict: the URL alphabet only, padding included.
    try:
        plain = base64.b64decode(cursor.encode(), altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeError):
        raise errors.bad_request(errors.CURSOR_INVALID_BASE64) from None
    parts = plain.split(":")
    if len(parts) != 8:
        raise errors.bad_request(
            errors.CURSOR_INVALID_FORMAT, f"expected 8 parts, got {len(parts)}"
        )
    if not re.fullmatch(r"[+-]?[0-9]+", parts[0]):
        raise errors.bad_request(errors.CURSOR_INVALID_VERSION)
    if int(parts[0]) != 1:
        raise errors.bad_request(errors.CURSOR_UNSUPPORTED_VERSION, f"version {int(parts[0])}")
    include_deleted, exclude_system = _go_bool(parts[3]), _go_bool(parts[4])
    if include_deleted is None:
        raise errors.bad_request(errors.CURSOR_INVALID_INCLUDE_DELETED)
    if exclude_system is None:
        raise errors.bad_request(errors.CURSOR_INVALID_EXCLUDE_SYSTEM_POSTS)
    if not re.fullmatch(r"[+-]?[0-9]+", parts[6]) or abs(int(parts[6])) > INT64_MAX:
        raise errors.bad_request(errors.CURSOR_INVALID_TIMESTAMP)
    return PostQuery(
        channel_id=parts[1],
        time_field=parts[2],
        include_deleted=include_deleted,
        exclude_system_posts=exclude_system,
        sort_direction=parts[5],
        cursor_time=int(parts[6]),
        cursor_id=parts[7],
    )


def _validate(query: PostQuery) -> None:
    """``ReportPostQueryParams.Validate``."""
    if not is_mattermost_id(query.channel_id):
        raise errors.bad_request(errors.QUERY_INVALID_CHANNEL_ID)
    if query.time_field not in ("create_at", "update_at"):
        raise errors.bad_request(errors.QUERY_INVALID_TIME_FIELD)
    if query.sort_direction not in ("asc", "desc"):
        raise errors.bad_request(errors.QUERY_INVALID_SORT_DIRECTION)
    if query.cursor_id and not is_mattermost_id(query.cursor_id):
        raise errors.bad_request(errors.QUERY_INVALID_CURSOR_ID)


def posts_for_reporting(rt: Runtime, query: PostQuery, per_page: int) -> tuple[list[Doc], str]:
    """One page of the channel's posts after the cursor, and the cursor of the next page
    ("" when this is the last)."""
    _validate(query)
    field, descending = query.time_field, query.sort_direction == "desc"
    cursor = (query.cursor_time, query.cursor_id)

    def wanted(post: Doc) -> bool:
        if post["delete_at"] and not query.include_deleted:
            return False
        if query.exclude_system_posts and post.get("type", "").startswith("system_"):
            return False
        key = (post[field], post["id"])
        return key < cursor if descending else key > cursor

    posts = [p for p in rt.store.find("posts", "channel_id", query.channel_id) if wanted(p)]
    posts.sort(key=lambda p: (p[field], p["id"]), reverse=descending)
    page = posts[:per_page]
    if len(posts) <= per_page:
        return page, ""
    last = page[-1]
    return page, encode_post_cursor(query, last[field], last["id"])
