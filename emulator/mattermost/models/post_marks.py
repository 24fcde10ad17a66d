"""What one user marks on posts: flags (saved posts), unread-from-here and reminders."""

from __future__ import annotations

import datetime as dt

from ...core.runtime import Runtime
from .. import errors, permissions
from ..tables import member_id
from .common import Doc, broadcast, publish_event, setting
from .posts import mentioned_user_ids, post_in_readable_channel, send_ephemeral_post


def flagged_posts(
    rt: Runtime,
    viewer: Doc,
    user_id: str,
    *,
    team_id: str = "",
    channel_id: str = "",
    page: int = 0,
    per_page: int = 60,
) -> list[Doc]:
    """``GetFlaggedPosts[ForTeam|ForChannel]``: live posts the user flagged (``flagged_post``
    preferences), newest first, one page; then those in channels the viewer cannot read are
    dropped, as the handler does after paging."""
    flagged = []
    for pref in rt.store.find("preferences", "category", f"{user_id}:flagged_post"):
        post = rt.store.get("posts", pref["name"])
        if post is None or post["delete_at"]:
            continue
        channel = rt.store.get("channels", post["channel_id"])
        if channel is None or (channel_id and channel["id"] != channel_id):
            continue
        if team_id and channel["team_id"] not in (team_id, ""):
            continue
        flagged.append((post, channel))
    flagged.sort(key=lambda pc: pc[0]["create_at"], reverse=True)
    flagged = flagged[page * per_page : (page + 1) * per_page]
    return [p for p, c in flagged if permissions.can_read_channel(rt, viewer, c)]


def set_post_unread(rt: Runtime, actor: Doc, user_id: str, post_id: str) -> Doc:
    """``MarkChannelAsUnreadFromPost``: the user's channel read up to just before the post, its
    counts and mentions from there on, then ``post_unread`` to that user (a ``ChannelUnreadAt``)."""
    post = post_in_readable_channel(rt, actor, post_id)
    channel = rt.store.get("channels", post["channel_id"])
    member = rt.store.get("channel_members", member_id(channel["id"], user_id))
    if member is None:
        raise errors.not_found(errors.CHANNEL_MEMBER_MISSING, f"user_id={user_id}")
    read, mentions, mentions_root = 0, 0, 0
    read_root = 0
    for other in rt.store.find("posts", "channel_id", channel["id"]):
        if other["delete_at"]:
            continue
        if other["create_at"] < post["create_at"]:
            read += 1
            read_root += not other["root_id"]
        elif user_id in mentioned_user_ids(rt, channel, other["message"], other["user_id"]):
            mentions += 1
            mentions_root += not other["root_id"]
    changes = {
        "last_viewed_at": post["create_at"] - 1,
        "last_update_at": rt.clock.now_ms(),
        "msg_count": read,
        "msg_count_root": read_root,
        "mention_count": mentions,
        "mention_count_root": mentions_root,
        "urgent_mention_count": 0,
    }
    member = rt.store.update("channel_members", member["id"], changes)
    unread = {
        "team_id": channel["team_id"],
        "user_id": user_id,
        "channel_id": channel["id"],
        "msg_count": read,
        "mention_count": mentions,
        "mention_count_root": mentions_root,
        "urgent_mention_count": 0,
        "msg_count_root": read_root,
        "last_viewed_at": changes["last_viewed_at"],
        "notify_props": member["notify_props"],
    }
    event = {k: v for k, v in unread.items() if k not in ("team_id", "user_id", "channel_id")}
    del event["notify_props"]
    publish_event(
        rt,
        "post_unread",
        {**event, "post_id": post_id},
        broadcast(channel_id=channel["id"], team_id=channel["team_id"], user_id=user_id),
    )
    return unread


def set_post_reminder(rt: Runtime, actor: Doc, user_id: str, post_id: str, target_time: int) -> Doc:
    """``SetPostReminder``: the reminder is kept (one per user and post) and the user gets the
    ephemeral ``reminder`` post saying when (``target_time`` in seconds)."""
    post = post_in_readable_channel(rt, actor, post_id)
    channel = rt.store.get("channels", post["channel_id"])
    reminder_id = f"{post_id}:{user_id}"
    doc = {"id": reminder_id, "post_id": post_id, "user_id": user_id, "target_time": target_time}
    if rt.store.get("post_reminders", reminder_id) is None:
        rt.store.insert("post_reminders", doc)
    else:
        rt.store.update("post_reminders", reminder_id, doc)
    author = rt.store.get("users", post["user_id"])
    username = author["username"] if author else ""
    team = rt.store.get("teams", channel["team_id"]) if channel["team_id"] else None
    team_name = team["name"] if team else ""
    site_url = setting(rt, "ServiceSettings", "SiteURL", "") or ""
    permalink = f"{site_url}/{team_name}/pl/{post_id}" if team_name else f"{site_url}/pl/{post_id}"
    when = dt.datetime.fromtimestamp(target_time, dt.UTC).strftime("%d %b %y %H:%M UTC")
    send_ephemeral_post(
        rt,
        sender_id=user_id,
        target_id=user_id,
        channel_id=channel["id"],
        root_id=post_id,
        message=f"You will be reminded about {permalink} by @{username} at {when}",
        props={
            "target_time": target_time,
            "team_name": team_name,
            "post_id": post_id,
            "username": username,
            "type": "reminder",
        },
    )
    return doc
