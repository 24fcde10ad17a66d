"""Channels: public, private, direct, group; membership, lifecycle, system messages."""

from __future__ import annotations

import re

from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime
from ...core.store import DuplicateKey
from .. import errors
from ..tables import member_id
from . import posts
from .common import (
    CHANNEL_NOTIFY_PROPS,
    Doc,
    _now,
    broadcast,
    dm_channel_name,
    group_channel_name,
    publish_event,
)

# -- channels ---------------------------------------------------------------------------------


def create_channel(
    rt: Runtime,
    *,
    team_id: str,
    name: str,
    display_name: str,
    channel_type: str,
    creator_id: str,
    purpose: str = "",
    header: str = "",
    at: int | None = None,
) -> Doc:
    now = _now(rt, at)
    channel = {
        "id": rt.ids.mattermost_id(),
        "create_at": now,
        "update_at": now,
        "delete_at": 0,
        "team_id": team_id,
        "type": channel_type,
        "display_name": display_name,
        "name": name,
        "header": header,
        "purpose": purpose,
        "last_post_at": now,
        "total_msg_count": 0,
        "extra_update_at": 0,
        "creator_id": creator_id,
        "scheme_id": None,
        "props": None,
        "group_constrained": None,
        "shared": None,
        "total_msg_count_root": 0,
        "policy_id": None,
        "last_root_post_at": now,
    }
    rt.store.insert("channels", channel)
    return channel


def add_channel_member(
    rt: Runtime, channel: Doc, user_id: str, admin: bool = False, at: int | None = None
) -> Doc:
    key = member_id(channel["id"], user_id)
    member = {
        "id": key,
        "channel_id": channel["id"],
        "user_id": user_id,
        "roles": "channel_user channel_admin" if admin else "channel_user",
        "last_viewed_at": _now(rt, at),
        "msg_count": channel["total_msg_count"],
        "mention_count": 0,
        "mention_count_root": 0,
        "urgent_mention_count": 0,
        "msg_count_root": channel["total_msg_count_root"],
        "notify_props": dict(CHANNEL_NOTIFY_PROPS),
        "last_update_at": _now(rt, at),
        "scheme_guest": False,
        "scheme_user": True,
        "scheme_admin": admin,
        "explicit_roles": "",
    }
    with rt.store.transaction():  # holds the store lock: check and insert are one step
        existing = rt.store.get("channel_members", key)
        if existing is not None:
            return existing
        return rt.store.insert("channel_members", member)


def create_direct_channel(
    rt: Runtime, user_a: str, user_b: str, at: int | None = None, actor_id: str | None = None
) -> Doc:
    """``GetOrCreateDirectChannel``: the existing DM, or a new one announced by ``direct_added``
    (``creator_id`` is ``actor_id``, by default ``user_a``)."""
    name = dm_channel_name(user_a, user_b)
    existing = rt.store.find_one("channels", "team_name", ("", name))
    if existing is not None:
        return existing
    with rt.store.transaction():
        channel = create_channel(
            rt, team_id="", name=name, display_name="", channel_type="D", creator_id=user_a, at=at
        )
        for user_id in {user_a, user_b}:
            add_channel_member(rt, channel, user_id, at=at)
    if rt.events.active:
        actor = user_a if actor_id is None else actor_id
        publish_event(
            rt,
            "direct_added",
            {"creator_id": actor, "teammate_id": user_b if user_a == actor else user_a},
            broadcast(channel_id=channel["id"]),
        )
    return channel


def create_group_channel(rt: Runtime, user_ids: list[str], at: int | None = None) -> Doc:
    """``CreateGroupChannel``: the existing group, or a new one announced to each member by
    ``group_added``."""
    name = group_channel_name(user_ids)
    existing = rt.store.find_one("channels", "team_name", ("", name))
    if existing is not None:
        return existing
    usernames = sorted(rt.store.get("users", uid)["username"] for uid in user_ids)
    with rt.store.transaction():
        channel = create_channel(
            rt,
            team_id="",
            name=name,
            display_name=", ".join(usernames),
            channel_type="G",
            creator_id="",  # createGroupChannel sets no CreatorId
            at=at,
        )
        for user_id in user_ids:
            add_channel_member(rt, channel, user_id, at=at)
    if rt.events.active:
        for member in user_ids:
            others = [u for u in user_ids if u != member]
            publish_event(
                rt,
                "group_added",
                {"teammate_ids": others},
                broadcast(channel_id=channel["id"], user_id=member),
            )
    return channel


# -- channel lifecycle and membership --------------------------------------------------------------

_CHANNEL_NAME_RE = re.compile(r"^[a-z0-9]+([a-z\-_0-9]+|(__)?)[a-z0-9]*$")
_GM_NAME_RE = re.compile(r"^[a-f0-9]{40}$")
CHANNEL_DISPLAY_NAME_MAX = 64
CHANNEL_NAME_MAX = 64
CHANNEL_HEADER_MAX = 1024
CHANNEL_PURPOSE_MAX = 250


def validate_channel(channel: Doc) -> None:
    """``Channel.IsValid`` for the fields a client controls."""
    name = channel["name"]
    if len(channel["display_name"]) > CHANNEL_DISPLAY_NAME_MAX:
        raise errors.AppError(400, errors.CHANNEL_DISPLAY_NAME_INVALID, f"id={channel['id']}")
    if not name or len(name) > CHANNEL_NAME_MAX or not _CHANNEL_NAME_RE.match(name):
        raise errors.AppError(400, errors.CHANNEL_NAME_INVALID, f"id={channel['id']}")
    if channel["type"] not in ("O", "P", "D", "G"):
        raise errors.AppError(400, errors.CHANNEL_TYPE_INVALID, f"id={channel['id']}")
    if len(channel["header"]) > CHANNEL_HEADER_MAX:
        raise errors.AppError(400, errors.CHANNEL_HEADER_INVALID, f"id={channel['id']}")
    if len(channel["purpose"]) > CHANNEL_PURPOSE_MAX:
        raise errors.AppError(400, errors.CHANNEL_PURPOSE_INVALID, f"id={channel['id']}")
    if channel["type"] in ("O", "P"):
        parts = name.split("__")
        user_ids = len(parts) == 2 and all(is_mattermost_id(p) for p in parts)
        if _GM_NAME_RE.match(name) or user_ids:
            raise errors.AppError(400, errors.CHANNEL_NAME_USER_IDS)


def publish_channel_updated(rt: Runtime, channel: Doc) -> None:
    publish_event(rt, "channel_updated", {"channel": channel}, broadcast(channel_id=channel["id"]))


def create_team_channel(
    rt: Runtime,
    *,
    team: Doc,
    creator_id: str,
    name: str,
    display_name: str,
    channel_type: str,
    purpose: str = "",
    header: str = "",
) -> Doc:
    """``CreateChannelWithUser``: validate, save (unique per team), make the creator its admin."""
    probe = {
        "id": "",
        "name": name,
        "display_name": display_name.strip(),
        "type": channel_type,
        "header": header,
        "purpose": purpose,
    }
    if not probe["display_name"]:
        raise errors.AppError(400, errors.CHANNEL_DISPLAY_NAME_INVALID)
    validate_channel(probe)
    if rt.store.find_one("channels", "team_name", (team["id"], name)) is not None:
        raise errors.AppError(400, errors.CHANNEL_EXISTS, f"name={name}")
    try:
        channel = _create_with_creator(
            rt, team, creator_id, name, probe["display_name"], channel_type, purpose, header
        )
    except DuplicateKey:  # lost a race for the name
        raise errors.AppError(400, errors.CHANNEL_EXISTS, f"name={name}") from None
    publish_event(
        rt,
        "channel_created",
        {"channel_id": channel["id"], "team_id": team["id"]},
        broadcast(user_id=creator_id),
    )
    return channel


def _create_with_creator(
    rt: Runtime,
    team: Doc,
    creator_id: str,
    name: str,
    display_name: str,
    channel_type: str,
    purpose: str,
    header: str,
) -> Doc:
    with rt.store.transaction():
        channel = create_channel(
            rt,
            team_id=team["id"],
            name=name,
            display_name=display_name,
            channel_type=channel_type,
            creator_id=creator_id,
            purpose=purpose,
            header=header,
        )
        add_channel_member(rt, channel, creator_id, admin=True)
    return channel


def update_channel(rt: Runtime, channel: Doc, changes: Doc) -> Doc:
    """Apply changes to a channel (already permission-checked), validating the result."""
    merged = {**channel, **changes}
    validate_channel(merged)
    if merged["name"] != channel["name"]:
        other = rt.store.find_one("channels", "team_name", (channel["team_id"], merged["name"]))
        if other is not None and other["id"] != channel["id"]:
            raise errors.AppError(400, errors.CHANNEL_EXISTS, f"name={merged['name']}")
    try:
        updated = rt.store.update(
            "channels", channel["id"], {**changes, "update_at": rt.clock.now_ms()}
        )
    except DuplicateKey:  # lost a race for the name
        raise errors.AppError(400, errors.CHANNEL_EXISTS, f"name={merged['name']}") from None
    publish_channel_updated(rt, updated)
    return updated


def convert_channel(rt: Runtime, channel: Doc, channel_type: str) -> Doc:
    """``UpdateChannelPrivacy``: the type changes, and the team hears ``channel_converted``."""
    updated = update_channel(rt, channel, {"type": channel_type})
    publish_event(
        rt,
        "channel_converted",
        {"channel_id": channel["id"]},
        broadcast(team_id=channel["team_id"]),
    )
    return updated


def archive_channel(rt: Runtime, channel: Doc) -> Doc:
    now = rt.clock.now_ms()
    updated = rt.store.update("channels", channel["id"], {"delete_at": now, "update_at": now})
    # DeleteChannel deletes the channel's webhooks too; restoring does not bring them back.
    for table in ("incoming_webhooks", "outgoing_webhooks"):
        for hook in rt.store.find(table, "team_id", channel["team_id"]):
            if hook["channel_id"] == channel["id"] and not hook["delete_at"]:
                rt.store.update(table, hook["id"], {"delete_at": now, "update_at": now})
    if rt.events.active:
        public = channel["type"] == "O"
        publish_event(
            rt,
            "channel_deleted",
            {"channel_id": channel["id"], "delete_at": now},
            broadcast(
                team_id=channel["team_id"] if public else "",
                channel_id="" if public else channel["id"],
            ),
        )
    return updated


def restore_channel(rt: Runtime, channel: Doc) -> Doc:
    updated = rt.store.update(
        "channels", channel["id"], {"delete_at": 0, "update_at": rt.clock.now_ms()}
    )
    publish_event(
        rt, "channel_restored", {"channel_id": channel["id"]}, broadcast(team_id=channel["team_id"])
    )
    return updated


def _system_post(
    rt: Runtime, channel: Doc, user_id: str, post_type: str, message: str, props: Doc
) -> None:
    if channel["type"] in ("O", "P"):
        posts.create_post(
            rt, channel=channel, user_id=user_id, message=message, post_type=post_type, props=props
        )


def join_channel(rt: Runtime, channel: Doc, user_id: str, actor_id: str | None = None) -> Doc:
    """Add a member, post the ``system_join_channel`` / ``system_add_to_channel`` message and
    tell the channel (``user_added``), as ``AddChannelMember`` does."""
    key = member_id(channel["id"], user_id)
    existing = rt.store.get("channel_members", key)
    if existing is not None:
        return existing
    user = rt.store.get("users", user_id)
    actor = rt.store.get("users", actor_id) if actor_id else None
    with rt.store.transaction():
        member = add_channel_member(rt, channel, user_id)
        if actor is None or actor["id"] == user_id:
            _system_post(
                rt,
                channel,
                user_id,
                "system_join_channel",
                f"{user['username']} joined the channel.",
                {"username": user["username"]},
            )
        else:
            _system_post(
                rt,
                channel,
                actor["id"],
                "system_add_to_channel",
                f"{user['username']} added to the channel by {actor['username']}.",
                {
                    "userId": actor["id"],
                    "username": actor["username"],
                    "addedUserId": user_id,
                    "addedUsername": user["username"],
                },
            )
    if rt.events.active:
        data = {"user_id": user_id, "team_id": channel["team_id"]}
        publish_event(rt, "user_added", data, broadcast(channel_id=channel["id"], omit=[user_id]))
        publish_event(rt, "user_added", data, broadcast(channel_id=channel["id"], user_id=user_id))
    return member


def leave_channel(rt: Runtime, channel: Doc, user_id: str, remover_id: str) -> None:
    """Drop a member with the ``system_leave_channel`` / ``system_remove_from_channel`` post."""
    user = rt.store.get("users", user_id)
    with rt.store.transaction():
        rt.store.delete("channel_members", member_id(channel["id"], user_id))
        if remover_id == user_id:
            _system_post(
                rt,
                channel,
                user_id,
                "system_leave_channel",
                f"{user['username']} left the channel.",
                {"username": user["username"]},
            )
        else:
            _system_post(
                rt,
                channel,
                remover_id,
                "system_remove_from_channel",
                f"{user['username']} removed from the channel.",
                {"removedUserId": user_id, "removedUsername": user["username"]},
            )
    if rt.events.active:
        publish_event(
            rt,
            "user_removed",
            {"user_id": user_id, "remover_id": remover_id},
            broadcast(channel_id=channel["id"]),
        )
        publish_event(
            rt,
            "user_removed",
            {"channel_id": channel["id"], "remover_id": remover_id},
            broadcast(user_id=user_id),
        )


def view_channels(rt: Runtime, user_id: str, channel_ids: list[str]) -> dict[str, int]:
    """Mark channels read for a user; answers ``{channel_id: previous last_viewed_at}``."""
    now = rt.clock.now_ms()
    times: dict[str, int] = {}
    with rt.store.transaction():
        for channel_id in channel_ids:
            member = rt.store.get("channel_members", member_id(channel_id, user_id))
            channel = rt.store.get("channels", channel_id)
            if member is None or channel is None:
                continue
            times[channel_id] = member["last_viewed_at"]
            rt.store.update(
                "channel_members",
                member["id"],
                {
                    "last_viewed_at": now,
                    "last_update_at": now,
                    "msg_count": channel["total_msg_count"],
                    "msg_count_root": channel["total_msg_count_root"],
                    "mention_count": 0,
                    "mention_count_root": 0,
                    "urgent_mention_count": 0,
                },
            )
    if times and rt.events.active:
        publish_event(
            rt,
            "multiple_channels_viewed",
            {"channel_times": {cid: now for cid in times}},
            broadcast(user_id=user_id),
        )
    return times


# -- channel system messages -----------------------------------------------------------------------

_CHANGE_TEXTS = {
    "header": ("header", "system_header_change"),
    "purpose": ("purpose", "system_purpose_change"),
}


def post_channel_change_messages(
    rt: Runtime, before: Doc, after: Doc, actor_id: str, fields: tuple[str, ...]
) -> None:
    """The system posts ``PatchChannel``/``UpdateChannel`` leave when the header, purpose or
    display name changes (``PostUpdateChannel*Message``)."""
    actor = rt.store.get("users", actor_id)
    if actor is None:
        return
    name = actor["username"]
    for field in fields:
        old, new = before[field], after[field]
        if old == new:
            continue
        if field == "display_name":
            message = f"{name} updated the channel display name from: {old} to: {new}"
            props = {"username": name, "old_displayname": old, "new_displayname": new}
            post_type = "system_displayname_change"
        else:
            label, post_type = _CHANGE_TEXTS[field]
            if not old:
                message = f"{name} updated the channel {label} to: {new}"
            elif not new:
                message = f"{name} removed the channel {label} (was: {old})"
            else:
                message = f"{name} updated the channel {label} from: {old} to: {new}"
            props = {"username": name, f"old_{field}": old, f"new_{field}": new}
        posts.create_post(
            rt, channel=after, user_id=actor_id, message=message, post_type=post_type, props=props
        )


def post_archive_message(rt: Runtime, channel: Doc, actor_id: str, restored: bool) -> None:
    """``system_channel_deleted`` before archiving, ``system_channel_restored`` after restoring."""
    actor = rt.store.get("users", actor_id)
    if actor is None or channel["type"] not in ("O", "P"):
        return
    name = actor["username"]
    if restored:
        message, post_type = f"{name} unarchived the channel.", "system_channel_restored"
    else:
        message, post_type = f"{name} archived the channel.", "system_channel_deleted"
    posts.create_post(
        rt,
        channel=channel,
        user_id=actor_id,
        message=message,
        post_type=post_type,
        props={"username": name},
    )
