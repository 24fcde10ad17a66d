"""``api4/drafts.go``: server-synced message drafts (``ServiceSettings.AllowSyncedDrafts``).

The user in the URL is not checked against the caller: upstream reads and deletes the caller's
own drafts whoever the URL names.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from ...core.runtime import Runtime
from .. import authentication, errors, inputs, permissions, wire
from ..models import drafts

blueprint = Blueprint("mm_drafts", __name__, url_prefix="/api/v4")

Doc = dict[str, Any]

# ``model.Draft`` as Go decodes it: a field of another type fails the whole body.
DRAFT_FIELDS = {
    "channel_id": str,
    "root_id": str,
    "message": str,
    "props": dict,
    "file_ids": list,
    "priority": dict,
    "create_at": int,
    "update_at": int,
    "delete_at": int,
}


def _may_post(rt: Runtime, user: Doc, channel_id: str) -> bool:
    """``create_post`` in the channel, or ``create_post_public`` in the team of a public one."""
    channel = rt.store.get("channels", channel_id)
    if channel is None:
        return permissions.has_system_permission(user, "create_post")
    if permissions.has_channel_permission(rt, user, channel, "create_post"):
        return True
    return channel["type"] == "O" and permissions.has_team_permission(
        rt, user, channel["team_id"], "create_post_public"
    )


def _shown(rt: Runtime, draft: Doc) -> Doc:
    return wire.draft(drafts.with_files(rt, draft))


@blueprint.post("/drafts")
def upsert_draft() -> tuple[Response, int]:
    rt, user = authentication.caller()
    if not drafts.synced_drafts_enabled(rt):
        raise errors.AppError(501, errors.DRAFTS_DISABLED)
    body = inputs.json_body(required=False)
    if body is None and not inputs.body_is_json_null():
        raise errors.invalid_body_param("draft")
    body = body or {}
    if not isinstance(body, dict):
        raise errors.invalid_body_param("draft")
    inputs.check_types(body, DRAFT_FIELDS, "draft")
    file_ids = body.get("file_ids") or []
    if not all(isinstance(f, str) for f in file_ids):
        raise errors.invalid_body_param("draft")
    channel_id = body.get("channel_id") or ""
    if not _may_post(rt, user, channel_id):
        raise errors.permission_denied(user["id"], "create_post")
    fields = {
        "channel_id": channel_id,
        "root_id": body.get("root_id") or "",
        "message": body.get("message") or "",
        "props": body.get("props") or {},
        "file_ids": file_ids,
        "priority": body.get("priority") or None,
        "create_at": body.get("create_at") or 0,
    }
    draft = drafts.upsert_draft(rt, user["id"], fields)
    # An emptied draft is deleted, and the answer is JSON ``null``.
    return jsonify(None if draft is None else _shown(rt, draft)), 201


@blueprint.get("/users/<user_id>/teams/<team_id>/drafts")
def get_drafts(user_id: str, team_id: str) -> Response:
    rt, user = authentication.caller()
    if not drafts.synced_drafts_enabled(rt):
        raise errors.AppError(501, errors.DRAFTS_DISABLED)
    # Upstream names ``create_post`` in the error though it checks ``view_team``.
    if not permissions.has_team_permission(rt, user, team_id, "view_team"):
        raise errors.permission_denied(user["id"], "create_post")
    return jsonify([_shown(rt, d) for d in drafts.drafts_for_user(rt, user["id"], team_id)])


@blueprint.delete("/users/<user_id>/channels/<channel_id>/drafts")
@blueprint.delete("/users/<user_id>/channels/<channel_id>/drafts/<thread_id>")
def delete_draft(user_id: str, channel_id: str, thread_id: str = "") -> Response:
    rt, user = authentication.caller()
    drafts.delete_draft(rt, user["id"], channel_id, thread_id)
    return jsonify(wire.status_ok())
