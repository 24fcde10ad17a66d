"""Room invite links (``v1/invites.ts``), through rocketchat_API's invite methods."""

from __future__ import annotations

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from tests.rocketchat.clients import call, refused


def login(server, name: str) -> RocketChat:
    return RocketChat(name, f"{name}-password", server_url=server.url)


def members(rocket: RocketChat, rid: str) -> set[str]:
    found = rocket.groups_members(room_id=rid)
    return {m["username"] for m in found}


def test_an_owner_invites_and_a_user_joins_by_the_token(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    rid = alice.groups_create("secret-plans")["group"]["_id"]
    invite = alice.find_or_create_invite(rid=rid, days=7, max_uses=5)
    assert invite["success"] is True and len(invite["_id"]) == 6
    assert (invite["rid"], invite["days"], invite["maxUses"], invite["uses"]) == (rid, 7, 5, 0)
    assert invite["expires"].endswith("Z") and invite["createdAt"].endswith("Z")
    # the default Accounts_Registration_InviteUrlType is "proxy": the cloud deep link
    assert invite["url"] == (
        "https://go.rocket.chat/invite?host=localhost%3A3000"
        f"&path=invite%2F{invite['_id']}&secure=no"
    )
    # the same settings give the same live invite back
    again = alice.find_or_create_invite(rid=rid, days=7, max_uses=5)
    assert again["_id"] == invite["_id"]

    assert bob.validate_invite_token(token=invite["_id"]) == {"valid": True, "success": True}
    used = bob.use_invite_token(token=invite["_id"])
    assert used == {
        "room": {"rid": rid, "fname": "secret-plans", "name": "secret-plans", "t": "p"},
        "success": True,
    }
    assert "bob" in members(alice, rid)
    # listing and removing want the permission globally, not as a room owner
    with pytest.raises(RocketApiException) as excinfo:
        alice.list_invites()
    assert refused(excinfo)[1]["errorType"] == "not_authorized"
    admin = login(rc_server, "admin")
    listed = admin.list_invites()
    assert [(i["_id"], i["uses"]) for i in listed] == [(invite["_id"], 1)]
    # a member using it again counts no use
    bob.use_invite_token(token=invite["_id"])
    assert admin.list_invites()[0]["uses"] == 1

    assert admin.remove_invite(invite["_id"]) is True
    assert admin.list_invites() == []
    assert bob.validate_invite_token(token=invite["_id"])["valid"] is False
    with pytest.raises(RocketApiException) as excinfo:
        admin.remove_invite(invite["_id"])
    assert refused(excinfo) == (
        400,
        {
            "success": False,
            "error": "Invalid Invitation _id [invalid-invitation-id]",
            "errorType": "invalid-invitation-id",
            "details": {"method": "removeInvite"},
        },
    )


def test_a_used_up_invite_has_expired(rc_server):
    alice, bob, carol = (login(rc_server, n) for n in ("alice", "bob", "helper-bot"))
    rid = alice.groups_create("one-seat")["group"]["_id"]
    token = alice.find_or_create_invite(rid=rid, days=0, max_uses=1)["_id"]
    bob.use_invite_token(token=token)
    with pytest.raises(RocketApiException) as excinfo:
        carol.use_invite_token(token=token)
    assert refused(excinfo) == (
        400,
        {
            "success": False,
            "error": "The invite token has expired. [error-invite-expired]",
            "errorType": "error-invite-expired",
            "details": {"method": "validateInviteToken", "field": "maxUses"},
        },
    )
    assert "helper-bot" not in members(alice, rid)


def test_an_invite_expires_with_the_clock(rc_server):
    alice = login(rc_server, "alice")
    rid = alice.groups_create("short-lived")["group"]["_id"]
    token = alice.find_or_create_invite(rid=rid, days=1, max_uses=0)["_id"]
    runtime_of(rc_server.app).clock.advance(86_400_000)
    assert alice.validate_invite_token(token=token)["valid"] is False
    # an expired invite is not found again: a new one is made
    assert alice.find_or_create_invite(rid=rid, days=1, max_uses=0)["_id"] != token


def test_refusals(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    rid = alice.groups_create("closed-door")["group"]["_id"]
    # bob holds create-invite-links in no room of his: a code-only Meteor error
    with pytest.raises(RocketApiException) as excinfo:
        bob.find_or_create_invite(rid=rid, days=1, max_uses=0)
    assert refused(excinfo) == (
        400,
        {"success": False, "error": "[not_authorized]", "errorType": "not_authorized"},
    )
    with pytest.raises(RocketApiException) as excinfo:
        bob.list_invites()
    assert refused(excinfo)[1]["errorType"] == "not_authorized"
    with pytest.raises(RocketApiException) as excinfo:
        alice.find_or_create_invite(rid=rid, days=3, max_uses=0)
    assert refused(excinfo)[1]["errorType"] == "invalid-number-of-days"
    with pytest.raises(RocketApiException) as excinfo:
        alice.find_or_create_invite(rid=rid, days=1, max_uses=7)
    assert refused(excinfo)[1]["error"] == (
        "Invite should be valid for 1, 5, 10, 25, 50, 100 or infinite (0) uses. "
        "[invalid-number-of-uses]"
    )
    # typed-route ajv failures: no "[invalid-params]" suffix; numbers in strings are coerced
    answer = call(alice, "POST", "findOrCreateInvite", json={"rid": rid, "days": 1})
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "success": False,
            "errorType": "invalid-params",
            "error": "must have required property 'maxUses'",
        },
    )
    answer = call(alice, "POST", "findOrCreateInvite", json={"rid": rid, "days": 1.5, "maxUses": 0})
    assert answer.json()["error"] == "must be integer"
    answer = call(alice, "POST", "findOrCreateInvite", json={"rid": rid, "days": "1", "maxUses": 0})
    assert answer.json()["days"] == 1
    # a DM cannot be joined through a link
    dm = alice.dm_create(username="bob")["room"]["_id"]
    admin = login(rc_server, "admin")
    dm_admin = admin.dm_create(username="alice")["room"]["_id"]
    with pytest.raises(RocketApiException) as excinfo:
        admin.find_or_create_invite(rid=dm_admin, days=1, max_uses=0)
    assert refused(excinfo)[1]["errorType"] == "error-room-type-not-allowed"
    with pytest.raises(RocketApiException) as excinfo:
        alice.find_or_create_invite(rid=dm, days=1, max_uses=0)
    assert refused(excinfo)[1]["errorType"] == "not_authorized"
    with pytest.raises(RocketApiException) as excinfo:
        bob.use_invite_token(token="nope00")
    assert refused(excinfo)[1]["errorType"] == "error-invalid-token"


def test_validate_needs_no_login_and_listing_does(rc_server):
    url = f"{rc_server.url}/api/v1"
    answer = requests.post(f"{url}/validateInviteToken", json={"token": "nope00"}, timeout=5)
    assert answer.json() == {"valid": False, "success": True}
    answer = requests.post(f"{url}/validateInviteToken", json={"token": "x", "y": 1}, timeout=5)
    assert answer.json()["error"] == "must NOT have additional properties"
    assert requests.get(f"{url}/listInvites", timeout=5).status_code == 401
