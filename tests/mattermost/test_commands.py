"""Slash command CRUD (mattermostdriver's command paths drop a slash: raw requests there)."""

import pytest
from mattermostdriver.exceptions import InvalidOrMissingParameters, NotEnoughPermissions

from tests.mattermost.test_channels import assert_error, call, login, team
from tests.mattermost.test_webhooks import set_service

COMMAND_KEYS = {
    "id",
    "token",
    "create_at",
    "update_at",
    "delete_at",
    "creator_id",
    "team_id",
    "trigger",
    "method",
    "username",
    "icon_url",
    "auto_complete",
    "auto_complete_desc",
    "auto_complete_hint",
    "display_name",
    "description",
    "url",
    "plugin_id",
}


def new_command(d, team_id, trigger="deploy", **extra):
    return d.commands.create_command(
        {
            "team_id": team_id,
            "trigger": trigger,
            "method": "P",
            "url": "http://example.com/cmd",
            "auto_complete": True,
            **extra,
        }
    )


def test_command_crud(mm_server):
    admin = login(mm_server, "admin")
    t = team(admin)
    command = new_command(admin, t["id"], trigger="Deploy", display_name="Deploy")
    assert set(command) == COMMAND_KEYS
    assert command["trigger"] == "deploy"
    assert len(command["token"]) == 26
    assert command["creator_id"] == admin.client.userid
    assert admin.commands.list_commands_for_team({"team_id": t["id"], "custom_only": True}) == [
        command
    ]
    got = call(mm_server, admin, "GET", f"/commands/{command['id']}")
    assert got.status_code == 200 and got.json() == command
    updated = call(
        mm_server,
        admin,
        "PUT",
        f"/commands/{command['id']}",
        json={**command, "description": "ship it", "method": "G"},
    )
    assert updated.status_code == 200
    assert updated.json()["description"] == "ship it" and updated.json()["method"] == "G"
    regen = call(mm_server, admin, "PUT", f"/commands/{command['id']}/regen_token")
    assert list(regen.json()) == ["token"] and regen.json()["token"] != command["token"]
    auto = call(mm_server, admin, "GET", f"/teams/{t['id']}/commands/autocomplete").json()
    # The team's custom commands first, then the built-ins (ListAutocompleteCommands).
    assert auto[0]["trigger"] == "deploy" and "echo" in [c["trigger"] for c in auto[1:]]
    assert call(mm_server, admin, "DELETE", f"/commands/{command['id']}").json() == {"status": "OK"}
    assert_error(
        call(mm_server, admin, "GET", f"/commands/{command['id']}"),
        404,
        "store.sql_command.save.get.app_error",
    )


def test_command_validation(mm_server):
    admin = login(mm_server, "admin")
    t = team(admin)
    new_command(admin, t["id"])
    cases = [
        ({"trigger": "deploy"}, "api.command.duplicate_trigger.app_error"),
        ({"trigger": "/slash"}, "model.command.is_valid.trigger.app_error"),
        ({"trigger": "two words"}, "model.command.is_valid.trigger.app_error"),
        ({"url": ""}, "model.command.is_valid.url.app_error"),
        ({"url": "not-a-url"}, "model.command.is_valid.url_http.app_error"),
        ({"method": "X"}, "model.command.is_valid.method.app_error"),
        ({"auto_complete": "yes"}, "api.context.invalid_body_param.app_error"),
    ]
    base = {"team_id": t["id"], "trigger": "other", "method": "P", "url": "https://x.example"}
    for extra, error_id in cases:
        assert_error(
            call(mm_server, admin, "POST", "/commands", json={**base, **extra}), 400, error_id
        )
    assert_error(
        call(mm_server, admin, "POST", "/commands", json={**base, "team_id": "bad"}),
        403,
        "api.context.permissions.app_error",
    )
    with pytest.raises(InvalidOrMissingParameters):
        admin.commands.list_commands_for_team({"team_id": ""})
    assert_error(
        call(mm_server, login(mm_server), "GET", "/commands?team_id=nope"),
        403,
        "api.context.permissions.app_error",
    )
    listed = admin.commands.list_commands_for_team({"team_id": t["id"]})
    # Built-ins first (no id), then the custom commands, sanitized (ListAllCommandsByUser).
    assert listed[0]["id"] == "" and listed[-1]["trigger"] == "deploy"
    assert (listed[-1]["token"], listed[-1]["url"]) == ("", "")
    command = call(mm_server, admin, "GET", f"/commands/{listed[-1]['id']}").json()
    assert_error(
        call(
            mm_server, admin, "PUT", f"/commands/{command['id']}", json={**command, "id": "x" * 26}
        ),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(
            mm_server, admin, "PUT", f"/commands/{command['id']}", json={**command, "team_id": ""}
        ),
        400,
        "api.command.team_mismatch.app_error",
    )


def test_command_permissions(mm_server):
    alice, admin = login(mm_server), login(mm_server, "admin")
    t = team(admin)
    with pytest.raises(NotEnoughPermissions):
        new_command(alice, t["id"])
    command = new_command(admin, t["id"])
    assert_error(
        call(mm_server, alice, "GET", f"/commands/{command['id']}"),
        404,
        "store.sql_command.save.get.app_error",
    )
    assert_error(
        call(mm_server, alice, "GET", f"/commands?team_id={t['id']}&custom_only=true"),
        403,
        "api.context.permissions.app_error",
    )
    visible = alice.commands.list_commands_for_team({"team_id": t["id"]})
    assert visible[0]["trigger"] == "deploy" and "me" in [c["trigger"] for c in visible]
    assert (visible[0]["token"], visible[0]["creator_id"], visible[0]["url"]) == ("", "", "")
    set_service(mm_server, EnableCommands=False)
    assert_error(
        call(mm_server, admin, "GET", f"/commands/{command['id']}"),
        501,
        "api.command.disabled.app_error",
    )


def test_move_command_to_another_team(mm_server):
    admin, alice = login(mm_server, "admin"), login(mm_server)
    command = new_command(admin, team(admin)["id"], trigger="shipit")
    other = admin.teams.create_team({"name": "ops", "display_name": "Ops", "type": "O"})
    moved = call(
        mm_server, admin, "PUT", f"/commands/{command['id']}/move", json={"team_id": other["id"]}
    )
    assert moved.status_code == 200 and moved.json() == {"status": "OK"}
    fetched = call(mm_server, admin, "GET", f"/commands/{command['id']}").json()
    assert fetched["team_id"] == other["id"]
    assert_error(
        call(mm_server, admin, "PUT", f"/commands/{command['id']}/move", json={"team_id": "x"}),
        404,
        "app.team.get.find.app_error",
    )
    assert_error(
        call(
            mm_server,
            alice,
            "PUT",
            f"/commands/{command['id']}/move",
            json={"team_id": other["id"]},
        ),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, admin, "PUT", f"/commands/{'c' * 26}/move", json={"team_id": other["id"]}),
        404,
        "store.sql_command.save.get.app_error",
    )
