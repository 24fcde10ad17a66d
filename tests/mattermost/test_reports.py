"""The user report (``api4/report.go``): filters, sort columns, cursor pages and the count."""

from __future__ import annotations

import pytest

from emulator.app import runtime_of
from tests.mattermost.clients import assert_error, logged_in, raw, team_id

PERMISSIONS = "api.context.permissions.app_error"


@pytest.fixture
def admin(mm_server):
    return raw(mm_server, logged_in(mm_server, "admin"))


def _humans(mm_server) -> list[dict]:
    rt = runtime_of(mm_server.app)
    return [u for u in rt.store.all("users") if not u.get("is_bot")]


def test_the_report_pages_users_by_username_with_a_cursor(mm_server, admin):
    names = sorted(u["username"] for u in _humans(mm_server))
    first = admin("GET", "/reports/users", params={"page_size": 2}).json()
    assert [u["username"] for u in first] == names[:2]
    after = {"page_size": 2, "from_column_value": first[-1]["username"], "from_id": first[-1]["id"]}
    second = admin("GET", "/reports/users", params=after).json()
    assert [u["username"] for u in second] == names[2:4]
    before = {**after, "from_column_value": second[0]["username"], "from_id": second[0]["id"]}
    back = admin("GET", "/reports/users", params={**before, "direction": "prev"}).json()
    assert [u["username"] for u in back] == names[:2]
    desc = admin("GET", "/reports/users", params={"sort_direction": "desc", "page_size": 1})
    assert [u["username"] for u in desc.json()] == names[-1:]
    assert admin("GET", "/reports/users/count").json() == len(names)


def test_filters_and_post_statistics(mm_server, admin):
    alice = logged_in(mm_server, "alice")
    team = team_id(mm_server)
    town = runtime_of(mm_server.app).store.find_one("channels", "team_name", (team, "town-square"))
    alice.posts.create_post({"channel_id": town["id"], "message": "counted"})
    found = admin("GET", "/reports/users", params={"search_term": "alic"}).json()
    assert [u["username"] for u in found] == ["alice"]
    assert found[0]["total_posts"] >= 1 and found[0]["days_active"] >= 1
    assert "last_post_date" in found[0]
    admins = admin("GET", "/reports/users", params={"role_filter": "system_admin"}).json()
    assert all("system_admin" in u["roles"].split() for u in admins) and admins
    members = admin("GET", "/reports/users/count", params={"team_filter": team}).json()
    assert 0 < members <= len(_humans(mm_server))
    assert admin("GET", "/reports/users/count", params={"hide_active": "true"}).json() == sum(
        1 for u in _humans(mm_server) if u["delete_at"]
    )


@pytest.mark.parametrize(
    ("params", "error_id"),
    [
        ({"page_size": 101}, "api.getUsersForReporting.invalid_page_size"),
        ({"page_size": 0}, "api.getUsersForReporting.invalid_page_size"),
        ({"sort_column": "Password"}, "model.user_report_options.is_valid.invalid_sort_column"),
        ({"date_range": "forever"}, "model.reporting_base_options.is_valid.bad_date_range"),
        ({"team_filter": "nope"}, "api.getUsersForReporting.invalid_team_filter"),
        (
            {"hide_active": "true", "hide_inactive": "true"},
            "api.getUsersForReporting.invalid_active_filter",
        ),
    ],
)
def test_bad_options_are_refused(admin, params, error_id):
    assert_error(admin("GET", "/reports/users", params=params), 400, error_id)


def test_only_user_managers_read_the_report(mm_server):
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    assert_error(bob("GET", "/reports/users"), 403, PERMISSIONS)
    assert_error(bob("GET", "/reports/users/count"), 403, PERMISSIONS)


def _town(mm_server) -> dict:
    rt = runtime_of(mm_server.app)
    return rt.store.find_one("channels", "team_name", (team_id(mm_server), "town-square"))


def test_the_posts_report_walks_a_channel_with_its_cursor(mm_server, admin):
    town = _town(mm_server)
    rt = runtime_of(mm_server.app)
    live = sorted(
        (p for p in rt.store.find("posts", "channel_id", town["id"]) if not p["delete_at"]),
        key=lambda p: (p["create_at"], p["id"]),
    )
    seen, cursor = [], ""
    while True:
        body = {"channel_id": town["id"], "per_page": 2, "cursor": cursor}
        page = admin("POST", "/reports/posts", json=body).json()
        seen += [p["id"] for p in page["posts"]]
        if "next_cursor" not in page:
            break
        cursor = page["next_cursor"]["cursor"]
    assert seen == [p["id"] for p in live]
    newest = admin(
        "POST",
        "/reports/posts",
        json={"channel_id": town["id"], "sort_direction": "desc", "per_page": 1},
    ).json()
    assert [p["id"] for p in newest["posts"]] == [live[-1]["id"]]


@pytest.mark.parametrize(
    ("body", "status", "error_id"),
    [
        ({}, 400, "api.context.invalid_body_param.app_error"),
        ({"channel_id": "x" * 26}, 404, "app.channel.get.existing.app_error"),
        ({"per_page": 1001}, 400, "api.post.get_posts_for_reporting.invalid_per_page"),
        ({"time_field": "delete_at"}, 400, "api.context.invalid_body_param.app_error"),
        ({"per_page": "many"}, 400, "api.context.invalid_body_param.app_error"),
        ({"cursor": "!!!"}, 400, "model.post.decode_cursor.invalid_base64"),
        ({"cursor": "MTph"}, 400, "model.post.decode_cursor.invalid_format"),
    ],
)
def test_the_posts_report_refuses_bad_requests(mm_server, admin, body, status, error_id):
    if "channel_id" not in body and body:
        body = {"channel_id": _town(mm_server)["id"], **body}
    assert_error(admin("POST", "/reports/posts", json=body), status, error_id)


def test_only_admins_read_the_posts_report(mm_server):
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    response = bob("POST", "/reports/posts", json={"channel_id": _town(mm_server)["id"]})
    assert_error(response, 403, PERMISSIONS)
