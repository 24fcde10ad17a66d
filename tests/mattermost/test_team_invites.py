"""Team invitations by email: refused while EnableEmailInvitations is off, kept when on."""

from emulator.app import runtime_of
from tests.mattermost.clients import set_config
from tests.mattermost.test_channels import assert_error, call, login, team


def _invites(server):
    return runtime_of(server.app).store.all("email_invites")


def test_email_invitations(mm_server):
    admin, bob = login(mm_server, "admin"), login(mm_server, "bob")
    team_id = team(admin)["id"]
    path = f"/teams/{team_id}/invite/email"
    assert_error(
        call(mm_server, admin, "POST", path, json=["new@example.com"]),
        501,
        "api.team.invite_members.disabled.app_error",
    )
    set_config(mm_server, "ServiceSettings", "EnableEmailInvitations", True)
    assert admin.teams.invite_users_to_team_by_mail(team_id, ["New@Example.com"]) == {
        "status": "OK"
    }
    assert [(i["email"], i["team_id"]) for i in _invites(mm_server)] == [
        ("new@example.com", team_id)
    ]
    assert_error(
        call(mm_server, admin, "POST", path, json=[]),
        400,
        "api.context.invalid_body_param.app_error",
    )
    set_config(mm_server, "TeamSettings", "RestrictCreationToDomains", "acme.com")
    assert_error(
        call(mm_server, admin, "POST", path, json=["x@example.com"]),
        400,
        "api.team.invite_members.invalid_email.app_error",
    )
    graceful = call(
        mm_server,
        admin,
        "POST",
        f"{path}?graceful=true",
        json={"emails": ["a@acme.com", "x@example.com"]},
    ).json()
    assert [r["email"] for r in graceful] == ["a@acme.com", "x@example.com"]
    assert graceful[0]["error"] is None
    assert graceful[1]["error"]["id"] == "api.team.invite_members.invalid_email.app_error"
    assert len(_invites(mm_server)) == 2
    assert_error(
        call(mm_server, bob, "DELETE", "/teams/invites/email"),
        403,
        "api.context.permissions.app_error",
    )
    assert call(mm_server, admin, "DELETE", "/teams/invites/email").json() == {"status": "OK"}
    assert _invites(mm_server) == []
