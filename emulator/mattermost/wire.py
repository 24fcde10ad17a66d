"""Every JSON shape the Mattermost app sends (``server/public/model/*.go`` struct tags).

Stored documents already use the wire field names; these functions drop what the server never
sends (password hashes, session secrets) and the ``omitempty`` fields that are empty.
"""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]

# Fields the real User struct tags `omitempty`.
_USER_OMITEMPTY = (
    "create_at",
    "update_at",
    "password",
    "auth_data",
    "email_verified",
    "allow_marketing",
    "props",
    "notify_props",
    "last_password_update",
    "last_picture_update",
    "failed_attempts",
    "mfa_active",
    "remote_id",
    "last_activity_at",
    "is_bot",
    "bot_description",
    "bot_last_icon_update",
    "terms_of_service_id",
    "terms_of_service_create_at",
    "last_login",
)
_USER_PRIVATE = ("password", "mfa_secret", "auth_data")


def _drop_empty(doc: Doc, fields: tuple[str, ...]) -> Doc:
    for name in fields:
        if name in doc and doc[name] in (None, "", 0, False, {}, []):
            del doc[name]
    return doc


def user(doc: Doc, *, viewer_is_admin: bool = False, is_self: bool = False) -> Doc:
    """A sanitised User; others' email and names follow the privacy settings (shown by default)."""
    out = {k: v for k, v in doc.items() if k not in _USER_PRIVATE}
    if not (viewer_is_admin or is_self):
        out.pop("last_login", None)
    return _drop_empty(out, _USER_OMITEMPTY)


def team(doc: Doc) -> Doc:
    return _drop_empty(dict(doc), ("last_team_icon_update",))


def team_member(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k != "id"}


def channel(doc: Doc) -> Doc:
    return dict(doc)


def channel_member(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k != "id"}


_POST_OMITEMPTY = ("message_source", "has_reactions", "remote_id", "is_following", "metadata")


def post(doc: Doc, metadata: Doc | None = None) -> Doc:
    out = dict(doc)
    out["metadata"] = metadata or {}
    return _drop_empty(out, _POST_OMITEMPTY)


def post_list(posts: list[Doc], order: list[str], **paging: Any) -> Doc:
    return {
        "order": order,
        "posts": {p["id"]: p for p in posts},
        "next_post_id": paging.get("next_post_id", ""),
        "prev_post_id": paging.get("prev_post_id", ""),
        "has_next": paging.get("has_next", False),
        "first_inaccessible_post_time": 0,
    }


def reaction(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k != "id"}


def file_info(doc: Doc) -> Doc:
    return _drop_empty(dict(doc), ("post_id", "width", "height", "has_preview_image"))


def session(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k != "token"}


def status_ok() -> Doc:
    return {"status": "OK"}
