"""Channels: public, private, direct, group; membership, lifecycle, system messages."""

from __future__ import annotations

import re

from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime
from ...core.store import DuplicateKey
from .. import errors, permissions
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


DEFAULT_CHANNEL = "town-square"


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
        # Ordered, not a set: the members' store order must not depend on string hashing.
        for user_id in dict.fromkeys((user_a, user_b)):
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
    actor: Doc,
    *,
    team_id: str,
    name: str,
    display_name: str,
    channel_type: str,
    purpose: str = "",
    header: str = "",
) -> Doc:
    """``createChannel`` then ``CreateChannelWithUser``: ``create_public_channel`` or
    ``create_private_channel`` in the team, validate, save (unique per team), make the actor
    its admin."""
    if channel_type == "O":
        permissions.require_team(rt, actor, team_id, "create_public_channel")
    elif channel_type == "P":
        permissions.require_team(rt, actor, team_id, "create_private_channel")
    elif channel_type in ("D", "G"):
        raise errors.bad_request(errors.CHANNEL_CREATE_DIRECT)
    else:
        raise errors.bad_request(errors.CHANNEL_TYPE_INVALID)
    if not is_mattermost_id(team_id):
        raise errors.invalid_url_param("team_id")
    team = rt.store.get("teams", team_id)
    if team is None:
        raise errors.not_found(errors.TEAM_NOT_FOUND, f"team_id={team_id}")
    creator_id = actor["id"]
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


def _require_manage_properties(rt: Runtime, actor: Doc, channel: Doc) -> None:
    if channel["type"] == "O":
        permissions.require_channel(rt, actor, channel, "manage_public_channel_properties")
    elif channel["type"] == "P":
        permissions.require_channel(rt, actor, channel, "manage_private_channel_properties")
    elif rt.store.get("channel_members", member_id(channel["id"], actor["id"])) is None:
        # Direct and group messages: any member may change the header, nobody else.
        raise errors.AppError(403, errors.CHANNEL_PATCH_FORBIDDEN)


def change_channel(
    rt: Runtime, actor: Doc, channel: Doc, changes: Doc, *, partial: bool, new_type: str = ""
) -> Doc:
    """``patchChannel`` (``partial``) and ``updateChannel``: ``manage_*_channel_properties`` (a
    member, for a DM or GM), then no name, display name or purpose on a DM/GM, a live channel,
    the same type, the default channel keeps its name; the change is stored, published and
    announced in the channel's system messages."""
    _require_manage_properties(rt, actor, channel)
    dm_error = errors.CHANNEL_DM_GM_PATCH if partial else errors.CHANNEL_DM_GM_UPDATE
    if channel["type"] in ("D", "G") and any(
        k in changes and changes[k] != channel[k] for k in ("name", "display_name", "purpose")
    ):
        raise errors.bad_request(dm_error)
    if channel["delete_at"]:
        raise errors.bad_request(errors.CHANNEL_DELETED)
    if new_type and new_type != channel["type"]:
        raise errors.bad_request(errors.CHANNEL_TYPE_CHANGE)
    if channel["name"] == DEFAULT_CHANNEL and changes.get("name", DEFAULT_CHANNEL) != (
        DEFAULT_CHANNEL
    ):
        raise errors.AppError(400, errors.CHANNEL_DEFAULT_RENAME, Channel=DEFAULT_CHANNEL)
    if "display_name" in changes:
        changes = {**changes, "display_name": changes["display_name"].strip()}
    updated = update_channel(rt, channel, changes)
    if partial:
        fields = tuple(f for f in ("header", "purpose", "display_name") if f in changes)
    else:
        fields = ("display_name",)
    post_channel_change_messages(rt, channel, updated, actor["id"], fields)
    return updated


def delete_channel(rt: Runtime, actor: Doc, channel: Doc) -> Doc:
    """``deleteChannel``: never a DM/GM; ``delete_public/private_channel``; not twice, not the
    default channel; the archive message is posted before the channel is archived."""
    if channel["type"] in ("D", "G"):
        raise errors.bad_request(errors.CHANNEL_DELETE_DM)
    permission = "delete_public_channel" if channel["type"] == "O" else "delete_private_channel"
    permissions.require_channel(rt, actor, channel, permission)
    if channel["delete_at"]:
        raise errors.bad_request(errors.CHANNEL_DELETE_DELETED)
    if channel["name"] == DEFAULT_CHANNEL:
        raise errors.AppError(400, errors.CHANNEL_DELETE_DEFAULT, Channel=DEFAULT_CHANNEL)
    with rt.store.transaction():
        post_archive_message(rt, channel, actor["id"], restored=False)
        return _archive(rt, rt.store.get("channels", channel["id"]))


def restore_channel(rt: Runtime, actor: Doc, channel: Doc) -> Doc:
    """``restoreChannel``: ``manage_team`` in the channel's team, an archived channel."""
    permissions.require_team(rt, actor, channel["team_id"], "manage_team")
    if not channel["delete_at"]:
        raise errors.bad_request(errors.CHANNEL_NOT_ARCHIVED)
    with rt.store.transaction():
        restored = _unarchive(rt, channel)
        post_archive_message(rt, restored, actor["id"], restored=True)
    return restored


def _archive(rt: Runtime, channel: Doc) -> Doc:
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


def _unarchive(rt: Runtime, channel: Doc) -> Doc:
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
        posts.store_post(
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


def _join_one(rt: Runtime, channel: Doc, target_id: str, actor_id: str) -> Doc:
    """``AddChannelMember`` for one user: they must exist and belong to the channel's team."""
    target = rt.store.get("users", target_id)
    if target is None:
        raise errors.not_found(errors.USER_NOT_FOUND, f"user_id={target_id}")
    team_member = rt.store.get("team_members", member_id(channel["team_id"], target_id))
    if team_member is None or team_member["delete_at"]:
        raise errors.AppError(403, errors.CHANNEL_ADD_NOT_IN_TEAM, f"user_id={target_id}")
    if channel["delete_at"]:
        raise errors.bad_request(errors.CHANNEL_DELETED)
    return join_channel(rt, channel, target_id, actor_id)


def add_channel_members(
    rt: Runtime, actor: Doc, channel: Doc, user_ids: list[str], root: Doc | None = None
) -> list[Doc]:
    """``addChannelMember``'s rules for each user: joining oneself needs
    ``join_public_channels``, adding others ``manage_public_channel_members`` (a private channel
    ``manage_private_channel_members`` first). Each user is tried on its own; the memberships
    made or found come back, and the last refusal is raised only when there are none. With a
    thread ``root`` the added users follow it."""
    if channel["type"] in ("D", "G"):
        raise errors.bad_request(errors.CHANNEL_ADD_TYPE)
    if channel["type"] == "P":
        permissions.require_channel(rt, actor, channel, "manage_private_channel_members")
    can_add_self = permissions.has_team_permission(
        rt, actor, channel["team_id"], "join_public_channels"
    )
    can_add_others = permissions.has_channel_permission(
        rt, actor, channel, "manage_public_channel_members"
    )
    members: list[Doc] = []
    last_error: errors.AppError | None = None
    for target_id in user_ids:
        existing = rt.store.get("channel_members", member_id(channel["id"], target_id))
        if channel["type"] == "O":
            is_self = target_id == actor["id"]
            if is_self and existing is not None:
                members.append(existing)
                continue
            if is_self and not can_add_self:
                last_error = errors.permission_denied(actor["id"], "join_public_channels")
                continue
            if not is_self and not can_add_others:
                last_error = errors.permission_denied(actor["id"], "manage_public_channel_members")
                continue
        if existing is not None:
            members.append(existing)
            continue
        try:
            members.append(_join_one(rt, channel, target_id, actor["id"]))
        except errors.AppError as error:
            last_error = error
            continue
        if root is not None:
            posts.set_thread_following(rt, root, target_id, True)
    if last_error is not None and not members:
        raise last_error
    return members


def remove_channel_member(rt: Runtime, actor: Doc, channel: Doc, target_id: str) -> None:
    """``removeChannelMember``: leaving is always allowed, removing someone else needs
    ``manage_public/private_channel_members``; never from a DM/GM or the default channel."""
    if rt.store.get("users", target_id) is None:
        raise errors.not_found(errors.USER_NOT_FOUND, f"user_id={target_id}")
    if channel["type"] not in ("O", "P"):
        raise errors.bad_request(errors.CHANNEL_REMOVE_TYPE)
    if target_id != actor["id"]:
        kind = "public" if channel["type"] == "O" else "private"
        permissions.require_channel(rt, actor, channel, f"manage_{kind}_channel_members")
    if channel["name"] == DEFAULT_CHANNEL:
        raise errors.AppError(400, errors.CHANNEL_REMOVE_DEFAULT, Channel=DEFAULT_CHANNEL)
    if rt.store.get("channel_members", member_id(channel["id"], target_id)) is None:
        raise errors.not_found(
            errors.CHANNEL_MEMBER_MISSING, f"channel_id={channel['id']}, user_id={target_id}"
        )
    leave_channel(rt, channel, target_id, actor["id"])


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
        posts.store_post(
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
    posts.store_post(
        rt,
        channel=channel,
        user_id=actor_id,
        message=message,
        post_type=post_type,
        props={"username": name},
    )
