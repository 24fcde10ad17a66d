"""Collapsed threads read per user: unread from a post on, mention counts per channel."""

from __future__ import annotations

from ...core.runtime import Runtime
from .. import errors
from .common import Doc
from .posts import mark_thread_read


def mark_thread_unread_from_post(rt: Runtime, root: Doc, user_id: str, post_id: str) -> Doc:
    """``UpdateThreadReadForUserByPost``: read up to just before a post of that thread."""
    post = rt.store.get("posts", post_id)
    if post is None or post["delete_at"]:
        raise errors.not_found(errors.POST_NOT_FOUND, f"post_id={post_id}")
    if post["id"] != root["id"] and post["root_id"] != root["id"]:
        raise errors.bad_request(errors.THREAD_POST_MISMATCH)
    return mark_thread_read(rt, root, user_id, post["create_at"] - 1)


def thread_mention_counts(rt: Runtime, user_id: str, team_id: str) -> dict[str, int]:
    """``GetThreadMentionsForUserPerChannel``: unread mentions of the live threads the user
    follows, summed per channel of the team (and of DMs/GMs)."""
    counts: dict[str, int] = {}
    for membership in rt.store.find("thread_memberships", "user_id", user_id):
        if not membership["following"]:
            continue
        root = rt.store.get("posts", membership["post_id"])
        if root is None or root["delete_at"]:
            continue
        channel = rt.store.get("channels", root["channel_id"])
        if channel is None or channel["team_id"] not in (team_id, ""):
            continue
        counts[channel["id"]] = counts.get(channel["id"], 0) + membership["unread_mentions"]
    return counts
