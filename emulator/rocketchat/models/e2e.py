"""End-to-end encryption bookkeeping (``app/e2e/server/methods``): the server only keeps what
clients hand it, as opaque strings — a user's key pair, a room's key id, each member's copy of
the room key."""

from __future__ import annotations

from ...core.runtime import Runtime
from .. import errors
from . import rooms, users
from .common import Doc, Refused


def my_keys(user: Doc) -> Doc:
    """``Users.fetchKeysByUserId``: the key pair, or nothing when none was set."""
    keys = user.get("e2e") or {}
    if not keys:
        return {}
    return {"public_key": keys.get("public_key"), "private_key": keys.get("private_key")}


def set_user_keys(rt: Runtime, user: Doc, public_key: str, private_key: str, force: bool) -> None:
    """``e2e.setUserPublicAndPrivateKeys``: refused while a pair is set, unless ``force``, which
    also drops the user's room keys (they cannot be read with the new pair)."""
    keys = my_keys(user)
    if not force and keys.get("public_key") and keys.get("private_key"):
        raise Refused(
            errors.KEYS_ALREADY_SET,
            "Keys already set",
            {"method": "e2e.setUserPublicAndPrivateKeys"},
        )
    with rt.store.transaction():
        pair = {"public_key": public_key, "private_key": private_key}
        rt.store.update("users", user["_id"], {"e2e": pair})
        if force:
            _drop_room_keys(rt, user["_id"])


def _drop_room_keys(rt: Runtime, user_id: str) -> None:
    for sub in rt.store.find("subscriptions", "user", user_id):
        if "E2EKey" in sub or "E2ESuggestedKey" in sub:
            kept = {k: v for k, v in sub.items() if k not in ("E2EKey", "E2ESuggestedKey")}
            rt.store.upsert("subscriptions", kept)
            rooms.update_subscription(rt, kept, {})


def users_without_key(rt: Runtime, user: Doc, room_id: str) -> list[Doc]:
    """``e2e.getUsersOfRoomWithoutKey``: members of a room the caller may read whose
    subscription holds no room key (nor a suggested one) but who have a public key."""
    room = rt.store.get("rooms", room_id)
    if room is None or not rooms.can_access_room(rt, room, user):
        raise Refused(
            errors.INVALID_ROOM, "Invalid room", {"method": "e2e.getUsersOfRoomWithoutKey"}
        )
    found = []
    for sub in rt.store.find("subscriptions", "rid", room_id):
        if sub.get("E2EKey") or sub.get("E2ESuggestedKey"):
            continue
        member = rt.store.get("users", sub["u"]["_id"])
        public_key = ((member or {}).get("e2e") or {}).get("public_key")
        if public_key:
            found.append({"_id": member["_id"], "e2e": {"public_key": public_key}})
    return found


def set_room_key_id(rt: Runtime, user: Doc, room_id: str, key_id: str) -> None:
    """``e2e.setRoomKeyID``: a room the caller may read, whose key id is not set yet (else
    ``Refused``); members hear of it as ``rooms-changed``."""
    details = {"method": "e2e.setRoomKeyID"}
    room = rt.store.get("rooms", room_id)
    if room is None or not rooms.can_access_room(rt, room, user):
        raise Refused(errors.INVALID_ROOM, "Invalid room", details)
    if room.get("e2eKeyId"):
        raise Refused(errors.ROOM_E2E_KEY_ALREADY_EXISTS, "E2E Key ID already exists", details)
    rooms.update_room(rt, room, {"e2eKeyId": key_id})


def update_group_key(rt: Runtime, user: Doc, room_id: str, user_id: str, key: str) -> None:
    """``e2e.updateGroupKey``: a member hands another member the room key (kept as their
    ``E2ESuggestedKey``); quietly nothing when either is not in the room."""
    if rooms.subscription(rt, room_id, user["_id"]) is None:
        return
    target = rooms.subscription(rt, room_id, user_id)
    if target is not None:
        rooms.update_subscription(rt, target, {"E2ESuggestedKey": key})


def request_subscription_keys(rt: Runtime, user: Doc) -> None:
    """``e2e.requestSubscriptionKeys``: for each encrypted room (one with a key id) where the
    user has no key yet, the members are asked for it (``<rid>/e2ekeyRequest``)."""
    for sub in rt.store.find("subscriptions", "user", user["_id"]):
        if sub.get("E2EKey"):
            continue
        room = rt.store.get("rooms", sub["rid"])
        if room is not None and room.get("e2eKeyId"):
            rooms.notify_room(rt, room["_id"], "e2ekeyRequest", room["_id"], room["e2eKeyId"])


def reset_e2e_key(rt: Runtime, user_id: str) -> None:
    """``resetUserE2EEncriptionKey``: the key pair and every room key go, and the user is
    logged out everywhere (their clients must set up a new pair)."""
    user = rt.store.get("users", user_id)
    if user is None:
        return
    with rt.store.transaction():
        rt.store.upsert("users", {k: v for k, v in user.items() if k != "e2e"})
        _drop_room_keys(rt, user_id)
    users.revoke_user_tokens(rt, user_id)
