"""Teams, their members and rooms."""

from __future__ import annotations

from ...core.runtime import Runtime
from . import rooms
from .common import Doc

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
        for room in rt.store.find("rooms", "teamId", team["_id"]):
            if room["_id"] == team["roomId"]:
                continue
            if room["_id"] in rooms_to_remove:
                rooms.delete_room(rt, room)
            else:  # ``$unset: {teamId}``
                rest = {k: v for k, v in room.items() if k != "teamId"}
                rt.store.upsert("rooms", {**rest, "_updatedAt": rt.clock.now_ms()})
        main = rt.store.get("rooms", team["roomId"])
        if main is not None:
            rooms.delete_room(rt, main)
        for membership in rt.store.find("team_members", "teamId", team["_id"]):
            rt.store.delete("team_members", membership["_id"])
        rt.store.delete("teams", team["_id"])
