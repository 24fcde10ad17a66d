"""The gunicorn worker of ``chat-emulator serve``: gthread, answering a request line past
gunicorn's limit as the product on that port does (``protocol_errors``), not with an HTML page.

Its own module so that only ``serve`` imports gunicorn's worker machinery.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from flask import Flask
from gunicorn import util
from gunicorn.http.errors import LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

from .protocol_errors import URI_TOO_LONG, product_error


class ProductErrorWorker(ThreadWorker):
    """gunicorn's gthread worker, answering a too-long request line as the port's product."""

    def handle_error(self, req: Any, client: socket.socket, addr: Any, exc: Exception) -> None:
        app = self._app_serving(client) if isinstance(exc, LimitRequestLine) else None
        if app is None:
            super().handle_error(req, client, addr, exc)
            return
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        with contextlib.suppress(OSError):
            util.write_nonblock(client, product_error(app, URI_TOO_LONG, "URI Too Long"))

    def _app_serving(self, client: socket.socket) -> Flask | None:
        try:
            port = client.getsockname()[1]
        except OSError:
            return None
        return getattr(self.wsgi, "apps_by_port", {}).get(port)
