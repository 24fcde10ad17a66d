"""``AllowedUntrustedInternalConnections``: when set, internal targets need to be listed, as
upstream's ``MakeTransport(false)`` requires; when empty, the emulator calls loopback."""

from __future__ import annotations

import pytest

from emulator.app import runtime_of
from emulator.mattermost.models.untrusted import FORBIDDEN
from tests.mattermost.clients import set_config
from tests.mattermost.test_channels import channel, login
from tests.mattermost.test_outgoing_webhooks import make_hook, say, settle


class Receiver:
    """The app under test on pytest-httpserver: every call answered with an empty 200."""

    def __init__(self, httpserver) -> None:
        self.server = httpserver
        self.url = f"http://127.0.0.1:{httpserver.port}"
        httpserver.expect_request("/hook").respond_with_data("")

    @property
    def requests(self) -> list:
        return [request for request, _ in self.server.log]


@pytest.fixture
def receiver(httpserver) -> Receiver:
    return Receiver(httpserver)


@pytest.fixture
def admin(mm_server):
    return login(mm_server, "admin")


@pytest.fixture
def eng(admin):
    return channel(admin, "engineering")


def allow(server, value: str) -> None:
    set_config(server, "ServiceSettings", "AllowedUntrustedInternalConnections", value)


def callbacks(server) -> list[dict]:
    return [e for e in runtime_of(server.app).journal.query() if e["kind"] == "callback"]


def test_empty_setting_calls_loopback(mm_server, admin, eng, receiver):
    make_hook(admin, receiver, trigger_words=["go"])
    say(admin, eng["id"], "go")
    settle(mm_server)
    assert len(receiver.requests) == 1


@pytest.mark.parametrize("listed", ["example.com", "10.0.0.0/8", "localhost", "127.0.0.1/32x"])
def test_an_unlisted_internal_target_is_refused_and_journaled(
    mm_server, admin, eng, receiver, listed
):
    allow(mm_server, listed)
    hook = make_hook(admin, receiver, trigger_words=["go"])  # http://127.0.0.1:<port>
    say(admin, eng["id"], "go")
    settle(mm_server)
    assert receiver.requests == []
    (entry,) = callbacks(mm_server)
    assert entry["error"] == f"refused: {FORBIDDEN}"
    assert (entry["status"], entry["hook_id"], entry["product"]) == (None, hook["id"], "mattermost")


@pytest.mark.parametrize("listed", ["127.0.0.1", "example.com, 127.0.0.1", "127.0.0.0/8"])
def test_a_listed_host_or_range_is_called(mm_server, admin, eng, receiver, listed):
    allow(mm_server, listed)
    make_hook(admin, receiver, trigger_words=["go"])
    say(admin, eng["id"], "go")
    settle(mm_server)
    assert len(receiver.requests) == 1


def test_a_name_matches_as_a_name_and_its_address_by_range(mm_server, admin, eng, receiver):
    """``localhost`` resolves to loopback: the entry ``127.0.0.1`` names another host (refused),
    the range ``127.0.0.0/8`` holds its address (called)."""
    url = receiver.url.replace("127.0.0.1", "localhost")
    admin.webhooks.create_outgoing_hook(
        {
            "team_id": eng["team_id"],
            "callback_urls": [url + "/hook"],
            "display_name": "Local",
            "trigger_words": ["go"],
        }
    )
    allow(mm_server, "127.0.0.1")
    say(admin, eng["id"], "go")
    settle(mm_server)
    assert receiver.requests == []
    allow(mm_server, "127.0.0.0/8")
    say(admin, eng["id"], "go")
    settle(mm_server)
    assert len(receiver.requests) == 1
