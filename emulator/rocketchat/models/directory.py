"""Finding rooms and users: ``browseChannels`` (the directory) and ``Spotlight``
(``server/methods/browseChannels.ts``, ``server/lib/spotlight.js``)."""

from __future__ import annotations

import re
from typing import Any

from ...core.runtime import Runtime
from .common import Doc, has_permission, setting

ROOM_FIELDS = (
    "_id", "t", "description", "topic", "name", "fname", "lastMessage", "ts", "archived",
    "default", "featured", "usersCount", "prid", "teamId", "federated",
)  # fmt: skip
DIRECTORY_USER_FIELDS = ("_id", "username", "name", "nickname", "bio", "createdAt", "avatarETag")
SPOTLIGHT_USER_FIELDS = (
    "_id",
    "username",
    "nickname",
    "name",
    "status",
    "statusText",
    "avatarETag",
)
SPOTLIGHT_ROOM_FIELDS = (
    "_id", "t", "name", "fname", "teamMain", "joinCodeRequired", "lastMessage", "federated", "prid",
)  # fmt: skip
DEFAULT_SEARCH_FIELDS = "username, name, bio, nickname"  # Accounts_SearchFields' default


def _pick(doc: Doc, fields: tuple[str, ...]) -> Doc:
    return {k: doc[k] for k in fields if k in doc}


def _regex(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text.strip()), re.IGNORECASE)


def _matches(doc: Doc, pattern: re.Pattern[str] | None, fields: list[str]) -> bool:
    if pattern is None:
        return True
    for field in fields:
        value: Any = doc
        for part in field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, dict):
                item = item.get("address")
            if isinstance(item, str) and pattern.search(item):
                return True
    return False


def _search_fields(rt: Runtime) -> list[str]:
    raw = setting(rt, "Accounts_SearchFields") or DEFAULT_SEARCH_FIELDS
    return [f.strip() for f in str(raw).strip().split(",") if f.strip()]


def _my_room_ids(rt: Runtime, user: Doc) -> set[str]:
    return {s["rid"] for s in rt.store.find("subscriptions", "user", user["_id"])}


def directory_channels(rt: Runtime, user: Doc, text: str) -> list[Doc] | None:
    """Public channels (outside teams, or in public teams or teams of the user) and the
    user's own rooms; neither team main rooms nor discussions."""
    if not has_permission(rt, user, "view-c-room"):
        return None
    mine = _my_room_ids(rt, user)
    teams = rt.store.all("teams")
    my_teams = {m["teamId"] for m in rt.store.find("team_members", "userId", user["_id"])}
    team_ids = {t["_id"] for t in teams if t.get("type") == 0} | my_teams
    names = {t["_id"]: t["name"] for t in teams}
    pattern = _regex(text) if text.strip() else None
    found = []
    for room in rt.store.all("rooms"):
        if "teamMain" in room or "prid" in room or room["t"] not in ("c", "p"):
            continue
        public = room["t"] == "c" and ("teamId" not in room or room["teamId"] in team_ids)
        if not (public or room["_id"] in mine):
            continue
        if not _matches(room, pattern, ["name", "fname"]):
            continue
        out = _pick(room, ROOM_FIELDS)
        if room.get("teamId") in names:
            out["belongsTo"] = names[room["teamId"]]
        found.append(out)
    return found


def directory_teams(rt: Runtime, user: Doc, text: str) -> list[Doc]:
    """Main rooms of the teams the user is subscribed to, with their room counts."""
    mine = _my_room_ids(rt, user)
    pattern = _regex(text) if text.strip() else None
    found = []
    for room in rt.store.all("rooms"):
        if not room.get("teamMain") or room["_id"] not in mine:
            continue
        if not _matches(room, pattern, ["name", "fname"]):
            continue
        count = len(rt.store.find("rooms", "teamId", room["teamId"]))
        found.append({**_pick(room, (*ROOM_FIELDS, "teamMain")), "roomsCount": count})
    return found


def directory_users(rt: Runtime, user: Doc, text: str, workspace: str) -> list[Doc] | None:
    """Active local users with a username; e-mails only for ``view-full-other-user-info``."""
    if not (
        has_permission(rt, user, "view-outside-room") and has_permission(rt, user, "view-d-room")
    ):
        return None
    if workspace == "external":
        return []  # no federation: nobody is remote
    fields = ["username", "name", "emails.address"] if workspace == "all" else _search_fields(rt)
    full = has_permission(rt, user, "view-full-other-user-info")
    pattern = _regex(text) if text else None
    picked = (*DIRECTORY_USER_FIELDS, "emails") if full else DIRECTORY_USER_FIELDS
    return [
        _pick(u, picked)
        for u in rt.store.all("users")
        if u.get("active") and u.get("username") and _matches(u, pattern, fields)
    ]


def spotlight(rt: Runtime, user: Doc, text: str) -> Doc:
    """``spotlightMethod`` without a room: users (``#`` skips them) and rooms to join (``@``
    skips them)."""
    want_users, want_rooms = True, True
    if text.startswith("#"):
        want_users, text = False, text[1:]
    if text.startswith("@"):
        want_rooms, text = False, text[1:]
    return {
        "users": _spotlight_users(rt, user, text) if want_users else [],
        "rooms": _spotlight_rooms(rt, user, text) if want_rooms else [],
    }


def _spotlight_users(rt: Runtime, user: Doc, text: str) -> list[Doc]:
    limit = setting(rt, "Number_of_users_autocomplete_suggestions") or 5
    by = "name" if setting(rt, "UI_Use_Real_Name") else "username"
    outsiders = has_permission(rt, user, "view-outside-room") and has_permission(
        rt, user, "view-d-room"
    )
    active = [u for u in rt.store.all("users") if u.get("active") and u.get("username")]
    found: list[Doc] = []
    if outsiders and text:
        exact = [u for u in active if u["username"].lower() == text.lower()]
        found += [{**_pick(u, SPOTLIGHT_USER_FIELDS), "outside": True} for u in exact]
    if outsiders:
        pool = active
    else:
        # only people the user has direct conversations with
        peers = {
            uid
            for s in rt.store.find("subscriptions", "user", user["_id"])
            if s.get("t") == "d"
            for uid in (rt.store.get("rooms", s["rid"]) or {}).get("uids", [])
            if uid != user["_id"]
        }
        pool = [u for u in active if u["_id"] in peers]
    pattern = _regex(text) if text else None
    fields = _search_fields(rt)
    seen = {u["username"] for u in found}
    rest = [u for u in pool if u["username"] not in seen and _matches(u, pattern, fields)]
    rest.sort(key=lambda u: str(u.get(by) or ""))
    found += [{**_pick(u, SPOTLIGHT_USER_FIELDS), "outside": True} for u in rest]
    return found[:limit]


def _spotlight_rooms(rt: Runtime, user: Doc, text: str) -> list[Doc]:
    if not (
        has_permission(rt, user, "view-outside-room") and has_permission(rt, user, "view-c-room")
    ):
        return []
    mine = _my_room_ids(rt, user)
    pattern = _regex(text)
    found = [
        room
        for room in rt.store.find("rooms", "t", "c")
        if room["_id"] not in mine
        and ("teamId" not in room or room.get("teamMain"))
        and _matches(room, pattern, ["name", "fname"])
    ]
    found.sort(key=lambda r: str(r.get("name") or ""))
    strip_last = setting(rt, "Store_Last_Message") and not has_permission(
        rt, user, "preview-c-room"
    )
    out = [_pick(r, SPOTLIGHT_ROOM_FIELDS) for r in found[:5]]
    if strip_last:
        for room in out:
            room.pop("lastMessage", None)
    return out
