"""Teams, their members and rooms."""

from __future__ import annotations

from ...core.runtime import Runtime
from .. import errors
from . import room_settings, rooms
from .common import Doc, Refused, has_permission, setting

# -- teams ------------------------------------------------------------------------------------


def team_member(rt: Runtime, team_id: str, user_id: str) -> Doc | None:
    return rt.store.find_one("team_members", "team_user", (team_id, user_id))


def add_team_member(
    rt: Runtime, team: Doc, user: Doc, roles: list[str], actor: Doc | None = None
) -> Doc:
    with rt.store.transaction():  # holds the store lock: check and insert are one step
        existing = team_member(rt, team["_id"], user["_id"])
        if existing is not None:
            return existing
        return _insert_team_member(rt, team, user, roles, actor)


def _insert_team_member(
    rt: Runtime, team: Doc, user: Doc, roles: list[str], actor: Doc | None
) -> Doc:
    now = rt.clock.now_ms()
    doc = {
        "_id": rt.ids.meteor_id(),
        "teamId": team["_id"],
        "userId": user["_id"],
        "roles": roles,
        "createdAt": now,
        "createdBy": {"_id": (actor or user)["_id"], "username": (actor or user)["username"]},
        "_updatedAt": now,
    }
    with rt.store.transaction():
        rt.store.insert("team_members", doc)
        main = rt.store.get("rooms", team["roomId"])
        if main is not None:
            rooms.add_member(rt, main, user, actor, roles=[r for r in roles if r != "member"])
    return doc


def create_team(
    rt: Runtime, owner: Doc, name: str, team_type: int, members: list[Doc], read_only: bool
) -> Doc:
    now = rt.clock.now_ms()
    team_id = rt.ids.meteor_id()
    with rt.store.transaction():
        room = rooms.create_room(
            rt,
            room_type="p" if team_type == 1 else "c",
            name=name,
            owner=owner,
            members=[owner],
            read_only=read_only,
        )
        room = rt.store.update("rooms", room["_id"], {"teamMain": True, "teamId": team_id})
        team = {
            "_id": team_id,
            "name": name,
            "type": team_type,
            "roomId": room["_id"],
            "createdBy": {"_id": owner["_id"], "username": owner["username"]},
            "createdAt": now,
            "_updatedAt": now,
        }
        rt.store.insert("teams", team)
        rt.store.insert(
            "team_members",
            {
                "_id": rt.ids.meteor_id(),
                "teamId": team_id,
                "userId": owner["_id"],
                "roles": ["owner"],
                "createdAt": now,
                "createdBy": {"_id": owner["_id"], "username": owner["username"]},
                "_updatedAt": now,
            },
        )
        for sub in rt.store.find("subscriptions", "rid", room["_id"]):
            rt.store.update("subscriptions", sub["_id"], {"teamMain": True, "teamId": team_id})
        for member_doc in members:
            if member_doc["_id"] != owner["_id"]:
                add_team_member(rt, team, member_doc, ["member"], actor=owner)
    return team


def convert_room_to_team(rt: Runtime, owner: Doc, room: Doc) -> Doc:
    """``Team.create`` for an existing room (``channels``/``groups.convertToTeam``): a free team
    name, a room on no team yet (else ``Refused``); the room becomes the main room, announced
    with ``user-converted-to-team``, its members the team's (the caller owns it)."""
    name = room["name"]
    with rt.store.transaction():  # the name check and the inserts under one lock
        if rt.store.find_one("teams", "name", name) is not None:
            raise Refused(errors.TEAM_NAME_ALREADY_EXISTS)
        if room.get("teamId"):
            raise Refused(errors.ROOM_ALREADY_ON_TEAM)
        now = rt.clock.now_ms()
        team = {
            "_id": rt.ids.meteor_id(),
            "name": name,
            "type": 0 if room["t"] == "c" else 1,
            "roomId": room["_id"],
            "createdBy": {"_id": owner["_id"], "username": owner["username"]},
            "createdAt": now,
            "_updatedAt": now,
        }
        rt.store.insert("teams", team)
        rooms.system_message(rt, room, "user-converted-to-team", owner, name)
        rooms.update_room(rt, room, {"teamMain": True, "teamId": team["_id"]})
        for sub in rt.store.find("subscriptions", "rid", room["_id"]):
            rt.store.update("subscriptions", sub["_id"], {"teamMain": True, "teamId": team["_id"]})
            user = rt.store.get("users", sub["u"]["_id"])
            if user is not None:
                roles = ["owner"] if user["_id"] == owner["_id"] else ["member"]
                add_team_member(rt, team, user, roles, actor=owner)
        if team_member(rt, team["_id"], owner["_id"]) is None:
            add_team_member(rt, team, owner, ["owner"], actor=owner)
    return team


def remove_team_member(rt: Runtime, team: Doc, user: Doc, actor: Doc) -> None:
    membership = team_member(rt, team["_id"], user["_id"])
    if membership is None:
        return
    with rt.store.transaction():
        rt.store.delete("team_members", membership["_id"])
        main = rt.store.get("rooms", team["roomId"])
        if main is not None:
            rooms.remove_member(rt, main, user, actor)


def add_room_to_team(rt: Runtime, team: Doc, room: Doc) -> Doc:
    with rt.store.transaction():
        fresh = rooms.update_room(rt, room, {"teamId": team["_id"]})
        for sub in rt.store.find("subscriptions", "rid", room["_id"]):
            rt.store.update("subscriptions", sub["_id"], {"teamId": team["_id"]})
    return fresh


def delete_team(rt: Runtime, team: Doc, rooms_to_remove: list[str]) -> None:
    """``teams.delete``: the chosen team rooms and the main room go, the rest leave the team."""
    with rt.store.transaction():
        _dissolve(rt, team, rooms_to_remove)
        main = rt.store.get("rooms", team["roomId"])
        if main is not None:
            rooms.delete_room(rt, main)


def convert_team_to_channel(rt: Runtime, team: Doc, rooms_to_remove: list[str]) -> None:
    """``teams.convertToChannel``: the chosen team rooms go, the others (the main room too)
    leave the team, which is deleted; its main room stays as a plain room."""
    with rt.store.transaction():
        _dissolve(rt, team, rooms_to_remove)
        main = rt.store.get("rooms", team["roomId"])
        if main is not None:
            rest = {k: v for k, v in main.items() if k not in ("teamId", "teamMain")}
            rt.store.upsert("rooms", {**rest, "_updatedAt": rt.clock.now_ms()})
            for sub in rt.store.find("subscriptions", "rid", main["_id"]):
                kept = {k: v for k, v in sub.items() if k not in ("teamId", "teamMain")}
                rt.store.upsert("subscriptions", kept)
            rooms.update_room(rt, rt.store.get("rooms", main["_id"]), {})


def _dissolve(rt: Runtime, team: Doc, rooms_to_remove: list[str]) -> None:
    """The chosen team rooms are erased, the other non-main ones leave the team
    (``$unset: {teamId}``); the memberships and the team go."""
    for room in rt.store.find("rooms", "teamId", team["_id"]):
        if room["_id"] == team["roomId"]:
            continue
        if room["_id"] in rooms_to_remove:
            rooms.delete_room(rt, room)
        else:
            rest = {k: v for k, v in room.items() if k != "teamId"}
            rt.store.upsert("rooms", {**rest, "_updatedAt": rt.clock.now_ms()})
    for membership in rt.store.find("team_members", "teamId", team["_id"]):
        rt.store.delete("team_members", membership["_id"])
    rt.store.delete("teams", team["_id"])


def leave_team(rt: Runtime, team: Doc, user: Doc, room_ids: list[str]) -> None:
    """``Team.removeMembers`` for oneself (``teams.leave``): a member, not the last owner (else
    ``Refused``); out of the main room, and of the chosen team rooms."""
    membership = team_member(rt, team["_id"], user["_id"])
    in_main = rooms.subscription(rt, team["roomId"], user["_id"]) is not None
    if membership is None and not in_main:
        raise Refused(errors.MEMBER_DOES_NOT_EXIST)
    if membership is not None and "owner" in membership.get("roles", []):
        owners = [
            m
            for m in rt.store.find("team_members", "teamId", team["_id"])
            if "owner" in m.get("roles", [])
        ]
        if len(owners) == 1:
            raise Refused(errors.LAST_OWNER_CAN_NOT_BE_REMOVED)
    with rt.store.transaction():
        if membership is not None:
            rt.store.delete("team_members", membership["_id"])
        main = rt.store.get("rooms", team["roomId"])
        if main is not None:
            rooms.remove_member(rt, main, user, user)
        for room_id in room_ids:
            room = rt.store.get("rooms", room_id)
            if room is not None and room.get("teamId") == team["_id"]:
                rooms.remove_member(rt, room, user)


def update_team(rt: Runtime, actor: Doc, team: Doc, name: str | None, kind: int | None) -> None:
    """``Team.update``: a new name or type saved on the main room (``saveRoomName`` /
    ``saveRoomType``, with their system messages), then on the team."""
    main = rt.store.get("rooms", team["roomId"])
    with rt.store.transaction():
        if main is not None and name:
            room_settings.apply_room_setting(rt, actor, main, "roomName", name)
        if main is not None and kind is not None:
            fresh = rt.store.get("rooms", main["_id"]) or main
            room_settings.apply_room_setting(rt, actor, fresh, "roomType", "p" if kind else "c")
        changes: Doc = {"_updatedAt": rt.clock.now_ms()}
        if name:
            changes["name"] = name
        if kind is not None:
            changes["type"] = kind
        rt.store.update("teams", team["_id"], changes)


def team_children(rt: Runtime, user: Doc, team: Doc, kind: str | None) -> list[Doc]:
    """``Team.listChildren``: the main room, then (unless ``kind`` narrows it to the other) the
    team's rooms the user may read (``channels``) and the main room's discussions
    (``discussions``)."""
    main = rt.store.get("rooms", team["roomId"])
    found = [main] if main is not None else []
    if kind != "discussions":
        found += [
            r
            for r in rt.store.find("rooms", "teamId", team["_id"])
            if r["_id"] != team["roomId"] and rooms.can_access_room(rt, r, user)
        ]
    if kind != "channels":
        found += [
            r
            for r in rt.store.all("rooms")
            if r.get("prid") == team["roomId"] and rooms.can_access_room(rt, r, user)
        ]
    return found


def remove_room_from_team(
    rt: Runtime, actor: Doc, room_id: str, team: Doc, can_remove_any: bool
) -> Doc:
    """``Team.removeRoom``: the room leaves the team (``teamId``/``teamDefault`` unset); a
    channel's removal is announced in the main room. Plain ``Error`` codes as ``Refused``."""
    room = rt.store.get("rooms", room_id)
    if room is None or not (can_remove_any or rooms.can_access_room(rt, room, actor)):
        raise Refused(errors.BARE_INVALID_ROOM)
    if room.get("teamId") != team["_id"]:
        raise Refused(errors.ROOM_NOT_ON_THAT_TEAM)
    with rt.store.transaction():
        fresh = {k: v for k, v in room.items() if k not in ("teamId", "teamDefault")}
        fresh["_updatedAt"] = rt.clock.now_ms()
        rt.store.upsert("rooms", fresh)
        for sub in rt.store.find("subscriptions", "rid", room_id):
            rt.store.upsert("subscriptions", {k: v for k, v in sub.items() if k != "teamId"})
        main = rt.store.get("rooms", team["roomId"])
        if room["t"] == "c" and main is not None:
            rooms.system_message(
                rt, main, "user-removed-room-from-team", actor, room.get("name") or ""
            )
    return fresh


def update_team_room(
    rt: Runtime, actor: Doc, room_id: str, is_default: bool, can_update_any: bool
) -> Doc:
    """``Team.updateRoom``: mark a team room (not) default; a default one gets every team
    member (up to ``API_User_Limit``) added by ``actor``."""
    room = rt.store.get("rooms", room_id)
    if room is None or not (can_update_any or rooms.can_access_room(rt, room, actor)):
        raise Refused(errors.BARE_INVALID_ROOM)
    if not room.get("teamId"):
        raise Refused(errors.ROOM_NOT_ON_TEAM)
    fresh = rooms.update_room(rt, room, {"teamDefault": is_default})
    if is_default:
        limit = setting(rt, "API_User_Limit") or 500
        owner = (room.get("u") or {}).get("_id")
        members = [
            m
            for m in rt.store.find("team_members", "teamId", room["teamId"])
            if m["userId"] != owner
        ][:limit]
        for member in members:
            user = rt.store.get("users", member["userId"])
            if user is not None:
                rooms.add_member(rt, fresh, user, actor=actor)
        fresh = rt.store.get("rooms", room_id) or fresh
    return fresh


def update_team_member(rt: Runtime, team: Doc, user_id: str, roles: list[str]) -> None:
    """``Team.updateMember``: the member's team roles, mirrored on the main-room subscription."""
    with rt.store.transaction():
        member = team_member(rt, team["_id"], user_id)
        if member is not None:
            rt.store.update("team_members", member["_id"], {"roles": roles})
        sub = rooms.subscription(rt, team["roomId"], user_id)
    if sub is not None and sub.get("roles") != roles:
        rooms.update_subscription(rt, sub, {"roles": roles})


def rooms_of_user_in_team(
    rt: Runtime, caller: Doc, team: Doc, user_id: str, allow_private: bool, deletable_only: bool
) -> list[Doc]:
    """``Team.listRoomsOfUser``: the team's channels and groups ``user_id`` is subscribed to
    (only those they may delete, if asked)."""
    if (
        team.get("type") == 1
        and not allow_private
        and team_member(rt, team["_id"], caller["_id"]) is None
    ):
        raise Refused(errors.USER_NOT_ON_PRIVATE_TEAM)
    target = rt.store.get("users", user_id) or {"_id": user_id, "roles": []}
    found = []
    for room in rt.store.find("rooms", "teamId", team["_id"]):
        if room["t"] not in ("c", "p"):
            continue
        if deletable_only:
            kind = "channel" if room["t"] == "c" else "group"
            if not (
                has_permission(rt, target, f"delete-team-{kind}", team["roomId"])
                and has_permission(rt, target, f"delete-{room['t']}", room["_id"])
            ):
                continue
        if rooms.subscription(rt, room["_id"], user_id) is not None:
            found.append(room)
    return found


def teams_of_user(rt: Runtime, user_id: str, viewer: Doc | None) -> list[Doc]:
    """``Team.findBySubscribedUserIds``: the user's teams (private ones only those ``viewer``
    is in too, when given), each with ``isOwner``."""
    memberships = rt.store.find("team_members", "userId", user_id)
    found = []
    for membership in memberships:
        team = rt.store.get("teams", membership["teamId"])
        if team is None:
            continue
        private = team.get("type") != 0
        if viewer is not None and private and team_member(rt, team["_id"], viewer["_id"]) is None:
            continue
        found.append({**team, "isOwner": "owner" in membership.get("roles", [])})
    return found
