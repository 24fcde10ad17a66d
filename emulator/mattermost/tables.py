"""The Mattermost app's tables and the indexes every request lookup goes through."""

from __future__ import annotations

from ..core.store import Store


def member_id(container_id: str, user_id: str) -> str:
    """Primary key of a team or channel membership."""
    return f"{container_id}:{user_id}"


def define_tables(store: Store) -> None:
    store.define(
        "users",
        unique={
            "username": lambda u: u["username"].lower(),
            "email": lambda u: u["email"].lower() or None,
        },
    )
    store.define("sessions", unique={"token": "token"}, multi={"user_id": "user_id"})
    store.define("access_tokens", unique={"token": "token"}, multi={"user_id": "user_id"})
    store.define("bots", key="user_id", multi={"owner_id": "owner_id"})
    store.define("teams", unique={"name": "name", "invite_id": "invite_id"})
    store.define("team_members", multi={"team_id": "team_id", "user_id": "user_id"})
    store.define(
        "channels",
        unique={"team_name": lambda c: (c["team_id"], c["name"])},
        multi={"team_id": "team_id", "type": "type"},
    )
    store.define("channel_members", multi={"channel_id": "channel_id", "user_id": "user_id"})
    store.define(
        "posts",
        multi={"channel_id": "channel_id", "root_id": lambda p: p["root_id"] or None},
    )
    store.define("reactions", multi={"post_id": "post_id"})
    store.define("files", multi={"post_id": lambda f: f.get("post_id") or None})
    store.define("preferences", multi={"user_id": "user_id"})
    store.define("statuses", key="user_id")
    store.define("config")
