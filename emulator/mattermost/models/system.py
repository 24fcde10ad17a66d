"""Server-wide state an administrator changes: the busy flag, named system values (upstream's
``Systems`` table) and the brand image."""

from __future__ import annotations

from ...core.runtime import Runtime
from .common import Doc, broadcast, publish_event

FIRST_ADMIN_VISIT_MARKETPLACE = "FirstAdminVisitMarketplace"
FIRST_ADMIN_SETUP_COMPLETE = "FirstAdminSetupComplete"
ORGANIZATION_NAME = "OrganizationName"
_BUSY = "ServerBusyExpires"  # a unix time in ms; the flag is up while the clock is before it
_BRAND = "BrandImage"
# Go's zero time.Time, as ``Busy.ToJSON`` renders a never-set or cleared expiry.
_ZERO_TIME_UNIX = -62135596800


def system_value(rt: Runtime, name: str, default: str = "") -> str:
    doc = rt.store.get("systems", name)
    return doc["value"] if doc else default


def set_system_value(rt: Runtime, name: str, value: str) -> Doc:
    return rt.store.upsert("systems", {"name": name, "value": value})


def complete_onboarding(rt: Runtime, organization: str) -> None:
    """``CompleteOnboarding``: the organisation's name, and the first admin's setup marked
    done (the plugins it asks for are not installed: no plugins run here)."""
    set_system_value(rt, ORGANIZATION_NAME, organization)
    set_system_value(rt, FIRST_ADMIN_SETUP_COMPLETE, "true")


def set_first_admin_visit_marketplace(rt: Runtime) -> None:
    set_system_value(rt, FIRST_ADMIN_VISIT_MARKETPLACE, "true")
    publish_event(
        rt,
        "first_admin_visit_marketplace_status_received",
        {"firstAdminVisitMarketplaceStatus": "true"},
        broadcast(),
    )


def set_server_busy(rt: Runtime, seconds: int) -> None:
    set_system_value(rt, _BUSY, str(rt.clock.now_ms() + seconds * 1000))


def clear_server_busy(rt: Runtime) -> None:
    rt.store.delete("systems", _BUSY)


def server_busy_state(rt: Runtime) -> tuple[bool, int | None]:
    """Whether the server is busy, and until when (unix seconds; None when never set)."""
    raw = system_value(rt, _BUSY)
    if not raw:
        return False, None
    expires_ms = int(raw)
    return rt.clock.now_ms() < expires_ms, expires_ms // 1000


def zero_time_unix() -> int:
    return _ZERO_TIME_UNIX


def brand_image(rt: Runtime) -> Doc | None:
    return rt.store.get("systems", _BRAND)


def save_brand_image(rt: Runtime, data_b64: str, content_type: str) -> None:
    rt.store.upsert("systems", {"name": _BRAND, "value": data_b64, "content_type": content_type})


def delete_brand_image(rt: Runtime) -> bool:
    """False when there was none."""
    return rt.store.delete("systems", _BRAND) is not None


DAY_MS = 24 * 3600_000
MONTH_MS = 31 * DAY_MS  # upstream's MonthMilliseconds


def standard_analytics(rt: Runtime, team_id: str, websockets: int) -> list[tuple[str, float]]:
    """``getStandardAnalytics``: the System Console's site statistics, in upstream's row order.
    A team narrows the channel, post and user counts; the inactive count is then -1."""
    store = rt.store
    channels = [
        c
        for c in (store.find("channels", "team_id", team_id) if team_id else store.all("channels"))
        if not c["delete_at"]
    ]
    channel_ids = {c["id"] for c in channels}
    posts = sum(
        1
        for p in store.all("posts")
        if not p["delete_at"] and (not team_id or p["channel_id"] in channel_ids)
    )
    people = [u for u in store.all("users") if not u.get("is_bot")]
    active = [u for u in people if not u["delete_at"]]
    if team_id:
        members = {
            m["user_id"]
            for m in store.find("team_members", "team_id", team_id)
            if not m["delete_at"]
        }
        users: float = sum(1 for u in active if u["id"] in members)
        inactive: float = -1
    else:
        users, inactive = len(active), len(people) - len(active)
    now = rt.clock.now_ms()

    def active_since(span: int) -> int:
        ids = {u["id"] for u in active}
        return sum(
            1
            for s in store.all("statuses")
            if s["user_id"] in ids and s["last_activity_at"] > now - span
        )

    return [
        ("channel_open_count", sum(1 for c in channels if c["type"] == "O")),
        ("channel_private_count", sum(1 for c in channels if c["type"] == "P")),
        ("post_count", posts),
        ("unique_user_count", users),
        ("team_count", sum(1 for t in store.all("teams") if not t["delete_at"])),
        ("total_websocket_connections", websockets),
        ("total_master_db_connections", 1),  # the emulator's one store
        ("total_read_db_connections", 0),
        ("daily_active_users", active_since(DAY_MS)),
        ("monthly_active_users", active_since(MONTH_MS)),
        ("inactive_user_count", inactive),
        ("single_channel_guest_count", 0),
    ]
