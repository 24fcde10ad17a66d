"""Errors the HTTP server answers itself, before any app runs, in the product's own shape.

A request line past the server's limit (gunicorn: 4094 bytes, werkzeug's threaded server: 64 KiB)
is refused by the server with its own HTML page; a client of the emulator expects the product's
error (Mattermost AppError JSON, Rocket.Chat ``{success: false, ...}``) with status 414. The
product is the one the port serves. (The gunicorn side is ``gunicorn_worker``.)
"""

from __future__ import annotations

from flask import Flask
from werkzeug.serving import WSGIRequestHandler

from .app import runtime_of

URI_TOO_LONG = 414


def product_error(app: Flask, status: int, reason: str) -> bytes:
    """A whole HTTP/1.1 response carrying the product's error for ``status``; it closes."""
    with app.test_request_context("/"):
        app.preprocess_request()  # the product's request hooks: request id and the like
        response = app.process_response(runtime_of(app).product.error_response(status, reason))
    body = response.get_data()
    skip = {"connection", "content-length"}
    lines = [f"HTTP/1.1 {status} {reason}", "Connection: close", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in response.headers.items() if k.lower() not in skip]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class ProductErrorHandler(WSGIRequestHandler):
    """werkzeug's request handler, answering a too-long request line as its app's product."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != URI_TOO_LONG:
            super().send_error(code, message, explain)
            return
        self.close_connection = True
        self.wfile.write(product_error(self.server.app, URI_TOO_LONG, "URI Too Long"))  # type: ignore[attr-defined]
