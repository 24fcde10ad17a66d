"""Outgoing webhooks firing: a post triggers a call to a real local receiver, whose answer
becomes a webhook post (``handleWebhookEvents``/``TriggerWebhook``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest

from emulator.app import runtime_of
from tests import receiver as receiver_module
from tests.mattermost.test_channels import channel, login, team
from tests.mattermost.test_hooks import last_post, post_hook
from tests.mattermost.test_webhooks import set_service

TIMEOUT = 10


class Receiver(receiver_module.Receiver):
    """The app under test: answers with ``answer`` (JSON) or nothing."""

    answer: dict | None = None

    def respond(self, request: dict) -> receiver_module.Reply:
        return receiver_module.json_reply(self.answer) if self.answer else receiver_module.EMPTY


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_module.serving(Receiver()) as r:
        yield r


@pytest.fixture
def admin(mm_server):
    return login(mm_server, "admin")


@pytest.fixture
def eng(admin):
    return channel(admin, "engineering")


def make_hook(admin, receiver, path="/hook", **fields):
    return admin.webhooks.create_outgoing_hook(
        {
            "team_id": team(admin)["id"],
            "callback_urls": [receiver.url + path],
            "display_name": "Deployer",
            **fields,
        }
    )


def say(admin, channel_id, message, **fields):
    return admin.posts.create_post({"channel_id": channel_id, "message": message, **fields})


def settle(server) -> None:
    """Every call the posts so far queued has run, answers and their posts included."""
    assert runtime_of(server.app).callouts.wait_idle(TIMEOUT)


def expected_payload(admin, hook, post, channel, trigger_word, timestamp):
    return {
        "token": hook["token"],
        "team_id": hook["team_id"],
        "team_domain": "acme",
        "channel_id": channel["id"],
        "channel_name": channel["name"],
        "timestamp": timestamp,
        "user_id": admin.client.userid,
        "user_name": "admin",
        "post_id": post["id"],
        "text": post["message"],
        "trigger_word": trigger_word,
        "file_ids": "",
    }


def test_exact_first_word_sends_the_form_payload(mm_server, admin, eng, receiver):
    hook = make_hook(admin, receiver, trigger_words=["deploy"])
    say(admin, eng["id"], "deployment soon")  # first word must equal a trigger word
    say(admin, eng["id"], "now deploy")  # only the first word counts
    settle(mm_server)
    assert receiver.requests == []
    post = say(admin, eng["id"], "deploy  api now")
    (request,) = receiver.wait_for(1)
    assert request["path"] == "/hook"
    assert request["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert request["headers"]["Accept"] == "application/json"
    form = {k: v[0] for k, v in parse_qs(request["body"].decode(), keep_blank_values=True).items()}
    # Form values carry the timestamp in seconds (``ToFormValues``).
    want = expected_payload(admin, hook, post, eng, "deploy", str(post["create_at"] // 1000))
    assert form == want


def test_starts_with_sends_the_json_payload(mm_server, admin, eng, receiver):
    hook = make_hook(
        admin, receiver, trigger_words=["dep"], trigger_when=1, content_type="application/json"
    )
    say(admin, eng["id"], "undeploy")
    settle(mm_server)
    assert receiver.requests == []
    post = say(admin, eng["id"], "deployment of api")
    (request,) = receiver.wait_for(1)
    assert request["headers"]["Content-Type"] == "application/json"
    # JSON carries the timestamp in milliseconds.
    want = expected_payload(admin, hook, post, eng, "dep", post["create_at"])
    assert json.loads(request["body"]) == want


def test_channel_filter_and_public_channels_only(mm_server, admin, eng, receiver):
    make_hook(admin, receiver, "/eng", channel_id=eng["id"])  # every post of one channel
    make_hook(admin, receiver, "/team", trigger_words=["deploy"])  # team-wide, by word
    town = channel(admin, "town-square")
    secret = admin.channels.create_channel(
        {"team_id": team(admin)["id"], "name": "secret", "display_name": "S", "type": "P"}
    )
    say(admin, secret["id"], "deploy in private")
    say(admin, town["id"], "hello town")
    settle(mm_server)
    assert receiver.requests == []
    say(admin, eng["id"], "hello eng")
    say(admin, town["id"], "deploy town")
    settle(mm_server)
    calls = {
        r["path"]: parse_qs(r["body"].decode(), keep_blank_values=True) for r in receiver.requests
    }
    assert sorted(calls) == ["/eng", "/team"]
    assert (calls["/eng"]["text"], calls["/eng"]["trigger_word"]) == (["hello eng"], [""])
    assert (calls["/team"]["channel_name"], calls["/team"]["trigger_word"]) == (
        ["town-square"],
        ["deploy"],
    )


def test_json_answer_becomes_a_webhook_post(mm_server, admin, eng, receiver, bus):
    make_hook(admin, receiver, trigger_words=["deploy"])
    # Its text starts with the trigger word: the loop guard keeps it from calling again.
    receiver.answer = {
        "text": "deploy done <!channel>",
        "props": {"build": 7},
        "attachments": [{"text": "green", "title": "CI"}],
    }
    trigger = say(admin, eng["id"], "deploy api")
    receiver.wait_for(1)
    settle(mm_server)
    assert len(receiver.requests) == 1
    reply = last_post(mm_server, eng["id"])
    assert reply["id"] != trigger["id"]
    assert (reply["user_id"], reply["root_id"]) == (admin.client.userid, "")
    assert reply["message"] == "deploy done @channel"
    assert reply["type"] == "slack_attachment"
    assert reply["props"] == {
        "from_webhook": "true",
        "webhook_display_name": "Deployer",
        "build": 7,
        "attachments": [{"text": "green", "title": "CI"}],
    }
    posted = [json.loads(data["data"]["post"])["id"] for name, data in bus if name == "posted"]
    assert posted == [trigger["id"], reply["id"]]


def test_comment_answer_replies_in_the_thread(mm_server, admin, eng, receiver):
    make_hook(admin, receiver, trigger_words=["deploy"])
    receiver.answer = {"text": "on it", "response_type": "comment"}
    trigger = say(admin, eng["id"], "deploy api")
    receiver.wait_for(1)
    settle(mm_server)
    reply = last_post(mm_server, eng["id"])
    assert (reply["message"], reply["root_id"]) == ("on it", trigger["id"])
    assert reply["props"]["from_webhook"] == "true"


def test_webhook_and_bot_posts_trigger_nothing(mm_server, admin, eng, receiver):
    make_hook(admin, receiver, trigger_words=["deploy"])
    set_service(mm_server, EnableIncomingWebhooks=True)
    incoming = admin.webhooks.create_incoming_hook({"channel_id": eng["id"]})
    assert post_hook(mm_server, incoming["id"], json={"text": "deploy from ci"}).status_code == 200
    say(admin, eng["id"], "deploy from a bot", props={"from_bot": "true"})
    settle(mm_server)
    assert receiver.requests == []


def test_each_call_is_journaled(mm_server, admin, eng, receiver):
    make_hook(admin, receiver, trigger_words=["deploy"], content_type="application/json")
    receiver.answer = {"text": "ok"}
    say(admin, eng["id"], "deploy api")
    settle(mm_server)
    entries = runtime_of(mm_server.app).journal.query(method="POST", path=receiver.url + "/hook")
    (entry,) = [e for e in entries if e["kind"] == "callback"]
    assert entry["status"] == 200
    assert entry["error"] is None
    assert json.loads(entry["response"]) == {"text": "ok"}
    # The hook's token is a secret: the journal never holds it.
    assert json.loads(receiver.requests[0]["body"])["token"] not in entry["body"]
