"""All state of one product app: store, clock, ids, events and the product's hooks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import current_app

from .callouts import Callouts
from .clock import Clock, history_epoch
from .events import EventBus
from .faults import FaultRules
from .frame_faults import FrameFaults
from .ids import RUN_GENERATION, IdSource
from .journal import Journal
from .latency import Latency
from .ratelimit import RateLimiter, parse_rate
from .realtime import RealtimeHub
from .store import Store
from .workspace import build_workspace, default_scenario, load_scenario

if TYPE_CHECKING:
    from ..config import EmulatorConfig
    from .product import Product

EXTENSION_KEY = "chat_emulator"


class Runtime:
    def __init__(
        self,
        product: Product,
        config: EmulatorConfig,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.product = product
        self.config = config
        self.clock = Clock()
        self.ids = IdSource(config.seed)
        self.events = EventBus()
        self.store = Store(config.store_path(product.name))
        self.started_at = time.monotonic()
        # The control plane: fault rules, the request journal, default latency, rate limiter.
        self.faults = FaultRules(config.seed, config.faults)
        self.journal = Journal(config.journal_size)
        self.latency = Latency(config.latency_ms, config.jitter_ms, config.seed)
        self.frame_faults = FrameFaults(self)
        self.limiter = RateLimiter(
            product.rate_limit.from_spec(parse_rate(config.rate_limit))
            if config.rate_limit
            else None
        )
        # Accounts with known passwords (fixtures and env), for start-up output and test fixtures.
        self.accounts: list[dict[str, Any]] = []
        self._reset_hooks: list[Callable[[], None]] = []
        # Live WebSocket/DDP connections; reset and close drop them all.
        self.realtime = RealtimeHub(self.clock, self.events, self.store.lock)
        self._reset_hooks.append(self.realtime.reset)
        # Outbound calls to the app under test (outgoing webhooks, commands).
        self.callouts = Callouts(self.journal, self.clock, product=product.name, faults=self.faults)
        self._reset_hooks.append(self.callouts.reset)
        # What a product plugs into its own domain at start-up, by name (e.g. Rocket.Chat's
        # outgoing integrations, which its domain operations call without importing them).
        self.services: dict[str, Callable[..., Any]] = {}
        self._progress = progress
        self._flusher: threading.Thread | None = None
        self._stopping = threading.Event()
        product.define_tables(self.store)
        self.store.track_ids(self.ids.state, self._restore_ids)

    # -- lifecycle ----------------------------------------------------------------------------

    def boot(self) -> None:
        """Seed the baseline, then load the file state over it if there is one."""
        scenario = (
            load_scenario(self.config.fixtures) if self.config.fixtures else default_scenario()
        )
        workspace = build_workspace(
            scenario, self.config.seed, self.config.workspace, self._progress
        )
        workspace.move_to(history_epoch(self.config.history_anchor, self.clock.now_ms()))
        self.accounts = [
            {
                "username": u["username"],
                "password": u["password"],
                "admin": u["admin"],
                "explicit": u["explicit"],
                "env": None,
            }
            for u in workspace.users
            if not u["bot"]
        ]
        with self.store.transaction():
            self.product.seed(self, workspace)
            self.product.apply_environment(self, seeding=True)
        # Ids made at run time follow from the seed too, independent of what seeding consumed.
        self.ids.restore({"generation": RUN_GENERATION, "counter": 0})
        self.store.mark_baseline()
        if self.store.open():
            # An existing data dir keeps its data; env-configured accounts and forced settings
            # are applied again, as the real images do on every start.
            with self.store.transaction():
                self.product.apply_environment(self, seeding=False)
        else:
            self.store.compact()
        if self.store.persistent:
            self._flusher = threading.Thread(
                target=self._flush_loop, name=f"{self.product.name}-store-flush", daemon=True
            )
            self._flusher.start()

    def close(self) -> None:
        self.realtime.close()
        self.callouts.close()
        self._stopping.set()
        if self._flusher is not None:
            self._flusher.join(timeout=5)
        self.store.close()

    def _flush_loop(self) -> None:
        while not self._stopping.wait(self.config.flush_interval):
            self.store.sync()

    # -- reset --------------------------------------------------------------------------------

    def add_account(self, username: str, password: str, admin: bool, env: str) -> None:
        """An account whose password comes from the environment variable ``env``."""
        if all(a["username"] != username for a in self.accounts):
            account = {"username": username, "password": password, "admin": admin}
            self.accounts.insert(0, {**account, "explicit": True, "env": env})

    def on_reset(self, hook: Callable[[], None]) -> None:
        self._reset_hooks.append(hook)

    def reset(self) -> None:
        """Back to the seeded workspace: data, ids, clock, faults, journal, latency, limiter and
        whatever registered a hook."""
        self.store.reset()
        self.clock.reset()
        self.faults.reset()
        self.journal.clear()
        self.latency.reset()
        self.limiter.reset()
        self.frame_faults.reset()
        for hook in self._reset_hooks:
            hook()

    def _restore_ids(self, state: dict[str, int] | None) -> None:
        """Put the id generator where the loaded data left it; data that came without a
        position (a hand-made snapshot, an older data dir) gets a stream of its own."""
        if state is None:
            self.ids.branch(self.store.fingerprint())
        else:
            self.ids.restore(state)

    # -- helpers ------------------------------------------------------------------------------

    def uptime_ms(self) -> int:
        return int((time.monotonic() - self.started_at) * 1000)

    def health(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "product": self.product.name,
            "persistent": self.store.persistent,
            "uptime_ms": self.uptime_ms(),
        }


def runtime() -> Runtime:
    """The runtime of the app handling the current request."""
    return current_app.extensions[EXTENSION_KEY]
