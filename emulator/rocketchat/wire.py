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
    """A user as other users see it: never ``services``."""
    return rest_dates({k: v for k, v in doc.items() if k not in ("services", "settings")})


def me(doc: Doc, site_url: str) -> Doc:
    """``getUserInfo``: the caller's own document, enriched."""
    out = user(doc)
    verified = [e["address"] for e in doc.get("emails", []) if e.get("verified")]
    if verified:
        out["email"] = verified[0]
    out["settings"] = {"preferences": doc.get("settings", {}).get("preferences", {})}
    out["avatarUrl"] = f"{site_url}/avatar/{doc['username']}"
    out["isOAuthUser"] = False
    out["services"] = {"password": {"exists": bool(doc.get("services", {}).get("password"))}}
    return out


def room(doc: Doc) -> Doc:
    return rest_dates(doc)


def subscription(doc: Doc) -> Doc:
    return rest_dates(doc)


def message(doc: Doc) -> Doc:
    return rest_dates(doc)


def setting(doc: Doc) -> Doc:
    return {"_id": doc["_id"], "value": doc["value"]}
