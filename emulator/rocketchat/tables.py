"""The Rocket.Chat app's tables and the indexes every request lookup goes through."""

from __future__ import annotations

from ..core.store import Store


def define_tables(store: Store) -> None:
    store.define(
        "users",
        key="_id",
        unique={
            "username": lambda u: u["username"].lower() if u.get("username") else None,
            "email": lambda u: u["emails"][0]["address"].lower() if u.get("emails") else None,
        },
        multi={
            "roles": lambda u: u.get("roles"),
            "status": lambda u: u.get("status"),
            "active": lambda u: bool(u.get("active")),
        },
    )
    # Login and personal access tokens, keyed by the SHA-256 of the token as the server stores them.
    store.define("tokens", key="hashedToken", multi={"userId": "userId"})
    store.define(
        "rooms",
        key="_id",
        unique={
            "name": lambda r: r.get("name") if r["t"] in ("c", "p") else None,
            "direct": lambda r: ",".join(sorted(r["uids"])) if r["t"] == "d" else None,
        },
        multi={"t": "t", "teamId": lambda r: r.get("teamId")},
    )
    store.define(
        "subscriptions",
        key="_id",
        unique={"room_user": lambda s: (s["rid"], s["u"]["_id"])},
        multi={"rid": "rid", "user": lambda s: s["u"]["_id"]},
    )
    store.define(
        "messages",
        key="_id",
        multi={
            "rid": "rid",
            "tmid": lambda m: m.get("tmid"),
            "user": lambda m: (m.get("u") or {}).get("_id"),
        },
    )
    store.define("uploads", key="_id", multi={"rid": "rid"})
    # Uploaded file contents (base64), keyed by upload id; served under ``/file-upload/``.
    store.define("upload_blobs", key="_id")
    # Deleted messages, subscriptions and rooms with ``_deletedAt`` (``chat.syncMessages``,
    # ``chat.getDeletedMessages``, the ``remove`` lists of ``rooms.get``/``subscriptions.get``).
    store.define(
        "trash",
        key="_id",
        multi={
            "message_rid": lambda d: d["rid"] if d["__collection__"] == "messages" else None,
            "sub_user": lambda d: d["u"]["_id"] if d["__collection__"] == "subscriptions" else None,
            "room": lambda d: d["_id"] if d["__collection__"] == "rooms" else None,
        },
    )
    store.define(
        "integrations",
        key="_id",
        multi={"userId": "userId", "type": "type", "urls": lambda d: d.get("urls")},
    )
    # ``IntegrationHistory``: one document per outgoing call, updated step by step.
    store.define(
        "integration_history", key="_id", multi={"integration": lambda d: d["integration"]["_id"]}
    )
    # What integration scripts put in ``Store``, by integration id.
    store.define("integration_stores", key="_id")
    store.define("teams", key="_id", unique={"name": "name"}, multi={"roomId": "roomId"})
    store.define(
        "team_members",
        key="_id",
        unique={"team_user": lambda m: (m["teamId"], m["userId"])},
        multi={"teamId": "teamId", "userId": "userId"},
    )
    store.define("settings", key="_id")
    # The two-factor e-mail codes "sent" (no mail leaves): the last one per user id.
    store.define("email_codes", key="_id")
    # OAuth apps (``clientId`` looked up by the provider), their codes and token pairs.
    store.define("oauth_apps", key="_id", unique={"clientId": "clientId"})
    store.define("oauth_auth_codes", key="_id", multi={"clientId": "clientId"})
    store.define(
        "oauth_access_tokens",
        key="_id",
        unique={"refreshToken": "refreshToken"},
        multi={"clientId": "clientId"},
    )
    store.define("permissions", key="_id")
    store.define("roles", key="_id")
    # Uploaded avatars (``users.setAvatar``), keyed by user id.
    store.define("avatars", key="_id")
    # Custom emoji; ``names`` holds the name and every alias, which must all be unique.
    store.define(
        "custom_emoji",
        key="_id",
        multi={"names": lambda e: [e["name"], *e.get("aliases", [])]},
    )
    # Trashed custom emoji, for ``emoji-custom.list``'s ``remove`` list.
    store.define("custom_emoji_trash", key="_id")
    # Statistics snapshots (``statistics``, ``statistics.list``).
    store.define("statistics", key="_id")
    # Room invite links (``findOrCreateInvite``), keyed by their 6-character token.
    store.define("invites", key="_id", multi={"rid": "rid"})
    # Custom sounds, their file kept in the document (base64).
    store.define("custom_sounds", key="_id", multi={"name": "name"})
    store.define("custom_user_status", key="_id", multi={"name": "name"})
    # Banners (a real server gets them from the cloud) and who dismissed which.
    store.define("banners", key="_id")
    store.define("banner_dismissals", key="_id", multi={"userId": "userId"})
    # Mobile apps' push tokens (``push.token``).
    store.define("push_tokens", key="_id")
    store.define("instance_status", key="_id")
    # OAuth/SAML/CAS login services (``settings.oauth``); none on a fresh server.
    store.define("login_service_configuration", key="_id")
    # Admin and system records: mail the server would have sent (nothing leaves the emulator),
    # data export requests, import operations and their staged records, video conferences,
    # email inboxes, calendar events (per user) and uploaded assets.
    store.define("mails", key="_id")
    store.define("export_operations", key="_id", multi={"userId": "userId"})
    store.define("imports", key="_id")
    store.define("import_data", key="_id", multi={"importId": "importId"})
    store.define("import_files", key="_id")
    store.define("video_conferences", key="_id", multi={"rid": "rid"})
    store.define("email_inboxes", key="_id", unique={"email": "email"})
    store.define("calendar_events", key="_id", multi={"uid": "uid"})
    store.define("assets", key="_id")
    # -- omnichannel core (omni-core): visitors, inquiries, transcript and offline-message records.
    # Livechat rooms live in ``rooms`` with ``t: 'l'``.
    store.define(
        "livechat_visitors",
        key="_id",
        unique={"token": "token"},
        multi={"username": lambda v: v["username"].lower()},
    )
    store.define(
        "livechat_inquiries",
        key="_id",
        multi={"rid": "rid", "status": "status"},
    )
    # What upstream would mail (transcripts, offline messages), kept as records instead.
    store.define("livechat_mail_records", key="_id", multi={"rid": lambda d: d.get("rid")})
    # -- omnichannel administration (omni-admin): departments and their agents, custom-field
    #    definitions (keyed by the field name), triggers, business hours, contacts
    store.define("livechat_departments", key="_id")
    store.define(
        "livechat_department_agents",
        key="_id",
        unique={"department_agent": lambda a: (a["departmentId"], a["agentId"])},
        multi={"departmentId": "departmentId", "agentId": "agentId"},
    )
    store.define("livechat_custom_fields", key="_id")
    store.define("livechat_triggers", key="_id")
    store.define("livechat_business_hours", key="_id", multi={"type": "type"})
    store.define("livechat_contacts", key="_id")

    # ``rooms.export`` requests, kept as records (no file is built, no mail sent).
    store.define("room_exports", key="_id", multi={"rid": "rid"})
    # ``ModerationReports``: message and user reports, hidden (``_hidden``) once dismissed.
    store.define("moderation_reports", key="_id")
