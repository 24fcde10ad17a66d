"""Mattermost roles and permission checks (defaults of ``server/public/model/role.go``).

Users carry system roles (``system_user``, ``system_admin``, ``system_guest``), team members team
roles and channel members channel roles, all space-separated strings. A permission is granted when
any role in scope holds it; system admins hold everything.
"""

from __future__ import annotations

from typing import Any

from ..core.ids import is_mattermost_id
from ..core.runtime import Runtime
from . import errors
from .tables import member_id

Doc = dict[str, Any]

_CHANNEL_USER = {
    "read_channel",
    "read_channel_content",
    "add_reaction",
    "remove_reaction",
    "manage_public_channel_members",
    "upload_file",
    "get_public_link",
    "create_post",
    "use_channel_mentions",
    "manage_private_channel_members",
    "delete_post",
    "edit_post",
    "manage_public_channel_properties",
    "manage_private_channel_properties",
    "delete_public_channel",
    "delete_private_channel",
    "use_group_mentions",
    "use_slash_commands",
}
_CHANNEL_ADMIN = _CHANNEL_USER | {"manage_channel_roles"}
_TEAM_USER = {
    "list_team_channels",
    "join_public_channels",
    "read_public_channel",
    "view_team",
    "create_public_channel",
    "create_private_channel",
    "invite_user",
    "add_user_to_team",
}
_TEAM_ADMIN = _TEAM_USER | {
    "edit_others_posts",
    "remove_user_from_team",
    "manage_team",
    "import_team",
    "manage_team_roles",
    "manage_channel_roles",
    "manage_others_incoming_webhooks",
    "manage_others_outgoing_webhooks",
    "manage_slash_commands",
    "manage_others_slash_commands",
    "manage_incoming_webhooks",
    "manage_outgoing_webhooks",
    "delete_others_posts",
    "delete_post",
    "convert_public_channel_to_private",
    "convert_private_channel_to_public",
}
_SYSTEM_USER = {
    "list_public_teams",
    "join_public_teams",
    "create_direct_channel",
    "create_group_channel",
    "view_members",
    "create_team",
    "create_emojis",
    "delete_emojis",
    "create_custom_group",
}
_SYSTEM_GUEST = {"create_direct_channel", "create_group_channel"}
_SYSTEM_USER_ACCESS_TOKEN = {
    "create_user_access_token",
    "read_user_access_token",
    "revoke_user_access_token",
}
_SYSTEM_POST_ALL = {"create_post", "use_channel_mentions"}
_SYSTEM_POST_ALL_PUBLIC = {"create_post_public", "use_channel_mentions"}

ROLES: dict[str, set[str]] = {
    "channel_user": _CHANNEL_USER,
    "channel_admin": _CHANNEL_ADMIN,
    "channel_guest": {
        "read_channel",
        "read_channel_content",
        "add_reaction",
        "remove_reaction",
        "upload_file",
        "create_post",
        "use_channel_mentions",
        "edit_post",
        "use_slash_commands",
    },
    "team_user": _TEAM_USER,
    "team_admin": _TEAM_ADMIN,
    "team_guest": {"view_team"},
    "team_post_all": {"create_post", "use_channel_mentions"},
    "team_post_all_public": {"create_post_public", "use_channel_mentions"},
    "system_user": _SYSTEM_USER,
    "system_guest": _SYSTEM_GUEST,
    "system_user_access_token": _SYSTEM_USER_ACCESS_TOKEN,
    "system_post_all": _SYSTEM_POST_ALL,
    "system_post_all_public": _SYSTEM_POST_ALL_PUBLIC,
    # Bot accounts get system_user plus what their owner grants; system_admin gets everything.
    "system_admin": set(),
}


def _roles(value: str | None) -> list[str]:
    return (value or "").split()


def is_system_admin(user: Doc) -> bool:
    return "system_admin" in _roles(user.get("roles"))


def has_system_permission(user: Doc, permission: str) -> bool:
    if is_system_admin(user):
        return True
    return any(permission in ROLES.get(role, ()) for role in _roles(user.get("roles")))


def has_team_permission(rt: Runtime, user: Doc, team_id: str, permission: str) -> bool:
    if has_system_permission(user, permission):
        return True
    member = rt.store.get("team_members", member_id(team_id, user["id"]))
    if member is None or member["delete_at"]:
        return False
    return any(permission in ROLES.get(role, ()) for role in _roles(member["roles"]))


def has_channel_permission(rt: Runtime, user: Doc, channel: Doc, permission: str) -> bool:
    """Channel roles, then team roles of the channel's team, then system roles."""
    if has_system_permission(user, permission):
        return True
    member = rt.store.get("channel_members", member_id(channel["id"], user["id"]))
    if member is not None and any(
        permission in ROLES.get(role, ()) for role in _roles(member["roles"])
    ):
        return True
    return bool(channel["team_id"]) and has_team_permission(
        rt, user, channel["team_id"], permission
    )


def can_read_channel(rt: Runtime, user: Doc, channel: Doc) -> bool:
    """``read_channel`` in the channel, or ``read_public_channel`` in the team of a public one."""
    if has_channel_permission(rt, user, channel, "read_channel"):
        return True
    return channel["type"] == "O" and has_team_permission(
        rt, user, channel["team_id"], "read_public_channel"
    )


def require_system(user: Doc, permission: str) -> None:
    if not has_system_permission(user, permission):
        raise errors.permission_denied(user["id"], permission)


def require_team(rt: Runtime, user: Doc, team_id: str, permission: str) -> None:
    if not has_team_permission(rt, user, team_id, permission):
        raise errors.permission_denied(user["id"], permission)


def require_channel(rt: Runtime, user: Doc, channel: Doc, permission: str) -> None:
    if not has_channel_permission(rt, user, channel, permission):
        raise errors.permission_denied(user["id"], permission)


def refuse_oauth_session(session: Doc, user: Doc, permission: str = "edit_other_users") -> None:
    """What an OAuth app may not do with a user's token (MFA, authorizing apps, personal access
    tokens): the permission error, told apart by its detail."""
    if session.get("is_oauth"):
        error = errors.permission_denied(user["id"], permission)
        error.detailed += ", attempted access by oauth app"
        raise error


def require_self_or(user: Doc, target_user_id: str, permission: str = "edit_other_users") -> None:
    """``SessionHasPermissionToUser``: oneself, or someone holding ``permission``."""
    if user["id"] != target_user_id:
        require_system(user, permission)


def can_read_bot(user: Doc, bot: Doc) -> bool:
    if bot["owner_id"] == user["id"]:
        return has_system_permission(user, "read_bots")
    return has_system_permission(user, "read_others_bots")


def can_manage_bot(user: Doc, bot: Doc) -> bool:
    if bot["owner_id"] == user["id"]:
        return has_system_permission(user, "manage_bots")
    return has_system_permission(user, "manage_others_bots")


def integration_creator(
    rt: Runtime, user: Doc, team_id: str, creator_id: str, manage: str, manage_others: str
) -> str:
    """The creator a team integration (webhook, command) is saved under: the caller, or another
    user when the caller may manage others' integrations in that team."""
    if not is_mattermost_id(team_id):
        raise errors.permission_denied(user["id"], manage)
    require_team(rt, user, team_id, manage)
    creator = creator_id or user["id"]
    if creator != user["id"]:
        require_team(rt, user, team_id, manage_others)
        if not is_mattermost_id(creator) or rt.store.get("users", creator) is None:
            raise errors.not_found(errors.USER_NOT_FOUND, f"user_id={creator}")
    return creator
