"""Recording every API response the test suite's apps send, for the OpenAPI validation test."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import Flask, Response, request

from emulator.core.pipeline import FIRING_KEY

# Bodies larger than this are not kept (file downloads and the like).
MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class RecordedResponse:
    product: str
    method: str
    path: str
    rule: str | None  # the Flask rule that routed the request; None: no route took it
    status: int
    content_type: str
    body: bytes | None  # None: streamed, passed through or too large to keep


class ResponseRecorder:
    """Collects ``RecordedResponse``s from the apps it is attached to (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RecordedResponse] = []

    def attach(self, app: Flask, product: str) -> Flask:
        def record(response: Response) -> Response:
            path = request.path
            if path.startswith(("/_emulator", "/static/")) or request.headers.get("Upgrade"):
                return response
            if request.environ.get(FIRING_KEY) is not None:
                return response  # an injected fault: wrong on purpose
            body = None
            if not (response.is_streamed or response.direct_passthrough):
                data = response.get_data()
                body = data if len(data) <= MAX_BODY else None
            rule = request.url_rule.rule if request.url_rule is not None else None
            entry = RecordedResponse(
                product,
                request.method,
                path,
                rule,
                response.status_code,
                response.headers.get("Content-Type", ""),
                body,
            )
            with self._lock:
                self._records.append(entry)
            return response

        # after_request functions run last-registered first: put ours at the front of the list
        # so that it runs last and sees the response exactly as it is sent.
        app.after_request_funcs.setdefault(None, []).insert(0, record)
        return app

    def records(self, product: str | None = None) -> list[RecordedResponse]:
        with self._lock:
            return [r for r in self._records if product is None or r.product == product]
