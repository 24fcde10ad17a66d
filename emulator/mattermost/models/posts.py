"""Posts, threads, mentions, reactions and the events they publish."""

from __future__ import annotations

import json
import re
from typing import Any

from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime
from .. import errors, permissions
from ..tables import member_id
from .common import Doc, _now, broadcast, publish_event
from .emoji import EMOJI_NAME_RE
from .search import parse_hashtags

POST_MESSAGE_MAX_RUNES = 16383  # PostMessageMaxRunesV2
POST_PROPS_MAX_RUNES = 800_000  # PostPropsMaxRunes, of the serialized props
MAX_FILE_IDS = 10

# -- posts ------------------------------------------------------------------------------------


def _new_post(
    rt: Runtime,
    now: int,
    user_id: str,
    channel_id: str,
    root_id: str,
    message: str,
    post_type: str,
    props: Doc,
) -> Doc:
    """A fresh ``Post`` with every field, in upstream's order, before anything counts on it."""
    return {
        "id": rt.ids.mattermost_id(),
        "create_at": now,
        "update_at": now,
        "edit_at": 0,
        "delete_at": 0,
        "is_pinned": False,
        "user_id": user_id,
        "channel_id": channel_id,
        "root_id": root_id,
        "original_id": "",
        "message": message,
        "type": post_type,
        "props": props,
        "hashtags": parse_hashtags(message),
        "file_ids": [],
        "pending_post_id": "",
        "has_reactions": False,
        "reply_count": 0,
        "last_reply_at": 0,
        "participants": None,
    }


# -- interactive message actions ----------------------------------------------------------------


def _actions(props: Doc | None) -> list[Doc]:
    attachments = (props or {}).get("attachments")
    if not isinstance(attachments, list):
        return []
    return [
        action
        for attachment in attachments
        if isinstance(attachment, dict) and isinstance(attachment.get("actions"), list)
        for action in attachment["actions"]
        if isinstance(action, dict)
    ]


def generate_action_ids(rt: Runtime, props: Doc) -> Doc:
    """``Post.GenerateActionIds`` (run by ``PreCommit`` on every save): actions without an id
    get a fresh one. Returns ``props`` with new attachment lists, the caller's left as they were."""
    if not any(not a.get("id") for a in _actions(props)):
        return props
    attachments = []
    for attachment in props["attachments"]:
        if isinstance(attachment, dict) and isinstance(attachment.get("actions"), list):
            actions = [
                {**a, "id": rt.ids.mattermost_id()}
                if isinstance(a, dict) and not a.get("id")
                else a
                for a in attachment["actions"]
            ]
            attachment = {**attachment, "actions": actions}
        attachments.append(attachment)
    return {**props, "attachments": attachments}


def get_action(post: Doc, action_id: str) -> Doc | None:
    """``Post.GetAction``: the first action with that id in the post's attachments."""
    return next((a for a in _actions(post["props"]) if a.get("id") == action_id), None)


def check_message(message: str, post_id: str = "") -> str:
    """``Post.IsValid``'s message length; ``str`` length counts code points, as Go runes."""
    if len(message) > POST_MESSAGE_MAX_RUNES:
        raise errors.AppError(
            400,
            errors.POST_MESSAGE_TOO_LONG,
            f"id={post_id}",
            Length=str(len(message)),
            MaxLength=str(POST_MESSAGE_MAX_RUNES),
        )
    return message


def check_props(props: Doc, post_id: str = "") -> Doc:
    if _go_json_runes(props) > POST_PROPS_MAX_RUNES:
        raise errors.AppError(400, errors.POST_PROPS_TOO_LONG, f"id={post_id}")
    return props


def _go_json_runes(value: Any) -> int:
    """Runes of ``json.Marshal(value)`` (``StringInterfaceToJSON``): Go escapes <, > and & as
    ``\\u003c`` etc.; those characters only ever occur inside strings of the JSON text."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return len(text) + 5 * sum(text.count(c) for c in "<>&\u2028\u2029")


def _own_unattached_files(rt: Runtime, user_id: str, channel_id: str, raw: Any) -> list[str]:
    """Files the poster uploaded to this channel and not yet attached; others are dropped."""
    raw = raw or []
    if not isinstance(raw, list) or not all(isinstance(f, str) for f in raw):
        raise errors.invalid_body_param("post")
    kept = []
    for file_id in dict.fromkeys(raw):
        info = rt.store.get("files", file_id)
        if (
            info is not None
            and info["user_id"] == user_id
            and info["channel_id"] == channel_id
            and not info["post_id"]
            and not info["delete_at"]
        ):
            kept.append(file_id)
    return kept[:MAX_FILE_IDS]


def create_post(
    rt: Runtime,
    actor: Doc,
    *,
    channel_id: str,
    message: str,
    root_id: str = "",
    file_ids: Any = None,
    props: Doc | None = None,
    pending_post_id: str = "",
    at: int | None = None,
) -> Doc:
    """A user's post, whichever door it comes through: ``create_post`` in the channel, a live
    channel, a valid thread root, something to say; then stored and ``posted`` published.
    The checks run in ``api4/post.go createPost``'s order, so every door refuses alike."""
    channel = rt.store.get("channels", channel_id) if is_mattermost_id(channel_id) else None
    if channel is None or not permissions.has_channel_permission(rt, actor, channel, "create_post"):
        raise errors.permission_denied(actor["id"], "create_post")
    if channel["delete_at"]:
        raise errors.bad_request(errors.POST_DELETED_CHANNEL)
    if root_id:
        root = rt.store.get("posts", root_id) if is_mattermost_id(root_id) else None
        if root is None or root["delete_at"] or root["root_id"]:
            raise errors.bad_request(errors.POST_ROOT_INVALID)
        if root["channel_id"] != channel["id"]:
            raise errors.bad_request(errors.POST_ROOT_CHANNEL)
    props = props or {}
    kept = _own_unattached_files(rt, actor["id"], channel["id"], file_ids)
    if not message and not kept and not props.get("attachments"):
        raise errors.bad_request(errors.POST_MESSAGE_INVALID)
    return store_post(
        rt,
        channel=channel,
        user_id=actor["id"],
        message=message,
        root_id=root_id,
        file_ids=kept,
        props=props,
        pending_post_id=pending_post_id,
        at=at,
    )


def store_post(
    rt: Runtime,
    *,
    channel: Doc,
    user_id: str,
    message: str,
    root_id: str = "",
    file_ids: list[str] | None = None,
    props: Doc | None = None,
    post_type: str = "",
    pending_post_id: str = "",
    at: int | None = None,
) -> Doc:
    now = _now(rt, at)
    props = generate_action_ids(rt, props or {})
    author = rt.store.get("users", user_id)
    if author is not None and author.get("is_bot"):
        props = {**props, "from_bot": "true"}  # CreatePost marks every bot's post
    if not post_type and props.get("attachments"):
        post_type = "slack_attachment"
    post = _new_post(rt, now, user_id, channel["id"], root_id, message, post_type, props)
    post.update(file_ids=list(file_ids or []), pending_post_id=pending_post_id)
    with rt.store.transaction():
        if root_id:
            root = rt.store.get("posts", root_id)
            replies = rt.store.count_by("posts", "root_id", root_id) + 1
            rt.store.update("posts", root_id, {"reply_count": replies, "last_reply_at": now})
            post["reply_count"] = replies
            for reply in rt.store.find("posts", "root_id", root_id):
                rt.store.update("posts", reply["id"], {"reply_count": replies})
            del root
        rt.store.insert("posts", post)
        fresh = rt.store.get("channels", channel["id"])
        changes = {"last_post_at": now, "total_msg_count": fresh["total_msg_count"] + 1}
        if not root_id:
            changes["total_msg_count_root"] = fresh["total_msg_count_root"] + 1
            changes["last_root_post_at"] = now
        rt.store.update("channels", channel["id"], changes)
        for file_id in post["file_ids"]:
            if rt.store.get("files", file_id) is not None:
                rt.store.update("files", file_id, {"post_id": post["id"]})
        mentioned = mentioned_user_ids(rt, fresh, message, user_id)
        if at is None:
            count_mentions(rt, fresh, mentioned, root_id)
        if root_id:
            follow_thread_on_reply(rt, post, mentioned)
    if rt.events.active:
        publish_posted(rt, post)
    if at is None:  # live posts only: seeded history fires no hooks
        # Imported here: outgoing hooks build their answers with the webhook post builder,
        # which stores through this function.
        from .outgoing_hooks import handle_webhook_events

        handle_webhook_events(rt, post)
    return post


def publish_posted(rt: Runtime, post: Doc) -> None:
    """The ``posted`` WebSocket event (``publishWebsocketEventForPost``)."""
    channel = rt.store.get("channels", post["channel_id"])
    sender = rt.store.get("users", post["user_id"])
    sender_name = f"@{sender['username']}" if sender else ""
    display = channel["display_name"]
    if channel["type"] == "D":
        display = sender_name
    data = {
        "channel_display_name": display,
        "channel_name": channel["name"],
        "channel_type": channel["type"],
        "post": post,
        "post_metadata": post_metadata(rt, post),
        "sender_name": sender_name,
        "set_online": True,
        "team_id": channel["team_id"],
    }
    if post["file_ids"]:
        data["otherFile"] = "true"
    publish_event(rt, "posted", data, broadcast(channel_id=channel["id"]))


def send_ephemeral_post(
    rt: Runtime,
    *,
    sender_id: str,
    target_id: str,
    channel_id: str,
    message: str,
    root_id: str = "",
    props: Doc | None = None,
) -> Doc:
    """``SendEphemeralPost``: a post only one user sees, never stored (``ephemeral_message``)."""
    now = rt.clock.now_ms()
    props = generate_action_ids(rt, props if props is not None else {})
    post = _new_post(rt, now, sender_id, channel_id, root_id, message, "system_ephemeral", props)
    publish_event(
        rt, "ephemeral_message", {"post": post}, broadcast(channel_id=channel_id, user_id=target_id)
    )
    return post


def valid_reaction_emoji_name(name: Any) -> bool:
    return isinstance(name, str) and 0 < len(name) <= 64 and bool(EMOJI_NAME_RE.match(name))


def _reactable_post(rt: Runtime, actor: Doc, post_id: str, permission: str) -> tuple[Doc, Doc]:
    """The post and its channel, or the 403 ``SessionHasPermissionToChannelByPost`` gives."""
    post = rt.store.get("posts", post_id)
    channel = rt.store.get("channels", post["channel_id"]) if post else None
    if (
        post is None
        or post["delete_at"]
        or channel is None
        or not permissions.has_channel_permission(rt, actor, channel, permission)
    ):
        raise errors.permission_denied(actor["id"], permission)
    return post, channel


def save_reaction(
    rt: Runtime, actor: Doc, user_id: str, post_id: str, emoji_name: str, at: int | None = None
) -> Doc:
    """``SaveReactionForPost`` for the actor's own reaction: ``add_reaction`` in a live channel
    and a valid emoji name (checked in ``api4/reaction.go``'s order)."""
    if user_id != actor["id"]:
        raise errors.AppError(403, errors.REACTION_OTHER_USER)
    post, channel = _reactable_post(rt, actor, post_id, "add_reaction")
    if channel["delete_at"]:
        raise errors.AppError(403, errors.REACTION_ARCHIVED)
    if not valid_reaction_emoji_name(emoji_name):
        raise errors.bad_request(errors.REACTION_EMOJI_NAME_INVALID)
    return add_reaction(rt, post, user_id, emoji_name, at=at)


def delete_reaction(rt: Runtime, actor: Doc, user_id: str, post_id: str, emoji_name: str) -> None:
    """``DeleteReactionForPost``: ``remove_reaction`` in the channel, ``remove_others_reactions``
    for someone else's, not in an archived channel; a reaction that is not there is no error."""
    _, channel = _reactable_post(rt, actor, post_id, "remove_reaction")
    if user_id != actor["id"]:
        permissions.require_system(actor, "remove_others_reactions")
    if channel["delete_at"]:
        raise errors.AppError(403, errors.REACTION_DELETE_ARCHIVED)
    reaction = rt.store.get("reactions", f"{post_id}:{user_id}:{emoji_name}")
    if reaction is not None:
        remove_reaction(rt, reaction)


def add_reaction(
    rt: Runtime, post: Doc, user_id: str, emoji_name: str, at: int | None = None
) -> Doc:
    now = _now(rt, at)
    reaction = {
        "id": f"{post['id']}:{user_id}:{emoji_name}",
        "user_id": user_id,
        "post_id": post["id"],
        "emoji_name": emoji_name,
        "create_at": now,
        "update_at": now,
        "delete_at": 0,
        "remote_id": "",
        "channel_id": post["channel_id"],
    }
    with rt.store.transaction():  # holds the store lock: check and insert are one step
        existing = rt.store.get("reactions", reaction["id"])
        if existing is not None:
            return existing  # saving a reaction twice changes nothing and tells no one
        rt.store.insert("reactions", reaction)
        rt.store.update("posts", post["id"], {"has_reactions": True, "update_at": now})
    publish_reaction(rt, "reaction_added", reaction)
    return reaction


def create_file_info(
    rt: Runtime,
    *,
    user_id: str,
    channel_id: str,
    name: str,
    size: int,
    mime_type: str,
    at: int | None = None,
) -> Doc:
    now = _now(rt, at)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    info = {
        "id": rt.ids.mattermost_id(),
        "user_id": user_id,
        "post_id": "",
        "channel_id": channel_id,
        "create_at": now,
        "update_at": now,
        "delete_at": 0,
        "name": name,
        "extension": extension,
        "size": size,
        "mime_type": mime_type,
        "has_preview_image": mime_type.startswith("image/"),
        "mini_preview": None,
        "remote_id": "",
        "archived": False,
    }
    rt.store.insert("files", info)
    return info


# -- posts: mentions, threads, edits, deletes, reactions -------------------------------------------

_MENTION_RE = re.compile(r"@([a-z0-9.\-_]+)", re.IGNORECASE)
_CHANNEL_WIDE = {"channel", "all", "here"}


def mentioned_user_ids(rt: Runtime, channel: Doc, message: str, sender_id: str) -> list[str]:
    """Channel members a message mentions (``@name``, ``@channel``/``@all``/``@here``; the other
    side of a DM always), in a stable order, never the sender."""
    members = [m["user_id"] for m in rt.store.find("channel_members", "channel_id", channel["id"])]
    if channel["type"] == "D":
        return [u for u in members if u != sender_id]
    found: dict[str, None] = {}
    for raw in _MENTION_RE.findall(message or ""):
        name = raw.lower().rstrip(".-_")
        if name in _CHANNEL_WIDE:
            found.update(dict.fromkeys(u for u in members if u != sender_id))
            continue
        user = rt.store.find_one("users", "username", name)
        if user is not None and user["id"] != sender_id and user["id"] in members:
            found[user["id"]] = None
    return list(found)


def count_mentions(rt: Runtime, channel: Doc, user_ids: list[str], root_id: str) -> None:
    for user_id in user_ids:
        member = rt.store.get("channel_members", member_id(channel["id"], user_id))
        if member is None:
            continue
        changes = {"mention_count": member["mention_count"] + 1}
        if not root_id:
            changes["mention_count_root"] = member["mention_count_root"] + 1
        rt.store.update("channel_members", member["id"], changes)


def thread_membership_id(post_id: str, user_id: str) -> str:
    return f"{post_id}:{user_id}"


def _thread_membership(
    root: Doc, user_id: str, existing: Doc | None, following: bool, updated_at: int
) -> Doc:
    """A ``ThreadMembership`` that keeps how far the user had read and their unread mentions."""
    return {
        "id": thread_membership_id(root["id"], user_id),
        "post_id": root["id"],
        "user_id": user_id,
        "following": following,
        "last_viewed": existing["last_viewed"] if existing else 0,
        "last_updated": updated_at,
        "unread_mentions": existing["unread_mentions"] if existing else 0,
    }


def set_thread_following(
    rt: Runtime, root: Doc, user_id: str, following: bool, viewed_at: int | None = None
) -> Doc:
    existing = rt.store.get("thread_memberships", thread_membership_id(root["id"], user_id))
    doc = _thread_membership(root, user_id, existing, following, rt.clock.now_ms())
    if viewed_at is not None:
        doc["last_viewed"] = viewed_at
        doc["unread_mentions"] = 0
    rt.store.upsert("thread_memberships", doc)
    if rt.events.active:
        channel = rt.store.get("channels", root["channel_id"])
        publish_event(
            rt,
            "thread_follow_changed",
            {"thread_id": root["id"], "state": following, "reply_count": root["reply_count"]},
            broadcast(user_id=user_id, team_id=channel["team_id"]),
        )
    return doc


def follow_thread_on_reply(rt: Runtime, reply: Doc, mentioned: list[str]) -> None:
    """Who follows a thread when someone replies: the root's author, the replier, the mentioned
    (unless they unfollowed it explicitly); the replier has seen it."""
    root = rt.store.get("posts", reply["root_id"])
    if root is None:
        return
    for user_id in dict.fromkeys([root["user_id"], reply["user_id"], *mentioned]):
        existing = rt.store.get("thread_memberships", thread_membership_id(root["id"], user_id))
        if existing is not None and not existing["following"]:
            continue
        doc = _thread_membership(root, user_id, existing, True, reply["create_at"])
        if user_id == reply["user_id"]:
            doc["last_viewed"] = reply["create_at"]
        elif user_id in mentioned:
            doc["unread_mentions"] += 1
        rt.store.upsert("thread_memberships", doc)


def post_metadata(rt: Runtime, post: Doc) -> Doc:
    """``PreparePostForClient``'s lookups: the documents of the post's files, its reactions and
    the custom emojis those use (``wire.post_metadata`` renders them)."""
    metadata: Doc = {}
    files = [
        f
        for fid in post["file_ids"]
        if (f := rt.store.get("files", fid)) is not None and not f["delete_at"]
    ]
    if files:
        metadata["files"] = files
    if post["has_reactions"]:
        reactions = rt.store.find("reactions", "post_id", post["id"])
        if reactions:
            metadata["reactions"] = reactions
            emojis = []
            for name in dict.fromkeys(r["emoji_name"] for r in reactions):
                custom = rt.store.find_one("emoji", "name", name)
                if custom is not None:
                    emojis.append(custom)
            if emojis:
                metadata["emojis"] = emojis
    return metadata


def _publish_post_event(rt: Runtime, event: str, post: Doc, extra: Doc | None = None) -> None:
    if rt.events.active:
        data = {"post": post, "post_metadata": post_metadata(rt, post), **(extra or {})}
        publish_event(rt, event, data, broadcast(post["channel_id"]))


def _post_or_forbidden(rt: Runtime, actor: Doc, post_id: str, permission: str) -> Doc:
    """Edits answer 403 for posts that do not exist, as the real handlers do."""
    post = rt.store.get("posts", post_id)
    if post is None or post["delete_at"]:
        raise errors.permission_denied(actor["id"], permission)
    return post


def edit_post(rt: Runtime, actor: Doc, post_id: str, edit: Doc, *, partial: bool) -> Doc:
    """``PUT /posts/{id}`` (``partial=False``: an absent message empties it) and ``/patch``:
    ``edit_post`` (own) or ``edit_others_posts``, a live channel, no system message, then the
    values of ``edit`` (message, props, is_pinned, file_ids) are checked and stored."""
    post = _post_or_forbidden(rt, actor, post_id, "edit_post")
    channel = rt.store.get("channels", post["channel_id"])
    permission = "edit_post" if post["user_id"] == actor["id"] else "edit_others_posts"
    permissions.require_channel(rt, actor, channel, permission)
    if channel["delete_at"]:
        raise errors.bad_request(errors.POST_UPDATE_DELETED_CHANNEL)
    if post["type"].startswith("system_"):
        raise errors.bad_request(errors.POST_SYSTEM_MESSAGE)
    changes: Doc = {}
    if not partial or "message" in edit:
        default = post["message"] if partial else ""
        message = edit.get("message", default)
        changes["message"] = check_message(default if message is None else message, post["id"])
    if "props" in edit:
        changes["props"] = check_props(edit["props"] or {}, post["id"])
    if "is_pinned" in edit:
        if not isinstance(edit["is_pinned"], bool):
            raise errors.invalid_body_param("is_pinned")
        changes["is_pinned"] = edit["is_pinned"]
    if "file_ids" in edit and partial:
        changes["file_ids"] = [f for f in (edit["file_ids"] or []) if f in post["file_ids"]]
    return update_post(rt, post, changes)


def update_post(rt: Runtime, post: Doc, changes: Doc) -> Doc:
    """Store an edit: ``edit_at`` moves when the message changes."""
    now = rt.clock.now_ms()
    changes = {**changes, "update_at": now}
    if "props" in changes:  # PreCommit runs on updates too: new buttons get ids
        changes["props"] = generate_action_ids(rt, changes["props"])
    if "message" in changes and changes["message"] != post["message"]:
        changes["edit_at"] = now
        changes["hashtags"] = parse_hashtags(changes["message"])
        # The store keeps the replaced version, deleted, pointing at the post (edit history).
        version = {**post, "id": rt.ids.mattermost_id(), "original_id": post["id"]}
        rt.store.insert("post_versions", {**version, "delete_at": now, "update_at": now})
    updated = rt.store.update("posts", post["id"], changes)
    _publish_post_event(rt, "post_edited", updated)
    return updated


def post_in_readable_channel(rt: Runtime, actor: Doc, post_id: str) -> Doc:
    """``SessionHasPermissionToChannelByPost(read_channel_content)``: a post that does not exist
    is as forbidden as one in a channel the actor cannot read."""
    post = rt.store.get("posts", post_id)
    channel = rt.store.get("channels", post["channel_id"]) if post else None
    if channel is None or post["delete_at"] or not permissions.can_read_channel(rt, actor, channel):
        raise errors.permission_denied(actor["id"], "read_channel_content")
    return post


def pin_post(rt: Runtime, actor: Doc, post_id: str, pinned: bool) -> Doc:
    """Pin or unpin (anyone who reads the channel may), unless the channel is archived; a post
    already so stays as it is and nothing is published."""
    post = post_in_readable_channel(rt, actor, post_id)
    channel = rt.store.get("channels", post["channel_id"])
    if channel["delete_at"]:
        raise errors.bad_request(errors.POST_UPDATE_DELETED_CHANNEL)
    if post["is_pinned"] == pinned:
        return post
    return set_pinned(rt, post, pinned)


def set_pinned(rt: Runtime, post: Doc, pinned: bool) -> Doc:
    updated = rt.store.update(
        "posts", post["id"], {"is_pinned": pinned, "update_at": rt.clock.now_ms()}
    )
    _publish_post_event(rt, "post_edited", updated)
    return updated


def delete_post(rt: Runtime, actor: Doc, post_id: str) -> Doc:
    """``delete_post`` (own) or ``delete_others_posts`` in a live channel, then the delete."""
    post = rt.store.get("posts", post_id)
    if post is None or post["delete_at"]:
        raise errors.not_found(errors.POST_NOT_FOUND, f"post_id={post_id}")
    channel = rt.store.get("channels", post["channel_id"])
    permission = "delete_post" if post["user_id"] == actor["id"] else "delete_others_posts"
    permissions.require_channel(rt, actor, channel, permission)
    if channel["delete_at"]:
        raise errors.bad_request(errors.POST_DELETE_DELETED_CHANNEL)
    return _soft_delete_post(rt, post, actor["id"])


def _soft_delete_post(rt: Runtime, post: Doc, deleter_id: str) -> Doc:
    """Soft-delete a post (and its replies when it is a thread root) and its files."""
    now = rt.clock.now_ms()
    with rt.store.transaction():
        targets = [post]
        if not post["root_id"]:
            targets += rt.store.find("posts", "root_id", post["id"])
        for target in targets:
            if target["delete_at"]:
                continue
            rt.store.update(
                "posts",
                target["id"],
                {"delete_at": now, "update_at": now, "is_pinned": False},
            )
            for file_id in target["file_ids"]:
                if rt.store.get("files", file_id) is not None:
                    rt.store.update("files", file_id, {"delete_at": now})
        if post["root_id"]:
            root = rt.store.get("posts", post["root_id"])
            if root is not None:
                live = [
                    r for r in rt.store.find("posts", "root_id", root["id"]) if not r["delete_at"]
                ]
                last = max((r["create_at"] for r in live), default=0)
                rt.store.update(
                    "posts", root["id"], {"reply_count": len(live), "last_reply_at": last}
                )
    deleted = rt.store.get("posts", post["id"])
    if rt.events.active:
        metadata = post_metadata(rt, deleted)
        for flag, extra in (
            ("contains_sanitized_data", {}),
            ("contains_sensitive_data", {"delete_by": deleter_id}),
        ):
            publish_event(
                rt,
                "post_deleted",
                {"post": deleted, "post_metadata": metadata, **extra},
                {**broadcast(post["channel_id"]), flag: True},
            )
    return deleted


def publish_reaction(rt: Runtime, event: str, reaction: Doc) -> None:
    publish_event(rt, event, {"reaction": reaction}, broadcast(reaction["channel_id"]))


def remove_reaction(rt: Runtime, reaction: Doc) -> None:
    now = rt.clock.now_ms()
    with rt.store.transaction():
        rt.store.delete("reactions", reaction["id"])
        left = rt.store.count_by("reactions", "post_id", reaction["post_id"])
        if rt.store.get("posts", reaction["post_id"]) is not None:
            rt.store.update(
                "posts", reaction["post_id"], {"has_reactions": left > 0, "update_at": now}
            )
    publish_reaction(rt, "reaction_removed", {**reaction, "delete_at": now})


def user_typing(rt: Runtime, user_id: str, channel_id: str, parent_id: str = "") -> bool:
    """``PublishUserTyping`` for a user who may post in the channel (the check both the REST
    and the WebSocket door make): ``typing`` to its members, except the typist. False, and
    nothing published, when the user, the channel or the ``create_post`` permission is missing."""
    channel = rt.store.get("channels", channel_id)
    user = rt.store.get("users", user_id)
    if (
        channel is None
        or user is None
        or not permissions.has_channel_permission(rt, user, channel, "create_post")
    ):
        return False
    publish_event(
        rt,
        "typing",
        {"parent_id": parent_id, "user_id": user_id},
        broadcast(channel_id=channel_id, omit=[user_id]),
    )

    return True


def mark_thread_read(rt: Runtime, root: Doc, user_id: str, at: int) -> Doc:
    """Set how far a user has read a thread (``UpdateThreadReadForUser``)."""
    existing = rt.store.get("thread_memberships", thread_membership_id(root["id"], user_id))
    following = existing["following"] if existing else False
    doc = {
        **_thread_membership(root, user_id, existing, following, rt.clock.now_ms()),
        "last_viewed": at,
        "unread_mentions": 0,
    }
    rt.store.upsert("thread_memberships", doc)
    if rt.events.active:
        channel = rt.store.get("channels", root["channel_id"])
        unread = sum(
            1
            for r in rt.store.find("posts", "root_id", root["id"])
            if not r["delete_at"] and r["create_at"] > at
        )
        publish_event(
            rt,
            "thread_read_changed",
            {
                "thread_id": root["id"],
                "timestamp": at,
                "unread_mentions": 0,
                "unread_replies": unread,
                "previous_unread_mentions": existing["unread_mentions"] if existing else 0,
                "channel_id": root["channel_id"],
            },
            broadcast(user_id=user_id, team_id=channel["team_id"]),
        )
    return doc


def post_info(rt: Runtime, user: Doc, post: Doc) -> Doc:
    """``getPostInfo``: where a post lives, for a permalink to someone who may not have joined
    its team or channel yet. Whoever could not join them gets the post's "not found"."""
    channel = rt.store.get("channels", post["channel_id"])
    not_found = errors.not_found(errors.POST_NOT_FOUND)
    if channel is None:
        raise not_found
    team = rt.store.get("teams", channel["team_id"]) if channel["team_id"] else None
    if channel["team_id"] and team is None:
        raise errors.not_found(errors.TEAM_NOT_FOUND, f"team_id={channel['team_id']}")
    joined_team = False
    if team is not None:
        membership = rt.store.get("team_members", member_id(team["id"], user["id"]))
        joined_team = membership is not None and not membership["delete_at"]
        join = "join_public_teams" if team["allow_open_invite"] else "join_private_teams"
        if not joined_team and not permissions.has_team_permission(rt, user, team["id"], join):
            raise not_found
    membership = rt.store.get("channel_members", member_id(channel["id"], user["id"]))
    joined_channel = membership is not None
    if not joined_channel:
        if channel["type"] == "P":
            allowed = permissions.has_channel_permission(
                rt, user, channel, "manage_private_channel_members"
            )
        else:
            allowed = channel["type"] == "O" or permissions.can_read_channel(rt, user, channel)
        if not allowed:
            raise not_found
    return {
        "channel_id": channel["id"],
        "channel_type": channel["type"],
        "channel_display_name": channel["display_name"],
        "has_joined_channel": joined_channel,
        "team_id": team["id"] if team else "",
        "team_type": team["type"] if team else "",
        "team_display_name": team["display_name"] if team else "",
        "has_joined_team": joined_team,
    }
