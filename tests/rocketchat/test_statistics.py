"""``statistics`` and ``statistics.list``."""

from __future__ import annotations

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from emulator.app import runtime_of
from tests.rocketchat.clients import NO_PERMISSION, refused


def test_statistics_count_the_store(admin, rc_server):
    stats = admin.statistics()
    store = runtime_of(rc_server.app).store
    assert stats["totalUsers"] == store.count("users")
    assert stats["totalChannels"] == len(store.find("rooms", "t", "c"))
    assert stats["totalPrivateGroups"] == len(store.find("rooms", "t", "p"))
    assert stats["totalDirect"] == len(store.find("rooms", "t", "d"))
    assert stats["totalMessages"] == store.count("messages")
    assert stats["version"] == "8.3.0"
    assert stats["success"] is True
    admin.users_create("n@example.com", "N", "pw", "newcomer")
    assert admin.statistics()["totalUsers"] == stats["totalUsers"]
    assert admin.statistics(refresh="true")["totalUsers"] == stats["totalUsers"] + 1
    listed = admin.call_api_get("statistics.list")
    assert listed["total"] == 2 and listed["statistics"][0]["totalUsers"] == stats["totalUsers"] + 1


def test_statistics_need_view_statistics(alice):
    with pytest.raises(RocketApiException) as excinfo:
        alice.statistics()
    assert refused(excinfo) == (403, NO_PERMISSION)
