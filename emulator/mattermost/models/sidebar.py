"""Sidebar categories (``app/channel_category.go``, ``SqlChannelStore`` sidebar queries).

Each user has, per team, the three default categories (favorites, channels, direct messages)
made on first use, plus custom ones. A channel sits in at most one category: favorites and
custom categories keep theirs, "channels" and "direct_messages" show the rest of the user's
team channels and DM/GM channels."""

from __future__ import annotations

import json

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, broadcast, publish_event

SORT_DISTANCE = 10
DEFAULTS = (
    ("favorites", "Favorites", ""),
    ("channels", "Channels", ""),
    ("direct_messages", "Direct Messages", "recent"),
)
SORTINGS = ("", "manual", "alpha", "recent")
_KEEPS_CHANNELS = ("favorites", "custom")


def _scope(user_id: str, team_id: str) -> str:
    return f"{user_id}:{team_id}"


def _stored(rt: Runtime, user_id: str, team_id: str) -> list[Doc]:
    """The user's categories in the team, made on first use, by sort order."""
    found = rt.store.find("sidebar_categories", "scope", _scope(user_id, team_id))
    if not found:
        with rt.store.transaction():
            for i, (kind, name, sorting) in enumerate(DEFAULTS):
                rt.store.insert(
                    "sidebar_categories",
                    {
                        "id": f"{kind}_{user_id}_{team_id}",
                        "user_id": user_id,
                        "team_id": team_id,
                        "sort_order": i * SORT_DISTANCE,
                        "sorting": sorting,
                        "type": kind,
                        "display_name": name,
                        "muted": False,
                        "collapsed": False,
                        "channel_ids": [],
                    },
                )
        found = rt.store.find("sidebar_categories", "scope", _scope(user_id, team_id))
    return sorted(found, key=lambda c: c["sort_order"])


def _member_channels(rt: Runtime, user_id: str, team_id: str) -> tuple[list[str], list[str]]:
    """(team channels, DM/GM channels) the user belongs to, by display name."""
    team, direct = [], []
    for membership in rt.store.find("channel_members", "user_id", user_id):
        channel = rt.store.get("channels", membership["channel_id"])
        if channel is None:
            continue
        if channel["team_id"] == team_id:
            team.append(channel)
        elif not channel["team_id"]:
            direct.append(channel)
    by_name = lambda c: (c["display_name"].lower(), c["name"])  # noqa: E731 - one sort key
    return [c["id"] for c in sorted(team, key=by_name)], [c["id"] for c in direct]


def categories(rt: Runtime, user_id: str, team_id: str) -> list[Doc]:
    """Every category with its ``channel_ids`` as the client sees them."""
    stored = _stored(rt, user_id, team_id)
    team, direct = _member_channels(rt, user_id, team_id)
    mine = set(team) | set(direct)
    kept = {cid for c in stored if c["type"] in _KEEPS_CHANNELS for cid in c["channel_ids"]}
    shown = []
    for category in stored:
        if category["type"] in _KEEPS_CHANNELS:
            ids = [cid for cid in category["channel_ids"] if cid in mine]
        else:
            pool = team if category["type"] == "channels" else direct
            ids = [cid for cid in pool if cid not in kept]
        shown.append({**category, "channel_ids": ids})
    return shown


def category(rt: Runtime, user_id: str, team_id: str, category_id: str) -> Doc:
    for found in categories(rt, user_id, team_id):
        if found["id"] == category_id:
            return found
    raise errors.not_found(errors.SIDEBAR_CATEGORIES, f"category_id={category_id}")


def owns_category(rt: Runtime, user_id: str, team_id: str, category_id: str) -> bool:
    """``SessionHasPermissionToCategory`` past the user check: the category is theirs, here."""
    _stored(rt, user_id, team_id)  # the defaults exist from the first look on
    doc = rt.store.get("sidebar_categories", category_id)
    return doc is not None and doc["user_id"] == user_id and doc["team_id"] == team_id


def member_channel_ids(rt: Runtime, user_id: str, team_id: str, channel_ids: list[str]) -> list:
    """``validateSidebarCategoryChannels``: channels the user is not in are dropped quietly."""
    team, direct = _member_channels(rt, user_id, team_id)
    mine = set(team) | set(direct)
    return [cid for cid in dict.fromkeys(channel_ids) if cid in mine]


def _take_channels(rt: Runtime, user_id: str, team_id: str, keep_in: str, ids: list[str]) -> None:
    """A channel lives in one category: moving it somewhere removes it from the others."""
    moving = set(ids)
    for other in _stored(rt, user_id, team_id):
        if other["id"] != keep_in and moving & set(other["channel_ids"]):
            remaining = [c for c in other["channel_ids"] if c not in moving]
            rt.store.update("sidebar_categories", other["id"], {"channel_ids": remaining})


def _publish(rt: Runtime, event: str, data: Doc, user_id: str, team_id: str) -> None:
    publish_event(rt, event, data, broadcast(user_id=user_id, team_id=team_id))


def create_category(rt: Runtime, user_id: str, team_id: str, request: Doc) -> Doc:
    """``CreateSidebarCategory``: a custom category placed after favorites when favorites
    comes first, else first; its channels leave the categories they were in."""
    stored = _stored(rt, user_id, team_id)
    new_id = rt.ids.mattermost_id()
    order = [c["id"] for c in stored]
    at = 1 if stored[0]["type"] == "favorites" else 0
    order.insert(at, new_id)
    with rt.store.transaction():
        _take_channels(rt, user_id, team_id, new_id, request["channel_ids"])
        rt.store.insert(
            "sidebar_categories",
            {
                "id": new_id,
                "user_id": user_id,
                "team_id": team_id,
                "sort_order": 0,
                "sorting": request["sorting"],
                "type": "custom",
                "display_name": request["display_name"],
                "muted": request["muted"],
                "collapsed": request["collapsed"],
                "channel_ids": request["channel_ids"],
            },
        )
        _renumber(rt, order)
    _publish(rt, "sidebar_category_created", {"category_id": new_id}, user_id, team_id)
    return category(rt, user_id, team_id, new_id)


def _renumber(rt: Runtime, order: list[str]) -> None:
    for i, category_id in enumerate(order):
        rt.store.update("sidebar_categories", category_id, {"sort_order": i * SORT_DISTANCE})


def update_categories(rt: Runtime, user_id: str, team_id: str, updates: list[Doc]) -> list[Doc]:
    """``UpdateSidebarCategories``: names change on custom categories only, the type never;
    channels given to a category leave the others (and custom or favorite channels taken out
    go back to the defaults); ``sidebar_category_updated`` carries the new state."""
    with rt.store.transaction():
        for update in updates:
            original = rt.store.get("sidebar_categories", update["id"])
            if original is None:
                raise errors.not_found(errors.SIDEBAR_CATEGORIES, f"category_id={update['id']}")
            changes = {k: update[k] for k in ("sorting", "muted", "collapsed")}
            if original["type"] == "custom":
                changes["display_name"] = update["display_name"] or original["display_name"]
            if original["type"] in _KEEPS_CHANNELS:
                changes["channel_ids"] = update["channel_ids"]
            _take_channels(rt, user_id, team_id, original["id"], update["channel_ids"])
            rt.store.update("sidebar_categories", original["id"], changes)
    shown = {c["id"]: c for c in categories(rt, user_id, team_id)}
    updated = [shown[u["id"]] for u in updates]
    _publish(
        rt,
        "sidebar_category_updated",
        {"updatedCategories": json.dumps(updated)},
        user_id,
        team_id,
    )
    return updated


def delete_category(rt: Runtime, user_id: str, team_id: str, category_id: str) -> None:
    """``DeleteSidebarCategory``: custom ones only; their channels return to the defaults."""
    doc = rt.store.get("sidebar_categories", category_id)
    if doc is None:
        raise errors.not_found(errors.SIDEBAR_CATEGORIES, f"category_id={category_id}")
    if doc["type"] != "custom":
        raise errors.bad_request(errors.SIDEBAR_CATEGORY_TYPE)
    with rt.store.transaction():
        rt.store.delete("sidebar_categories", category_id)
        _renumber(rt, [c["id"] for c in _stored(rt, user_id, team_id)])
    _publish(rt, "sidebar_category_deleted", {"category_id": category_id}, user_id, team_id)


def category_order(rt: Runtime, user_id: str, team_id: str) -> list[str]:
    return [c["id"] for c in _stored(rt, user_id, team_id)]


def set_category_order(rt: Runtime, user_id: str, team_id: str, order: list[str]) -> list[str]:
    """``UpdateSidebarCategoryOrder``: the same categories, each once, in a new order."""
    current = category_order(rt, user_id, team_id)
    if len(order) != len(current) or set(order) != set(current):
        raise errors.bad_request(errors.SIDEBAR_CATEGORIES, f"order={order}")
    with rt.store.transaction():
        _renumber(rt, order)
    _publish(rt, "sidebar_category_order_updated", {"order": order}, user_id, team_id)
    return order
