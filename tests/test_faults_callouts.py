"""Fault rules aimed at call-outs (``target: "callout"``), through the control API, against a
Mattermost outgoing webhook whose app is a pytest-httpserver receiver."""

from __future__ import annotations

import pytest

from emulator.app import runtime_of
from emulator.control import Control, ControlError
from emulator.core.faults import parse_spec
from tests.mattermost.test_channels import channel, login, team

TIMEOUT = 10


@pytest.fixture
def admin(mm_server):
    return login(mm_server, "admin")


@pytest.fixture
def app(httpserver):
    """The app under test: answers every call with a reply post."""
    httpserver.expect_request("/hook").respond_with_json({"text": "pong"})
    return httpserver


def hook_to(admin, app) -> dict:
    return admin.webhooks.create_outgoing_hook(
        {
            "team_id": team(admin)["id"],
            "callback_urls": [f"http://127.0.0.1:{app.port}/hook"],
            "display_name": "Ponger",
            "trigger_words": ["ping"],
            "content_type": "application/json",
        }
    )


def ping(server, admin) -> None:
    eng = channel(admin, "engineering")
    admin.posts.create_post({"channel_id": eng["id"], "message": "ping"})
    assert runtime_of(server.app).callouts.wait_idle(TIMEOUT)


def callbacks(ctl: Control) -> list[dict]:
    return [e for e in ctl.requests() if e["kind"] == "callback"]


def replies(server) -> list[dict]:
    return [p for p in runtime_of(server.app).store.all("posts") if p["message"] == "pong"]


def test_a_status_fault_stands_in_for_the_app_once(mm_server, admin, app):
    ctl = Control(mm_server.url)
    hook = hook_to(admin, app)
    rule = ctl.add_fault(
        target="callout", match={"hook": hook["id"]}, error={"status": 500}, times=1
    )
    assert (rule["target"], rule["match"], rule["hits"]) == ("callout", {"hook": hook["id"]}, 0)
    assert [r["id"] for r in ctl.faults()] == [rule["id"]]
    ping(mm_server, admin)
    assert app.log == [] and replies(mm_server) == []
    (entry,) = callbacks(ctl)
    assert (entry["status"], entry["fault"], entry["hook_id"]) == (500, rule["id"], hook["id"])
    assert ctl.fault(rule["id"])["hits"] == 1
    ping(mm_server, admin)  # the rule expired: the app is called and answers
    assert len(app.log) == 1 and len(replies(mm_server)) == 1
    assert callbacks(ctl)[0]["fault"] is None


def test_a_dropped_connection_and_a_delay(mm_server, admin, app):
    ctl = Control(mm_server.url)
    hook_to(admin, app)
    ctl.add_fault(target="callout", match={"url": "127.0.0.1"}, drop="close", times=1)
    ctl.add_fault(target="callout", match={"product": "mattermost"}, latency_ms=50, times=1)
    ping(mm_server, admin)
    (dropped,) = callbacks(ctl)
    assert dropped["error"] == "ConnectionError: connection close by fault f1"
    assert app.log == []
    ping(mm_server, admin)
    delayed = callbacks(ctl)[0]
    assert (delayed["status"], delayed["fault"]) == (200, "f2")
    assert len(replies(mm_server)) == 1


def test_url_rules_take_a_glob_and_near_misses_say_why(mm_server, admin, app):
    ctl = Control(mm_server.url)
    hook_to(admin, app)
    rule = ctl.add_fault(target="callout", match={"url": "https://*"}, error={"status": 502})
    ping(mm_server, admin)
    assert len(app.log) == 1
    (miss,) = ctl.fault(rule["id"])["near_misses"]
    assert miss["reason"].endswith("does not match https://*")


@pytest.mark.parametrize(
    "body, message",
    [
        ({"target": "callout", "match": {"path": "/x"}, "drop": "close"}, "unknown match keys"),
        ({"target": "callout", "drop": "garbage"}, "drop must be one of reset, close"),
        ({"target": "elsewhere", "drop": "close"}, "target must be one of"),
        ({"target": "callout", "match": {"hook": ""}, "drop": "close"}, "match.hook"),
        ({"target": "callout", "match": {"url": "/x"}}, "at least one effect"),
    ],
)
def test_bad_call_out_rules_are_refused(mm_server, body, message):
    with pytest.raises(ControlError) as refused:
        Control(mm_server.url).add_fault(body)
    assert refused.value.status == 400 and message in refused.value.body["error"]


def test_the_command_line_form():
    rule = parse_spec("callout url=/hook hook=abc 503 times=2")
    assert rule["target"] == "callout"
    assert rule["match"] == {"url": "/hook", "hook": "abc"}
    assert (rule["error"]["status"], rule["times"]) == (503, 2)
