"""Running slash commands: custom commands calling a real local app (POST form or GET query),
their answers (ephemeral, in_channel, extra responses, delayed through ``response_url``), the
built-ins' answers and side effects, and the command lists (``api4/command.go``,
``app/command.go``, ``app/slashcommands``)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from mattermostdriver.exceptions import ResourceNotFound

from emulator.app import runtime_of
from tests.mattermost.test_channels import assert_error, call, channel, login, team, user_id
from tests.mattermost.test_webhooks import set_service

TIMEOUT = 10


class App:
    """The app under test: records every request; answers ``status``/``content_type``/``body``."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status, self.content_type, self.body = 200, "application/json", b"{}"
        app = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                app.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body,
                    }
                )
                self.send_response(app.status)
                self.send_header("Content-Type", app.content_type)
                self.send_header("Content-Length", str(len(app.body)))
                self.end_headers()
                self.wfile.write(app.body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, response: dict | str, status: int = 200) -> None:
        if isinstance(response, dict):
            self.content_type, self.body = "application/json", json.dumps(response).encode()
        else:
            self.content_type, self.body = "text/plain", response.encode()
        self.status = status

    def form(self, index: int = -1) -> dict[str, list[str]]:
        request = self.requests[index]
        raw = urlsplit(request["path"]).query if request["method"] == "GET" else request["body"]
        text = raw if isinstance(raw, str) else raw.decode()
        return parse_qs(text, keep_blank_values=True)


@pytest.fixture
def app() -> Iterator[App]:
    a = App()
    threading.Thread(target=a.server.serve_forever, daemon=True).start()
    yield a
    a.server.shutdown()
    a.server.server_close()


@pytest.fixture
def admin(mm_server):
    return login(mm_server, "admin")


@pytest.fixture
def eng(admin):
    return channel(admin, "engineering")


def new_command(d, app: App, trigger: str = "deploy", **extra) -> dict:
    return d.commands.create_command(
        {
            "team_id": team(d)["id"],
            "trigger": trigger,
            "method": "P",
            "url": app.url + "/cmd",
            **extra,
        }
    )


def run(server, d, channel_id: str, command: str, **extra) -> requests.Response:
    body = {"channel_id": channel_id, "command": command, **extra}
    return call(server, d, "POST", "/commands/execute", json=body)


def posts_of(server, channel_id: str) -> list[dict]:
    return runtime_of(server.app).store.find("posts", "channel_id", channel_id)


def named(bus, name: str) -> list[dict]:
    return [p for n, p in bus if n == name]


EMPTY_RESPONSE = {
    "response_type": "",
    "text": "",
    "username": "",
    "channel_id": "",
    "icon_url": "",
    "type": "",
    "props": None,
    "goto_location": "",
    "trigger_id": "",
    "skip_slack_parsing": False,
    "attachments": None,
    "extra_responses": None,
}


# -- custom commands -----------------------------------------------------------------------------


def test_post_command_sends_the_form_and_its_ephemeral_answer_reaches_the_caller_only(
    mm_server, admin, eng, app, bus
):
    command = new_command(admin, app)
    app.answer({"response_type": "ephemeral", "text": f"deploying <@{admin.client.userid}>"})
    before = len(posts_of(mm_server, eng["id"]))
    response = admin.commands.execute_command(
        {"channel_id": eng["id"], "command": "/Deploy  api @bob ~town-square"}
    )
    (request,) = app.requests
    assert (request["method"], request["path"]) == ("POST", "/cmd")
    assert request["headers"]["Authorization"] == "Token " + command["token"]
    assert request["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert request["headers"]["Accept"] == "application/json"
    form = app.form()
    hook_id = form.pop("response_url")[0].rsplit("/", 1)[1]
    trigger_id = form.pop("trigger_id")[0]
    assert form == {
        "channel_id": [eng["id"]],
        "channel_mentions": ["town-square"],
        "channel_mentions_ids": [channel(admin, "town-square")["id"]],
        "channel_name": ["engineering"],
        "command": ["/deploy"],
        "root_id": [""],
        "team_domain": ["acme"],
        "team_id": [team(admin)["id"]],
        # The message starts one character after the trigger, as upstream cuts it.
        "text": [" api @bob ~town-square"],
        "token": [command["token"]],
        "user_id": [admin.client.userid],
        "user_mentions": ["bob"],
        "user_mentions_ids": [user_id(admin, "bob")],
        "user_name": ["admin"],
    }
    assert len(hook_id) == 26 and len(trigger_id) > 26
    # The caller's answer carries the client's trigger id, not the one the app got.
    assert response["trigger_id"] and response["trigger_id"] != trigger_id
    assert response == {
        **EMPTY_RESPONSE,
        "response_type": "ephemeral",
        "text": "deploying @admin",
        "trigger_id": response["trigger_id"],
    }
    (event,) = named(bus, "ephemeral_message")
    assert event["broadcast"]["user_id"] == admin.client.userid
    assert event["broadcast"]["channel_id"] == eng["id"]
    post = json.loads(event["data"]["post"])
    assert (post["message"], post["type"]) == ("deploying @admin", "system_ephemeral")
    assert post["props"] == {"from_webhook": "true"}
    assert len(posts_of(mm_server, eng["id"])) == before  # never stored
    assert named(bus, "posted") == []


def test_get_command_sends_its_fields_in_the_query(mm_server, admin, eng, app):
    command = new_command(admin, app, method="G", url=app.url + "/cmd?fixed=1")
    app.answer("plain words")
    response = run(mm_server, admin, eng["id"], "/deploy now").json()
    (request,) = app.requests
    assert request["method"] == "GET" and request["body"] == b""
    assert "Content-Type" not in request["headers"]
    assert request["headers"]["Authorization"] == "Token " + command["token"]
    form = app.form()
    assert form["fixed"] == ["1"] and form["text"] == ["now"] and form["command"] == ["/deploy"]
    # A body that is not JSON is the answer's text.
    assert (response["response_type"], response["text"]) == ("", "plain words")


def test_in_channel_answer_and_extra_responses_become_posts(mm_server, admin, eng, app, bus):
    set_service(mm_server, EnablePostUsernameOverride=True)
    new_command(admin, app, username="deploybot")
    app.answer(
        {
            "response_type": "in_channel",
            "text": "see <https://x.example|the log>",
            "username": "ignored",
            "props": {"k": "v"},
            "goto_location": "https://x.example/go",
            "extra_responses": [
                {"response_type": "in_channel", "text": "second", "skip_slack_parsing": True},
                {"text": "only you", "attachments": [{"text": "a <https://y.example|y>"}]},
            ],
        }
    )
    response = run(mm_server, admin, eng["id"], "/deploy").json()
    assert response["goto_location"] == "https://x.example/go"
    posted = [json.loads(p["data"]["post"]) for p in named(bus, "posted")]
    assert [p["message"] for p in posted] == ["see [the log](https://x.example)", "second"]
    first, second = posted
    # The command's own username wins over the answer's; from_webhook marks a custom answer.
    assert first["props"] == {"k": "v", "override_username": "deploybot", "from_webhook": "true"}
    assert first["user_id"] == admin.client.userid
    assert second["props"] == {"override_username": "deploybot", "from_webhook": "true"}
    (ephemeral,) = named(bus, "ephemeral_message")
    post = json.loads(ephemeral["data"]["post"])
    assert post["message"] == "only you"
    assert post["props"]["attachments"] == [{"text": "a [y](https://y.example)"}]
    stored = {p["id"] for p in posts_of(mm_server, eng["id"])}
    assert {first["id"], second["id"]} <= stored


def test_answer_into_another_channel_needs_membership(mm_server, admin, eng, app):
    new_command(admin, app)
    alice = login(mm_server)
    hideout = alice.channels.create_channel(
        {"team_id": team(alice)["id"], "name": "hideout", "display_name": "H", "type": "P"}
    )
    app.answer({"response_type": "in_channel", "text": "x", "channel_id": hideout["id"]})
    assert_error(
        run(mm_server, admin, eng["id"], "/deploy"),
        500,
        "api.command.execute_command.create_post_failed.app_error",
    )
    assert all(p["message"] != "x" for p in posts_of(mm_server, hideout["id"]))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_failing_apps_answer_the_real_errors(mm_server, admin, eng, app):
    new_command(admin, app)
    app.answer("nope", status=404)
    failed = run(mm_server, admin, eng["id"], "/deploy")
    assert_error(failed, 500, "api.command.execute_command.failed_resp.app_error")
    assert failed.json()["message"] == (
        "Command with a trigger of 'deploy' returned response 404 Not Found."
    )
    assert failed.json()["detailed_error"] == "nope"
    app.status, app.content_type, app.body = 200, "application/json", b'{"text": 5}'
    assert_error(
        run(mm_server, admin, eng["id"], "/deploy"),
        500,
        "api.command.execute_command.failed.app_error",
    )
    new_command(admin, app, trigger="gone", url=f"http://127.0.0.1:{closed_port()}/x")
    gone = run(mm_server, admin, eng["id"], "/gone")
    assert_error(gone, 500, "api.command.execute_command.failed.app_error")
    assert gone.json()["message"] == "Command with a trigger of 'gone' failed."


# -- response_url ------------------------------------------------------------------------------


def test_response_url_takes_five_answers_for_thirty_minutes(mm_server, admin, eng, app, bus):
    new_command(admin, app)
    app.answer({})
    rt = runtime_of(mm_server.app)
    rt.clock.freeze()  # the 30 minutes are counted on the emulator clock
    root = admin.posts.create_post({"channel_id": eng["id"], "message": "thread"})
    assert run(mm_server, admin, eng["id"], "/deploy", root_id=root["id"]).status_code == 200
    response_url = app.form()["response_url"][0]
    assert response_url.startswith(mm_server.url + "/hooks/commands/")
    for n in range(5):
        sent = requests.post(
            response_url, json={"response_type": "in_channel", "text": f"step {n}"}, timeout=10
        )
        assert (sent.status_code, sent.text) == (200, "ok")
        assert sent.headers["Content-Type"].startswith("text/plain")
    posted = [json.loads(p["data"]["post"]) for p in named(bus, "posted")][1:]
    assert [p["message"] for p in posted] == [f"step {n}" for n in range(5)]
    assert {p["root_id"] for p in posted} == {root["id"]}
    assert all(p["props"] == {"from_webhook": "true"} for p in posted)
    hook_id = response_url.rsplit("/", 1)[1]
    used_up = requests.post(response_url, json={"text": "six"}, timeout=10)
    assert_error(used_up, 400, "web.command_webhook.general.app_error")
    assert used_up.json()["message"] == f"Failed to handle command webhook {hook_id}."
    assert used_up.json()["detailed_error"] == "HandleCommandWebhook: Invalid webhook."

    assert run(mm_server, admin, eng["id"], "/deploy").status_code == 200
    fresh = app.form()["response_url"][0]
    rt.clock.advance(30 * 60 * 1000 - 1)
    assert requests.post(fresh, data="still in time", timeout=10).status_code == 200
    assert named(bus, "ephemeral_message")[-1]["data"]["post"].count("still in time") == 1
    rt.clock.advance(1)
    expired = requests.post(fresh, json={"text": "late"}, timeout=10)
    assert_error(expired, 404, "web.command_webhook.general.app_error")
    assert expired.json()["detailed_error"] == "HandleCommandWebhook: Unable to find the webhook."


def test_response_url_errors(mm_server):
    unknown = requests.post(f"{mm_server.url}/hooks/commands/{'x' * 26}", json={}, timeout=10)
    assert_error(unknown, 404, "web.command_webhook.general.app_error")
    bad = requests.post(
        f"{mm_server.url}/hooks/commands/{'x' * 26}",
        data="{not json",
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert_error(bad, 400, "web.command_webhook.parse.app_error")
    assert bad.json()["message"] == f"Unable to parse incoming data for webhook {'x' * 26}."


# -- executeCommand's own checks -----------------------------------------------------------------


def test_execute_validation_and_permissions(mm_server, admin, eng):
    alice = login(mm_server)
    for body in (
        {"channel_id": eng["id"], "command": "echo"},
        {"channel_id": "x", "command": "/e"},
    ):
        assert_error(
            call(mm_server, admin, "POST", "/commands/execute", json=body),
            400,
            "api.command.execute_command.start.app_error",
        )
    assert_error(
        call(mm_server, admin, "POST", "/commands/execute", json={"command": 5}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    hideout = alice.channels.create_channel(
        {"team_id": team(alice)["id"], "name": "hideout", "display_name": "H", "type": "P"}
    )
    bob = login(mm_server, "bob")
    refused = run(mm_server, bob, hideout["id"], "/echo hi")
    assert_error(refused, 403, "api.context.permissions.app_error")
    assert refused.json()["detailed_error"].endswith("permission=use_slash_commands")
    unknown = run(mm_server, admin, eng["id"], "/Nope at all")
    assert_error(unknown, 404, "api.command.execute_command.not_found.app_error")
    assert unknown.json()["message"].startswith("Command with a trigger of 'nope' not found.")
    with pytest.raises(ResourceNotFound):
        admin.commands.execute_command({"channel_id": eng["id"], "command": "/nope"})
    set_service(mm_server, EnableCommands=False)
    assert_error(
        run(mm_server, admin, eng["id"], "/echo hi"), 501, "api.command.disabled.app_error"
    )
    set_service(mm_server, EnableCommands=True)
    admin.channels.delete_channel(eng["id"])
    assert_error(
        run(mm_server, admin, eng["id"], "/echo hi"),
        400,
        "api.command.execute_command.deleted.error",
    )


# -- built-ins ---------------------------------------------------------------------------------


def test_message_builtins(mm_server, admin, eng, bus):
    assert run(mm_server, admin, eng["id"], "/echo hello there").json() == EMPTY_RESPONSE
    assert run(mm_server, admin, eng["id"], '/echo "two words" 0').status_code == 200
    me = run(mm_server, admin, eng["id"], "/me waves").json()
    assert (me["response_type"], me["type"], me["text"]) == ("in_channel", "me", "*waves*")
    run(mm_server, admin, eng["id"], "/shrug oh well")
    run(mm_server, admin, eng["id"], "/code a\nb")
    posted = [json.loads(p["data"]["post"]) for p in named(bus, "posted")]
    assert [(p["message"], p["type"]) for p in posted] == [
        ("hello there", ""),
        ("two words", ""),
        ("*waves*", "me"),
        ("oh well ¯\\\\\\_(ツ)\\_/¯", ""),
        ("    a\n    b", ""),
    ]
    assert all(p["props"] == {} for p in posted)  # built-ins are no integration's posts
    texts = {
        "/echo": "A message must be provided with the /echo command.",
        "/echo hi 10001": "Delays must be under 10000 seconds.",
        "/code": "A message must be provided with the /code command.",
        "/search x": "The search command is not supported on your device.",
    }
    for command, text in texts.items():
        answer = run(mm_server, admin, eng["id"], command).json()
        assert (answer["response_type"], answer["text"]) == ("ephemeral", text)
    helped = run(mm_server, admin, eng["id"], "/help").json()["text"]
    assert helped.endswith("[View documentation and guides](https://mattermost.com/pl/help/)")


def test_status_builtins(mm_server, admin, eng, bus):
    texts = {
        "away": "You are now away",
        "dnd": "Do Not Disturb is enabled. You will not receive desktop or mobile push"
        " notifications until Do Not Disturb is turned off.",
        "offline": "You are now offline",
        "online": "You are now online",
    }
    for status, text in texts.items():
        answer = run(mm_server, admin, eng["id"], "/" + status).json()
        assert (answer["response_type"], answer["text"]) == ("ephemeral", text)
        assert admin.status.get_user_status(admin.client.userid)["status"] == status
    changes = [p["data"] for p in named(bus, "status_change")]
    assert [c["status"] for c in changes] == list(texts)


def test_channel_builtins(mm_server, admin, eng, bus):
    bob_id = user_id(admin, "bob")
    town = channel(admin, "town-square")
    sandbox = admin.channels.create_channel(
        {"team_id": team(admin)["id"], "name": "sandbox", "display_name": "Sandbox", "type": "O"}
    )
    bob = login(mm_server, "bob")
    joined = run(mm_server, bob, town["id"], "/join ~sandbox").json()
    assert joined["goto_location"] == f"{mm_server.url}/acme/channels/sandbox"
    assert any(p["data"]["user_id"] == bob_id for p in named(bus, "user_added"))
    assert run(mm_server, bob, town["id"], "/join ~nowhere").json()["text"] == (
        "An error occurred while listing channels."
    )
    left = run(mm_server, bob, sandbox["id"], "/leave").json()
    assert left["goto_location"] == f"{mm_server.url}/acme/channels/town-square"
    assert run(mm_server, bob, town["id"], "/leave").json()["text"] == (
        "Unable to leave the default channel town-square."
    )
    run(mm_server, admin, sandbox["id"], "/header New *header*")
    run(mm_server, admin, sandbox["id"], "/purpose For tests")
    run(mm_server, admin, sandbox["id"], "/rename Sand Box")
    got = admin.channels.get_channel(sandbox["id"])
    assert (got["header"], got["purpose"], got["display_name"]) == (
        "New *header*",
        "For tests",
        "Sand Box",
    )
    assert len(named(bus, "channel_updated")) == 3
    assert run(mm_server, admin, sandbox["id"], "/header " + "x" * 1025).json()["text"] == (
        "The text entered exceeds the character limit. The channel header is limited to 1024"
        " characters."
    )
    direct = admin.channels.create_direct_message_channel([admin.client.userid, bob_id])
    # In a direct channel the team is the caller's to name; without one no command runs.
    assert_error(
        run(mm_server, bob, direct["id"], "/rename Mine"), 403, "api.context.permissions.app_error"
    )
    renamed = run(mm_server, bob, direct["id"], "/rename Mine", team_id=team(admin)["id"])
    assert renamed.json()["text"] == "Unable to rename direct message channels."
    invited = run(mm_server, admin, sandbox["id"], "/invite @bob").json()
    assert (invited["response_type"], invited["text"]) == ("ephemeral", "")
    assert run(mm_server, admin, sandbox["id"], "/invite @bob").json()["text"] == (
        "@bob is already in the channel."
    )
    assert (
        run(mm_server, admin, sandbox["id"], "/invite @nobody")
        .json()["text"]
        .startswith("We couldn't find the user nobody.")
    )
    assert run(mm_server, admin, sandbox["id"], "/kick @bob").json() == EMPTY_RESPONSE
    removed = [p["data"] for p in named(bus, "user_removed") if "user_id" in p["data"]]
    assert removed[-1] == {"user_id": bob_id, "remover_id": admin.client.userid}
    assert run(mm_server, admin, sandbox["id"], "/remove @bob").json()["text"] == (
        "bob is not a member of this channel."
    )
    muted = run(mm_server, admin, sandbox["id"], "/mute").json()["text"]
    assert (
        muted == "You will not receive notifications for Sand Box until channel mute is turned off."
    )
    member = admin.channels.get_channel_member(sandbox["id"], admin.client.userid)
    assert member["notify_props"]["mark_unread"] == "mention"
    assert run(mm_server, admin, eng["id"], "/mute ~sandbox").json()["text"] == (
        "Sand Box is no longer muted."
    )


def test_msg_builtin_opens_the_direct_channel(mm_server, admin, eng, bus):
    bob_id = user_id(admin, "bob")
    answer = run(mm_server, admin, eng["id"], "/msg @bob psst").json()
    name = "__".join(sorted((admin.client.userid, bob_id)))
    assert answer["goto_location"] == f"{mm_server.url}/acme/channels/{name}"
    (posted,) = named(bus, "posted")
    assert json.loads(posted["data"]["post"])["message"] == "psst"
    assert posted["data"]["channel_name"] == name
    assert run(mm_server, admin, eng["id"], "/msg @admin hi").json()["text"] == (
        "Unable to find the user."
    )


# -- command lists ------------------------------------------------------------------------------


def test_lists_and_suggestions_include_the_built_ins(mm_server, admin, app):
    t = team(admin)
    new_command(admin, app, trigger="deploy", auto_complete=True, auto_complete_hint="[env]")
    auto = call(mm_server, admin, "GET", f"/teams/{t['id']}/commands/autocomplete").json()
    assert auto[0]["trigger"] == "deploy" and auto[0]["token"] == "" and auto[0]["url"] == ""
    assert {"echo", "me", "shrug", "join", "invite", "kick"} <= {c["trigger"] for c in auto}
    alice = login(mm_server)
    listed = alice.commands.list_commands_for_team({"team_id": t["id"]})
    assert [c["trigger"] for c in listed] == [c["trigger"] for c in auto]
    suggestions = call(
        mm_server,
        admin,
        "GET",
        f"/teams/{t['id']}/commands/autocomplete_suggestions",
        params={"user_input": "/de"},
    ).json()
    assert suggestions == [
        {
            "Complete": "deploy",
            "Suggestion": "deploy",
            "Hint": "[env]",
            "Description": "",
            "IconData": "",
        }
    ]
    assert_error(
        call(mm_server, admin, "GET", f"/teams/{t['id']}/commands/autocomplete_suggestions"),
        400,
        "api.context.invalid_param.app_error",
    )
    assert_error(
        call(
            mm_server,
            admin,
            "POST",
            "/commands",
            json={"team_id": t["id"], "trigger": "Echo", "method": "P", "url": app.url},
        ),
        400,
        "api.command.duplicate_trigger.app_error",
    )


def wait_until(predicate, timeout: float = TIMEOUT) -> None:
    deadline, tick = time.monotonic() + timeout, threading.Event()
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        tick.wait(0.01)


def test_echo_delay_posts_later_and_a_reset_cancels_it(mm_server, admin, eng, bus):
    rt = runtime_of(mm_server.app)
    assert run(mm_server, admin, eng["id"], "/echo later 1").json() == EMPTY_RESPONSE
    assert named(bus, "posted") == [] and rt.store.count("echo_jobs") == 1
    wait_until(lambda: named(bus, "posted"))
    (posted,) = named(bus, "posted")
    assert json.loads(posted["data"]["post"])["message"] == "later"
    assert rt.store.count("echo_jobs") == 0
    run(mm_server, admin, eng["id"], "/echo never 1")
    rt.reset()
    assert rt.store.count("echo_jobs") == 0
    # The cancelled echo's timer still fires, finds no job and posts nothing.
    for timer in [t for t in threading.enumerate() if isinstance(t, threading.Timer)]:
        timer.join(TIMEOUT)
    assert all("never" not in p["message"] for p in posts_of(mm_server, eng["id"]))


def test_answers_without_text_post_nothing(mm_server, admin, eng, app, bus):
    new_command(admin, app)
    app.content_type, app.body = "application/json", b"null"
    assert run(mm_server, admin, eng["id"], "/deploy").json()["text"] == ""
    app.answer({"response_type": "in_channel", "attachments": [{"text": "only this"}]})
    run(mm_server, admin, eng["id"], "/deploy")
    (posted,) = [json.loads(p["data"]["post"]) for p in named(bus, "posted")]
    assert (posted["message"], posted["type"]) == ("", "slack_attachment")
    assert posted["props"]["attachments"] == [{"text": "only this"}]
    assert named(bus, "ephemeral_message") == []
    app.answer({"response_type": "in_channel", "type": "system_join_channel", "text": "x"})
    assert_error(
        run(mm_server, admin, eng["id"], "/deploy"),
        500,
        "api.command.execute_command.create_post_failed.app_error",
    )
