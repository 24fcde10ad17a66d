"""Fault rules over HTTP, observed from the client side with the real client libraries."""

from __future__ import annotations

import time

import pytest
import requests
from mattermostdriver import Driver
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from emulator.control import Control, ControlError


def mm_driver(server, login="alice") -> Driver:
    host, port = server.url.removeprefix("http://").split(":")
    driver = Driver(
        {
            "url": host,
            "port": int(port),
            "scheme": "http",
            "login_id": login,
            "password": f"{login}-password",
        }
    )
    driver.login()
    return driver


def mm_channel_id(server, name: str) -> str:
    store = runtime_of(server.app).store
    team = store.find_one("teams", "name", "acme")
    return store.find_one("channels", "team_name", (team["id"], name))["id"]


def mm_get_channel(server, token: str, channel_id: str) -> requests.Response:
    return requests.get(
        f"{server.url}/api/v4/channels/{channel_id}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def test_mattermost_error_fault_has_the_apperror_body(mm_server):
    ctl = Control(mm_server.url)
    driver = mm_driver(mm_server)
    rule = ctl.add_fault(match={"method": "GET", "path": "/api/v4/users/*"}, error={"status": 503})
    assert rule == {
        "id": "f1",
        "match": {"method": "GET", "path": "/api/v4/users/*"},
        "error": {"status": 503, "body": None},
        "latency_ms": None,
        "jitter_ms": None,
        "drop": None,
        "probability": 1.0,
        "after": 0,
        "times": None,
        "hits": 0,
        "matches": 0,
        "expired": False,
    }
    with pytest.raises(requests.HTTPError) as caught:
        driver.users.get_user("me")
    response = caught.value.response
    assert response.status_code == 503
    assert response.json() == {
        "id": "api.context.server_error.app_error",
        "message": "Internal Server Error",
        "detailed_error": "chat-emulator fault f1 url=/api/v4/users/me",
        "request_id": response.headers["X-Request-Id"],
        "status_code": 503,
    }
    assert response.headers["X-Version-Id"]
    assert ctl.fault("f1")["hits"] == 1


def test_mattermost_known_status_gets_its_own_error_id(mm_server):
    ctl = Control(mm_server.url)
    driver = mm_driver(mm_server)
    ctl.add_fault(match={"path": "/api/v4/users/me"}, error={"status": 403})
    with pytest.raises(Exception) as caught:
        driver.users.get_user("me")
    assert type(caught.value).__name__ == "NotEnoughPermissions"
    assert str(caught.value) == "You do not have the appropriate permissions."


def test_rocketchat_error_fault_has_the_failure_body(rc_server):
    ctl = Control(rc_server.url)
    rc = RocketChat("alice", "alice-password", server_url=rc_server.url)
    ctl.add_fault(match={"path": "/api/v1/me"}, error={"status": 503})
    with pytest.raises(RocketApiException) as caught:
        rc.me()
    assert caught.value.status_code == 503
    assert caught.value.response_json == {"success": False, "error": "Service Unavailable"}
    ctl.clear_faults()
    ctl.add_fault(match={"path": "/api/v1/me"}, error={"status": 401})
    with pytest.raises(RocketApiException) as caught:
        rc.me()
    assert caught.value.status_code == 401
    assert caught.value.response_json == {
        "success": False,
        "error": "You must be logged in to do this.",
        "status": "error",
        "message": "You must be logged in to do this.",
    }


def test_custom_error_bodies(rc_server):
    ctl = Control(rc_server.url)
    ctl.add_fault(match={"path": "/api/info"}, error={"status": 502, "body": {"oops": [1, 2]}})
    ctl.add_fault(match={"path": "/api/version"}, error={"status": 504, "body": "upstream timeout"})
    response = requests.get(f"{rc_server.url}/api/info", timeout=10)
    assert (response.status_code, response.json()) == (502, {"oops": [1, 2]})
    response = requests.get(f"{rc_server.url}/api/version", timeout=10)
    assert (response.status_code, response.text) == (504, "upstream timeout")
    assert response.headers["Content-Type"].startswith("text/plain")


def test_fail_the_third_request_by_alice_in_town_square(mm_server):
    ctl = Control(mm_server.url)
    alice, bob = mm_driver(mm_server, "alice"), mm_driver(mm_server, "bob")
    town, off = mm_channel_id(mm_server, "town-square"), mm_channel_id(mm_server, "off-topic")
    rule = ctl.add_fault(
        match={"method": "GET", "user": "alice", "channel": "town-square"},
        error={"status": 503},
        after=2,
        times=1,
    )
    token_a, token_b = alice.client.token, bob.client.token
    statuses = [
        mm_get_channel(mm_server, token_a, town).status_code,
        mm_get_channel(mm_server, token_b, town).status_code,  # bob: not counted
        mm_get_channel(mm_server, token_a, off).status_code,  # another channel: not counted
        mm_get_channel(mm_server, token_a, town).status_code,
        mm_get_channel(mm_server, token_a, town).status_code,  # the third: fails
        mm_get_channel(mm_server, token_a, town).status_code,  # times=1: expired
    ]
    assert statuses == [200, 200, 200, 200, 503, 200]
    view = ctl.fault(rule["id"])
    assert (view["hits"], view["matches"], view["expired"]) == (1, 3, True)
    reasons = [m["reason"] for m in view["near_misses"]]
    assert "user bob is not alice" in reasons
    assert "channel off-topic is not town-square" in reasons
    assert "match 2 let through (after=2)" in reasons


def test_channel_from_the_json_body_and_by_id(mm_server):
    ctl = Control(mm_server.url)
    driver = mm_driver(mm_server)
    town = mm_channel_id(mm_server, "town-square")
    ctl.add_fault(match={"method": "POST", "channel": town}, error={"status": 507})
    url = f"{mm_server.url}/api/v4/posts"
    auth = {"Authorization": f"Bearer {driver.client.token}"}
    hit = requests.post(url, json={"channel_id": town, "message": "hi"}, headers=auth, timeout=10)
    assert hit.status_code == 507
    assert hit.json()["detailed_error"] == "chat-emulator fault f1 url=/api/v4/posts"
    other = mm_channel_id(mm_server, "off-topic")
    miss = requests.post(url, json={"channel_id": other, "message": "hi"}, headers=auth, timeout=10)
    assert miss.status_code == 201 and miss.json()["channel_id"] == other
    # A body with no readable channel matches no channel rule: Mattermost's own answer comes back.
    garbled = requests.post(url, data=b"{not json", headers=auth, timeout=10)
    assert garbled.status_code == 400
    assert garbled.json()["id"] == "api.context.invalid_body_param.app_error"


def test_rocketchat_room_by_query_or_body(rc_server):
    ctl = Control(rc_server.url)
    rc = RocketChat("alice", "alice-password", server_url=rc_server.url)
    ctl.add_fault(match={"user": "alice", "channel": "general"}, error={"status": 503})
    headers = {**rc.headers}
    by_query = requests.get(
        f"{rc_server.url}/api/v1/channels.info?roomId=GENERAL", headers=headers, timeout=10
    )
    assert by_query.status_code == 503
    by_body = requests.post(
        f"{rc_server.url}/api/v1/chat.postMessage",
        json={"channel": "#general", "text": "hi"},
        headers=headers,
        timeout=10,
    )
    assert by_body.status_code == 503
    elsewhere = requests.post(
        f"{rc_server.url}/api/v1/chat.postMessage",
        json={"channel": "#engineering", "text": "hi"},
        headers=headers,
        timeout=10,
    )
    assert elsewhere.status_code != 503
    anonymous = requests.get(f"{rc_server.url}/api/v1/channels.info?roomId=GENERAL", timeout=10)
    assert anonymous.status_code == 401


def run_probability_sequence(server, n: int = 30) -> list[int]:
    ctl = Control(server.url)
    ctl.reset()
    ctl.add_fault(match={"path": "/api/v4/system/ping"}, error={"status": 503}, probability=0.5)
    statuses = []
    for i in range(n):
        if i % 3 == 0:  # other traffic draws nothing from the rule's stream
            requests.get(f"{server.url}/api/v4/users/me", timeout=10)
        statuses.append(requests.get(f"{server.url}/api/v4/system/ping", timeout=10).status_code)
    return statuses


def test_probability_gives_the_same_sequence_on_every_run(mm_server):
    first = run_probability_sequence(mm_server)
    second = run_probability_sequence(mm_server)
    assert first == second
    assert set(first) == {200, 503}


def test_after_and_times_from_the_client_side(rc_server):
    ctl = Control(rc_server.url)
    ctl.add_fault(match={"path": "/api/info"}, error={"status": 500}, after=1, times=2)
    statuses = [requests.get(f"{rc_server.url}/api/info", timeout=10).status_code for _ in range(5)]
    assert statuses == [200, 500, 500, 200, 200]
    assert ctl.faults()[0]["expired"] is True


def test_rule_latency_and_default_latency(mm_server):
    ctl = Control(mm_server.url)
    url = f"{mm_server.url}/api/v4/system/ping"
    ctl.add_fault(match={"path": "/api/v4/system/ping"}, latency_ms=300, jitter_ms=50)
    started = time.monotonic()
    assert requests.get(url, timeout=10).status_code == 200
    assert 0.3 <= time.monotonic() - started < 2
    started = time.monotonic()
    requests.get(f"{mm_server.url}/api/v4/users/me", timeout=10)
    assert time.monotonic() - started < 0.25
    ctl.clear_faults()
    assert ctl.latency("250ms", 0) == {"latency_ms": 250, "jitter_ms": 0}
    started = time.monotonic()
    requests.get(f"{mm_server.url}/api/v4/users/me", timeout=10)
    assert time.monotonic() - started >= 0.25
    started = time.monotonic()
    requests.get(f"{mm_server.url}/_emulator/health", timeout=10)  # the control API: never
    assert time.monotonic() - started < 0.2
    assert ctl.call("DELETE", "/latency") == {"latency_ms": 0, "jitter_ms": 0}


def test_rule_list_management(rc_server):
    ctl = Control(rc_server.url)
    first = ctl.add_fault(match={"path": "/a"}, drop="close")
    second = ctl.add_fault({"match": {"path": "/b"}, "error": {"status": 500}})
    assert [r["id"] for r in ctl.faults()] == [first["id"], second["id"]] == ["f1", "f2"]
    ctl.remove_fault("f1")
    assert [r["id"] for r in ctl.faults()] == ["f2"]
    with pytest.raises(ControlError) as caught:
        ctl.remove_fault("f1")
    assert caught.value.status == 404
    assert caught.value.body == {"error": "no fault rule f1", "status": 404}
    with pytest.raises(ControlError) as caught:
        ctl.fault("nope")
    assert caught.value.status == 404
    ctl.clear_faults()
    assert ctl.faults() == []


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"drop": "explode"}', b'{"match": {"path": "/x"}}', b"{}"],
)
def test_bad_rules_are_refused(mm_server, body):
    response = requests.post(
        f"{mm_server.url}/_emulator/faults",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 400
    assert set(response.json()) == {"error", "status"}
    assert Control(mm_server.url).faults() == []


def test_control_api_is_never_faulted_and_reset_clears_rules(mm_server):
    ctl = Control(mm_server.url)
    ctl.add_fault(error={"status": 503})
    assert requests.get(f"{mm_server.url}/api/v4/system/ping", timeout=10).status_code == 503
    assert ctl.health()["status"] == "ok"
    ctl.reset()
    assert ctl.faults() == []
    assert requests.get(f"{mm_server.url}/api/v4/system/ping", timeout=10).status_code == 200


def test_start_up_faults_from_the_config(mm_server):
    from emulator.app import create_app
    from emulator.config import ephemeral_config

    app = create_app("mattermost", ephemeral_config(faults=("GET /api/v4/system/ping 418",)))
    client = app.test_client()
    assert client.get("/api/v4/system/ping").status_code == 418
    runtime_of(app).reset()
    faults = client.get("/_emulator/faults").get_json()["faults"]
    assert [(f["id"], f["hits"]) for f in faults] == [("f1", 0)]


def test_a_429_fault_looks_like_the_products_own_limiter(mm_server, rc_server):
    Control(mm_server.url).add_fault(match={"path": "/api/v4/system/ping"}, error={"status": 429})
    mm = requests.get(f"{mm_server.url}/api/v4/system/ping", timeout=10)
    assert (mm.status_code, mm.text) == (429, "limit exceeded\n")
    assert mm.headers["Content-Type"] == "text/plain; charset=utf-8"
    Control(rc_server.url).add_fault(match={"path": "/api/info"}, error={"status": 429})
    rc = requests.get(f"{rc_server.url}/api/info", timeout=10)
    assert rc.status_code == 429
    assert rc.json() == {
        "success": False,
        "error": "Error, too many requests. Please slow down. You must wait 60 seconds before "
        "trying this endpoint again. [error-too-many-requests]",
    }
