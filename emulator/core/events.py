"""In-process event bus: domain operations publish, realtime hubs and waiters subscribe.

Event names and payloads are the products' own realtime vocabulary, so a hub only routes them:

- Mattermost: the WebSocket event name (``posted``, ``post_edited``, ``reaction_added``, ...) and
  ``{"data": {...}, "broadcast": {"channel_id", "team_id", "user_id", "omit_users"}}``, with
  documents in ``data`` as stored; ``mattermost/wire.ws_event_data`` renders them on the way out
  (``posted`` carries ``post`` as a JSON string there, as the server does).
- Rocket.Chat: the DDP stream name (``stream-room-messages``, ``stream-notify-room``, ...) and
  ``{"eventName": ..., "args": [...]}`` with documents in stored form (dates as epoch ms); the DDP
  hub renders EJSON dates and checks who may see what.

Listeners run synchronously in the publishing thread: they must be quick and must not raise.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Listener = Callable[[str, dict[str, Any]], None]


class EventBus:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    @property
    def active(self) -> bool:
        """Whether anyone listens: publishers may skip building payloads nobody reads."""
        return bool(self._listeners)

    def publish(self, event: str, payload: dict[str, Any]) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(event, payload)
