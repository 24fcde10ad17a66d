"""Incoming webhooks ``/hooks/:integrationId/:token``, driven by apprise and raw requests."""

import json
import warnings

import pytest
import requests
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from emulator.rocketchat.models import scripts


def login(server, name):
    return RocketChat(name, f"{name}-password", server_url=server.url)


def make_hook(server, channel="#general", **extra):
    admin = login(server, "admin")
    return admin.integrations_create(
        "webhook-incoming", "hook", True, "helper-bot", channel, False, **extra
    )["integration"]


def hook_url(server, hook, token=None):
    return f"{server.url}/hooks/{hook['_id']}/{token or hook['token']}"


def last_message(server, room_id="GENERAL"):
    alice = login(server, "alice")
    return alice.call_api_get("channels.history", roomId=room_id, count=1)["messages"][0]


@pytest.fixture
def events(rc_server):
    seen = []
    unsubscribe = runtime_of(rc_server.app).events.subscribe(
        lambda name, payload: seen.append((name, payload))
    )
    yield seen
    unsubscribe()


def apprise_notify(url, body):
    with warnings.catch_warnings():  # apprise imports the deprecated ``imghdr``
        warnings.simplefilter("ignore", DeprecationWarning)
        import apprise

        notifier = apprise.Apprise()
        assert notifier.add(url)
        return notifier.notify(body=body)


def room_messages(events, rid="GENERAL"):
    posted = [p for n, p in events if n == "stream-room-messages"]
    return [p["args"][0] for p in posted if p["eventName"] == rid]


def test_apprise_posts_through_the_webhook(rc_server, events):
    hook = make_hook(rc_server, alias="CI", emoji=":robot:")
    host = rc_server.url.removeprefix("http://")
    url = f"rocket://{hook['_id']}/{hook['token']}@{host}/?avatar=no"
    assert apprise_notify(url, "build **green**")
    message = last_message(rc_server)
    assert message["msg"] == "build **green**"
    assert message["bot"] == {"i": hook["_id"]}
    assert message["u"]["username"] == "helper-bot"
    assert message["alias"] == "CI" and message["emoji"] == ":robot:"
    assert [m["_id"] for m in room_messages(events)] == [message["_id"]]
    assert room_messages(events)[0]["bot"] == {"i": hook["_id"]}


def test_apprise_channel_override(rc_server, events):
    hook = make_hook(rc_server, overrideDestinationChannelEnabled=True)
    host = rc_server.url.removeprefix("http://")
    url = f"rocket://{hook['_id']}/{hook['token']}@{host}/%23engineering?avatar=no"
    assert apprise_notify(url, "to engineering")
    alice = login(rc_server, "alice")
    rid = alice.call_api_get("channels.info", roomName="engineering")["channel"]["_id"]
    assert [m["msg"] for m in room_messages(events, rid)] == ["to engineering"]


def test_json_fields_and_answer(rc_server, events):
    hook = make_hook(rc_server, avatar="http://img.invalid/a.png")
    answer = requests.post(
        hook_url(rc_server, hook),
        json={
            "text": "  hello  ",
            "username": "Deployer",
            "attachments": [{"title": "t", "msg": " body "}],
        },
    )
    assert answer.status_code == 200 and answer.json() == {"success": True}
    message = last_message(rc_server)
    assert message["msg"] == "hello"
    assert message["alias"] == "Deployer"
    assert message["avatar"] == "http://img.invalid/a.png"
    assert message["attachments"][0]["text"] == "body"
    assert message["parseUrls"] is False and message["groupable"] is False
    assert room_messages(events)[-1]["_id"] == message["_id"]


def test_form_payload_and_user_id_form(rc_server):
    hook = make_hook(rc_server)
    url = f"{rc_server.url}/hooks/{hook['_id']}/{hook['userId']}/{hook['token']}"
    answer = requests.post(url, data={"payload": json.dumps({"text": "slack style"})})
    assert answer.json() == {"success": True}
    assert last_message(rc_server)["msg"] == "slack style"


def test_empty_body_and_get_post_nothing(rc_server, events):
    hook = make_hook(rc_server)
    assert requests.post(hook_url(rc_server, hook), json={}).json() == {"success": True}
    assert requests.get(hook_url(rc_server, hook)).json() == {"success": True}
    assert room_messages(events) == []


def test_script_enabled_posts_the_payload_as_sent(rc_server):
    hook = make_hook(rc_server, script="class Script {}")
    runtime_of(rc_server.app).store.update("integrations", hook["_id"], {"scriptEnabled": True})
    answer = requests.post(hook_url(rc_server, hook), json={"text": "raw"})
    assert answer.json() == {"success": True}
    assert last_message(rc_server)["msg"] == "raw"


@pytest.mark.parametrize(
    ("change", "body", "status", "error"),
    [
        ("token", {"text": "x"}, 400, "Invalid integration id or token provided."),
        ("id", {"text": "x"}, 400, "Invalid integration id or token provided."),
        ("disabled", {"text": "x"}, 503, "Service Unavailable"),
        (
            None,
            {"text": "x", "channel": "#engineering"},
            400,
            "overriding destination channel is disabled for this integration",
        ),
        (None, {"text": "x", "roomId": "GENERAL"}, 400, None),
        ("override", {"text": "x", "channel": "#nowhere"}, 400, "invalid-channel"),
        ("archived", {"text": "x"}, 400, "error-room-archived"),
        ("size", {"text": "x" * 6000}, 400, "error-message-size-exceeded"),
    ],
)
def test_errors(rc_server, events, change, body, status, error):
    hook = make_hook(rc_server, overrideDestinationChannelEnabled=change == "override")
    rt = runtime_of(rc_server.app)
    url = hook_url(rc_server, hook)
    if change == "token":
        url = hook_url(rc_server, hook, token="wrong")
    elif change == "id":
        url = f"{rc_server.url}/hooks/nope/{hook['token']}"
    elif change == "disabled":
        rt.store.update("integrations", hook["_id"], {"enabled": False})
    elif change == "archived":
        rt.store.update("rooms", "GENERAL", {"archived": True})
    elif change == "size":
        rt.store.update("settings", "Message_MaxAllowedSize", {"value": 5000})
    answer = requests.post(url, json=body)
    assert answer.status_code == status
    expected = error or "overriding destination channel is disabled for this integration"
    assert answer.json() == {"success": False, "error": expected}
    assert room_messages(events) == []


def test_bad_form_payload(rc_server):
    hook = make_hook(rc_server)
    answer = requests.post(hook_url(rc_server, hook), data={"payload": "{not json"})
    assert answer.status_code == 400 and answer.json()["success"] is False


def test_journal_redacts_the_token(rc_server):
    hook = make_hook(rc_server)
    requests.post(hook_url(rc_server, hook), json={"text": "secret path"})
    rt = runtime_of(rc_server.app)
    dumped = json.dumps(rt.journal.query())
    assert "/hooks/" in dumped
    assert hook["token"] not in dumped


def test_every_channel_of_the_integration_and_a_direct_message(rc_server, events):
    hook = make_hook(rc_server, channel="#general,@alice")
    assert requests.post(hook_url(rc_server, hook), json={"text": "fan out"}).json() == {
        "success": True
    }
    posted = [p["args"][0] for n, p in events if n == "stream-room-messages"]
    assert [m["msg"] for m in posted] == ["fan out", "fan out"]
    assert posted[0]["rid"] == "GENERAL"
    dm = runtime_of(rc_server.app).store.get("rooms", posted[1]["rid"])
    assert dm["t"] == "d" and sorted(dm["usernames"]) == ["alice", "helper-bot"]


def test_reply_in_a_thread(rc_server, events):
    hook = make_hook(rc_server)
    alice = login(rc_server, "alice")
    root = alice.chat_post_message("root", room_id="GENERAL")["message"]["_id"]
    answer = requests.post(hook_url(rc_server, hook), json={"text": "in thread", "tmid": root})
    assert answer.json() == {"success": True}
    reply = room_messages(events)[-1]
    assert reply["msg"] == "in thread" and reply["tmid"] == root
    assert runtime_of(rc_server.app).store.get("messages", reply["_id"])["tmid"] == root


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"text": 5}, "Match error: Expected string, got number in field msg"),
        ({"text": "a", "alias": 5}, "Match error: Expected string, got number in field alias"),
        ({"text": "a", "emoji": ["x"]}, "Match error: Expected string, got object in field emoji"),
        ({"text": "a", "attachments": [1]}, "Match error: Expected object in field attachments"),
        ({"text": "a", "customFields": 3}, "Match error: Expected object in field customFields"),
        ({"text": "a", "tmid": 4}, "error-invalid-message"),
    ],
)
def test_ill_typed_fields_are_refused_and_nothing_stored(rc_server, events, body, error):
    hook = make_hook(rc_server)
    answer = requests.post(hook_url(rc_server, hook), json=body)
    assert answer.status_code == 400
    assert answer.json() == {"success": False, "error": error}
    assert room_messages(events) == []


# -- scripts (``process_incoming_request`` in the sandbox) -------------------------------------


def scripted_hook(server, script):
    hook = make_hook(server, scriptEnabled=True, script=script)
    assert hook["scriptCompiled"] == script
    return hook


def test_a_script_rewrites_the_payload(rc_server, events):
    hook = scripted_hook(
        rc_server,
        """
        class Script {
          process_incoming_request({ request }) {
            Store.set('calls', (Store.get('calls') || 0) + 1);
            console.log('got', request.content);
            return {
              content: {
                text: `${request.content.event} by ${request.user.username} ` +
                  `(${request.headers['x-app']}, ${request.url.query.env}, ` +
                  `${request.url_params.token.length}, #${Store.get('calls')})`,
                alias: 'CI',
              },
            };
          }
        }
        """,
    )
    url = hook_url(rc_server, hook) + "?env=prod"
    for _ in range(2):
        answer = requests.post(url, json={"event": "build"}, headers={"X-App": "ci"}, timeout=5)
        assert answer.json() == {"success": True}
    first, second = room_messages(events)
    assert first["msg"] == "build by helper-bot (ci, prod, 48, #1)"
    assert second["msg"].endswith("#2)")  # Store keeps its values between runs
    assert first["alias"] == "CI" and first["bot"] == {"i": hook["_id"]}


@pytest.mark.parametrize(
    ("body", "answer"),
    [
        ("return;", {"success": True}),
        ("return { error: 'no such build' };", {"success": False, "error": "no such build"}),
        ("throw new Error('boom');", {"success": False, "error": "error-running-script"}),
        ("return { content: 'text' };", {"success": False, "error": "error-running-script"}),
    ],
)
def test_script_outcomes(rc_server, events, body, answer):
    hook = scripted_hook(rc_server, f"class Script {{ process_incoming_request() {{ {body} }} }}")
    raw = requests.post(hook_url(rc_server, hook), json={"text": "x"}, timeout=5)
    assert raw.json() == answer
    assert raw.status_code == (200 if answer["success"] else 400)
    assert room_messages(events) == []


def test_a_script_response_is_merged_into_the_answer(rc_server, events):
    hook = scripted_hook(
        rc_server,
        "class Script { process_incoming_request() {"
        " return { content: { text: 'ok' }, response: { handled: 1 } }; } }",
    )
    raw = requests.post(hook_url(rc_server, hook), json={}, timeout=5)
    assert raw.json() == {"handled": 1, "success": True}
    assert [m["msg"] for m in room_messages(events)] == ["ok"]


def test_a_script_without_the_class_answers_the_js_error(rc_server, events):
    hook = scripted_hook(rc_server, "class NotScript {}")
    raw = requests.post(hook_url(rc_server, hook), json={"text": "x"}, timeout=5)
    assert raw.json() == {"success": False, "error": "Script is not defined"}


def test_a_runaway_script_is_stopped(rc_server, events, monkeypatch):
    monkeypatch.setattr(scripts, "TIMEOUT_MS", 200)
    hook = scripted_hook(rc_server, "class Script { process_incoming_request() { for (;;) {} } }")
    raw = requests.post(hook_url(rc_server, hook), json={"text": "x"}, timeout=5)
    assert raw.json() == {"success": False, "error": "error-running-script"}
    hog = "const a = []; for (;;) a.push(new Array(1e5).fill(1));"
    hook = scripted_hook(rc_server, f"class Script {{ process_incoming_request() {{ {hog} }} }}")
    raw = requests.post(hook_url(rc_server, hook), json={"text": "x"}, timeout=5)
    assert raw.json() == {"success": False, "error": "error-running-script"}


def test_a_script_cannot_reach_the_network(rc_server, events):
    hook = scripted_hook(
        rc_server,
        "class Script { process_incoming_request() { return { content: { text:"
        " [typeof fetch, typeof require, typeof XMLHttpRequest, typeof process].join() } }; } }",
    )
    requests.post(hook_url(rc_server, hook), json={}, timeout=5)
    assert room_messages(events)[0]["msg"] == "undefined,undefined,undefined,undefined"


def test_a_script_that_does_not_compile_posts_the_payload(rc_server, events):
    hook = make_hook(rc_server, scriptEnabled=True, script="class Script {")
    assert "scriptCompiled" not in hook and hook["scriptError"]["name"] == "SyntaxError"
    requests.post(hook_url(rc_server, hook), json={"text": "as sent"}, timeout=5)
    assert [m["msg"] for m in room_messages(events)] == ["as sent"]


# -- the Zapier-era routes: sample, info, add, remove --------------------------------------------


def hook_route(server, route, hook, token=None):
    return f"{server.url}/hooks/{route}/{hook['_id']}/{token or hook['token']}"


def test_sample_and_info_answer_for_a_valid_integration_only(rc_server):
    hook = make_hook(rc_server)
    samples = requests.get(hook_route(rc_server, "sample", hook), timeout=10).json()
    assert [s["text"] for s in samples] == ["Sample text 1", "Sample text 2", "Sample text 3"]
    assert {s["user_name"] for s in samples} == {"rocket.cat"}
    assert all(len(s["token"]) == 24 for s in samples)
    info = requests.get(f"{rc_server.url}/hooks/info/{hook['_id']}/u/{hook['token']}")
    assert info.json() == {"success": True}
    refused = requests.get(hook_route(rc_server, "info", hook, token="nope"), timeout=10)
    assert refused.json()["error"] == "Invalid integration id or token provided."


def test_add_refuses_as_upstreams_validation_does(rc_server):
    body = {"event": "newMessageOnChannel", "target_url": "http://127.0.0.1:9/z", "name": "z"}
    as_bot = requests.post(hook_route(rc_server, "add", make_hook(rc_server)), json=body)
    assert as_bot.json()["errorType"] == "not_authorized"
    admin = login(rc_server, "admin")
    admin_hook = admin.integrations_create(
        "webhook-incoming", "admin hook", True, "admin", "#general", False
    )["integration"]
    # createIntegration passes no ``event`` on, so validateOutgoingIntegration refuses it
    refused = requests.post(hook_route(rc_server, "add", admin_hook), json=body)
    assert refused.json()["errorType"] == "error-invalid-event-type"
    other_event = requests.post(hook_route(rc_server, "add", admin_hook), json={"event": "x"})
    assert other_event.json() == {"success": True}


def test_remove_deletes_the_outgoing_integration_of_the_url(rc_server):
    admin = login(rc_server, "admin")
    admin_hook = admin.integrations_create(
        "webhook-incoming", "admin hook", True, "admin", "#general", False
    )["integration"]
    target = "http://127.0.0.1:9/zap"
    admin.integrations_create(
        "webhook-outgoing",
        "zap",
        True,
        "rocket.cat",
        "#general",
        False,
        urls=[target],
        event="sendMessage",
    )
    url = hook_route(rc_server, "remove", admin_hook)
    assert requests.post(url, json={"target_url": target}).json() == {"success": True}
    assert not runtime_of(rc_server.app).store.find("integrations", "urls", target)
    missing = requests.post(url, json={"target_url": target}).json()
    assert (missing["success"], missing["error"]) == (False, "integration-not-found")
