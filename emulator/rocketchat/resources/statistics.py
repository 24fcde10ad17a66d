"""Workspace statistics: ``statistics`` and ``statistics.list`` (``v1/stats.ts``).

A snapshot is counted from the store when first asked for (or with ``refresh=true``) and kept,
as the server keeps the ones its daily job records.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import Runtime, runtime
from .. import auth, inputs, jsonquery, models, settings, wire

blueprint = Blueprint("rc_statistics", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]


def _count_users(rt: Runtime, status: str) -> int:
    return sum(1 for u in rt.store.find("users", "status", status) if u["active"])


def generate(rt: Runtime) -> Doc:
    """Counts over the store; fields as in ``IStats`` (those the emulator can know)."""
    store = rt.store
    humans = [u for u in store.find("users", "active", True) if u.get("type") == "user"]
    rooms = {t: store.find("rooms", "t", t) for t in ("c", "p", "d", "l")}
    messages = {t: sum(r.get("msgs", 0) for r in docs) for t, docs in rooms.items()}
    now = rt.clock.now_ms()
    site = store.get("settings", "Site_Url")
    stats: Doc = {
        "_id": rt.ids.meteor_id(),
        "wizard": {},
        "uniqueId": models.unique_id(rt),
        "installedAt": wire.iso(site["_updatedAt"]) if site else None,
        "version": settings.VERSION,
        "totalUsers": store.count("users"),
        "activeUsers": len(humans),
        "activeGuests": sum(1 for u in humans if "guest" in u.get("roles", [])),
        "nonActiveUsers": len(store.find("users", "active", False)),
        "appUsers": sum(1 for u in store.find("users", "active", True) if u.get("type") == "app"),
        "onlineUsers": _count_users(rt, "online"),
        "awayUsers": _count_users(rt, "away"),
        "busyUsers": _count_users(rt, "busy"),
        "offlineUsers": _count_users(rt, "offline"),
        "totalConnectedUsers": sum(_count_users(rt, s) for s in ("online", "away", "busy")),
        "userLanguages": {},
        "totalRooms": sum(len(docs) for docs in rooms.values()),
        "totalChannels": len(rooms["c"]),
        "totalPrivateGroups": len(rooms["p"]),
        "totalDirect": len(rooms["d"]),
        "totalLivechat": len(rooms["l"]),
        "totalDiscussions": sum(1 for docs in rooms.values() for r in docs if r.get("prid")),
        "totalThreads": len(store.keys_of("messages", "tmid")),
        "totalMessages": store.count("messages"),
        "totalChannelMessages": messages["c"],
        "totalPrivateGroupMessages": messages["p"],
        "totalDirectMessages": messages["d"],
        "totalLivechatMessages": messages["l"],
        "totalCustomEmoji": store.count("custom_emoji"),
        "createdAt": now,
        "_updatedAt": now,
    }
    for user in humans:
        language = user.get("language") or "none"
        stats["userLanguages"][language] = stats["userLanguages"].get(language, 0) + 1
    store.insert("statistics", stats)
    return stats


def _render(doc: Doc) -> Doc:
    return wire.rest_dates(doc)


@blueprint.get("/statistics")
def latest() -> Response:
    rt = runtime()
    auth.require_permission("view-statistics")
    snapshots = rt.store.all("statistics")
    if request.args.get("refresh") == "true" or not snapshots:
        stats = generate(rt)
    else:
        stats = max(snapshots, key=lambda s: s["createdAt"])
    return jsonify({**_render(stats), "success": True})


@blueprint.get("/statistics.list")
def list_statistics() -> Response:
    rt = runtime()
    auth.require_permission("view-statistics")
    offset, limit, sort = inputs.pagination(rt)
    snapshots = rt.store.all("statistics") or [generate(rt)]
    snapshots = jsonquery.sort_docs(snapshots, sort, {"createdAt": -1})
    page = snapshots[offset:] if limit is None else snapshots[offset : offset + limit]
    return jsonify(
        {
            "statistics": [_render(s) for s in page],
            "count": len(page),
            "offset": offset,
            "total": len(snapshots),
            "success": True,
        }
    )
