"""A post's edit history and restoring one of its versions (``GetEditHistoryForPost``,
``RestorePostVersion``)."""

from __future__ import annotations

from ...core.runtime import Runtime
from .. import errors, permissions
from .common import Doc
from .posts import edit_post


def edit_history(rt: Runtime, actor: Doc, post_id: str) -> list[Doc]:
    """The replaced versions, newest edit first; only the author may read them."""
    post = rt.store.get("posts", post_id)
    if post is None or post["delete_at"]:
        raise errors.permission_denied(actor["id"], "edit_post")
    channel = rt.store.get("channels", post["channel_id"])
    if channel is None or not permissions.has_channel_permission(rt, actor, channel, "edit_post"):
        raise errors.permission_denied(actor["id"], "edit_post")
    if post["user_id"] != actor["id"]:
        raise errors.permission_denied(actor["id"], "edit_post")
    versions = rt.store.find("post_versions", "original_id", post_id)
    if not versions:
        raise errors.not_found(errors.EDIT_HISTORY_NOT_FOUND, f"post_id={post_id}")
    return sorted(versions, key=lambda v: (v["edit_at"], v["update_at"]), reverse=True)


def restore_post_version(rt: Runtime, actor: Doc, post_id: str, version_id: str) -> Doc:
    """The post patched back to a version's message and files (itself an edit, so the version
    it replaces joins the history)."""
    version = rt.store.get("post_versions", version_id)
    if version is None or version["user_id"] != actor["id"]:
        raise errors.permission_denied(actor["id"], "edit_post")
    if version["original_id"] != post_id:
        raise errors.bad_request(errors.POST_VERSION_NOT_IN_HISTORY)
    edit = {"message": version["message"], "file_ids": version["file_ids"]}
    return edit_post(rt, actor, post_id, edit, partial=True)
