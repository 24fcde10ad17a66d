"""Rocket.Chat's realtime API: DDP over a raw WebSocket on ``/websocket``.

``protocol`` is the connection (handshake, keep-alive, login, subscriptions, streams); the methods
live in modules named after the domain they call (``messages``, ``rooms``, ``users``,
``permissions``), each registered under its upstream name with ``@ddp_method("sendMessage")``;
``bridge`` serves them over REST (``method.call``/``method.callAnon``).
"""

from . import (  # noqa: F401 - registers
    bridge,
    commands,
    livechat,
    messages,
    permissions,
    room_settings,
    rooms,
    two_factor,
    users,
)
from .protocol import DdpSession, register  # noqa: F401 - the package's API
from .registry import METHODS, ddp_method  # noqa: F401 - the package's API
