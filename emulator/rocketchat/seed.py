"""Turn the neutral workspace into Rocket.Chat documents; apply the official image's env vars."""

from __future__ import annotations

from ..core import company
from ..core.clock import SEED_EPOCH_MS
from ..core.runtime import Runtime
from ..core.workspace import HISTORY_SPAN_MS, Workspace, timeline
from . import models, settings
from .models import livechat_departments

# The server's install time: defaults and accounts made from the environment date from it,
# whatever the history anchor (the workspace's own records date from ``ws.start_ms``).
SEED_START_MS = SEED_EPOCH_MS - HISTORY_SPAN_MS - 3600_000
PIN = -2  # in the seeded timeline, after -1 (a post) and replies (0, 1, ...)


def _defaults(rt: Runtime) -> None:
    initial = settings.initial_values(rt.config.environ)
    for setting_id, value, setting_type, public in settings.SETTINGS:
        if setting_id in initial:
            value = settings.convert(initial[setting_id], setting_type, value)
        rt.store.insert(
            "settings",
            {
                "_id": setting_id,
                "value": value,
                "packageValue": value,
                "type": setting_type,
                "public": public,
                "_updatedAt": SEED_START_MS,
            },
        )
    for permission, roles in settings.PERMISSIONS.items():
        rt.store.insert(
            "permissions", {"_id": permission, "roles": list(roles), "_updatedAt": SEED_START_MS}
        )
    for role, (scope, description) in settings.ROLES.items():
        rt.store.insert(
            "roles",
            {
                "_id": role,
                "name": role,
                "scope": scope,
                "description": description,
                "protected": True,
                "mandatory2fa": False,
                "_updatedAt": SEED_START_MS,
            },
        )


def seed(rt: Runtime, ws: Workspace) -> None:
    """What a fresh server has (``rocket.cat``, ``#general``), then the workspace."""
    _defaults(rt)
    at = ws.start_ms
    bot = models.create_user(
        rt,
        username="rocket.cat",
        email=None,
        password=None,
        name="Rocket.Cat",
        roles=["bot"],
        user_type="bot",
        user_id=models.BOT_ID,
        at=at,
    )
    users = {}
    for entry in ws.users:
        roles = ["admin"] if entry["admin"] else ["bot"] if entry["bot"] else ["user"]
        users[entry["username"]] = models.create_user(
            rt,
            username=entry["username"],
            email=entry["email"],
            password=entry["password"],
            name=f"{entry['first_name']} {entry['last_name']}".strip(),
            roles=roles,
            user_type="bot" if entry["bot"] else "user",
            at=at,
            salt=rt.ids.hex(8),
        )
        _presence(rt, users[entry["username"]], entry)
    models.create_room(
        rt,
        room_type="c",
        name="general",
        owner=None,
        members=list(users.values()),
        room_id=models.GENERAL_ID,
        default=True,
        at=at,
    )
    del bot

    teams = {entry["name"]: _team(rt, entry, users, at) for entry in ws.teams}
    used = {p["channel"] for p in ws.posts}
    rooms = {}
    for entry in ws.channels:
        members = [users[n] for n in entry["members"]]
        if entry.get("builtin"):
            # Mattermost's per-team channels: #general and the team's main room stand in for
            # Town Square; Off-Topic becomes a room of that name, made only if it has history.
            first = entry["key"] == entry["builtin"]
            if entry["builtin"] == "town-square":
                room_id = models.GENERAL_ID if first else teams[entry["team"]]["roomId"]
                rooms[entry["key"]] = rt.store.get("rooms", room_id)
                continue
            if entry["key"] not in used:
                continue
            name = "off-topic" if first else f"{entry['team']}-off-topic"
            entry = {**entry, "name": name, "kind": "public"}
        if entry["kind"] in ("direct", "group"):
            rooms[entry["key"]] = models.direct_room(rt, members, at=at)
        else:
            room = models.create_room(
                rt,
                room_type="p" if entry["kind"] == "private" else "c",
                name=entry["name"],
                owner=members[0] if members else None,
                members=members,
                topic=entry["header"],
                description=entry["purpose"],
                at=at,
            )
            if entry["team"] in teams:
                _into_team(rt, room, teams[entry["team"]])
            rooms[entry["key"]] = room

    # A couple of threads in public rooms become discussions, as Rocket.Chat people use them;
    # generated people start them, so the fixture's accounts own no extra rooms.
    declared = {u["username"] for u in ws.users if u["explicit"]}
    discussions = [
        i
        for i, p in enumerate(ws.posts)
        if len(p["replies"]) >= 2 and rooms[p["channel"]]["t"] == "c" and p["user"] not in declared
    ][:2]
    # Pins write a system message an hour after the post: it takes its place in the history.
    pins = [(p["at_ms"] + 3600_000, i, PIN) for i, p in enumerate(ws.posts) if p["pinned_by"]]
    messages: dict[int, dict] = {}
    started: dict[int, tuple[dict, dict]] = {}  # post index -> (discussion room, its announcement)
    for at_ms, index, reply_index in sorted(timeline(ws) + pins):
        entry = ws.posts[index]
        room = rt.store.get("rooms", rooms[entry["channel"]]["_id"])
        if reply_index == PIN:
            pinner = users[entry["pinned_by"]]
            _pin(rt, room, rt.store.get("messages", messages[index]["_id"]), pinner, at_ms)
        elif reply_index >= 0:
            reply = entry["replies"][reply_index]
            fields = {"mentions": models.mentions_in(rt, reply["message"])}
            if index in started:
                discussion, announcement = started[index]
                room, tmid = rt.store.get("rooms", discussion["_id"]), None
                counts = {"dcount": reply_index + 1, "dlm": at_ms}
                rt.store.update("messages", announcement["_id"], counts)
                rt.store.update("messages", messages[index]["_id"], counts)
            else:
                tmid = messages[index]["_id"]
            user = users[reply["user"]]
            text = reply["message"]
            models.send_message(
                rt, room=room, user=user, text=text, tmid=tmid, extra=fields, at=at_ms
            )
        else:
            messages[index] = _root(rt, room, entry, users)
            if index in discussions:
                started[index] = _discussion(rt, room, messages[index], entry, users)
    # Everyone has read the seeded history.
    for sub in rt.store.all("subscriptions"):
        room = rt.store.get("rooms", sub["rid"])
        rt.store.update("subscriptions", sub["_id"], {"ls": room.get("lm", sub["ls"])})
    _livechat(rt, ws, users, at)


# Positions whose people would answer the website's chat, first in line to be its agents.
SUPPORT_POSITIONS = ("Support", "Customer")


def _livechat(rt: Runtime, ws: Workspace, users: dict, at: int) -> None:
    """One omnichannel department, Support, served by two generated people made livechat agents
    (``addAgent``: the role, and available unless offline), so a demo has omnichannel to show."""
    people = [u for u in ws.users if not u["explicit"] and not u["bot"]]
    people.sort(key=lambda u: not any(p in (u["position"] or "") for p in SUPPORT_POSITIONS))
    agents = [users[u["username"]] for u in people[:2]]
    if not agents:
        return
    for agent in agents:
        status = "not-available" if agent.get("status", "offline") == "offline" else "available"
        roles = [*agent["roles"], "livechat-agent"]
        rt.store.update("users", agent["_id"], {"roles": roles, "statusLivechat": status})
    department = livechat_departments.save_department(
        rt,
        None,
        {
            "enabled": True,
            "name": "Support",
            "description": "Questions from the website's chat",
            "showOnRegistration": True,
            "showOnOfflineForm": True,
            "email": "support@example.com",
        },
        {"upsert": [{"agentId": a["_id"]} for a in agents]},
    )
    rt.store.update("livechat_departments", department["_id"], {"_updatedAt": at})
    for row in livechat_departments.department_agents(rt, department["_id"]):
        rt.store.update("livechat_department_agents", row["_id"], {"_updatedAt": at})


def _root(rt: Runtime, room: dict, entry: dict, users: dict) -> dict:
    """A post of the workspace as a message, with its files, reactions and edit."""
    author = users[entry["user"]]
    extra = {"mentions": models.mentions_in(rt, entry["message"])}
    if entry["files"]:
        extra.update(_file_fields(rt, room, author, entry["files"], entry["at_ms"]))
    message = models.send_message(
        rt, room=room, user=author, text=entry["message"], extra=extra, at=entry["at_ms"]
    )
    for reaction in entry["reactions"]:
        fresh = rt.store.get("messages", message["_id"])
        models.react(rt, fresh, users[reaction["user"]], reaction["emoji"], at=entry["at_ms"])
    if entry["edit"]:
        editor = {"_id": author["_id"], "username": author["username"]}
        at_ms = entry["edit"]["at_ms"]
        changes = {"msg": entry["edit"]["message"], "editedAt": at_ms, "editedBy": editor}
        rt.store.update("messages", message["_id"], {**changes, "_updatedAt": at_ms})
    return rt.store.get("messages", message["_id"])


def _presence(rt: Runtime, user: dict, entry: dict) -> None:
    """Status and UTC offset of a seeded person (``utcOffset`` in hours, as clients send it)."""
    changes: dict = {}
    if entry["timezone"]:
        # A zone the company does not use (a fixture's own choice) counts as UTC.
        changes["utcOffset"] = company.UTC_OFFSETS.get(entry["timezone"], 0)
    if entry["status"] != "offline":
        status = "busy" if entry["status"] == "dnd" else entry["status"]  # Rocket.Chat's word
        changes.update(status=status, statusDefault=status)
        changes["statusConnection"] = "away" if status == "away" else "online"
    if changes:
        rt.store.update("users", user["_id"], changes)


def _team(rt: Runtime, entry: dict, users: dict, at: int) -> dict:
    """A team with its main room, as ``teams.create`` makes it, dated ``at``."""
    members = [users[n] for n in entry["members"]]
    owner = next((u for u in members if "admin" in u["roles"]), members[0] if members else None)
    team = {
        "_id": rt.ids.meteor_id(),
        "name": entry["name"],
        "type": 0 if entry["open"] else 1,
        "createdBy": {"_id": owner["_id"], "username": owner["username"]} if owner else None,
        "createdAt": at,
        "_updatedAt": at,
    }
    main = models.create_room(
        rt,
        room_type="c" if entry["open"] else "p",
        name=entry["name"],
        owner=owner,
        members=members,
        description=entry["description"],
        at=at,
    )
    team["roomId"] = main["_id"]
    rt.store.insert("teams", team)
    rt.store.update("rooms", main["_id"], {"teamMain": True, "teamId": team["_id"]})
    for sub in rt.store.find("subscriptions", "rid", main["_id"]):
        rt.store.update("subscriptions", sub["_id"], {"teamMain": True, "teamId": team["_id"]})
    for member in members:
        rt.store.insert(
            "team_members",
            {
                "_id": rt.ids.meteor_id(),
                "teamId": team["_id"],
                "userId": member["_id"],
                "roles": ["owner"] if member is owner else ["member"],
                "createdAt": at,
                "createdBy": team["createdBy"],
                "_updatedAt": at,
            },
        )
    return team


def _into_team(rt: Runtime, room: dict, team: dict) -> None:
    rt.store.update("rooms", room["_id"], {"teamId": team["_id"]})
    for sub in rt.store.find("subscriptions", "rid", room["_id"]):
        rt.store.update("subscriptions", sub["_id"], {"teamId": team["_id"]})


def _discussion(
    rt: Runtime, parent: dict, message: dict, entry: dict, users: dict
) -> tuple[dict, dict]:
    """A discussion started from ``message`` for its replies: a room with ``prid``, announced in
    the parent by a ``discussion-created`` message, as ``createDiscussion`` does."""
    author = users[entry["user"]]
    people = dict.fromkeys([entry["user"], *(r["user"] for r in entry["replies"])])
    title = entry["message"].split("\n")[0][:60]
    at = entry["at_ms"] + 1000
    room = models.create_room(
        rt, room_type=parent["t"], name=rt.ids.meteor_id(), owner=author, members=[], at=at
    )
    for person in people:
        roles = ["owner"] if person == entry["user"] else []
        models.subscribe(rt, room, users[person], roles=roles, at=at)
    fields = {"fname": title, "prid": parent["_id"], "topic": parent.get("name", "")}
    room = rt.store.update("rooms", room["_id"], fields)
    for sub in rt.store.find("subscriptions", "rid", room["_id"]):
        rt.store.update("subscriptions", sub["_id"], {"fname": title, "prid": parent["_id"]})
    announcement = models.send_message(
        rt,
        room=rt.store.get("rooms", parent["_id"]),
        user=author,
        text=title,
        extra={"t": "discussion-created", "drid": room["_id"]},
        at=at,
    )
    rt.store.update("messages", message["_id"], {"drid": room["_id"]})
    return room, announcement


def _pin(rt: Runtime, room: dict, message: dict, user: dict, at: int) -> None:
    """What ``pinMessage`` stores, dated ``at`` rather than now."""
    by = {"_id": user["_id"], "username": user["username"]}
    rt.store.update("messages", message["_id"], {"pinned": True, "pinnedAt": at, "pinnedBy": by})
    quote = {
        "text": message.get("msg", ""),
        "author_name": message["u"]["username"],
        "author_icon": f"/avatar/{message['u']['username']}",
        "ts": message["ts"],
    }
    models.send_message(
        rt,
        room=rt.store.get("rooms", room["_id"]),
        user=user,
        text=message.get("msg", ""),
        extra={"t": "message_pinned", "attachments": [quote]},
        at=at,
    )


def _file_fields(rt: Runtime, room: dict, author: dict, files: list[dict], at: int) -> dict:
    uploads = []
    for spec in files:
        upload = {
            "_id": rt.ids.meteor_id(),
            "name": spec["name"],
            "size": spec["size"],
            "type": spec["mime_type"],
            "rid": room["_id"],
            "userId": author["_id"],
            "complete": True,
            "uploading": False,
            "uploadedAt": at,
            "_updatedAt": at,
        }
        upload["path"] = f"/file-upload/{upload['_id']}/{upload['name']}"
        upload["url"] = upload["path"]
        rt.store.insert("uploads", upload)
        uploads.append(upload)
    first = uploads[0]
    return {
        "file": {"_id": first["_id"], "name": first["name"], "type": first["type"]},
        "files": [{"_id": u["_id"], "name": u["name"], "type": u["type"]} for u in uploads],
        "attachments": [
            {
                "title": u["name"],
                "title_link": u["path"],
                "title_link_download": True,
                "type": "file",
                "description": "",
            }
            for u in uploads
        ],
    }


def apply_environment(rt: Runtime, seeding: bool) -> None:
    """``OVERWRITE_SETTING_*`` on every start; ``ADMIN_*`` gives the admin account.

    In the seeded baseline the env account wins over a fixture user of the same name; on a restart
    over existing data an existing account is kept as it is.
    """
    for setting_id, raw in settings.env_overrides(rt.config.environ).items():
        doc = rt.store.get("settings", setting_id)
        if doc is None:
            rt.store.insert(
                "settings",
                {
                    "_id": setting_id,
                    "value": raw,
                    "packageValue": raw,
                    "type": "string",
                    "public": False,
                    "_updatedAt": SEED_START_MS,
                },
            )
            continue
        try:
            value = settings.convert(raw, doc["type"], doc["value"])
        except ValueError:
            continue
        rt.store.update("settings", setting_id, {"value": value})

    env = rt.config.environ
    password = env.get("ADMIN_PASS")
    if not password:
        return
    username = env.get("ADMIN_USERNAME", "admin")
    rt.add_account(username, password, admin=True, env="ADMIN_PASS")
    existing = models.find_user(rt, username)
    if existing is not None:
        if seeding:
            models.set_password(rt, existing, password, salt=rt.ids.hex(8))
            roles = (
                existing["roles"] if "admin" in existing["roles"] else ["admin", *existing["roles"]]
            )
            rt.store.update("users", existing["_id"], {"roles": roles})
        return
    user = models.create_user(
        rt,
        username=username,
        email=env.get("ADMIN_EMAIL"),
        password=password,
        name=env.get("ADMIN_NAME", "Administrator"),
        roles=["admin"],
        verified=env.get("ADMIN_EMAIL_VERIFIED", "").lower() == "true",
        at=SEED_START_MS,
        salt=rt.ids.hex(8),
    )
    general = rt.store.get("rooms", models.GENERAL_ID)
    if general is not None:
        models.subscribe(rt, general, user, at=SEED_START_MS)
