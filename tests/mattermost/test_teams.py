"""Teams and team members through mattermostdriver's ``teams`` endpoints."""

from emulator.app import runtime_of
from tests.mattermost.clients import assert_error, logged_in, raw, set_config, team_id, user_id

TEAM_KEYS = {"id", "create_at", "update_at", "delete_at", "display_name", "name", "description",
             "email", "type", "company_name", "allowed_domains", "invite_id", "allow_open_invite",
             "scheme_id", "group_constrained", "cloud_limits_archived"}  # fmt: skip
# policy_id (null while no retention policy) is left out: see wire.team.


def test_create_team_makes_default_channels_and_admin_membership(mm_server):
    alice = logged_in(mm_server)
    team = alice.teams.create_team({"name": "ops", "display_name": "Operations", "type": "O"})
    assert set(team) == TEAM_KEYS
    assert (team["name"], team["type"], team["allow_open_invite"]) == ("ops", "O", True)
    channels = runtime_of(mm_server.app).store.find("channels", "team_id", team["id"])
    assert sorted(c["name"] for c in channels) == ["off-topic", "town-square"]
    member = alice.teams.get_team_member(team["id"], "me")
    assert member["roles"] == "team_user team_admin"
    assert alice.teams.get_team_by_name("ops")["id"] == team["id"]
    assert alice.teams.check_team_exists("ops") == {"exists": True}
    assert alice.teams.check_team_exists("nope") == {"exists": False}


def test_create_team_validation(mm_server):
    alice = logged_in(mm_server)
    call = raw(mm_server, alice)
    assert_error(
        call("post", "/teams", json={"name": "acme", "display_name": "Again", "type": "O"}),
        400,
        "store.sql_team.save_team.existing.app_error",
    )
    assert_error(
        call("post", "/teams", json={"name": "Bad Name", "display_name": "x", "type": "O"}),
        400,
        "model.team.is_valid.characters.app_error",
    )
    assert_error(
        call("post", "/teams", json={"name": "n" * 65, "display_name": "x", "type": "O"}),
        400,
        "model.team.is_valid.url.app_error",
    )
    assert_error(
        call("post", "/teams", json={"name": "api", "display_name": "x", "type": "O"}),
        400,
        "model.team.is_valid.reserved.app_error",
    )
    assert_error(
        call("post", "/teams", json={"name": "good", "display_name": "x", "type": "Z"}),
        400,
        "model.team.is_valid.type.app_error",
    )
    assert_error(
        call("post", "/teams", json={"name": "good", "display_name": 3}),
        400,
        "api.context.invalid_body_param.app_error",
    )


def test_get_team_and_sanitising(mm_server):
    acme = team_id(mm_server)
    bob = logged_in(mm_server, "bob")
    team = bob.teams.get_team(acme)
    assert team["email"] == "" and team["invite_id"] != ""  # team_user may invite
    admin = logged_in(mm_server, "admin")
    invite_only = admin.teams.create_team({"name": "secret", "display_name": "S", "type": "I"})
    call = raw(mm_server, bob)
    assert_error(
        call("get", f"/teams/{invite_only['id']}"), 403, "api.context.permissions.app_error"
    )
    assert_error(call("get", f"/teams/{'a' * 26}"), 404, "app.team.get.find.app_error")
    assert_error(call("get", "/teams/name/nope"), 404, "app.team.get_by_name.missing.app_error")
    assert_error(call("get", "/teams/bad-id"), 400, "api.context.invalid_url_param.app_error")
    listed = bob.teams.get_teams()
    assert [t["name"] for t in listed] == ["acme"]
    everything = admin.teams.get_teams({"include_total_count": "true"})
    assert everything["total_count"] == 2
    assert {t["name"] for t in everything["teams"]} == {"acme", "secret"}


def test_patch_update_and_delete_team(mm_server):
    acme = team_id(mm_server)
    bob = logged_in(mm_server, "bob")
    assert_error(
        raw(mm_server, bob)("put", f"/teams/{acme}/patch", json={"display_name": "X"}),
        403,
        "api.context.permissions.app_error",
    )
    admin = logged_in(mm_server, "admin")
    patched = admin.teams.patch_team(acme, {"display_name": "Acme Inc", "description": "d"})
    assert (patched["display_name"], patched["description"], patched["name"]) == (
        "Acme Inc",
        "d",
        "acme",
    )
    updated = admin.teams.update_team(acme, {**patched, "description": "new"})
    assert updated["description"] == "new"
    assert_error(
        raw(mm_server, admin)("put", f"/teams/{acme}", json={**patched, "id": "x" * 26}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        raw(mm_server, admin)("delete", f"/teams/{acme}", params={"permanent": "true"}),
        401,
        "api.user.delete_team.not_enabled.app_error",
    )
    assert admin.teams.delete_team(acme) == {"status": "OK"}
    assert admin.teams.get_team(acme)["delete_at"] > 0
    assert admin.teams.get_teams() == []
    set_config(mm_server, "ServiceSettings", "EnableAPITeamDeletion", True)
    admin.teams.delete_team(acme, {"permanent": "true"})
    assert_error(raw(mm_server, admin)("get", f"/teams/{acme}"), 404, "app.team.get.find.app_error")


def test_listing_follows_list_public_and_private_permissions(mm_server):
    admin = logged_in(mm_server, "admin")
    secret = admin.teams.create_team({"name": "secret", "display_name": "S", "type": "I"})
    bob_id = user_id(mm_server, "bob")
    admin.teams.add_user_to_team(secret["id"], {"team_id": secret["id"], "user_id": bob_id})
    bob = logged_in(mm_server, "bob")
    # list_public_teams only: invite-only teams are not listed, even one's own.
    assert [t["name"] for t in bob.teams.get_teams()] == ["acme"]
    assert [t["name"] for t in bob.teams.get_user_teams("me")] == ["acme", "secret"]
    assert bob.teams.check_team_exists("secret") == {"exists": True}
    alice = logged_in(mm_server)
    assert alice.teams.check_team_exists("secret") == {"exists": False}


def test_restore_privacy_and_invite_id(mm_server):
    admin = logged_in(mm_server, "admin")
    ops = admin.teams.create_team({"name": "ops", "display_name": "Ops", "type": "O"})
    call = raw(mm_server, admin)
    admin.teams.delete_team(ops["id"])
    restored = call("post", f"/teams/{ops['id']}/restore")
    assert restored.status_code == 200 and restored.json()["delete_at"] == 0
    private = call("put", f"/teams/{ops['id']}/privacy", json={"privacy": "I"}).json()
    assert (private["type"], private["allow_open_invite"]) == ("I", False)
    assert_error(
        call("put", f"/teams/{ops['id']}/privacy", json={"privacy": "X"}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    fresh = call("post", f"/teams/{ops['id']}/regenerate_invite_id").json()
    assert fresh["invite_id"] not in ("", ops["invite_id"])
    bob = logged_in(mm_server, "bob")
    assert_error(
        raw(mm_server, bob)("post", f"/teams/{ops['id']}/restore"),
        403,
        "api.context.permissions.app_error",
    )


def test_search_teams(mm_server):
    admin = logged_in(mm_server, "admin")
    admin.teams.create_team({"name": "secret", "display_name": "Acme Secret", "type": "I"})
    assert [t["name"] for t in admin.teams.search_teams({"term": "ac"})] == ["acme", "secret"]
    paged = admin.teams.search_teams({"term": "ac", "page": 0, "per_page": 1})
    assert paged["total_count"] == 2 and len(paged["teams"]) == 1
    bob = logged_in(mm_server, "bob")
    assert [t["name"] for t in bob.teams.search_teams({"term": "ac"})] == ["acme"]
    assert_error(
        raw(mm_server, bob)("post", "/teams/search", json={"term": "a", "page": 0, "per_page": 5}),
        501,
        "api.team.search_teams.pagination_not_implemented.public_team_search",
    )


def test_membership_changes_publish_realtime_events(mm_server):
    admin = logged_in(mm_server, "admin")
    ops = admin.teams.create_team({"name": "ops", "display_name": "Ops", "type": "O"})
    bob = user_id(mm_server, "bob")
    rt = runtime_of(mm_server.app)
    events = []
    unsubscribe = rt.events.subscribe(lambda name, payload: events.append((name, payload)))
    try:
        admin.teams.add_user_to_team(ops["id"], {"team_id": ops["id"], "user_id": bob})
        admin.teams.remove_user_from_team(ops["id"], bob)
    finally:
        unsubscribe()
    seen = [(name, payload["data"], payload["broadcast"]) for name, payload in events]
    assert ("added_to_team", {"team_id": ops["id"], "user_id": bob}) in [s[:2] for s in seen]
    leave = next(s for s in seen if s[0] == "leave_team")
    assert leave[1] == {"team_id": ops["id"], "user_id": bob}
    assert leave[2]["team_id"] == ops["id"]
