"""Turn the neutral workspace into Mattermost documents, and apply the image-style env vars."""

from __future__ import annotations

from ..core.clock import SEED_EPOCH_MS
from ..core.passwords import seeded_hash
from ..core.runtime import Runtime
from ..core.workspace import HISTORY_SPAN_MS, Workspace, timeline
from . import models, permissions, settings

# The server's install time: defaults and accounts made from the environment date from it,
# whatever the history anchor (the workspace's own records date from ``ws.start_ms``).
SEED_START_MS = SEED_EPOCH_MS - HISTORY_SPAN_MS - 3600_000


def seed(rt: Runtime, ws: Workspace) -> None:
    rt.store.insert("config", {"id": "config", "settings": settings.default_config()})

    at = ws.start_ms
    users = {}
    for entry in ws.users:
        users[entry["username"]] = models.create_user(
            rt,
            username=entry["username"],
            email=entry["email"],
            password=None if entry["bot"] else entry["password"],
            first_name=entry["first_name"],
            last_name=entry["last_name"],
            nickname=entry["nickname"],
            position=entry["position"],
            roles="system_admin system_user" if entry["admin"] else "system_user",
            is_bot=entry["bot"],
            at=at,
            salt=rt.ids.hex(8),
        )
        _presence(rt, users[entry["username"]], entry, ws.epoch_ms)
    admins = [u for u in users.values() if permissions.is_system_admin(u)]
    for entry in ws.users:
        if entry["bot"]:
            owner = admins[0]["id"] if admins else users[entry["username"]]["id"]
            display = f"{entry['first_name']} {entry['last_name']}".strip()
            models.create_bot(rt, users[entry["username"]], owner, display, at=at)

    teams = {}
    for entry in ws.teams:
        creator = next(
            (users[n] for n in entry["members"] if permissions.is_system_admin(users[n])), None
        )
        team = models.create_team(
            rt,
            name=entry["name"],
            display_name=entry["display_name"],
            description=entry["description"],
            team_type="O" if entry["open"] else "I",
            creator_id=creator["id"] if creator else "",
            at=at,
        )
        for username in entry["members"]:
            models.add_team_member(rt, team, users[username]["id"], at=at)
        teams[entry["name"]] = team

    channels = {}
    for entry in ws.channels:
        member_ids = [users[n]["id"] for n in entry["members"]]
        if entry.get("builtin"):  # made with its team
            team_id = teams[entry["team"]]["id"]
            channel = rt.store.find_one("channels", "team_name", (team_id, entry["builtin"]))
        elif entry["kind"] == "direct":
            channel = models.create_direct_channel(rt, member_ids[0], member_ids[-1], at=at)
        elif entry["kind"] == "group":
            channel = models.create_group_channel(rt, member_ids, at=at)
        else:
            team = teams[entry["team"]]
            channel = models.create_channel(
                rt,
                team_id=team["id"],
                name=entry["name"],
                display_name=entry["display_name"],
                channel_type="P" if entry["kind"] == "private" else "O",
                creator_id=member_ids[0] if member_ids else "",
                purpose=entry["purpose"],
                header=entry["header"],
                at=at,
            )
            for index, user_id in enumerate(member_ids):
                models.add_team_member(rt, team, user_id, at=at)
                models.add_channel_member(rt, channel, user_id, admin=index == 0, at=at)
        channels[entry["key"]] = channel

    roots: dict[int, dict] = {}
    for _, index, reply_index in timeline(ws):
        entry = ws.posts[index]
        channel = channels[entry["channel"]]
        if reply_index >= 0:
            reply = entry["replies"][reply_index]
            models.create_post(
                rt,
                users[reply["user"]],
                channel_id=channel["id"],
                message=reply["message"],
                root_id=roots[index]["id"],
                at=reply["at_ms"],
            )
            continue
        # Seeded history goes through the same rules as a client's: each author as the actor.
        author = users[entry["user"]]
        file_ids = [
            models.create_file_info(
                rt, user_id=author["id"], channel_id=channel["id"], at=entry["at_ms"], **spec
            )["id"]
            for spec in entry["files"]
        ]
        post = roots[index] = models.create_post(
            rt,
            author,
            channel_id=channel["id"],
            message=entry["message"],
            file_ids=file_ids,
            at=entry["at_ms"],
        )
        for reaction in entry["reactions"]:
            reactor = users[reaction["user"]]
            models.save_reaction(
                rt, reactor, reactor["id"], post["id"], reaction["emoji"], at=entry["at_ms"]
            )
        # Edits and pins as of their own moment, not the clock's (history is dated).
        if entry["edit"]:
            at_ms = entry["edit"]["at_ms"]
            changes = {"message": entry["edit"]["message"], "edit_at": at_ms, "update_at": at_ms}
            rt.store.update("posts", post["id"], changes)
        if entry["pinned_by"]:
            rt.store.update("posts", post["id"], {"is_pinned": True})
    # Everyone has read the seeded history.
    for member in rt.store.all("channel_members"):
        channel = rt.store.get("channels", member["channel_id"])
        rt.store.update(
            "channel_members",
            member["id"],
            {
                "msg_count": channel["total_msg_count"],
                "msg_count_root": channel["total_msg_count_root"],
                "last_viewed_at": channel["last_post_at"],
            },
        )


def _presence(rt: Runtime, user: dict, entry: dict, last_activity_at: int) -> None:
    """Where a seeded person is (timezone) and whether they are around (status)."""
    if entry["timezone"]:
        timezone = {**user["timezone"], "automaticTimezone": entry["timezone"]}
        rt.store.update("users", user["id"], {"timezone": timezone})
    if entry["status"] != "offline":
        rt.store.update(
            "statuses",
            user["id"],
            {
                "status": entry["status"],
                "manual": entry["status"] == "dnd",
                "last_activity_at": last_activity_at,
            },
        )


def apply_environment(rt: Runtime, seeding: bool) -> None:
    """``MM_<SECTION>_<SETTING>`` overrides are forced on every start; ``MM_ADMIN_*`` gives a system
    admin (the real image has no such bootstrap). In the seeded baseline the env account wins over
    a fixture user of the same name; on a restart an existing account is kept as it is."""
    stored = rt.store.get("config", "config")
    # What was set without the environment (through the API, or the defaults) stays apart.
    base = stored.get("base") or stored["settings"]
    config = {section: dict(values) for section, values in base.items()}
    settings.apply_env_overrides(config, rt.config.environ)
    rt.store.update("config", "config", {"settings": config, "base": base})

    env = rt.config.environ
    username, password = env.get("MM_ADMIN_USERNAME"), env.get("MM_ADMIN_PASSWORD")
    if not username or not password:
        return
    rt.add_account(username.lower(), password, admin=True, env="MM_ADMIN_PASSWORD")
    existing = rt.store.find_one("users", "username", username.lower())
    if existing is not None:
        if seeding:
            rt.store.update(
                "users",
                existing["id"],
                {
                    "password": seeded_hash(password, rt.ids.hex(8)),
                    "roles": "system_admin system_user",
                },
            )
        return
    models.create_user(
        rt,
        username=username,
        email=env.get("MM_ADMIN_EMAIL", f"{username}@example.com"),
        password=password,
        roles="system_admin system_user",
        at=SEED_START_MS,
        salt=rt.ids.hex(8),
    )
