"""Settings of one emulator process: CLI flags, each also readable from CHAT_EMULATOR_<OPTION>."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .core.passwords import DEFAULT_COST, MAX_COST, MIN_COST

PRODUCTS = ("mattermost", "rocketchat")
DEFAULT_PORTS = {"mattermost": 8065, "rocketchat": 3000}


@dataclass(frozen=True)
class EmulatorConfig:
    host: str = "127.0.0.1"
    mattermost_port: int = DEFAULT_PORTS["mattermost"]
    rocketchat_port: int = DEFAULT_PORTS["rocketchat"]
    only: str | None = None
    data_dir: Path | None = Path(".chat-emulator")
    seed: int = 1
    fixtures: Path | None = None
    workspace: str = "small"
    # Where seeded history ends: "epoch" (2025-01-06, the same bytes on every run) or "now"
    # (the same workspace moved by whole days so its last morning is today's, for demos).
    history_anchor: str = "epoch"
    control_token: str | None = None
    # Seconds between journal fsyncs of a file-backed store.
    flush_interval: float = 1.0
    # The environment the products read their image-style variables from (ADMIN_*, MM_*, ...).
    environ: Mapping[str, str] = field(default_factory=dict)
    # Control plane start-up state (each also settable at run time under /_emulator).
    faults: tuple[str, ...] = ()  # fault rules in the --fault form
    latency_ms: int = 0
    jitter_ms: int = 0
    rate_limit: str | None = None  # --rate-limit: "on", "off", "10/s", "10/60s burst=5"
    journal_size: int = 1000
    # bcrypt cost of passwords set at run time (seeded accounts always use the minimum, 4).
    password_cost: int = DEFAULT_COST

    def __post_init__(self) -> None:
        # Refused here, not at the first password change (which would then fail with a 500).
        if not MIN_COST <= self.password_cost <= MAX_COST:
            raise ValueError(f"password_cost must be {MIN_COST}..{MAX_COST}")

    @property
    def in_memory(self) -> bool:
        return self.data_dir is None

    @property
    def products(self) -> tuple[str, ...]:
        return (self.only,) if self.only else PRODUCTS

    def port(self, product: str) -> int:
        return self.mattermost_port if product == "mattermost" else self.rocketchat_port

    def store_path(self, product: str) -> Path | None:
        return None if self.data_dir is None else self.data_dir / f"{product}.json"

    def with_(self, **changes: object) -> EmulatorConfig:
        return replace(self, **changes)


def ephemeral_config(**changes: object) -> EmulatorConfig:
    """In-memory, ephemeral ports, cheapest password hashing: what tests and the pytest plugin
    start from."""
    base = EmulatorConfig(
        data_dir=None, mattermost_port=0, rocketchat_port=0, environ={}, password_cost=MIN_COST
    )
    return base.with_(**changes)
