"""The Mattermost app's tables and the indexes every request lookup goes through."""

from __future__ import annotations

from ..core.store import Store


def member_id(container_id: str, user_id: str) -> str:
    """Primary key of a team or channel membership."""
    return f"{container_id}:{user_id}"


def define_tables(store: Store) -> None:
    store.define(
        "users",
        unique={
            "username": lambda u: u["username"].lower(),
            "email": lambda u: u["email"].lower() or None,
        },
    )
    store.define("sessions", unique={"token": "token"}, multi={"user_id": "user_id"})
    store.define("access_tokens", unique={"token": "token"}, multi={"user_id": "user_id"})
    store.define("bots", key="user_id", multi={"owner_id": "owner_id"})
    store.define("teams", unique={"name": "name", "invite_id": "invite_id"})
    store.define("team_members", multi={"team_id": "team_id", "user_id": "user_id"})
    store.define(
        "channels",
        unique={"team_name": lambda c: (c["team_id"], c["name"])},
        multi={"team_id": "team_id", "type": "type", "name": "name"},
    )
    store.define("channel_members", multi={"channel_id": "channel_id", "user_id": "user_id"})
    store.define(
        "posts",
        multi={
            "channel_id": "channel_id",
            "root_id": lambda p: p["root_id"] or None,
            "pinned": lambda p: p["channel_id"] if p["is_pinned"] and not p["delete_at"] else None,
            # Deleted posts per channel: history paging skips the scan when there are none.
            "deleted": lambda p: p["channel_id"] if p["delete_at"] else None,
        },
    )
    store.define("reactions", multi={"post_id": "post_id", "emoji_name": "emoji_name"})
    store.define(
        "files",
        multi={"post_id": lambda f: f.get("post_id") or None, "channel_id": "channel_id"},
    )
    # Uploaded bytes, base64, keyed by file id (seeded files have none: placeholders are served).
    store.define("file_blobs")
    # Collapsed-threads memberships: id "<root post id>:<user id>".
    store.define("thread_memberships", multi={"user_id": "user_id", "post_id": "post_id"})
    store.define(
        "emoji",
        unique={"name": lambda e: e["name"] if not e["delete_at"] else None},
    )
    store.define("emoji_images")
    store.define("incoming_webhooks", multi={"team_id": "team_id"})
    store.define("outgoing_webhooks", multi={"team_id": "team_id"})
    store.define("commands", multi={"team_id": "team_id"})
    # A slash command's response_url (CommandWebhook): delayed answers, five within 30 minutes.
    store.define("command_webhooks")
    # /echo answers still waiting for their delay; a reset empties the table, cancelling them.
    store.define("echo_jobs")
    # Preferences: id "<user id>:<category>:<name>".
    store.define(
        "preferences",
        multi={"user_id": "user_id", "category": lambda p: f"{p['user_id']}:{p['category']}"},
    )
    # Uploaded profile pictures, base64, keyed by user id.
    store.define("profile_images", key="user_id")
    # Uploaded team icons, base64, keyed by team id.
    store.define("team_icons", key="team_id")
    store.define("statuses", key="user_id")
    # Replaced versions of edited posts (``OriginalId`` = the post), for the edit history.
    store.define("post_versions", multi={"original_id": "original_id"})
    # Resumable upload sessions with the bytes received so far (base64).
    store.define("uploads")
    # Team invitations sent by email (kept, never mailed).
    store.define("email_invites")
    # Sidebar categories, per user and team ("<user id>:<team id>").
    store.define("sidebar_categories", multi={"scope": lambda c: f"{c['user_id']}:{c['team_id']}"})
    # Bot sidebar icons, SVG text, keyed by the bot's user id.
    store.define("bot_icons", key="user_id")
    # Post reminders (``SetPostReminder``): id "<post id>:<user id>".
    store.define("post_reminders")
    store.define("config")
    # OAuth 2.0 service provider: apps, authorization codes (key: the code), access tokens (key:
    # the session token they are).
    store.define("oauth_apps", multi={"creator_id": "creator_id"})
    store.define("oauth_auth_data", key="code", multi={"client_id": "client_id"})
    store.define(
        "oauth_access_data",
        key="token",
        unique={"refresh_token": lambda a: a["refresh_token"] or None},
        multi={"user_id": "user_id", "client_id": "client_id"},
    )
    # Named server-wide values (upstream's Systems table): busy flag, marketplace visit, brand.
    store.define("systems", key="name")
    # Jobs as records (``models/jobs.py``); nothing runs them.
    store.define("jobs")
    # Server-synced drafts, one per user, channel and thread (``models/drafts.py``).
    store.define("drafts", key="key", multi={"user_id": "user_id"})
    # Built-in roles' patched permissions, by role name (``models/roles.py``).
    store.define("role_patches", key="name")
