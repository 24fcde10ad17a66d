"""Shared fixtures: apps built per test, and one threaded server per product per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.core.runtime import Runtime
from emulator.server import ThreadedServer
from tests.conformance.recording import ResponseRecorder


@pytest.fixture(scope="session")
def response_recorder() -> ResponseRecorder:
    """Every API response of the apps below, checked against the specs by tests/conformance."""
    return ResponseRecorder()


@pytest.fixture
def mm_app(response_recorder: ResponseRecorder) -> Flask:
    return response_recorder.attach(create_app("mattermost", ephemeral_config()), "mattermost")


@pytest.fixture
def rc_app(response_recorder: ResponseRecorder) -> Flask:
    return response_recorder.attach(create_app("rocketchat", ephemeral_config()), "rocketchat")


def _server(product: str, recorder: ResponseRecorder) -> Iterator[ThreadedServer]:
    app = recorder.attach(create_app(product, ephemeral_config()), product)
    server = ThreadedServer(app).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _mm_server(response_recorder: ResponseRecorder) -> Iterator[ThreadedServer]:
    yield from _server("mattermost", response_recorder)


@pytest.fixture(scope="session")
def _rc_server(response_recorder: ResponseRecorder) -> Iterator[ThreadedServer]:
    yield from _server("rocketchat", response_recorder)


@pytest.fixture
def mm_server(_mm_server: ThreadedServer) -> ThreadedServer:
    """A live Mattermost server, back in its seeded state for every test."""
    runtime_of(_mm_server.app).reset()
    return _mm_server


@pytest.fixture
def rc_server(_rc_server: ThreadedServer) -> ThreadedServer:
    """A live Rocket.Chat server, back in its seeded state for every test."""
    runtime_of(_rc_server.app).reset()
    return _rc_server


def rt(app: Flask) -> Runtime:
    return runtime_of(app)
