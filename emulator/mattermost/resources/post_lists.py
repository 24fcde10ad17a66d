"""``api4/post.go``, the PostList answers: channel history, the unread window, search."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime, runtime
from .. import authentication, errors, inputs, models, permissions, wire
from ..models import search
from ..tables import member_id
from .channels import can_read_channel, load_channel
from .posts import post_list

blueprint = Blueprint("mm_post_lists", __name__, url_prefix="/api/v4")

Doc = dict[str, Any]


def _readable_history(rt: Runtime, user: Doc, channel_id: str) -> Doc:
    channel = load_channel(rt, channel_id)
    if not can_read_channel(rt, user, channel):
        raise errors.permission_denied(user["id"], "read_channel_content")
    return channel


def _live_page(rt: Runtime, channel_id: str, offset: int, limit: int) -> tuple[list[Doc], bool]:
    """Newest-first page of live posts, reading the channel bucket only as far as needed (not at
    all before ``offset`` when the channel has no deleted posts)."""
    if not rt.store.count_by("posts", "deleted", channel_id):
        page = rt.store.find_page("posts", "channel_id", channel_id, offset, limit + 1)
        return page[:limit], len(page) > limit
    posts: list[Doc] = []
    skipped = 0
    cursor = 0
    chunk = max(limit + 1, 256)
    while True:
        batch = rt.store.find_page("posts", "channel_id", channel_id, cursor, chunk)
        cursor += len(batch)
        for post in batch:
            if post["delete_at"]:
                continue
            if skipped < offset:
                skipped += 1
                continue
            if len(posts) == limit:
                return posts, True
            posts.append(post)
        if len(batch) < chunk:
            return posts, False


@blueprint.get("/channels/<channel_id>/posts")
def get_channel_posts(channel_id: str) -> Response:
    rt, user = authentication.caller()
    channel = _readable_history(rt, user, channel_id)
    page, per_page = inputs.paging()
    before = request.args.get("before", "")
    after = request.args.get("after", "")
    for name, value in (("after", after), ("before", before)):
        if value and not is_mattermost_id(value):
            raise errors.invalid_body_param(name)
    try:
        since = int(request.args.get("since") or 0)
    except ValueError:
        raise errors.invalid_body_param("since") from None
    if request.args.get("include_deleted", "").lower() in ("1", "true") and (
        not permissions.is_system_admin(user)
    ):
        raise errors.permission_denied(user["id"], "read_deleted_posts")
    if since > 0:
        # "Changed since": every post created, edited or deleted after the time, roots included.
        changed = [
            p for p in rt.store.find("posts", "channel_id", channel["id"]) if p["update_at"] > since
        ]
        changed.sort(key=lambda p: p["create_at"], reverse=True)
        return jsonify(post_list(rt, changed))
    if before or after:
        anchor = rt.store.get("posts", before or after)
        if anchor is None or anchor["channel_id"] != channel["id"]:
            return jsonify(post_list(rt, []))
        live = [
            p
            for p in rt.store.find("posts", "channel_id", channel["id"])
            if not p["delete_at"] or p["id"] == anchor["id"]
        ]
        live.sort(key=lambda p: p["create_at"])
        index = next(i for i, p in enumerate(live) if p["id"] == anchor["id"])
        live = [p for p in live if p["id"] != anchor["id"]]
        if before:
            end = index - page * per_page
            start = max(end - per_page, 0)
            chunk = live[start : max(end, 0)]
            posts = list(reversed(chunk))
            prev_id = live[start - 1]["id"] if start > 0 else ""
            next_id = anchor["id"]
            return jsonify(
                post_list(rt, posts, next_post_id=next_id, prev_post_id=prev_id, has_next=start > 0)
            )
        start = index + page * per_page
        chunk = live[start : start + per_page]
        posts = list(reversed(chunk))
        end = start + len(chunk)
        next_id = live[end]["id"] if end < len(live) else ""
        return jsonify(
            post_list(
                rt, posts, next_post_id=next_id, prev_post_id=anchor["id"], has_next=bool(next_id)
            )
        )
    posts, more = _live_page(rt, channel["id"], page * per_page, per_page)
    prev_id = ""
    if more:
        following, _ = _live_page(rt, channel["id"], (page + 1) * per_page, 1)
        prev_id = following[0]["id"] if following else ""
    next_id = ""
    if page > 0:
        newer, _ = _live_page(rt, channel["id"], page * per_page - 1, 1)
        next_id = newer[0]["id"] if newer else ""
    return jsonify(post_list(rt, posts, next_post_id=next_id, prev_post_id=prev_id, has_next=more))


@blueprint.get("/users/<user_id>/channels/<channel_id>/posts/unread")
def get_unread_posts(user_id: str, channel_id: str) -> Response:
    rt, user = authentication.caller()
    target_id = inputs.user_id_param(user_id)
    permissions.require_self_or(user, target_id)
    channel = _readable_history(rt, user, channel_id)
    member = rt.store.get("channel_members", member_id(channel["id"], target_id))
    if member is None:
        raise errors.not_found(errors.CHANNEL_MEMBER_MISSING)
    limit_before = inputs.limit_param("limit_before")
    limit_after = inputs.limit_param("limit_after")
    if limit_after == 0:
        raise errors.invalid_url_param("limit_after")
    live = [p for p in rt.store.find("posts", "channel_id", channel["id"]) if not p["delete_at"]]
    live.sort(key=lambda p: p["create_at"])
    split = next(
        (i for i, p in enumerate(live) if p["create_at"] > member["last_viewed_at"]), len(live)
    )
    older = live[max(split - limit_before, 0) : split]
    newer = live[split : split + limit_after]
    posts = list(reversed(older + newer))
    start, end = split - len(older), split + len(newer)
    return jsonify(
        post_list(
            rt,
            posts,
            next_post_id=live[end]["id"] if end < len(live) else "",
            prev_post_id=live[start - 1]["id"] if start > 0 else "",
            has_next=end < len(live),
        )
    )


# -- search -----------------------------------------------------------------------------------


@blueprint.post("/teams/<team_id>/posts/search")
def search_team_posts(team_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(team_id, "team_id")
    permissions.require_team(rt, user, team_id, "view_team")
    return _search(rt, user, team_id)


@blueprint.post("/posts/search")
def search_all_posts() -> Response:
    rt = runtime()
    return _search(rt, authentication.current_user(), "")


def _search(rt: Runtime, user: Doc, team_id: str) -> Response:
    terms, options = inputs.search_params(errors.POST_SEARCH_BODY)
    found = search.search_posts(rt, user, team_id, terms, **options)
    rendered = [wire.post_with_metadata(p, models.post_metadata(rt, p)) for p in found]
    response = jsonify(wire.post_search_results(rendered, [p["id"] for p in found]))
    response.headers["Cache-Control"] = "no-cache, no-store, must-revalidate"
    return response
