"""``api4/user.go`` collapsed-threads routes: the threads a user follows in a team."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import Runtime
from .. import authentication, errors, inputs, models, permissions, wire
from ..models import threads
from .channels import can_read_channel

blueprint = Blueprint("mm_threads", __name__, url_prefix="/api/v4")

Doc = dict[str, Any]
THREADS_PAGE = "/users/<user_id>/teams/<team_id>/threads"


def _scope(user_id: str, team_id: str) -> tuple[Runtime, Doc, str, str]:
    rt, user = authentication.caller()
    target_id = inputs.user_id_param(user_id)
    inputs.id_param(team_id, "team_id")
    permissions.require_self_or(user, target_id)
    permissions.require_team(rt, user, team_id, "view_team")
    return rt, user, target_id, team_id


def _participants(rt: Runtime, root: Doc, extended: bool) -> list[Doc]:
    ids = [root["user_id"]]
    for reply in rt.store.find("posts", "root_id", root["id"]):
        if not reply["delete_at"] and reply["user_id"] not in ids:
            ids.append(reply["user_id"])
    out = []
    for uid in ids:
        account = rt.store.get("users", uid)
        if account is None:
            continue
        out.append(wire.user(account) if extended else wire.thread_participant(uid))
    return out


def _unread(rt: Runtime, root: Doc, membership: Doc | None) -> int:
    seen = membership["last_viewed"] if membership else 0
    return sum(
        1
        for r in rt.store.find("posts", "root_id", root["id"])
        if not r["delete_at"] and r["create_at"] > seen
    )


def _thread(rt: Runtime, root: Doc, membership: Doc | None, extended: bool) -> Doc:
    return wire.user_thread(
        wire.post_with_metadata(root, models.post_metadata(rt, root)),
        membership,
        _participants(rt, root, extended),
        _unread(rt, root, membership),
    )


def _user_threads(rt: Runtime, user_id: str, team_id: str) -> list[tuple[Doc, Doc]]:
    """(root, membership) of every followed thread in the team (and in DMs/GMs)."""
    found = []
    for membership in rt.store.find("thread_memberships", "user_id", user_id):
        if not membership["following"]:
            continue
        root = rt.store.get("posts", membership["post_id"])
        if root is None:
            continue
        channel = rt.store.get("channels", root["channel_id"])
        if channel is None or channel["team_id"] not in (team_id, ""):
            continue
        found.append((root, membership))
    found.sort(key=lambda pair: pair[0]["last_reply_at"], reverse=True)
    return found


@blueprint.get(THREADS_PAGE)
def get_threads(user_id: str, team_id: str) -> Response:
    rt, _, target_id, team_id = _scope(user_id, team_id)
    args = request.args
    extended = args.get("extended") == "true"
    deleted = args.get("deleted") == "true"
    unread_only = args.get("unread") == "true"
    try:
        since = int(args.get("since") or 0)
    except ValueError:
        raise errors.invalid_body_param("since") from None
    if since < 0:
        raise errors.invalid_body_param("since")
    if args.get("before") and args.get("after"):
        raise errors.bad_request(errors.THREADS_BAD_PARAMS)
    page, per_page = inputs.paging()
    pairs = _user_threads(rt, target_id, team_id)
    counted = [(r, m) for r, m in pairs if not r["delete_at"]]
    unread_threads = [(r, m) for r, m in counted if _unread(rt, r, m)]
    totals = {
        "total": len(counted),
        "total_unread_threads": len(unread_threads),
        "total_unread_mentions": sum(m["unread_mentions"] for _, m in counted),
        "total_unread_urgent_mentions": 0,
    }
    if unread_only:
        totals["total"] = totals["total_unread_threads"]
    if args.get("totalsOnly") == "true":
        return jsonify({**totals, "threads": []})
    selected = [
        (r, m)
        for r, m in pairs
        if (deleted or not r["delete_at"])
        and (not unread_only or _unread(rt, r, m))
        and r["last_reply_at"] >= since
    ]
    before, after = args.get("before", ""), args.get("after", "")
    if before or after:
        ids = [r["id"] for r, _ in selected]
        anchor = before or after
        if anchor in ids:
            i = ids.index(anchor)
            selected = selected[i + 1 :] if before else selected[:i]
        page = 0
    selected = selected[page * per_page : (page + 1) * per_page]
    threads = [_thread(rt, r, m, extended) for r, m in selected]
    return jsonify({**totals, "threads": threads})


def _thread_root(rt: Runtime, user: Doc, thread_id: str) -> Doc:
    root = rt.store.get("posts", inputs.id_param(thread_id, "thread_id"))
    if root is None or root["root_id"]:
        raise errors.not_found(errors.POST_NOT_FOUND, f"thread_id={thread_id}")
    channel = rt.store.get("channels", root["channel_id"])
    if channel is None or not can_read_channel(rt, user, channel):
        raise errors.permission_denied(user["id"], "read_channel_content")
    return root


@blueprint.get(f"{THREADS_PAGE}/<thread_id>")
def get_thread(user_id: str, team_id: str, thread_id: str) -> Response:
    rt, user, target_id, _ = _scope(user_id, team_id)
    root = _thread_root(rt, user, thread_id)
    membership = rt.store.get(
        "thread_memberships", models.thread_membership_id(root["id"], target_id)
    )
    if membership is None:
        raise errors.not_found(errors.THREAD_MEMBERSHIP_MISSING, f"thread_id={thread_id}")
    extended = request.args.get("extended") == "true"
    return jsonify(_thread(rt, root, membership, extended))


@blueprint.put(f"{THREADS_PAGE}/<thread_id>/following")
def follow_thread(user_id: str, team_id: str, thread_id: str) -> Response:
    rt, user, target_id, _ = _scope(user_id, team_id)
    root = _thread_root(rt, user, thread_id)
    models.set_thread_following(rt, root, target_id, True)
    return jsonify(wire.status_ok())


@blueprint.delete(f"{THREADS_PAGE}/<thread_id>/following")
def unfollow_thread(user_id: str, team_id: str, thread_id: str) -> Response:
    rt, user, target_id, _ = _scope(user_id, team_id)
    root = _thread_root(rt, user, thread_id)
    models.set_thread_following(rt, root, target_id, False)
    return jsonify(wire.status_ok())


@blueprint.put(f"{THREADS_PAGE}/<thread_id>/read/<timestamp>")
def read_thread(user_id: str, team_id: str, thread_id: str, timestamp: str) -> Response:
    rt, user, target_id, _ = _scope(user_id, team_id)
    try:
        at = int(timestamp)
    except ValueError:
        raise errors.invalid_url_param("timestamp") from None
    root = _thread_root(rt, user, thread_id)
    membership = models.mark_thread_read(rt, root, target_id, at)
    return jsonify(_thread(rt, root, membership, False))


@blueprint.put(f"{THREADS_PAGE}/read")
def read_all_threads(user_id: str, team_id: str) -> Response:
    rt, _, target_id, team_id = _scope(user_id, team_id)
    now = rt.clock.now_ms()
    with rt.store.transaction():
        for root, _ in _user_threads(rt, target_id, team_id):
            models.mark_thread_read(rt, root, target_id, now)
    return jsonify(wire.status_ok())


@blueprint.post(f"{THREADS_PAGE}/<thread_id>/set_unread/<post_id>")
def set_thread_unread(user_id: str, team_id: str, thread_id: str, post_id: str) -> Response:
    rt, user, target_id, _ = _scope(user_id, team_id)
    inputs.id_param(post_id, "post_id")
    root = _thread_root(rt, user, thread_id)
    membership = threads.mark_thread_unread_from_post(rt, root, target_id, post_id)
    return jsonify(_thread(rt, root, membership, False))


@blueprint.get(f"{THREADS_PAGE}/mention_counts")
def thread_mention_counts(user_id: str, team_id: str) -> Response:
    rt, _, target_id, team_id = _scope(user_id, team_id)
    return jsonify(threads.thread_mention_counts(rt, target_id, team_id))
