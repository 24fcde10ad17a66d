"""The pytest plugin as another project uses it: through pytester, in-process and under xdist."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

BASICS = """
import pytest
import requests
from mattermostdriver import Driver
from rocketchat_API.rocketchat import RocketChat


def test_mattermost_handle(mattermost):
    assert mattermost.url.startswith("http://127.0.0.1:")
    assert mattermost.admin.username == "admin"
    assert {u.username for u in mattermost.users} >= {"admin", "alice", "bob"}
    d = Driver({"url": mattermost.host, "port": mattermost.port, "scheme": "http",
                "token": mattermost.user("alice").token})
    d.login()
    assert d.users.get_user("me")["id"] == mattermost.user("alice").user_id


def test_run_command(mattermost):
    answer = mattermost.run_command("alice", "town-square", "/me waves")
    assert (answer["response_type"], answer["text"]) == ("in_channel", "*waves*")
    post = mattermost.wait_for_post("town-square", contains="waves")
    assert (post["type"], post["user_id"]) == ("me", mattermost.user("alice").user_id)
    with pytest.raises(requests.HTTPError) as refused:
        mattermost.run_command(mattermost.admin, "town-square", "/nope")
    assert refused.value.response.json()["id"] == "api.command.execute_command.not_found.app_error"


def test_rocketchat_handle(rocketchat):
    rc = RocketChat(user_id=rocketchat.admin.user_id, auth_token=rocketchat.admin.token,
                    server_url=rocketchat.url)
    assert rc.me()["username"] == "admin"


def test_state_is_reset_between_tests_first(rocketchat):
    rocketchat.restore({"tables": {"users": []}})
    assert requests.post(rocketchat.url + "/api/v1/login",
                         json={"user": "alice", "password": "alice-password"}).status_code == 401


def test_state_is_reset_between_tests_second(rocketchat):
    assert requests.post(rocketchat.url + "/api/v1/login",
                         json={"user": "alice", "password": "alice-password"}).status_code == 200


def test_faults_and_journal(mattermost):
    rule = mattermost.faults.add(match={"method": "GET", "path": "/api/v4/system/ping"},
                                 error={"status": 503}, times=1)
    assert rule["hits"] == 0
    assert requests.get(mattermost.url + "/api/v4/system/ping").status_code == 503
    assert requests.get(mattermost.url + "/api/v4/system/ping").status_code == 200
    sent = mattermost.requests(method="GET", path="/api/v4/system/ping")
    assert [r["status"] for r in sent] == [200, 503]


def test_snapshot_restore(mattermost):
    snap = mattermost.snapshot()
    token = mattermost.user("bob").token
    mattermost.restore(snap)
    me = requests.get(mattermost.url + "/api/v4/users/me",
                      headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401  # the snapshot predates bob's session


def test_clock(rocketchat):
    rocketchat.clock.freeze()
    before = rocketchat.clock.now_ms()
    rocketchat.clock.advance(60_000)
    assert rocketchat.clock.now_ms() == before + 60_000
"""


def test_fixtures_in_another_project(pytester: pytest.Pytester):
    pytester.makepyfile(test_basics=BASICS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=8)


def test_under_xdist(pytester: pytest.Pytester):
    pytester.makepyfile(test_basics=BASICS)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=8)


def test_a_server_side_exception_fails_the_test_with_its_traceback(pytester: pytest.Pytester):
    pytester.makepyfile(
        test_boom="""
import requests

def test_boom(mattermost, chat_emulator_pool):
    server = next(iter(chat_emulator_pool.servers.values()))
    server.app.view_functions["mm_system.ping"] = lambda: 1 / 0
    assert requests.get(mattermost.url + "/api/v4/system/ping").status_code == 500
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*the mattermost emulator raised while serving this test*"])
    result.stdout.fnmatch_lines(["*ZeroDivisionError*"])


def test_markers_and_ini_options(pytester: pytest.Pytester):
    pytester.makeini("[pytest]\nchat_emulator_seed = 5\n")
    pytester.makepyfile(
        test_marked="""
import pytest

def test_default_workspace(mattermost):
    assert len(mattermost.users) > 3

@pytest.mark.chat_emulator(workspace="empty")
def test_empty_workspace(rocketchat):
    assert rocketchat.users == []
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_targets_a_running_server(pytester: pytest.Pytester, rc_server, monkeypatch):
    pytester.makepyfile(
        test_remote="""
def test_remote(rocketchat):
    assert rocketchat.url == __import__("os").environ["CHAT_EMULATOR_ROCKETCHAT_URL"]
    assert rocketchat.admin.token
"""
    )
    monkeypatch.setenv("CHAT_EMULATOR_ROCKETCHAT_URL", rc_server.url)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


CALLOUTS = """
import pytest
from mattermostdriver import Driver


def driver(mattermost):
    d = Driver({"url": mattermost.host, "port": mattermost.port, "scheme": "http",
                "token": mattermost.admin.token})
    d.login()
    return d


def hook(d, httpserver, path, content_type, **fields):
    team = d.teams.get_team_by_name("acme")
    return d.webhooks.create_outgoing_hook({
        "team_id": team["id"], "display_name": path,
        "callback_urls": [f"http://127.0.0.1:{httpserver.port}{path}"],
        "trigger_words": ["ping"], "content_type": content_type, **fields})


def test_round_trip_through_a_real_receiver(mattermost, httpserver):
    httpserver.expect_request("/json").respond_with_json({"text": "pong"})
    httpserver.expect_request("/form").respond_with_data("")
    d = driver(mattermost)
    eng = d.channels.get_channel_by_name_and_team_name("acme", "engineering")
    json_hook = hook(d, httpserver, "/json", "application/json")
    hook(d, httpserver, "/form", "application/x-www-form-urlencoded",
         trigger_words=[], channel_id=eng["id"])
    d.posts.create_post({"channel_id": eng["id"], "message": "ping one"})

    call = mattermost.wait_for_callout(url="/json", timeout=10)
    assert call["payload"]["text"] == "ping one"
    assert call["payload"]["token"] == "[redacted]"
    assert (call["status"], call["answer"]) == (200, {"text": "pong"})
    assert (call["hook_id"], call["product"]) == (json_hook["id"], "mattermost")
    form = mattermost.wait_for_callout(url="/form", timeout=10)
    assert (form["payload"]["trigger_word"], form["payload"]["text"]) == ("", "ping one")
    assert form["answer"] is None
    with pytest.raises(TimeoutError):
        mattermost.wait_for_callout(timeout=0.2)  # each call is handed out once

    reply = mattermost.wait_for_post("engineering", contains="pong", timeout=10)
    assert reply["props"]["from_webhook"] == "true"


def test_failures_and_kind_filter(mattermost, httpserver):
    d = driver(mattermost)
    hook(d, httpserver, "/down", "application/json")
    mattermost.faults.add(target="callout", match={"url": "/down"}, drop="reset")
    eng = d.channels.get_channel_by_name_and_team_name("acme", "engineering")
    d.posts.create_post({"channel_id": eng["id"], "message": "ping"})
    call = mattermost.wait_for_callout(kind="mattermost.outgoing_webhook", timeout=10)
    assert call["status"] is None and call["error"].startswith("ConnectionError")
    assert call["fault"] == "f1"
    with pytest.raises(TimeoutError):
        mattermost.wait_for_callout(kind="other", timeout=0.2)
"""


def test_wait_for_callout_with_a_pytest_httpserver_app(pytester: pytest.Pytester):
    pytester.makepyfile(test_callouts=CALLOUTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
