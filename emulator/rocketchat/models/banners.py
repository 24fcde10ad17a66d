"""Banners (``server/services/banner/service.ts``): the active ones a user may see, dismissals.

Banners come from the cloud sync on a real server, so nothing here creates them; a fixture or
the store can hold some (``startAt``/``expireAt`` in epoch ms, ``platform`` a list).
"""

from __future__ import annotations

from ...core.runtime import Runtime
from .common import Doc, Refused


def banners_for_user(
    rt: Runtime, user: Doc, platform: str, banner_id: str | None = None
) -> list[Doc]:
    """``Banners.findActiveByRoleOrId`` less the ones the user dismissed, with the view id and
    surface legacy banners lack."""
    now = rt.clock.now_ms()
    roles = set(user.get("roles", []))
    dismissed = {d["bannerId"] for d in rt.store.find("banner_dismissals", "userId", user["_id"])}
    found = []
    for banner in rt.store.all("banners"):
        if (
            (banner_id is None or banner["_id"] == banner_id)
            and platform in banner.get("platform", [])
            and banner.get("startAt", 0) <= now <= banner.get("expireAt", now)
            and banner.get("active") is not False
            and ("roles" not in banner or roles.intersection(banner["roles"]))
            and banner["_id"] not in dismissed
        ):
            view = {**banner.get("view", {})}
            view["viewId"] = view.get("viewId") or banner["_id"]
            found.append({**banner, "view": view, "surface": banner.get("surface") or "banner"})
    return found


def dismiss_banner(rt: Runtime, user: Doc, banner_id: str) -> None:
    """``Banner.dismiss``: plain ``Error``s for an unknown banner."""
    if rt.store.get("banners", banner_id) is None:
        raise Refused("Banner not found")
    now = rt.clock.now_ms()
    rt.store.insert(
        "banner_dismissals",
        {
            "_id": rt.ids.meteor_id(),
            "userId": user["_id"],
            "bannerId": banner_id,
            "dismissedBy": {"_id": user["_id"], "username": user.get("username")},
            "dismissedAt": now,
            "_updatedAt": now,
        },
    )
