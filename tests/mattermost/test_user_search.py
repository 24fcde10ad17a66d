"""User search and autocomplete."""

from __future__ import annotations

from emulator.app import runtime_of
from tests.mattermost.clients import (
    assert_error,
    logged_in,
    raw,
)


def test_search_and_autocomplete(mm_server):
    alice = logged_in(mm_server)
    found = alice.users.search_users({"term": "@bob"})
    assert [u["username"] for u in found] == ["bob"]
    team = runtime_of(mm_server.app).store.find_one("teams", "name", "acme")
    in_team = alice.users.search_users({"term": "a", "team_id": team["id"], "limit": 1})
    assert len(in_team) == 1
    assert_error(
        raw(mm_server, alice)("post", "/users/search", json={"term": "a", "limit": 5000}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    auto = alice.users.autocomplete_users({"in_team": team["id"], "name": "ali"})
    assert [u["username"] for u in auto["users"]] == ["alice"]
    leadership = next(
        c for c in runtime_of(mm_server.app).store.all("channels") if c["name"] == "leadership"
    )
    split = alice.users.autocomplete_users(
        {"in_team": team["id"], "in_channel": leadership["id"], "name": ""}
    )
    assert {u["username"] for u in split["users"]} == {"admin", "alice"}
    assert "bob" in {u["username"] for u in split["out_of_channel"]}


def test_list_and_search_argument_rules(mm_server):
    alice = logged_in(mm_server)
    call = raw(mm_server, alice)
    channel = next(
        c for c in runtime_of(mm_server.app).store.all("channels") if c["name"] == "town-square"
    )
    assert_error(
        call("get", "/users", params={"not_in_channel": channel["id"]}),
        400,
        "api.context.invalid_url_param.app_error",
    )
    assert_error(
        call("get", "/users", params={"sort": "create_at"}),
        400,
        "api.context.invalid_url_param.app_error",
    )
    assert_error(
        call("get", "/users", params={"active": "true", "inactive": "true"}),
        400,
        "api.context.invalid_url_param.app_error",
    )
    assert_error(
        call("post", "/users/search", json={"term": ""}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call("get", "/users/autocomplete", params={"in_channel": channel["id"], "name": "a"}),
        400,
        "api.user.autocomplete_users.missing_team_id.app_error",
    )
    team = channel["team_id"]
    newest = alice.users.get_users({"in_team": team, "sort": "create_at", "per_page": 200})
    assert [u["create_at"] for u in newest] == sorted(
        (u["create_at"] for u in newest), reverse=True
    )
