"""Every JSON shape the Rocket.Chat app sends: REST (ISO dates) and DDP (EJSON dates).

Stored documents keep dates as epoch milliseconds in the fields listed in ``DATE_FIELDS``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

Doc = dict[str, Any]

DATE_FIELDS = frozenset(
    {
        "ts",
        "_updatedAt",
        "createdAt",
        "lastLogin",
        "lm",
        "tlm",
        "ls",
        "lr",
        "editedAt",
        "pinnedAt",
        "uploadedAt",
        "when",
        "expireAt",
        "_createdAt",
        "_deletedAt",
        # calendar events and video conferences
        "startTime",
        "endTime",
        "reminderTime",
        "endedAt",
        # omnichannel rooms, inquiries and transcript requests
        "closedAt",
        "queuedAt",
        "takenAt",
        "requestedAt",
        "firstResponseTs",
        "lastMessageTs",
    }
)


def iso(ms: int) -> str:
    return (
        datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
    )


def rest_dates(value: Any) -> Any:
    """Dates as ISO-8601 strings, recursively (REST JSON)."""
    if isinstance(value, dict):
        return {
            k: iso(v) if k in DATE_FIELDS and isinstance(v, int) else rest_dates(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [rest_dates(v) for v in value]
    return value


def ejson_dates(value: Any) -> Any:
    """Dates as ``{"$date": ms}``, recursively (DDP and legacy EJSON)."""
    if isinstance(value, dict):
        return {
            k: {"$date": v} if k in DATE_FIELDS and isinstance(v, int) else ejson_dates(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [ejson_dates(v) for v in value]
    return value


def user(doc: Doc) -> Doc:
    """A user as other users see it: never ``services`` nor the E2E key pair."""
    return rest_dates({k: v for k, v in doc.items() if k not in ("services", "settings", "e2e")})


def me(doc: Doc, site_url: str) -> Doc:
    """``getUserInfo``: the caller's own document, enriched."""
    out = user(doc)
    verified = [e["address"] for e in doc.get("emails", []) if e.get("verified")]
    if verified:
        out["email"] = verified[0]
    out["settings"] = {"preferences": doc.get("settings", {}).get("preferences", {})}
    out["avatarUrl"] = f"{site_url}/avatar/{doc['username']}"
    out["isOAuthUser"] = False
    services = doc.get("services", {})
    out["services"] = {
        **({"email2fa": {"enabled": True}} if services.get("email2fa", {}).get("enabled") else {}),
        **({"totp": {"enabled": True}} if services.get("totp", {}).get("enabled") else {}),
        "password": {"exists": bool(services.get("password"))},
    }
    return out


def room(doc: Doc) -> Doc:
    """A room as REST sends it: never its join code (``defaultFieldsToExclude``)."""
    out = rest_dates({k: v for k, v in doc.items() if k != "joinCode"})
    if out.get("u", {}) is None:
        del out["u"]  # rooms made at first start (GENERAL) have no creator: no `u` at all
    return out


def subscription(doc: Doc) -> Doc:
    return rest_dates(doc)


def message(doc: Doc) -> Doc:
    return rest_dates(doc)


def setting(doc: Doc) -> Doc:
    return {"_id": doc["_id"], "value": doc["value"]}


# -- rooms, messages, files, teams, integrations -----------------------------------------------

MEMBER_FIELDS = ("_id", "username", "name", "status", "statusText", "nickname", "avatarETag")


def member(doc: Doc) -> Doc:
    """A room member as ``channels.members`` lists them."""
    out = {k: doc[k] for k in MEMBER_FIELDS if k in doc}
    out["_updatedAt"] = doc.get("_updatedAt")
    return rest_dates(out)


def user_ref(doc: Doc) -> Doc:
    return {"_id": doc["_id"], "username": doc["username"]}


def room_role(sub: Doc) -> Doc:
    """One entry of ``channels.roles``: who holds which room roles."""
    return {"_id": sub["_id"], "rid": sub["rid"], "u": sub["u"], "roles": list(sub["roles"])}


def upload(doc: Doc, uploader: Doc | None = None) -> Doc:
    out = rest_dates(doc)
    if uploader is not None:
        out["user"] = {
            "_id": uploader["_id"],
            "username": uploader["username"],
            "name": uploader.get("name"),
        }
    return out


def trashed(doc: Doc) -> Doc:
    return {"_id": doc["_id"], "_deletedAt": iso(doc["_deletedAt"])}


def integration(doc: Doc) -> Doc:
    return rest_dates(doc)


def team(doc: Doc) -> Doc:
    return rest_dates(doc)


def team_member(doc: Doc, user_doc: Doc) -> Doc:
    return rest_dates(
        {
            "user": {
                "_id": user_doc["_id"],
                "username": user_doc["username"],
                "name": user_doc.get("name"),
                "status": user_doc.get("status"),
            },
            "roles": list(doc.get("roles", [])),
            "createdBy": doc.get("createdBy"),
            "createdAt": doc["createdAt"],
        }
    )


# -- users, tokens, administration ------------------------------------------------------------

# ``getFullUserData``: what anyone may see, and what the user and privileged callers also see.
USER_INFO_FIELDS = (
    "_id",
    "name",
    "username",
    "nickname",
    "status",
    "utcOffset",
    "type",
    "active",
    "bio",
    "reason",
    "statusText",
    "avatarETag",
    "customFields",
)
USER_FULL_FIELDS = (
    "emails",
    "phone",
    "statusConnection",
    "createdAt",
    "lastLogin",
    "requirePasswordChange",
    "requirePasswordChangeReason",
    "roles",
)
# ``users.list`` default projection (``getNonEmptyFields``).
USER_LIST_FIELDS = (
    "_id",
    "name",
    "username",
    "emails",
    "roles",
    "status",
    "active",
    "avatarETag",
    "lastLogin",
    "type",
)


def user_info(doc: Doc, full: bool) -> Doc:
    fields = USER_INFO_FIELDS + (USER_FULL_FIELDS if full else ())
    return rest_dates({k: doc[k] for k in fields if k in doc})


def user_without(doc: Doc, hidden: frozenset[str] | set[str]) -> Doc:
    """A user document less the fields the caller may not see (``services`` always)."""
    return rest_dates({k: v for k, v in doc.items() if k not in hidden and k != "services"})


def user_list_entry(doc: Doc, hidden: frozenset[str] | set[str], fields: Doc) -> Doc:
    """``users.list``: the default projection (plus requested fields) and ``nameInsensitive``."""
    wanted = set(USER_LIST_FIELDS) | {k for k, v in fields.items() if v == 1}
    wanted -= {k for k, v in fields.items() if v == 0 and k != "_id"}
    out = {k: doc[k] for k in doc if k in wanted and k not in hidden and k != "services"}
    out["nameInsensitive"] = (doc.get("name") or "").lower()
    return rest_dates(out)


def subscription_brief(doc: Doc) -> Doc:
    """A room of ``users.info``'s ``rooms`` list."""
    return {k: doc[k] for k in ("_id", "rid", "name", "t", "roles", "unread") if k in doc}


def personal_access_token(record: Doc) -> Doc:
    return {
        "name": record["name"],
        "createdAt": iso(record["createdAt"]),
        "lastTokenPart": record["lastTokenPart"],
        "bypassTwoFactor": bool(record.get("bypassTwoFactor")),
    }


def permission(doc: Doc) -> Doc:
    return rest_dates(doc)


def role(doc: Doc) -> Doc:
    return rest_dates(doc)


def emoji(doc: Doc) -> Doc:
    return rest_dates({k: v for k, v in doc.items() if k not in ("data", "contentType")})


AVATAR_COLORS = (
    "#F44336",
    "#E91E63",
    "#9C27B0",
    "#673AB7",
    "#3F51B5",
    "#2196F3",
    "#03A9F4",
    "#00BCD4",
    "#009688",
    "#4CAF50",
    "#8BC34A",
    "#CDDC39",
    "#FFC107",
    "#FF9800",
    "#FF5722",
    "#795548",
    "#9E9E9E",
    "#607D8B",
)


def avatar_svg(name: str, size: int = 200) -> str:
    """The letter avatar the server renders for users without an uploaded image."""
    if name == "?":
        color, initial = "#000000", "?"
    else:
        color = AVATAR_COLORS[len(name) % len(AVATAR_COLORS)]
        initial = "".join(c for c in name if c.isascii() and c.isalnum())[:1].upper()
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}">\n'
        f'<rect width="100%" height="100%" fill="{color}"/>\n'
        '<text x="50%" y="50%" dy="0.36em" text-anchor="middle" pointer-events="none" '
        "fill=\"#ffffff\" font-family=\"'Helvetica', 'Arial', 'Lucida Grande', 'sans-serif'\" "
        f'font-size="{size / 1.6:g}">\n{initial}\n</text>\n</svg>'
    )
