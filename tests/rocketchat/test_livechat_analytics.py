"""Omnichannel analytics (``statistics.ts``, ``dashboards.ts``) computed from livechat rooms.

The rooms are stored as the conversation side stores them (``t: 'l'``, ``servedBy``,
``metrics`` in seconds, ``msgs``), dated on 2024-03-04 (a Monday) UTC.
"""

from __future__ import annotations

import pytest

from emulator.app import runtime_of
from tests.rocketchat.clients import NO_PERMISSION, call

DAY = 1709510400000  # 2024-03-04T00:00:00Z
WINDOW = {"start": "2024-03-04T00:00:00.000Z", "end": "2024-03-04T23:59:59.999Z"}


@pytest.fixture
def conversations(rc_server, admin) -> str:
    rt = runtime_of(rc_server.app)
    department = call(admin, "GET", "livechat/department").json()["departments"][0]
    agent = {"_id": "agent-1", "username": "daniel.tanaka"}
    rooms = [
        # closed after 10 minutes, answered within 30 s
        {
            "_id": "lc-closed",
            "ts": DAY + 9 * 3600_000,
            "closedAt": DAY + 9 * 3600_000 + 600_000,
            "servedBy": agent,
            "responseBy": agent,
            "msgs": 6,
            "departmentId": department["_id"],
            "metrics": {
                "chatDuration": 600,
                "response": {"avg": 40, "ft": 30},
                "reaction": {"ft": 10},
            },
        },
        # still open and served
        {
            "_id": "lc-open",
            "ts": DAY + 9 * 3600_000 + 60_000,
            "open": True,
            "servedBy": agent,
            "msgs": 2,
            "departmentId": department["_id"],
            "metrics": {"response": {"avg": 20, "ft": 50}, "reaction": {"ft": 20}},
        },
        # queued: nobody took it yet
        {"_id": "lc-queued", "ts": DAY + 15 * 3600_000, "open": True, "msgs": 1, "metrics": {}},
    ]
    for room in rooms:
        rt.store.insert("rooms", {"t": "l", "v": {"_id": "v", "token": "t"}, **room})
    return department["name"]


def test_overview_counts_the_conversations(admin, conversations):
    params = {"name": "Conversations", "from": "2024-03-04", "to": "2024-03-04"}
    body = call(admin, "GET", "livechat/analytics/overview", params=params).json()
    values = {m["title"]: m["value"] for m in body}
    assert values == {
        "Total_conversations": 3,
        "Open_conversations": 2,
        "On_Hold_conversations": 0,
        "Total_messages": 9,
        "Busiest_day": "Monday",
        "Conversations_per_day": "3.00",
        "Busiest_time": "9AM - 10AM",
    }
    params["name"] = "Productivity"
    body = call(admin, "GET", "livechat/analytics/overview", params=params).json()
    assert body == [
        {"title": "Avg_response_time", "value": "00:00:30"},
        {"title": "Avg_first_response_time", "value": "00:00:40"},
        {"title": "Avg_reaction_time", "value": "00:00:15"},
    ]


def test_agent_overview(admin, conversations):
    params = {"name": "Total_conversations", "from": "2024-03-04", "to": "2024-03-04"}
    body = call(admin, "GET", "livechat/analytics/agent-overview", params=params).json()
    assert body == {
        "head": [{"name": "Agent"}, {"name": "%_of_conversations"}],
        "data": [{"name": "daniel.tanaka", "value": "100.00%"}],
        "success": True,
    }
    params["name"] = "Best_first_response_time"
    body = call(admin, "GET", "livechat/analytics/agent-overview", params=params).json()
    assert body["data"] == [{"name": "daniel.tanaka", "value": "00:00:30"}]
    # an unknown chart answers nothing but success
    params["name"] = "Nope"
    assert call(admin, "GET", "livechat/analytics/agent-overview", params=params).json() == {
        "success": True
    }


def test_dashboards(admin, conversations):
    def get(path: str) -> dict:
        return call(admin, "GET", f"livechat/analytics/dashboards/{path}", params=WINDOW).json()

    assert get("charts/chats") == {
        "open": 1,
        "closed": 1,
        "queued": 1,
        "onhold": 0,
        "success": True,
    }
    assert get("charts/chats-per-agent") == {
        "daniel.tanaka": {"open": 1, "closed": 1},
        "success": True,
    }
    assert get("charts/chats-per-department") == {
        conversations: {"open": 1, "closed": 1},
        "success": True,
    }
    assert get("charts/timings") == {
        "response": {"avg": 30, "longest": 50},
        "reaction": {"avg": 15, "longest": 20},
        "chatDuration": {"avg": 600, "longest": 600},
        "success": True,
    }
    totals = {t["title"]: t["value"] for t in get("conversation-totalizers")["totalizers"]}
    assert (totals["Total_conversations"], totals["Total_messages"]) == (3, 9)
    chats = {t["title"]: t["value"] for t in get("chats-totalizers")["totalizers"]}
    assert chats["Avg_of_chat_duration_time"] == "00:10:00"
    data = call(
        admin,
        "GET",
        "livechat/analytics/dashboards/charts-data",
        params={"chartName": "Total_conversations", "start": "2024-03-03", "end": "2024-03-04"},
    ).json()
    assert data == {
        "chartLabel": "Total_conversations",
        "dataLabels": ["3/3", "3/4"],
        "dataPoints": [0, 3],
        "success": True,
    }


def test_an_empty_workspace_answers_zeros(admin):
    body = call(
        admin, "GET", "livechat/analytics/dashboards/chats-totalizers", params=WINDOW
    ).json()
    assert body["totalizers"] == [
        {"title": "Total_abandoned_chats", "value": 0},
        {"title": "Avg_of_abandoned_chats", "value": "0%"},
        {"title": "Avg_of_chat_duration_time", "value": "00:00:00"},
    ]
    status = call(admin, "GET", "livechat/analytics/dashboards/charts/agents-status").json()
    # the two seeded agents are offline
    assert status == {"offline": 2, "away": 0, "busy": 0, "available": 0, "success": True}


def test_validation_and_permissions(admin, alice):
    bad = call(
        admin,
        "GET",
        "livechat/analytics/dashboards/charts/chats",
        params={"start": "soon", "end": "2024-01-01"},
    )
    assert (bad.status_code, bad.json()) == (
        400,
        {"success": False, "error": 'The "start" query parameter must be a valid date.'},
    )
    missing = call(admin, "GET", "livechat/analytics/overview", params={"name": "Conversations"})
    assert missing.json() == {
        "success": False,
        "error": "must have required property 'from' [invalid-params]",
        "errorType": "invalid-params",
    }
    unnamed = call(
        admin,
        "GET",
        "livechat/analytics/overview",
        params={"name": "", "from": "2024-01-01", "to": "2024-01-02"},
    )
    assert unnamed.json() == {"success": False, "error": "invalid-chart-name"}
    chart = call(admin, "GET", "livechat/analytics/dashboards/charts-data", params={"start": "x"})
    assert chart.json() == {
        "success": False,
        "error": "must have required property 'chartName'",
        "errorType": "error-invalid-params",
    }
    assert call(
        alice, "GET", "livechat/analytics/dashboards/charts/timings", params=WINDOW
    ).json() == (NO_PERMISSION)


def test_dates_past_what_a_date_holds_are_no_server_error(admin):
    edge = {"chartName": "Total_conversations", "start": "0001-01-01", "end": "9999-12-31"}
    data = call(admin, "GET", "livechat/analytics/dashboards/charts-data", params=edge)
    assert (data.status_code, data.json()["dataPoints"]) == (200, [])
    # a window of centuries is charted up to ten years, one point a day
    wide = {**edge, "start": "2000-01-01", "end": "2999-12-31"}
    points = call(admin, "GET", "livechat/analytics/dashboards/charts-data", params=wide).json()
    assert len(points["dataPoints"]) == 3660
    totals = call(
        admin,
        "GET",
        "livechat/analytics/dashboards/chats-totalizers",
        params={"start": "0001-01-01", "end": "9999-12-31"},
    )
    assert totals.json() == {
        "success": False,
        "error": 'The "start" query parameter must be a valid date.',
    }
