"""Scheme roles of team and channel members (``UpdateTeamMemberSchemeRoles``,
``UpdateChannelMemberSchemeRoles``): the three flags, and the role names they stand for."""

from __future__ import annotations

from ...core.runtime import Runtime
from .. import errors
from ..tables import member_id
from .common import Doc, broadcast, publish_event


def _roles(prefix: str, admin: bool, user: bool, guest: bool) -> str:
    flags = (("guest", guest), ("user", user), ("admin", admin))
    return " ".join(f"{prefix}_{name}" for name, on in flags if on)


def set_team_member_scheme_roles(
    rt: Runtime, team_id: str, user_id: str, admin: bool, user: bool, guest: bool
) -> Doc:
    """The member's flags and roles replaced; ``memberrole_updated`` to that user."""
    member = rt.store.get("team_members", member_id(team_id, user_id))
    if member is None or member["delete_at"]:
        raise errors.not_found(errors.TEAM_MEMBER_MISSING, f"user_id={user_id}")
    if user and guest:
        raise errors.bad_request(errors.TEAM_SCHEME_GUEST_AND_USER)
    member = rt.store.update(
        "team_members",
        member["id"],
        {
            "scheme_admin": admin,
            "scheme_user": user,
            "scheme_guest": guest,
            "roles": _roles("team", admin, user, guest),
        },
    )
    publish_event(rt, "memberrole_updated", {"member": member}, broadcast(user_id=user_id))
    return member


def set_channel_member_scheme_roles(
    rt: Runtime, channel: Doc, user_id: str, admin: bool, user: bool, guest: bool
) -> Doc:
    """The member's flags and roles replaced; ``channel_member_updated`` to that user."""
    member = rt.store.get("channel_members", member_id(channel["id"], user_id))
    if member is None:
        raise errors.not_found(errors.CHANNEL_MEMBER_MISSING, f"user_id={user_id}")
    if user and guest:
        raise errors.bad_request(errors.CHANNEL_SCHEME_GUEST_AND_USER)
    member = rt.store.update(
        "channel_members",
        member["id"],
        {
            "scheme_admin": admin,
            "scheme_user": user,
            "scheme_guest": guest,
            "roles": _roles("channel", admin, user, guest),
            "last_update_at": rt.clock.now_ms(),
        },
    )
    publish_event(
        rt, "channel_member_updated", {"channelMember": member}, broadcast(user_id=user_id)
    )
    return member
