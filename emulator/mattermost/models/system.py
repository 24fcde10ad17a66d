"""Server-wide state an administrator changes: the busy flag, named system values (upstream's
``Systems`` table) and the brand image."""

from __future__ import annotations

from ...core.runtime import Runtime
from .common import Doc, broadcast, publish_event

FIRST_ADMIN_VISIT_MARKETPLACE = "FirstAdminVisitMarketplace"
_BUSY = "ServerBusyExpires"  # a unix time in ms; the flag is up while the clock is before it
_BRAND = "BrandImage"
# Go's zero time.Time, as ``Busy.ToJSON`` renders a never-set or cleared expiry.
_ZERO_TIME_UNIX = -62135596800


def system_value(rt: Runtime, name: str, default: str = "") -> str:
    doc = rt.store.get("systems", name)
    return doc["value"] if doc else default


def set_system_value(rt: Runtime, name: str, value: str) -> Doc:
    return rt.store.upsert("systems", {"name": name, "value": value})


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
