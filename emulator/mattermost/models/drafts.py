"""Server-synced drafts (``app/draft.go``): one per user, channel and thread root, seen only by
their author, each change told to the author's other sessions over the WebSocket."""

from __future__ import annotations

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, _now, broadcast, get_config, publish_event


def synced_drafts_enabled(rt: Runtime) -> bool:
    return bool(get_config(rt)["ServiceSettings"].get("AllowSyncedDrafts", True))


def _require_enabled(rt: Runtime) -> None:
    if not synced_drafts_enabled(rt):
        raise errors.AppError(501, errors.DRAFTS_DISABLED)


def draft_key(user_id: str, channel_id: str, root_id: str) -> str:
    return f"{user_id}:{channel_id}:{root_id}"


def with_files(rt: Runtime, draft: Doc) -> Doc:
    """``prepareDraftWithFileInfos``: the draft with the infos of its files that its author
    uploaded and has not posted yet; any other id is left out."""
    files = []
    for file_id in draft["file_ids"] or []:
        info = rt.store.get("files", file_id) if isinstance(file_id, str) else None
        if info is not None and not info.get("post_id") and info["user_id"] == draft["user_id"]:
            files.append(info)
    return {**draft, "files": files}


def _publish(rt: Runtime, event: str, draft: Doc) -> None:
    # Sent to its author only; the WebSocket carries the draft JSON-encoded, as a string.
    to = broadcast(channel_id=draft["channel_id"], user_id=draft["user_id"])
    publish_event(rt, event, {"draft": draft}, to)


def upsert_draft(rt: Runtime, user_id: str, fields: Doc, at: int | None = None) -> Doc | None:
    """``UpsertDraft``: the channel must exist and be open for posting; an empty message
    deletes the draft instead (and answers nothing). ``draft_created`` either way it is saved:
    upstream never sends ``draft_updated``."""
    _require_enabled(rt)
    channel = rt.store.get("channels", fields["channel_id"])
    if channel is None:
        raise errors.invalid_body_param("draft.channel_id")
    if channel["delete_at"]:
        raise errors.AppError(400, errors.DRAFT_DELETED_CHANNEL)
    key = draft_key(user_id, channel["id"], fields["root_id"])
    if not fields["message"]:
        rt.store.delete("drafts", key)
        return None
    now = _now(rt, at)
    old = rt.store.get("drafts", key)
    # ``Draft.PreSave``: a create time the client sent is kept, else the first save's.
    create_at = fields["create_at"] or (old["create_at"] if old else now)
    draft = rt.store.upsert(
        "drafts",
        {
            "key": key,
            "user_id": user_id,
            "channel_id": channel["id"],
            "root_id": fields["root_id"],
            "message": fields["message"],
            "props": fields["props"],
            "file_ids": fields["file_ids"],
            "priority": fields["priority"],
            "create_at": create_at,
            "update_at": now,
            "delete_at": 0,
        },
    )
    _publish(rt, "draft_created", with_files(rt, draft))
    return draft


def drafts_for_user(rt: Runtime, user_id: str, team_id: str) -> list[Doc]:
    """``GetDraftsForUser``: the user's drafts in the team's live channels and in direct and
    group messages, the most recently changed first."""
    _require_enabled(rt)
    out = []
    for draft in rt.store.find("drafts", "user_id", user_id):
        channel = rt.store.get("channels", draft["channel_id"])
        if channel is None or channel["delete_at"] or channel["team_id"] not in ("", team_id):
            continue
        out.append(draft)
    return sorted(out, key=lambda d: -d["update_at"])


def delete_draft(rt: Runtime, user_id: str, channel_id: str, root_id: str) -> None:
    """``deleteDraft``: deleting a draft that is not there succeeds too."""
    _require_enabled(rt)
    draft = rt.store.delete("drafts", draft_key(user_id, channel_id, root_id))
    if draft is not None:
        _publish(rt, "draft_deleted", draft)
