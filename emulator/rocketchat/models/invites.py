"""Room invite links (``app/invites/server/functions/*.ts``): create, list, remove, use."""

from __future__ import annotations

from urllib.parse import quote

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, Refused, has_permission, setting
from .rooms import add_member, subscription

POSSIBLE_DAYS = (0, 1, 7, 15, 30)
POSSIBLE_USES = (0, 1, 5, 10, 25, 50, 100)
DAY_MS = 86_400_000
DEEP_LINK_URL = "https://go.rocket.chat"  # ``DeepLink_Url``'s default


def invite_url(rt: Runtime, invite: Doc) -> str:
    """``getInviteUrl``: the site's ``/invite/<id>`` for the ``direct`` type, else (the default
    ``proxy``) the cloud deep link that carries host and path."""
    site = (setting(rt, "Site_Url") or "").strip().rstrip("/")
    path = f"invite/{invite['_id']}"
    if setting(rt, "Accounts_Registration_InviteUrlType") == "direct":
        return f"{site}/{path}"
    base = (setting(rt, "DeepLink_Url") or DEEP_LINK_URL).rstrip("/")
    params = {"host": site.removeprefix("https://").removeprefix("http://"), "path": path}
    if "http://" in site:
        params["secure"] = "no"
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
    return f"{base}/invite?{query}"


def _inviteable(room: Doc) -> bool:
    # allowMemberAction(INVITE): channels and groups, not DMs or livechat rooms
    return room.get("t") in ("c", "p")


def find_or_create_invite(rt: Runtime, user: Doc, rid: str, days: int, max_uses: int) -> Doc:
    details = {"method": "findOrCreateInvite", "field": "rid"}
    if not rid:
        raise Refused(errors.THE_FIELD_IS_REQUIRED, "The field rid is required", details)
    if not has_permission(rt, user, "create-invite-links", rid):
        raise Refused(errors.INTEGRATION_NOT_AUTHORIZED)
    room = rt.store.get("rooms", rid)
    if subscription(rt, rid, user["_id"]) is None or room is None:
        raise Refused(errors.INVALID_ROOM, "The rid field is invalid", details)
    if not _inviteable(room):
        raise Refused(
            errors.ROOM_TYPE_NOT_ALLOWED,
            "Cannot create invite links for this room type",
            {"method": "findOrCreateInvite"},
        )
    if days not in POSSIBLE_DAYS:
        raise Refused(
            errors.INVALID_NUMBER_OF_DAYS,
            "Invite should expire in 1, 7, 15 or 30 days, or send 0 to never expire.",
        )
    if max_uses not in POSSIBLE_USES:
        raise Refused(
            errors.INVALID_NUMBER_OF_USES,
            "Invite should be valid for 1, 5, 10, 25, 50, 100 or infinite (0) uses.",
        )
    now = rt.clock.now_ms()
    for existing in rt.store.find("invites", "rid", rid):
        if (
            existing["userId"] == user["_id"]
            and existing["days"] == days
            and existing["maxUses"] == max_uses
            and (days == 0 or (existing["expires"] or 0) > now)
            and (max_uses == 0 or existing["uses"] < max_uses)
        ):
            return {**existing, "url": invite_url(rt, existing)}
    invite = {
        "_id": rt.ids.meteor_id()[:6],
        "days": days,
        "maxUses": max_uses,
        "rid": rid,
        "userId": user["_id"],
        "createdAt": now,
        "expires": now + days * DAY_MS if days > 0 else None,
        "url": "",
        "uses": 0,
        "_updatedAt": now,
    }
    rt.store.insert("invites", invite)
    return {**invite, "url": invite_url(rt, invite)}


def list_invites(rt: Runtime, user: Doc) -> list[Doc]:
    if not has_permission(rt, user, "create-invite-links"):
        raise Refused(errors.INTEGRATION_NOT_AUTHORIZED)
    return rt.store.all("invites")


def remove_invite(rt: Runtime, user: Doc, invite_id: str) -> bool:
    if not has_permission(rt, user, "create-invite-links"):
        raise Refused(errors.INTEGRATION_NOT_AUTHORIZED)
    if rt.store.get("invites", invite_id) is None:
        raise Refused(
            errors.INVALID_INVITATION_ID, "Invalid Invitation _id", {"method": "removeInvite"}
        )
    rt.store.delete("invites", invite_id)
    return True


def validate_invite_token(rt: Runtime, token: str) -> tuple[Doc, Doc]:
    """The invite and its room, or ``Refused`` for an unknown, orphaned or used-up token."""
    details = {"method": "validateInviteToken", "field": "token"}
    invite = rt.store.get("invites", token) if token else None
    if invite is None:
        raise Refused(errors.INVALID_TOKEN, "The invite token is invalid.", details)
    room = rt.store.get("rooms", invite["rid"])
    if room is None:
        raise Refused(
            errors.INVALID_ROOM, "The invite token is invalid.", {**details, "field": "rid"}
        )
    if invite["expires"] is not None and invite["expires"] <= rt.clock.now_ms():
        raise Refused(
            errors.INVITE_EXPIRED, "The invite token has expired.", {**details, "field": "expires"}
        )
    if invite["maxUses"] > 0 and invite["uses"] >= invite["maxUses"]:
        raise Refused(
            errors.INVITE_EXPIRED, "The invite token has expired.", {**details, "field": "maxUses"}
        )
    return invite, room


def use_invite_token(rt: Runtime, user: Doc, token: str) -> Doc:
    """Join the invite's room (counting a use for a newcomer); the room's brief."""
    if not token:
        raise Refused(
            errors.INVALID_TOKEN,
            "The invite token is invalid.",
            {"method": "useInviteToken", "field": "token"},
        )
    invite, room = validate_invite_token(rt, token)
    if not _inviteable(room):
        raise Refused(
            errors.ROOM_TYPE_NOT_ALLOWED,
            "Can't join room of this type via invite",
            {"method": "useInviteToken", "field": "token"},
        )
    with rt.store.transaction():
        rt.store.update("users", user["_id"], {"inviteToken": token})
        if subscription(rt, room["_id"], user["_id"]) is None:
            current = rt.store.get("invites", invite["_id"])
            rt.store.update("invites", invite["_id"], {"uses": current["uses"] + 1})
    add_member(rt, room, rt.store.get("users", user["_id"]))
    # undefined fields are left out of the JSON, as upstream's
    brief = {"rid": invite["rid"], "prid": room.get("prid"), "fname": room.get("fname")}
    brief |= {"name": room.get("name"), "t": room["t"]}
    return {key: value for key, value in brief.items() if value is not None}
