"""Fixtures every Mattermost test module may use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator.app import runtime_of
from tests.mattermost.clients import as_sent


@pytest.fixture
def bus(mm_server) -> Iterator[list[tuple[str, dict]]]:
    """Every realtime event the app publishes during the test, as the WebSocket would send it."""
    seen: list[tuple[str, dict]] = []
    unsubscribe = runtime_of(mm_server.app).events.subscribe(
        lambda name, payload: seen.append((name, as_sent(payload)))
    )
    yield seen
    unsubscribe()
