"""Teams and team membership."""

from __future__ import annotations

from ...core.runtime import Runtime
from .. import errors, permissions
from ..tables import member_id
from . import channels
from .common import Doc, _now, broadcast, publish_event

# -- teams ------------------------------------------------------------------------------------


def create_team(
    rt: Runtime,
    *,
    name: str,
    display_name: str,
    creator_id: str,
    description: str = "",
    team_type: str = "O",
    at: int | None = None,
) -> Doc:
    now = _now(rt, at)
    team = {
        "id": rt.ids.mattermost_id(),
        "create_at": now,
        "update_at": now,
        "delete_at": 0,
        "display_name": display_name,
        "name": name,
        "description": description,
        "email": "",
        "type": team_type,
        "company_name": "",
        "allowed_domains": "",
        "invite_id": rt.ids.mattermost_id(),
        "allow_open_invite": team_type == "O",
        "scheme_id": "",
        "group_constrained": False,
        "policy_id": None,
        "cloud_limits_archived": False,
    }
    with rt.store.transaction():
        rt.store.insert("teams", team)
        # The real server gives every new team these two public channels.
        for channel_name, title in (("town-square", "Town Square"), ("off-topic", "Off-Topic")):
            channels.create_channel(
                rt,
                team_id=team["id"],
                name=channel_name,
                display_name=title,
                channel_type="O",
                creator_id="",
                at=now,
            )
        if creator_id:
            add_team_member(rt, team, creator_id, admin=True, at=now)
    return team


def add_team_member(
    rt: Runtime, team: Doc, user_id: str, admin: bool = False, at: int | None = None
) -> Doc:
    """Join a team and, as the real server does, its default channels."""
    key = member_id(team["id"], user_id)
    member = {
        "id": key,
        "team_id": team["id"],
        "user_id": user_id,
        "roles": "team_user team_admin" if admin else "team_user",
        "delete_at": 0,
        "scheme_guest": False,
        "scheme_user": True,
        "scheme_admin": admin,
        "explicit_roles": "",
    }
    with rt.store.transaction():  # holds the store lock: check and write are one step
        existing = rt.store.get("team_members", key)
        if existing is not None and existing["delete_at"] == 0:
            return existing
        rt.store.upsert("team_members", member)  # one who left rejoins in place
        for default in ("town-square", "off-topic"):
            channel = rt.store.find_one("channels", "team_name", (team["id"], default))
            if channel is not None:
                channels.add_channel_member(rt, channel, user_id, at=at)
    publish_event(
        rt, "added_to_team", {"team_id": team["id"], "user_id": user_id}, broadcast(user_id=user_id)
    )
    return member


def _team(rt: Runtime, team_id: str) -> Doc:
    team = rt.store.get("teams", team_id)
    if team is None:
        raise errors.not_found(errors.TEAM_NOT_FOUND, f"team_id={team_id}")
    return team


def _add_existing_user(rt: Runtime, team: Doc, user_id: str) -> Doc:
    """``AddTeamMember``: the user must exist."""
    if rt.store.get("users", user_id) is None:
        raise errors.AppError(404, errors.USER_NOT_FOUND, f"user_id={user_id}")
    return add_team_member(rt, team, user_id)


def add_user_to_team(rt: Runtime, actor: Doc, team_id: str, user_id: str) -> Doc:
    """``addTeamMember``: joining oneself needs ``join_public_teams`` (``join_private_teams``
    for a team without open invite), adding someone else ``add_user_to_team`` in the team."""
    if user_id == actor["id"]:
        team = _team(rt, team_id)
        needed = "join_public_teams" if team["allow_open_invite"] else "join_private_teams"
        permissions.require_system(actor, needed)
    else:
        permissions.require_team(rt, actor, team_id, "add_user_to_team")
    return _add_existing_user(rt, _team(rt, team_id), user_id)


def add_users_to_team(
    rt: Runtime, actor: Doc, team: Doc, user_ids: list[str], *, graceful: bool
) -> list[tuple[str, Doc | None, errors.AppError | None]]:
    """``addTeamMembers``: ``add_user_to_team``, then each user (user id, membership, refusal);
    unless ``graceful`` the first refusal is raised."""
    permissions.require_team(rt, actor, team["id"], "add_user_to_team")
    results: list[tuple[str, Doc | None, errors.AppError | None]] = []
    with rt.store.transaction():
        for user_id in user_ids:
            try:
                results.append((user_id, _add_existing_user(rt, team, user_id), None))
            except errors.AppError as refusal:
                if not graceful:
                    raise
                results.append((user_id, None, refusal))
    return results


def remove_user_from_team(rt: Runtime, actor: Doc, team_id: str, user_id: str) -> None:
    """``removeTeamMember``: leaving is always allowed, removing someone else needs
    ``remove_user_from_team``; the user must exist and be a member."""
    if user_id != actor["id"]:
        permissions.require_team(rt, actor, team_id, "remove_user_from_team")
    team = _team(rt, team_id)
    if rt.store.get("users", user_id) is None:
        raise errors.AppError(404, errors.USER_NOT_FOUND, f"user_id={user_id}")
    member = rt.store.get("team_members", member_id(team["id"], user_id))
    if member is None or member["delete_at"]:
        raise errors.AppError(400, errors.TEAM_REMOVE_NOT_MEMBER)
    remove_team_member(rt, team, user_id)


# -- teams (changes) --------------------------------------------------------------------------


def update_team(rt: Runtime, team_id: str, changes: Doc) -> Doc:
    team = rt.store.update("teams", team_id, {**changes, "update_at": rt.clock.now_ms()})
    publish_event(rt, "update_team", {"team": team})
    return team


def delete_team(rt: Runtime, team: Doc, permanent: bool = False) -> None:
    """Archive a team (``delete_at``), or remove it with its channels and memberships."""
    now = rt.clock.now_ms()
    with rt.store.transaction():
        if not permanent:
            rt.store.update("teams", team["id"], {"delete_at": now, "update_at": now})
        else:
            for channel in rt.store.find("channels", "team_id", team["id"]):
                for member in rt.store.find("channel_members", "channel_id", channel["id"]):
                    rt.store.delete("channel_members", member["id"])
                rt.store.delete("channels", channel["id"])
            for member in rt.store.find("team_members", "team_id", team["id"]):
                rt.store.delete("team_members", member["id"])
            rt.store.delete("teams", team["id"])
    publish_event(rt, "delete_team", {"team": team})


def set_team_icon(rt: Runtime, team_id: str, data_b64: str | None, content_type: str = "") -> Doc:
    """Store a team icon (``None`` removes it); ``last_team_icon_update`` follows."""
    now = rt.clock.now_ms()
    with rt.store.transaction():
        if data_b64 is None:
            rt.store.delete("team_icons", team_id)
        else:
            rt.store.upsert(
                "team_icons", {"team_id": team_id, "data": data_b64, "content_type": content_type}
            )
        return update_team(rt, team_id, {"last_team_icon_update": now if data_b64 else 0})


def remove_team_member(rt: Runtime, team: Doc, user_id: str) -> None:
    """Leave a team: the membership gets ``delete_at``, its channel memberships go."""
    key = member_id(team["id"], user_id)
    now = rt.clock.now_ms()
    with rt.store.transaction():
        rt.store.update("team_members", key, {"delete_at": now})
        for member in rt.store.find("channel_members", "user_id", user_id):
            channel = rt.store.get("channels", member["channel_id"])
            if channel is not None and channel["team_id"] == team["id"]:
                rt.store.delete("channel_members", member["id"])
    publish_event(
        rt, "leave_team", {"team_id": team["id"], "user_id": user_id}, broadcast(team_id=team["id"])
    )


def set_team_member_roles(rt: Runtime, team_id: str, user_id: str, roles: list[str]) -> Doc:
    return rt.store.update(
        "team_members",
        member_id(team_id, user_id),
        {
            "roles": " ".join(roles),
            "scheme_user": "team_user" in roles,
            "scheme_admin": "team_admin" in roles,
            "scheme_guest": "team_guest" in roles,
        },
    )


def team_unread(rt: Runtime, team_id: str, user_id: str) -> Doc:
    """Unread and mention counts summed over the user's channels in the team."""
    counts = {"msg_count": 0, "mention_count": 0, "mention_count_root": 0, "msg_count_root": 0}
    for member in rt.store.find("channel_members", "user_id", user_id):
        channel = rt.store.get("channels", member["channel_id"])
        if channel is None or channel["team_id"] != team_id or channel["delete_at"]:
            continue
        counts["msg_count"] += max(channel["total_msg_count"] - member["msg_count"], 0)
        counts["msg_count_root"] += max(
            channel["total_msg_count_root"] - member["msg_count_root"], 0
        )
        counts["mention_count"] += member["mention_count"]
        counts["mention_count_root"] += member["mention_count_root"]
    return {"team_id": team_id, **counts}
