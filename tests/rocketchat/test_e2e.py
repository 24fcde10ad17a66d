"""e2e.* and users.resetE2EKey: keys kept as opaque records (rocketchat_API wraps none of them)."""

import hashlib

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from tests.test_journal import assert_never_journaled


def login(server, name):
    return RocketChat(name, f"{name}-password", server_url=server.url)


def api_error(excinfo):
    return excinfo.value.status_code, excinfo.value.response_json


def set_keys(rocket, public, private, **extra):
    return rocket.call_api_post(
        "e2e.setUserPublicAndPrivateKeys", public_key=public, private_key=private, **extra
    )


def test_user_keys_round_trip_and_are_set_once(rc_server):
    alice = login(rc_server, "alice")
    assert alice.call_api_get("e2e.fetchMyKeys") == {"success": True}
    assert set_keys(alice, "pub-1", "priv-1") == {"success": True}
    assert alice.call_api_get("e2e.fetchMyKeys") == {
        "public_key": "pub-1",
        "private_key": "priv-1",
        "success": True,
    }
    with pytest.raises(RocketApiException) as exc:
        set_keys(alice, "pub-2", "priv-2")
    assert api_error(exc)[1] == {
        "success": False,
        "error": "Keys already set [error-keys-already-set]",
        "errorType": "error-keys-already-set",
        "details": {"method": "e2e.setUserPublicAndPrivateKeys"},
    }
    set_keys(alice, "pub-2", "priv-2", force=True)
    assert alice.call_api_get("e2e.fetchMyKeys")["public_key"] == "pub-2"
    assert "e2e" not in alice.users_info(username="alice")["user"]
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("e2e.setUserPublicAndPrivateKeys", public_key="x")
    assert api_error(exc)[1]["errorType"] == "invalid-params"


def test_room_keys(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    rid = alice.groups_create("cipher", members=["bob"])["group"]["_id"]
    set_keys(alice, "alice-pub", "alice-priv")
    set_keys(bob, "bob-pub", "bob-priv")
    assert alice.call_api_post("e2e.setRoomKeyID", rid=rid, keyID="k1") == {"success": True}
    assert alice.groups_info(room_id=rid)["group"]["e2eKeyId"] == "k1"
    with pytest.raises(RocketApiException) as exc:
        bob.call_api_post("e2e.setRoomKeyID", rid=rid, keyID="k2")
    assert api_error(exc)[1]["errorType"] == "error-room-e2e-key-already-exists"
    without = alice.call_api_get("e2e.getUsersOfRoomWithoutKey", rid=rid)["users"]
    assert sorted(u["e2e"]["public_key"] for u in without) == ["alice-pub", "bob-pub"]
    alice.call_api_post("e2e.updateGroupKey", rid=rid, uid=bob.headers["X-User-Id"], key="sealed")
    assert bob.subscriptions_get_one(rid)["subscription"]["E2ESuggestedKey"] == "sealed"
    without = alice.call_api_get("e2e.getUsersOfRoomWithoutKey", rid=rid)["users"]
    assert [u["_id"] for u in without] == [alice.headers["X-User-Id"]]
    with pytest.raises(RocketApiException) as exc:
        login(rc_server, "admin").call_api_get("e2e.getUsersOfRoomWithoutKey", rid=rid)
    assert api_error(exc)[1]["errorType"] == "error-invalid-room"


def test_request_subscription_keys_asks_the_encrypted_rooms(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    rid = alice.groups_create("asking", members=["bob"])["group"]["_id"]
    alice.call_api_post("e2e.setRoomKeyID", rid=rid, keyID="k9")
    seen = []
    unsubscribe = runtime_of(rc_server.app).events.subscribe(
        lambda name, payload: seen.append((name, payload["eventName"], payload["args"]))
    )
    try:
        assert bob.call_api_post("e2e.requestSubscriptionKeys") == {"success": True}
    finally:
        unsubscribe()
    assert ("stream-notify-room", f"{rid}/e2ekeyRequest", [rid, "k9"]) in seen


def test_reset_e2e_key_logs_the_user_out(rc_server):
    admin, bob = login(rc_server, "admin"), login(rc_server, "bob")
    set_keys(bob, "bob-pub", "bob-priv")
    proof = {
        "x-2fa-code": hashlib.sha256(b"admin-password").hexdigest(),
        "x-2fa-method": "password",
    }
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("users.resetE2EKey", username="bob")
    assert api_error(exc)[1]["errorType"] == "totp-required"
    admin.headers.update(proof)
    assert admin.call_api_post("users.resetE2EKey", username="bob") == {"success": True}
    with pytest.raises(RocketApiException) as exc:
        bob.call_api_get("e2e.fetchMyKeys")
    assert api_error(exc)[0] == 401
    assert login(rc_server, "bob").call_api_get("e2e.fetchMyKeys") == {"success": True}
    alice = login(rc_server, "alice")
    alice.headers.update(
        {"x-2fa-code": hashlib.sha256(b"alice-password").hexdigest(), "x-2fa-method": "password"}
    )
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("users.resetE2EKey", username="bob")
    assert api_error(exc)[1]["errorType"] == "error-not-allowed"


def test_the_private_key_stays_out_of_the_journal(rc_server):
    alice = login(rc_server, "alice")
    set_keys(alice, "pub-1", "PRIVATE-KEY-OF-ALICE")
    assert alice.call_api_get("e2e.fetchMyKeys")["private_key"] == "PRIVATE-KEY-OF-ALICE"
    assert_never_journaled(rc_server, "PRIVATE-KEY-OF-ALICE")
