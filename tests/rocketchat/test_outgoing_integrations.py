"""Outgoing integrations: a message from any door calls a real local receiver with upstream's
payload, the answer becomes a message, failures are retried, every call is in
``integrations.history`` (``triggerHandler.ts``)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import requests
from rocketchat_API.rocketchat import RocketChat

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.rocketchat import outgoing
from emulator.rocketchat.wire import iso
from tests import receiver as receiver_module
from tests.rocketchat.clients import call
from tests.rocketchat.test_doors import bridge, ddp_login, hang_up, rest
from tests.rocketchat.test_legacy import legacy

TIMEOUT = 10
# The receiver's answer to one request: (status, body, content type).
Answer = tuple[int, bytes, str]


def no_answer(_body: dict) -> Answer:
    return 200, b"", "text/plain"


class Receiver(receiver_module.Receiver):
    """The app under test: ``answer`` decides what it sends back to each JSON payload."""

    def __init__(self) -> None:
        super().__init__()
        self.answer: Callable[[dict], Answer] = no_answer

    def respond(self, request: dict) -> Answer:
        return self.answer(request["json"] or {})


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_module.serving(Receiver()) as r:
        yield r


def json_answer(payload: dict, status: int = 200) -> Answer:
    return status, json.dumps(payload).encode(), "application/json"


def answer_people(payload: dict) -> Callable[[dict], Answer]:
    """Answers messages from people only, as a well-behaved bot must (upstream has no loop
    guard: its own answers reach it again, with ``bot: true``)."""
    return lambda body: no_answer(body) if body.get("bot") else json_answer(payload)


def login(server, name: str) -> RocketChat:
    return RocketChat(name, f"{name}-password", server_url=server.url)


def settle(server) -> None:
    assert runtime_of(server.app).callouts.wait_idle(TIMEOUT)


def make(admin: RocketChat, receiver: Receiver, channel: str = "#general", **fields) -> dict:
    body = {
        "type": "webhook-outgoing",
        "name": "Deployer",
        "enabled": True,
        "event": "sendMessage",
        "username": "helper-bot",
        "channel": channel,
        "urls": [receiver.url + "/hook"],
        "scriptEnabled": False,
        "token": "secret-token",
        **fields,
    }
    raw = call(admin, "POST", "integrations.create", json=body)
    assert raw.status_code == 200, raw.text
    return raw.json()["integration"]


def say(client: RocketChat, text: str, rid: str = "GENERAL", **fields) -> dict:
    raw = call(
        client, "POST", "chat.sendMessage", json={"message": {"rid": rid, "msg": text, **fields}}
    )
    assert raw.status_code == 200, raw.text
    return raw.json()["message"]


def history(admin: RocketChat, integration: dict, **query) -> dict:
    raw = call(admin, "GET", "integrations.history", params={"id": integration["_id"], **query})
    assert raw.status_code == 200, raw.text
    return raw.json()


def stored(server, message_id: str) -> dict:
    return runtime_of(server.app).store.get("messages", message_id)


@pytest.fixture
def admin(rc_server) -> RocketChat:
    return login(rc_server, "admin")


def test_a_rest_message_sends_the_exact_payload_and_the_answer_is_posted(
    rc_server, admin, receiver
):
    integration = make(admin, receiver)
    receiver.answer = answer_people({"text": "deployed", "alias": "Deploy Bot", "emoji": ":ship:"})
    events = []
    unsubscribe = runtime_of(rc_server.app).events.subscribe(lambda n, p: events.append((n, p)))
    try:
        message = say(login(rc_server, "alice"), "deploy now")
        first, second = receiver.wait_for(2)
        settle(rc_server)
    finally:
        unsubscribe()
    assert first["path"] == "/hook"
    assert first["headers"]["Content-Type"] == "application/json"
    assert first["headers"]["User-Agent"].startswith("Mozilla/5.0")
    assert first["json"] == {
        "token": "secret-token",
        "bot": False,
        "channel_id": "GENERAL",
        "channel_name": "general",
        "message_id": message["_id"],
        "timestamp": message["ts"],
        "user_id": message["u"]["_id"],
        "user_name": "alice",
        "text": "deploy now",
        "siteUrl": "http://localhost:3000",
    }
    # The answer's message fires the integration again (no loop guard upstream), as a bot's.
    answer = stored(rc_server, second["json"]["message_id"])
    assert answer["msg"] == "deployed" and answer["rid"] == "GENERAL"
    assert answer["u"]["username"] == "helper-bot"
    assert answer["bot"] == {"i": integration["_id"]}
    assert answer["alias"] == "Deploy Bot" and answer["emoji"] == ":ship:"
    assert second["json"]["bot"] is True and second["json"]["alias"] == "Deploy Bot"
    assert second["json"]["timestamp"] == iso(answer["ts"])
    published = [p["args"][0]["_id"] for n, p in events if n == "stream-room-messages"]
    assert published == [message["_id"], answer["_id"]]


def test_the_answer_reaches_ddp_subscribers(rc_server, admin, receiver):
    make(admin, receiver)
    receiver.answer = answer_people({"text": "pong"})
    client = ddp_login(rc_server, "bob")
    try:
        assert client.sub("stream-room-messages", "GENERAL", False)["msg"] == "ready"
        say(login(rc_server, "alice"), "ping")
        texts = []
        while "pong" not in texts:
            changed = client.next_msg("changed")
            texts.append(changed["fields"]["args"][0]["msg"])
        assert texts == ["ping", "pong"]
    finally:
        hang_up(rc_server, client)
    settle(rc_server)


@pytest.mark.parametrize("door", ["ddp", "bridge", "legacy"])
def test_every_door_fires_the_integration(rc_server, admin, receiver, door):
    make(admin, receiver)
    if door == "ddp":
        client = ddp_login(rc_server, "alice")
        try:
            result, _ = client.call("sendMessage", {"rid": "GENERAL", "msg": f"via {door}"})
            assert "error" not in result
        finally:
            hang_up(rc_server, client)
    elif door == "bridge":
        bridge(
            rc_server,
            rest(rc_server, "alice"),
            "sendMessage",
            {"rid": "GENERAL", "msg": "via bridge"},
        )
    else:
        raw = legacy(
            rc_server,
            "POST",
            "rooms/GENERAL/send",
            headers=rest(rc_server, "alice"),
            json={"msg": "via legacy"},
        )
        assert raw.status_code == 200
    (request,) = receiver.wait_for(1)
    assert request["json"]["text"] == f"via {door}"
    assert request["json"]["user_name"] == "alice"


def test_channel_filters(rc_server, admin, receiver):
    make(admin, receiver, channel="#engineering")
    make(admin, receiver, channel="all_private_groups")
    make(admin, receiver, channel="@bob")
    alice = login(rc_server, "alice")
    engineering = alice.call_api_get("channels.info", roomName="engineering")["channel"]["_id"]
    leadership = alice.call_api_get("groups.info", roomName="leadership")["group"]["_id"]
    dm = alice.call_api_post("im.create", username="bob")["room"]["_id"]
    say(alice, "in general")  # no integration lists #general
    say(alice, "in engineering", rid=engineering)
    say(alice, "in leadership", rid=leadership)
    say(alice, "to bob", rid=dm)
    settle(rc_server)
    assert sorted(r["json"]["text"] for r in receiver.requests) == [
        "in engineering",
        "in leadership",
        "to bob",
    ]
    # ``@bob`` is about messages to bob: bob's own messages in the DM do not count.
    say(login(rc_server, "bob"), "from bob", rid=dm)
    settle(rc_server)
    assert len(receiver.requests) == 3


def test_trigger_words_and_enabled(rc_server, admin, receiver):
    make(admin, receiver, triggerWords="deploy,ship")
    make(admin, receiver, triggerWords=["rollback"], triggerWordAnywhere=True)
    make(admin, receiver, enabled=False)
    alice = login(rc_server, "alice")
    say(alice, "now deploy")  # not at the start
    say(alice, "shipit")  # starts with a trigger word: enough
    say(alice, "please rollback")  # anywhere, for the second integration
    settle(rc_server)
    assert sorted((r["json"]["text"], r["json"]["trigger_word"]) for r in receiver.requests) == [
        ("please rollback", "rollback"),
        ("shipit", "ship"),
    ]


def test_edits_fire_only_with_run_on_edits(rc_server, admin, receiver):
    make(admin, receiver, runOnEdits=True, triggerWords="go")
    make(admin, receiver, triggerWords="go")
    alice = login(rc_server, "alice")
    message = say(alice, "go team")
    settle(rc_server)
    alice.chat_update("GENERAL", message["_id"], "go team, edited")
    requests_ = receiver.wait_for(3)
    settle(rc_server)
    assert len(receiver.requests) == 3
    assert requests_[2]["json"]["isEdited"] is True
    assert requests_[2]["json"]["text"] == "go team, edited"


def test_answers_go_to_threads_and_other_rooms(rc_server, admin, receiver):
    make(admin, receiver, triggerWords="where")
    receiver.answer = lambda body: json_answer(
        {"text": "over here", "channel": "#engineering", "tmid": None}
    )
    alice = login(rc_server, "alice")
    root = say(alice, "thread root")
    say(alice, "where?", tmid=root["_id"])
    (request,) = receiver.wait_for(1)
    settle(rc_server)
    assert request["json"]["tmid"] == root["_id"]
    engineering = alice.call_api_get("channels.info", roomName="engineering")["channel"]["_id"]
    last = alice.call_api_get("channels.history", roomId=engineering, count=1)["messages"][0]
    assert last["msg"] == "over here" and last["u"]["username"] == "helper-bot"


def test_a_failing_app_is_retried_and_every_try_is_in_the_history(rc_server, admin, receiver):
    integration = make(
        admin, receiver, retryFailedCalls=True, retryCount=2, retryDelay="powers-of-ten"
    )
    assert integration["retryCount"] == 2 and integration["retryDelay"] == "powers-of-ten"
    receiver.answer = lambda body: (404, b"not here", "text/plain")
    say(login(rc_server, "alice"), "hello?")
    tries = receiver.wait_for(3)  # the call, then 100 ms and 1 s later
    settle(rc_server)
    assert [t["json"]["text"] for t in tries] == ["hello?"] * 3
    listed = history(admin, integration)
    assert listed["total"] == 3 and listed["offset"] == 0 and listed["items"] == 3
    steps = sorted(h["step"] for h in listed["history"])
    assert steps == ["going-to-retry-1", "going-to-retry-2", "too-many-retries"]
    newest = listed["history"][0]
    assert newest["step"] == "too-many-retries" and newest["error"] is True
    assert newest["type"] == "outgoing-webhook" and newest["event"] == "sendMessage"
    assert newest["integration"]["_id"] == integration["_id"]
    assert newest["ranPrepareScript"] is True
    assert newest["url"] == receiver.url + "/hook"
    assert newest["httpCallData"] == newest["data"] and newest["data"]["text"] == "hello?"
    assert newest["httpResult"] == json.dumps("not here")
    assert newest["_createdAt"].endswith("Z") and newest["_updatedAt"].endswith("Z")


def test_status_500_is_final_and_410_disables(rc_server, admin, receiver):
    failing = make(admin, receiver, retryFailedCalls=True, retryCount=3)
    receiver.answer = lambda body: (500, b"boom", "text/plain")
    alice = login(rc_server, "alice")
    say(alice, "one")
    receiver.wait_for(1)
    settle(rc_server)
    (entry,) = history(admin, failing)["history"]
    assert entry["step"] == "after-process-http-status-500" and entry["error"] is True
    receiver.answer = lambda body: (410, b"gone", "text/plain")
    say(alice, "two")
    receiver.wait_for(2)
    settle(rc_server)
    assert admin.integrations_get(failing["_id"])["integration"]["enabled"] is False
    say(alice, "three")
    settle(rc_server)
    assert len(receiver.requests) == 2


def test_a_refused_connection_is_recorded_without_retry(rc_server, admin, receiver):
    receiver.server.shutdown()
    receiver.server.server_close()
    integration = make(admin, receiver, retryFailedCalls=True, retryCount=1)
    say(login(rc_server, "alice"), "anyone?")
    settle(rc_server)
    # The failure is recorded once the dispatcher has given the call up, just after it is idle.
    deadline = time.monotonic() + TIMEOUT
    while "httpError" not in history(admin, integration)["history"][0]:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    (entry,) = history(admin, integration)["history"]
    assert entry["step"] == "after-http-call" and entry["httpResult"] == "null"
    assert entry["httpError"]["message"].startswith("request to http://127.0.0.1")


def test_history_is_for_outgoing_managers_and_can_be_cleared_and_replayed(
    rc_server, admin, receiver
):
    integration = make(admin, receiver)
    say(login(rc_server, "alice"), "remember me")
    receiver.wait_for(1)
    settle(rc_server)
    (entry,) = history(admin, integration)["history"]
    assert entry["step"] == "failed-and-not-configured-to-retry"  # an empty answer
    raw = call(login(rc_server, "alice"), "GET", "integrations.history", params={"id": "x"})
    assert raw.status_code == 403
    raw = call(admin, "GET", "integrations.history")
    assert raw.json()["errorType"] == "invalid-params"
    raw = call(admin, "GET", "integrations.history", params={"id": " "})
    assert raw.json() == {"success": False, "error": "Invalid integration id."}

    replay = {"integrationId": integration["_id"], "historyId": entry["_id"]}
    raw = call(admin, "POST", "integrations.replayOutgoing", json=replay)
    assert raw.json() == {"success": True}
    replayed = receiver.wait_for(2)[1]
    settle(rc_server)
    assert replayed["json"] == receiver.requests[0]["json"]
    assert history(admin, integration)["total"] == 2
    raw = call(admin, "POST", "integrations.replayOutgoing", json={**replay, "historyId": "nope"})
    assert raw.json()["errorType"] == "error-invalid-integration-history"

    raw = call(admin, "POST", "integrations.clearHistory", json={"integrationId": "nope"})
    assert raw.json() == {
        "success": False,
        "error": "Invalid integration [error-invalid-integration]",
        "errorType": "error-invalid-integration",
        "details": {"method": "clearIntegrationHistory"},
    }
    raw = call(
        admin, "POST", "integrations.clearHistory", json={"integrationId": integration["_id"]}
    )
    assert raw.json() == {"success": True}
    assert history(admin, integration)["total"] == 0

    say(login(rc_server, "alice"), "once more")
    receiver.wait_for(3)
    settle(rc_server)
    assert history(admin, integration)["total"] == 1
    admin.call_api_post(
        "integrations.remove", type="webhook-outgoing", integrationId=integration["_id"]
    )
    assert runtime_of(rc_server.app).store.count("integration_history") == 0


def test_room_and_user_events(rc_server, admin, receiver):
    make(admin, receiver, event="roomCreated", channel="")
    joined = make(admin, receiver, event="roomJoined", channel="#engineering")
    make(admin, receiver, event="userCreated", channel="", targetRoom="#general")
    admin.channels_create("fresh-room")
    bob = login(rc_server, "bob")
    engineering = bob.call_api_get("channels.info", roomName="engineering")["channel"]["_id"]
    call(admin, "POST", "channels.kick", json={"roomId": engineering, "username": "bob"})
    call(bob, "POST", "channels.join", json={"roomId": engineering})
    admin.users_create("newbie@example.com", "Newbie", "pass-word-1", "newbie")
    requests_ = receiver.wait_for(3)
    settle(rc_server)
    # Upstream maps data only for events with a message: room and user events carry no more.
    assert [r["json"] for r in requests_] == [{"token": "secret-token", "bot": False}] * 3
    assert history(admin, joined)["history"][0]["event"] == "roomJoined"


def test_scripts_prepare_the_request_and_process_the_response(rc_server, admin, receiver):
    script = """
    class Script {
      prepare_outgoing_request({ request }) {
        Store.set('seen', (Store.get('seen') || 0) + 1);
        console.log('preparing', request.data.text);
        if (request.data.bot) { return; }
        return {
          url: request.url + '?from=script',
          method: 'POST',
          headers: { 'X-Seen': String(Store.get('seen')) },
          data: { said: request.data.text, seen: Store.get('seen') },
        };
      }
      process_outgoing_response({ request, response }) {
        const answer = JSON.parse(response.content);
        const text = 'app said ' + answer.reply + ' (' + response.status_code + ')';
        return { content: { text } };
      }
    }
    """
    integration = make(admin, receiver, scriptEnabled=True, script=script)
    assert "scriptCompiled" in integration and "scriptError" not in integration
    receiver.answer = lambda body: json_answer({"reply": body["said"].upper()})
    alice = login(rc_server, "alice")
    say(alice, "hi")
    (request,) = receiver.wait_for(1)
    settle(rc_server)
    assert request["path"] == "/hook?from=script"
    assert request["headers"]["X-Seen"] == "1"
    assert request["json"] == {"said": "hi", "seen": 1}
    last = alice.call_api_get("channels.history", roomId="GENERAL", count=1)["messages"][0]
    assert last["msg"] == "app said HI (200)" and last["bot"] == {"i": integration["_id"]}
    steps = [h["step"] for h in history(admin, integration)["history"]]
    # The answer's message ran the prepare script too, which returned nothing for a bot.
    assert sorted(steps) == ["after-prepare-no-opts", "after-process-send-message"]


def test_a_throwing_outgoing_script_is_recorded(rc_server, admin, receiver):
    script = "class Script { prepare_outgoing_request() { throw new Error('nope'); } }"
    integration = make(admin, receiver, scriptEnabled=True, script=script)
    say(login(rc_server, "alice"), "hi")
    settle(rc_server)
    assert receiver.requests == []
    (entry,) = history(admin, integration)["history"]
    assert entry["step"] == "after-prepare-no-opts" and entry["error"] is True
    assert "Error: nope" in entry["errorStack"]


def test_a_script_that_does_not_compile_is_stored_with_its_error(rc_server, admin, receiver):
    integration = make(admin, receiver, scriptEnabled=True, script="class Script {")
    assert "scriptCompiled" not in integration
    assert integration["scriptError"]["name"] == "SyntaxError"
    say(login(rc_server, "alice"), "plain")
    (request,) = receiver.wait_for(1)
    assert request["json"]["text"] == "plain"  # runs as if it had no script
    settle(rc_server)


def test_an_upload_fires_send_message_and_file_uploaded(rc_server, admin, receiver):
    make(admin, receiver)
    make(admin, receiver, event="fileUploaded")
    alice = login(rc_server, "alice")
    raw = requests.post(
        f"{rc_server.url}/api/v1/rooms.upload/GENERAL",
        headers=alice.headers,
        files={"file": ("a.txt", b"abc", "text/plain")},
        data={"msg": "attached"},
        timeout=5,
    )
    assert raw.status_code == 200
    # Two calls in parallel: told apart by what only fileUploaded sends.
    uploaded, sent = sorted(
        (r["json"] for r in receiver.wait_for(2)), key=lambda b: "room" not in b
    )
    settle(rc_server)
    message = raw.json()["message"]
    assert sent["text"] == uploaded["text"] == "attached"
    assert "siteUrl" in sent and "message" not in sent
    assert uploaded["message"]["_id"] == message["_id"] == uploaded["message_id"]
    assert uploaded["room"]["_id"] == "GENERAL"
    assert uploaded["user"]["username"] == "alice" and "services" not in uploaded["user"]
    assert "siteUrl" not in uploaded


def test_retry_delays_are_upstreams():
    delays = {
        kind: [outgoing._retry_delay_ms(kind, tries) for tries in range(4)]
        for kind in ("powers-of-ten", "powers-of-two", "increments-of-two")
    }
    assert delays == {
        "powers-of-ten": [100, 1000, 10_000, 100_000],
        "powers-of-two": [2000, 4000, 8000, 16_000],
        "increments-of-two": [2000, 4000, 6000, 8000],
    }


def test_an_unknown_retry_delay_is_recorded_and_not_retried(rc_server, admin, receiver):
    integration = make(admin, receiver, retryFailedCalls=True, retryDelay="Sometimes")
    assert integration["retryDelay"] == "sometimes" and integration["retryCount"] == 4
    receiver.answer = lambda body: (503, b"busy", "text/plain")
    say(login(rc_server, "alice"), "now?")
    receiver.wait_for(1)
    settle(rc_server)
    (entry,) = history(admin, integration)["history"]
    assert entry["step"] == "failed-and-retry-delay-is-invalid" and entry["error"] is True
    assert len(receiver.requests) == 1


def test_a_prepare_script_can_answer_without_calling(rc_server, admin, receiver):
    script = """
    class Script {
      prepare_outgoing_request({ request }) {
        if (request.data.bot) { return; }
        return { message: { text: 'on it, ' + request.data.user_name } };
      }
    }
    """
    integration = make(admin, receiver, scriptEnabled=True, script=script)
    alice = login(rc_server, "alice")
    say(alice, "status?")
    settle(rc_server)
    assert receiver.requests == []
    last = alice.call_api_get("channels.history", roomId="GENERAL", count=1)["messages"][0]
    assert last["msg"] == "on it, alice" and last["bot"] == {"i": integration["_id"]}
    entries = {h["step"]: h for h in history(admin, integration)["history"]}
    assert set(entries) == {"after-prepare-no-opts", "after-prepare-no-url_or_method"}
    sent = entries["after-prepare-no-url_or_method"]["prepareSentMessage"]
    assert sent == [{"channel": "#GENERAL", "message": last}]


def test_a_retry_due_after_the_runtime_closed_is_dropped(monkeypatch):
    rt = runtime_of(create_app("rocketchat", ephemeral_config()))
    rt.close()
    failures = []
    monkeypatch.setattr(threading, "excepthook", lambda args: failures.append(args.exc_value))
    # The pool is shut: the retry's call is refused with a RuntimeError.
    timer = outgoing._Retries().schedule(0.0, lambda: rt.callouts.post("http://x/", b"", {}, 1.0))
    timer.join(TIMEOUT)
    assert not timer.is_alive() and failures == []
