"""The emulator clock: wall time by default, frozen or shifted on request."""

from __future__ import annotations

import threading
import time

# Seeded data is dated relative to this instant (2025-01-06T09:00:00Z), never the wall clock,
# so the same seed gives the same workspace byte for byte.
SEED_EPOCH_MS = 1_736_154_000_000
DAY_MS = 24 * 3600 * 1000
HISTORY_ANCHORS = ("epoch", "now")


def history_epoch(anchor: str, now_ms: int) -> int:
    """The instant seeded history ends at: the seed epoch, or it moved by whole days to the
    latest 09:00 UTC not after ``now_ms`` (whole days keep every post in working hours)."""
    if anchor == "epoch":
        return SEED_EPOCH_MS
    return SEED_EPOCH_MS + (now_ms - SEED_EPOCH_MS) // DAY_MS * DAY_MS


class Clock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset_ms = 0
        self._frozen_at: int | None = None

    def now_ms(self) -> int:
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return int(time.time() * 1000) + self._offset_ms

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def freeze(self, at_ms: int | None = None) -> None:
        now = self.now_ms() if at_ms is None else at_ms
        with self._lock:
            self._frozen_at = now

    def unfreeze(self) -> None:
        with self._lock:
            if self._frozen_at is not None:
                self._offset_ms = self._frozen_at - int(time.time() * 1000)
            self._frozen_at = None

    def set(self, now_ms: int) -> None:
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = now_ms
            else:
                self._offset_ms = now_ms - int(time.time() * 1000)

    def advance(self, ms: int) -> None:
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += ms
            else:
                self._offset_ms += ms

    def reset(self) -> None:
        with self._lock:
            self._offset_ms = 0
            self._frozen_at = None

    def state(self) -> dict:
        return {"now_ms": self.now_ms(), "frozen": self.frozen}
