"""Smaller user lookups: group-channel members, filtered counts, invalid emails, login type,
failed attempts."""

from emulator.app import runtime_of
from tests.mattermost.clients import set_config
from tests.mattermost.test_channels import assert_error, call, channel, login, team, user_id


def test_users_of_group_channels(mm_server):
    alice = login(mm_server)
    bob, admin = user_id(alice, "bob"), user_id(alice, "admin")
    gm = alice.channels.create_group_message_channel([alice.client.userid, bob, admin])
    found = call(mm_server, alice, "POST", "/users/group_channels", json=[gm["id"], "x" * 26])
    assert list(found.json()) == [gm["id"]]
    assert sorted(u["username"] for u in found.json()[gm["id"]]) == ["admin", "bob"]
    assert_error(
        call(mm_server, alice, "POST", "/users/group_channels", json=[]),
        400,
        "api.context.invalid_body_param.app_error",
    )
    # someone outside the group message learns nothing about it
    admin_driver = login(mm_server, "admin")
    admin_driver.users.create_user(
        {"username": "carol", "email": "carol@example.com", "password": "carol-password"}
    )
    carol = login(mm_server, "carol")
    assert call(mm_server, carol, "POST", "/users/group_channels", json=[gm["id"]]).json() == {}
    # an admin sees any group message
    assert list(
        call(mm_server, admin_driver, "POST", "/users/group_channels", json=[gm["id"]]).json()
    ) == [gm["id"]]


def test_filtered_user_stats(mm_server):
    admin, alice = login(mm_server, "admin"), login(mm_server)
    team_id = team(admin)["id"]
    everyone = call(mm_server, admin, "GET", "/users/stats/filtered").json()["total_users_count"]
    admins = call(mm_server, admin, "GET", "/users/stats/filtered?roles=system_admin").json()
    assert admins["total_users_count"] == 1 < everyone
    leadership = channel(admin, "leadership")
    in_channel = call(
        mm_server, admin, "GET", f"/users/stats/filtered?in_channel={leadership['id']}"
    )
    members = admin.channels.get_channel_members(leadership["id"])
    assert in_channel.json()["total_users_count"] == len(members)
    in_team = call(mm_server, admin, "GET", f"/users/stats/filtered?in_team={team_id}").json()
    assert 0 < in_team["total_users_count"] <= everyone
    assert_error(
        call(mm_server, alice, "GET", "/users/stats/filtered"),
        403,
        "api.context.permissions.app_error",
    )


def test_invalid_emails_login_type_and_failed_attempts(mm_server):
    admin, alice = login(mm_server, "admin"), login(mm_server)
    assert call(mm_server, admin, "GET", "/users/invalid_emails").status_code == 200
    set_config(mm_server, "TeamSettings", "RestrictCreationToDomains", "nowhere.example")
    invalid = call(mm_server, admin, "GET", "/users/invalid_emails?per_page=200").json()
    assert "alice" in {u["username"] for u in invalid}
    set_config(mm_server, "TeamSettings", "EnableOpenServer", True)
    assert_error(
        call(mm_server, admin, "GET", "/users/invalid_emails"),
        400,
        "api.users.invalid_emails.enable_open_server.app_error",
    )
    kind = call(mm_server, alice, "POST", "/users/login/type", json={"login_id": "alice"})
    assert kind.json() == {"auth_service": ""}
    store = runtime_of(mm_server.app).store
    alice_id = alice.client.userid
    store.update("users", alice_id, {"failed_attempts": 3})
    path = f"/users/{alice_id}/reset_failed_attempts"
    assert_error(call(mm_server, alice, "POST", path), 403, "api.context.permissions.app_error")
    assert call(mm_server, admin, "POST", path).json() == {"status": "OK"}
    assert store.get("users", alice_id)["failed_attempts"] == 0
