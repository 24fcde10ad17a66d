"""Serving the product apps: in a thread for tests, or under gunicorn for ``chat-emulator serve``.

Every product's state lives in one process. ``serve`` runs gunicorn's arbiter with exactly one
gthread worker that listens on every product port and picks the app by the port a request came in
on; the arbiter only checks the configuration and store files first, so that a bad file stops
start-up with one line instead of a worker crash loop.
"""

from __future__ import annotations

import contextlib
import resource
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from .app import create_app, load_product, runtime_of
from .config import EmulatorConfig
from .core.store import Store
from .core.workspace import load_scenario
from .protocol_errors import ProductErrorHandler

# Each open websocket holds a worker thread (and simple_websocket's reader thread) for its
# whole life; the pool only starts threads when it needs them, so the cap costs nothing idle.
DEFAULT_THREADS = 2048
# Smaller stacks than the 8 MiB default let thousands of mostly idle socket threads fit in
# address space; 2 MiB still holds a recursion-limit-deep Python -> C -> Python call chain
# (1 MiB does not: a deep input would crash the process instead of raising RecursionError).
THREAD_STACK_BYTES = 2 * 1024 * 1024


class _QuietHandler(ProductErrorHandler):
    """No access log line per request: the request journal is the record (``/_emulator``)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class ThreadedServer:
    """One product app on a werkzeug threaded server in a background thread (tests, fixtures).
    It starts a thread per connection, so open sockets only need file descriptors."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        raise_open_files_limit()
        self.app = app
        self._server: BaseWSGIServer = make_server(
            host, port, app, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # the default 0.5 s would make every stop() slow
            name=f"chat-emulator-{port}",
            daemon=True,
        )

    @property
    def port(self) -> int:
        return self._server.server_port

    @property
    def url(self) -> str:
        return f"http://{self._server.server_address[0]}:{self.port}"

    def start(self) -> ThreadedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        runtime_of(self.app).close()

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_in_thread(product: str, config: EmulatorConfig) -> ThreadedServer:
    app = create_app(product, config)
    return ThreadedServer(app, config.host, config.port(product)).start()


def preflight(config: EmulatorConfig) -> None:
    """Fail fast, in the arbiter, on an unreadable fixtures or store file (raises)."""
    if config.fixtures:
        load_scenario(config.fixtures)
    for product in config.products:
        path = config.store_path(product)
        if path is None:
            continue
        probe = Store(path)
        load_product(product).define_tables(probe)
        probe.read_files()


@dataclass
class Listener:
    product: str
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


class PortDispatcher:
    """One WSGI callable for every port: the app is chosen by the listening port."""

    def __init__(self, apps_by_port: dict[int, Flask]) -> None:
        self.apps_by_port = apps_by_port

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        app = self.apps_by_port.get(int(environ.get("SERVER_PORT") or 0))
        if app is None:  # cannot happen with our own listeners; never guess a product
            start_response("421 Misdirected Request", [("Content-Type", "text/plain")])
            return [b"no product on this port\n"]
        return app(environ, start_response)


def raise_open_files_limit() -> None:
    """Each socket is a file descriptor: lift the soft limit to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft != resource.RLIM_INFINITY and soft < hard:
        with contextlib.suppress(ValueError, OSError):  # a platform cap: keep what we have
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def serve(
    config: EmulatorConfig,
    on_ready: Callable[[list[Listener], dict[str, Flask], float], None],
    progress: Callable[[str, int, int], None] | None = None,
    threads: int = DEFAULT_THREADS,
) -> int:
    """Run until SIGTERM/SIGINT; the store is flushed on the way out. Returns the exit code."""
    from gunicorn.app.base import BaseApplication

    started = time.monotonic()
    preflight(config)

    class EmulatorApplication(BaseApplication):
        def __init__(self) -> None:
            self.listeners: list[Listener] = []
            self.apps: dict[str, Flask] = {}
            super().__init__()

        def load_config(self) -> None:
            hosts = [(p, config.host, config.port(p)) for p in config.products]
            self.cfg.set(
                "bind", [f"[{h}]:{port}" if ":" in h else f"{h}:{port}" for _, h, port in hosts]
            )
            self.cfg.set("workers", 1)
            self.cfg.set("worker_class", "emulator.gunicorn_worker.ProductErrorWorker")
            self.cfg.set("threads", threads)
            # Accepted connections (sockets, requests, kept-alive) beyond the busy threads.
            self.cfg.set("worker_connections", threads * 2)
            self.cfg.set("graceful_timeout", 5)
            self.cfg.set("keepalive", 5)
            self.cfg.set("loglevel", "warning")
            self.cfg.set("accesslog", None)
            self.cfg.set("post_fork", self._post_fork)
            self.cfg.set("post_worker_init", self._post_worker_init)
            self.cfg.set("worker_exit", self._worker_exit)

        def _post_fork(self, _server: Any, worker: Any) -> None:
            threading.stack_size(THREAD_STACK_BYTES)  # the worker's threads start after this
            raise_open_files_limit()
            # Listeners are created in bind order, one per product.
            for product, sock in zip(config.products, worker.sockets, strict=True):
                host, port = sock.getsockname()[:2]
                self.listeners.append(Listener(product, host, port))

        def load(self) -> PortDispatcher:
            apps_by_port = {}
            for listener in self.listeners:
                report = (lambda n, t, p=listener.product: progress(p, n, t)) if progress else None
                app = create_app(listener.product, config, report)
                self.apps[listener.product] = app
                apps_by_port[listener.port] = app
            return PortDispatcher(apps_by_port)

        def _post_worker_init(self, _worker: Any) -> None:
            on_ready(self.listeners, self.apps, time.monotonic() - started)

        def _worker_exit(self, _server: Any, _worker: Any) -> None:
            for app in self.apps.values():
                runtime_of(app).close()

    try:
        EmulatorApplication().run()
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        sys.stdout.flush()
    return 0
