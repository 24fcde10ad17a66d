"""The channels of a user, in a team and everywhere."""

from __future__ import annotations

from emulator.app import runtime_of
from tests.mattermost.clients import (
    assert_error,
    logged_in,
    raw,
    user_id,
)


def test_channels_of_a_user(mm_server):
    alice = logged_in(mm_server)
    team = runtime_of(mm_server.app).store.find_one("teams", "name", "acme")
    call = raw(mm_server, alice)
    in_team = call("get", f"/users/me/teams/{team['id']}/channels").json()
    names = {c["name"] for c in in_team}
    assert {"town-square", "off-topic", "leadership"} <= names
    assert any(c["type"] == "D" for c in in_team)
    everywhere = call("get", "/users/me/channels").json()
    assert {c["id"] for c in everywhere} == {c["id"] for c in in_team}
    bob = user_id(mm_server, "bob")
    assert_error(call("get", f"/users/{bob}/channels"), 403, "api.context.permissions.app_error")
