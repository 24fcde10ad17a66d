"""Logged-in rocketchat_API clients of the seeded users, on the session's live server."""

from __future__ import annotations

import pytest
from rocketchat_API.rocketchat import RocketChat


@pytest.fixture
def admin(rc_server) -> RocketChat:
    return RocketChat("admin", "admin-password", server_url=rc_server.url)


@pytest.fixture
def alice(rc_server) -> RocketChat:
    return RocketChat("alice", "alice-password", server_url=rc_server.url)


@pytest.fixture
def bob(rc_server) -> RocketChat:
    return RocketChat("bob", "bob-password", server_url=rc_server.url)
