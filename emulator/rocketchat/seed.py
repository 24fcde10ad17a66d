"""Turn the neutral workspace into Rocket.Chat documents; apply the official image's env vars."""

from __future__ import annotations

from ..core.clock import SEED_EPOCH_MS
from ..core.runtime import Runtime
from ..core.workspace import HISTORY_SPAN_MS, Workspace
from . import models, settings

SEED_START_MS = SEED_EPOCH_MS - HISTORY_SPAN_MS - 3600_000


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
    at = SEED_START_MS
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

    rooms = {}
    for entry in ws.channels:
        members = [users[n] for n in entry["members"]]
        if entry["kind"] in ("direct", "group"):
            rooms[entry["key"]] = models.direct_room(rt, members, at=at)
        else:
            rooms[entry["key"]] = models.create_room(
                rt,
                room_type="p" if entry["kind"] == "private" else "c",
                name=entry["name"],
                owner=members[0] if members else None,
                members=members,
                topic=entry["header"],
                description=entry["purpose"],
                at=at,
            )

    for entry in ws.posts:
        room = rt.store.get("rooms", rooms[entry["channel"]]["_id"])
        author = users[entry["user"]]
        extra = {}
        if entry["files"]:
            extra = _file_fields(rt, room, author, entry["files"], entry["at_ms"])
        message = models.send_message(
            rt, room=room, user=author, text=entry["message"], extra=extra, at=entry["at_ms"]
        )
        for reply in entry["replies"]:
            models.send_message(
                rt,
                room=rt.store.get("rooms", room["_id"]),
                user=users[reply["user"]],
                text=reply["message"],
                tmid=message["_id"],
                at=reply["at_ms"],
            )
        for reaction in entry["reactions"]:
            fresh = rt.store.get("messages", message["_id"])
            models.react(rt, fresh, users[reaction["user"]], reaction["emoji"], at=entry["at_ms"])
    # Everyone has read the seeded history.
    for sub in rt.store.all("subscriptions"):
        room = rt.store.get("rooms", sub["rid"])
        rt.store.update("subscriptions", sub["_id"], {"ls": room.get("lm", sub["ls"])})


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
