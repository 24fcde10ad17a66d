"""Interactive messages and dialogs against a real local app: a click POSTs the action's
payload to the app and applies its answer; the trigger id it carries opens a dialog whose
submission goes back to the app (``app/integration_action.go``)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest
import requests

from emulator.app import runtime_of
from tests import receiver as receiver_module
from tests.mattermost import test_websocket as ws
from tests.mattermost.clients import assert_error, raw
from tests.mattermost.test_channels import channel, login, team
from tests.mattermost.test_hooks import post_hook

TIMEOUT = 10


class App(receiver_module.Receiver):
    """The app under test: answers ``(status, JSON)`` set per path (200 and nothing else)."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: dict[str, tuple[int, object]] = {}

    def respond(self, request: dict) -> receiver_module.Reply:
        status, answer = self.answers.get(request["path"], (200, None))
        if answer is None:
            return status, b"", "application/json"
        return receiver_module.json_reply(answer, status)


@pytest.fixture
def app() -> Iterator[App]:
    with receiver_module.serving(App()) as a:
        yield a


@pytest.fixture
def admin(mm_server):
    return login(mm_server, "admin")


@pytest.fixture
def alice(mm_server):
    return login(mm_server, "alice")


@pytest.fixture
def eng(admin):
    return channel(admin, "engineering")


def button(app: App, path: str = "/action", **fields) -> dict:
    return {
        "name": "Approve",
        "type": "button",
        "integration": {"url": app.url + path, "context": {"ticket": 42}},
        **fields,
    }


def post_buttons(d, channel_id: str, *actions: dict, **fields) -> dict:
    attachment = {"text": "Deploy v2.4?", "actions": list(actions)}
    return d.posts.create_post(
        {"channel_id": channel_id, "message": "", "props": {"attachments": [attachment]}, **fields}
    )


def stored(server, post_id: str) -> dict:
    return runtime_of(server.app).store.get("posts", post_id)


def action_ids(post: dict) -> list[str]:
    return [a["id"] for a in post["props"]["attachments"][0]["actions"]]


def click(server, d, post_id: str, action_id: str, **body) -> requests.Response:
    return raw(server, d)("post", f"/posts/{post_id}/actions/{action_id}", json=body)


def test_button_click_round_trip_with_update(mm_server, app, admin, alice, eng, bus):
    post = post_buttons(admin, eng["id"], button(app))
    admin.posts.pin_post_to_channel(post["id"])
    (action_id,) = action_ids(post)
    app.answers["/action"] = (200, {"update": {"message": "Approved by @alice", "props": {}}})
    response = click(mm_server, alice, post["id"], action_id)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert list(answer) == ["status", "trigger_id"] and answer["status"] == "OK"
    (sent,) = app.requests
    assert sent["path"] == "/action"
    assert sent["headers"]["Content-Type"] == "application/json"
    payload = sent["json"]
    trigger_id = payload.pop("trigger_id")
    assert payload == {
        "user_id": alice.client.userid,
        "user_name": "alice",
        "channel_id": eng["id"],
        "channel_name": "engineering",
        "team_id": team(admin)["id"],
        "team_domain": "acme",
        "post_id": post["id"],
        "type": "button",
        "data_source": "",
        "context": {"ticket": 42},
    }
    # The signed trigger id names the client's id and the clicker.
    client_id, user_id, _, _ = base64.b64decode(trigger_id).decode().split(":")
    assert (client_id, user_id) == (answer["trigger_id"], alice.client.userid)
    updated = stored(mm_server, post["id"])
    assert updated["message"] == "Approved by @alice"
    assert updated["props"] == {}  # the app's props replace the post's
    assert updated["is_pinned"] is True  # kept whatever the app says
    assert updated["edit_at"] > 0
    edited = [json.loads(d["data"]["post"]) for name, d in bus if name == "post_edited"]
    assert edited[-1]["message"] == "Approved by @alice"


def test_update_without_props_keeps_them_and_retained_props_survive(mm_server, app, admin, eng):
    hook = admin.webhooks.create_incoming_hook({"channel_id": eng["id"], "display_name": "CI"})
    attachment = {"text": "Deploy?", "actions": [button(app)]}
    assert post_hook(mm_server, hook["id"], json={"attachments": [attachment]}).status_code == 200
    post = max(
        runtime_of(mm_server.app).store.find("posts", "channel_id", eng["id"]),
        key=lambda p: p["create_at"],
    )
    (action_id,) = action_ids(post)  # webhook buttons get ids too
    app.answers["/action"] = (200, {"update": {"message": "done"}})
    assert click(mm_server, admin, post["id"], action_id).status_code == 200
    assert stored(mm_server, post["id"])["props"] == post["props"]
    # Buttons an update brings get ids too (PreCommit runs on updates).
    fresh = {"text": "Rolled out", "actions": [button(app, name="Undo")]}
    app.answers["/action"] = (200, {"update": {"props": {"attachments": [fresh]}}})
    assert click(mm_server, admin, post["id"], action_id).status_code == 200
    updated = stored(mm_server, post["id"])
    (new_id,) = action_ids(updated)
    assert new_id and new_id != action_id
    assert updated["message"] == ""  # an update without a message empties it
    app.answers["/action"] = (200, {"update": {"message": "again", "props": {"x": "1"}}})
    assert click(mm_server, admin, post["id"], new_id).status_code == 200
    assert stored(mm_server, post["id"])["props"] == {
        "x": "1",
        "from_webhook": "true",  # PostActionRetainPropKeys
    }


def test_menu_sends_the_selected_option(mm_server, app, admin, eng):
    menu = button(
        app,
        type="select",
        options=[{"text": "Staging", "value": "stg"}, {"text": "Prod", "value": "prod"}],
    )
    post = post_buttons(admin, eng["id"], menu)
    (action_id,) = action_ids(post)
    assert click(mm_server, admin, post["id"], action_id, selected_option="prod").status_code == 200
    payload = app.requests[-1]["json"]
    assert payload["type"] == "select"
    assert payload["context"] == {"ticket": 42, "selected_option": "prod"}
    # The click's option never leaks into the stored action.
    stored_action = stored(mm_server, post["id"])["props"]["attachments"][0]["actions"][0]
    assert stored_action["integration"]["context"] == {"ticket": 42}


def test_ephemeral_text_goes_to_the_clicker_only(mm_server, app, admin, alice, eng, bus):
    post = post_buttons(admin, eng["id"], button(app), button(app, "/raw"))
    parsed, skipped = action_ids(post)
    app.answers["/action"] = (200, {"ephemeral_text": "See <https://x.io/r|the runbook>"})
    app.answers["/raw"] = (
        200,
        {"ephemeral_text": "<https://x.io|raw>", "skip_slack_parsing": True},
    )
    assert click(mm_server, alice, post["id"], parsed).status_code == 200
    assert click(mm_server, alice, post["id"], skipped).status_code == 200
    ephemeral = [d for name, d in bus if name == "ephemeral_message"]
    assert [d["broadcast"]["user_id"] for d in ephemeral] == [alice.client.userid] * 2
    first, second = (json.loads(d["data"]["post"]) for d in ephemeral)
    assert first["message"] == "See [the runbook](https://x.io/r)"
    assert second["message"] == "<https://x.io|raw>"
    assert first["type"] == "system_ephemeral"
    assert (first["user_id"], first["root_id"]) == (alice.client.userid, post["id"])
    assert runtime_of(mm_server.app).store.get("posts", first["id"]) is None
    assert stored(mm_server, post["id"])["message"] == ""  # no update asked


def test_click_errors(mm_server, app, admin, alice, eng):
    post = post_buttons(admin, eng["id"], button(app), button(app, "/broken"))
    ok, broken = action_ids(post)
    assert_error(
        click(mm_server, admin, post["id"], "nosuchaction"),
        404,
        "api.post.do_action.action_id.app_error",
    )
    # The route only takes alphanumeric action ids.
    assert_error(click(mm_server, admin, post["id"], "no_such"), 404, "api.context.404.app_error")
    missing = "a" * 26
    assert_error(click(mm_server, admin, missing, ok), 403, "api.context.permissions.app_error")
    app.answers["/broken"] = (500, {"error": "boom"})
    body = assert_error(
        click(mm_server, admin, post["id"], broken),
        400,
        "api.post.do_action.action_integration.app_error",
    )
    assert body["detailed_error"] == "status=500"
    # The whole answer decodes before anything is applied.
    app.answers["/action"] = (200, {"update": {"message": "changed"}, "ephemeral_text": 7})
    assert_error(
        click(mm_server, admin, post["id"], ok),
        400,
        "api.post.do_action.action_integration.app_error",
    )
    assert stored(mm_server, post["id"])["message"] == ""
    app.answers["/action"] = (200, "not an object")
    assert_error(
        click(mm_server, admin, post["id"], ok),
        400,
        "api.post.do_action.action_integration.app_error",
    )
    private = channel(admin, "leadership")
    secret = post_buttons(admin, private["id"], button(app))
    bob = login(mm_server, "bob")
    assert_error(
        click(mm_server, bob, secret["id"], action_ids(secret)[0]),
        403,
        "api.context.permissions.app_error",
    )
    unauthenticated = requests.post(
        f"{mm_server.url}/api/v4/posts/{post['id']}/actions/{ok}", timeout=TIMEOUT
    )
    assert_error(unauthenticated, 401, "api.context.session_expired.app_error")


def test_reads_strip_integrations_from_every_door(mm_server, app, admin, eng, bus):
    post = post_buttons(admin, eng["id"], button(app, id="approve"))
    assert "integration" not in post["props"]["attachments"][0]["actions"][0]  # create answer
    expected_action = {"id": "approve", "name": "Approve", "type": "button"}
    read = admin.posts.get_post(post["id"])
    assert read["props"]["attachments"][0]["actions"] == [expected_action]
    listed = admin.posts.get_posts_for_channel(eng["id"])["posts"][post["id"]]
    assert listed["props"]["attachments"][0]["actions"] == [expected_action]
    posted = [json.loads(d["data"]["post"]) for name, d in bus if name == "posted"]
    assert posted[-1]["props"]["attachments"][0]["actions"] == [expected_action]
    # The stored post keeps it: clicks still reach the app.
    stored_action = stored(mm_server, post["id"])["props"]["attachments"][0]["actions"][0]
    assert stored_action["integration"]["url"] == app.url + "/action"


def test_ephemeral_posts_buttons_get_ids_and_lose_integrations(mm_server, app, admin, eng, bus):
    attachment = {"text": "Only you", "actions": [button(app)]}
    body = {
        "user_id": admin.client.userid,
        "post": {"channel_id": eng["id"], "message": "", "props": {"attachments": [attachment]}},
    }
    answer = admin.posts.create_ephemeral_post(body)
    (action,) = answer["props"]["attachments"][0]["actions"]
    assert action["id"] and "integration" not in action
    (sent,) = [json.loads(d["data"]["post"]) for name, d in bus if name == "ephemeral_message"]
    assert sent["props"]["attachments"][0]["actions"] == [action]


def _trigger_id(mm_server, app, d, eng) -> str:
    post = post_buttons(d, eng["id"], button(app))
    assert click(mm_server, d, post["id"], action_ids(post)[0]).status_code == 200
    return app.requests[-1]["json"]["trigger_id"]


DIALOG = {
    "callback_id": "deploy",
    "title": "Deploy",
    "elements": [{"display_name": "Reason", "name": "reason", "type": "text"}],
}


def test_dialog_opens_in_the_clickers_clients(mm_server, app, admin, alice, eng, bus):
    trigger_id = _trigger_id(mm_server, app, alice, eng)
    client_id = base64.b64decode(trigger_id).decode().split(":")[0]
    request = {"trigger_id": trigger_id, "url": app.url + "/submit", "dialog": DIALOG}
    # No session needed: the trigger id is the credential.
    response = requests.post(
        f"{mm_server.url}/api/v4/actions/dialogs/open", json=request, timeout=TIMEOUT
    )
    assert (response.status_code, response.json()) == (200, {"status": "OK"})
    (opened,) = [d for name, d in bus if name == "open_dialog"]
    assert opened["broadcast"]["user_id"] == alice.client.userid
    dialog = json.loads(opened["data"]["dialog"])
    assert dialog["trigger_id"] == client_id
    assert dialog["url"] == app.url + "/submit"
    assert dialog["dialog"]["callback_id"] == "deploy"
    assert dialog["dialog"]["submit_label"] == ""  # every Dialog field, as Go marshals it
    assert dialog["dialog"]["elements"][0]["name"] == "reason"
    assert dialog["dialog"]["elements"][0]["optional"] is False


def test_dialog_open_refuses_bad_or_expired_trigger_ids(mm_server, app, admin, eng):
    def open_with(trigger_id, **fields):
        body = {"trigger_id": trigger_id, "url": app.url + "/submit", "dialog": DIALOG, **fields}
        return raw(mm_server)("post", "/actions/dialogs/open", json=body)

    prefix = "interactive_message.decode_trigger_id."
    assert_error(open_with("%%%"), 400, prefix + "base64_decode_failed")
    assert_error(open_with(base64.b64encode(b"a:b").decode()), 400, prefix + "missing_data")
    odd_stamp = base64.b64encode("a:b:\u00b2:AAAA".encode()).decode()  # a digit, not ASCII
    assert_error(open_with(odd_stamp), 400, prefix + "expired")
    trigger_id = _trigger_id(mm_server, app, admin, eng)
    client_id, user_id, stamp, _ = base64.b64decode(trigger_id).decode().split(":")
    forged = base64.b64encode(f"{client_id}:{user_id}:{stamp}:AAAA".encode()).decode()
    assert_error(open_with(forged), 400, prefix + "verify_signature_failed")
    assert_error(open_with(trigger_id, url=""), 400, "api.context.invalid_body_param.app_error")
    assert_error(open_with(trigger_id, dialog=[]), 400, "api.context.invalid_body_param.app_error")
    runtime_of(mm_server.app).clock.advance(31_000)  # OutgoingIntegrationRequestsTimeout is 30 s
    body = assert_error(open_with(trigger_id), 400, prefix + "expired")
    assert body["message"].endswith("Trigger IDs live for a maximum of 30s.")


def test_dialog_submit_posts_the_submission_and_returns_the_apps_errors(mm_server, app, admin, eng):
    app.answers["/submit"] = (200, {"errors": {"reason": "Too short"}, "ignored": 1})
    request = {
        "url": app.url + "/submit",
        "callback_id": "deploy",
        "state": "s1",
        "channel_id": eng["id"],
        "team_id": team(admin)["id"],
        "submission": {"reason": "x"},
    }
    response = raw(mm_server, admin)("post", "/actions/dialogs/submit", json=request)
    assert (response.status_code, response.json()) == (200, {"errors": {"reason": "Too short"}})
    assert app.requests[-1]["json"] == {
        "type": "dialog_submission",
        "callback_id": "deploy",
        "state": "s1",
        "user_id": admin.client.userid,
        "channel_id": eng["id"],
        "team_id": team(admin)["id"],
        "submission": {"reason": "x"},
        "cancelled": False,
    }
    app.answers["/submit"] = (200, None)
    response = raw(mm_server, admin)("post", "/actions/dialogs/submit", json=request)
    assert (response.status_code, response.json()) == (200, {})
    submit = raw(mm_server, admin)
    assert_error(
        submit("post", "/actions/dialogs/submit", json={**request, "url": ""}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    bob = login(mm_server, "bob")
    private = {**request, "channel_id": channel(admin, "leadership")["id"]}
    assert_error(
        raw(mm_server, bob)("post", "/actions/dialogs/submit", json=private),
        403,
        "api.context.permissions.app_error",
    )
    app.answers["/submit"] = (503, None)
    assert_error(
        submit("post", "/actions/dialogs/submit", json=request),
        400,
        "api.post.do_action.action_integration.app_error",
    )


def test_dialog_submit_needs_an_existing_channel(mm_server, app, admin):
    request = {"url": app.url + "/submit", "channel_id": "a" * 26, "team_id": team(admin)["id"]}
    assert_error(
        raw(mm_server, admin)("post", "/actions/dialogs/submit", json=request),
        404,
        "app.channel.get.existing.app_error",
    )
    assert app.requests == []


def test_dialog_lookup_returns_the_apps_items(mm_server, app, admin, eng):
    app.answers["/lookup"] = (200, {"items": [{"text": "Prod", "value": "prod"}]})
    request = {
        "url": app.url + "/lookup",
        "channel_id": eng["id"],
        "team_id": team(admin)["id"],
        "submission": {"selected_field": "env", "query": "pr"},
    }
    call = raw(mm_server, admin)
    response = call("post", "/actions/dialogs/lookup", json=request)
    assert (response.status_code, response.json()) == (
        200,
        {"items": [{"text": "Prod", "value": "prod"}]},
    )
    sent = app.requests[-1]["json"]
    assert sent["type"] == "dialog_lookup"
    assert sent["submission"] == {"selected_field": "env", "query": "pr"}
    app.answers["/lookup"] = (200, None)
    assert call("post", "/actions/dialogs/lookup", json=request).json() == {"items": None}
    assert_error(
        call("post", "/actions/dialogs/lookup", json={**request, "url": "ftp://x"}),
        400,
        "api.context.invalid_body_param.app_error",
    )


def test_pytest_plugin_clicks_a_button_as_a_user(mattermost, app):
    alice = mattermost.user("alice")
    headers = {"Authorization": f"Bearer {mattermost.admin.token}"}
    base = f"{mattermost.url}/api/v4"
    eng = requests.get(
        f"{base}/teams/name/acme/channels/name/engineering", headers=headers, timeout=TIMEOUT
    ).json()
    menu = button(app, type="select", options=[{"text": "Prod", "value": "prod"}])
    attachment = {"text": "Where?", "actions": [menu]}
    post = requests.post(
        f"{base}/posts",
        json={"channel_id": eng["id"], "message": "", "props": {"attachments": [attachment]}},
        headers=headers,
        timeout=TIMEOUT,
    ).json()
    response = mattermost.click_button(alice, post["id"], action_ids(post)[0], "prod")
    assert response.status_code == 200 and response.json()["status"] == "OK"
    payload = app.requests[-1]["json"]
    assert (payload["user_id"], payload["context"]["selected_option"]) == (alice.user_id, "prod")


def test_real_websockets_see_stripped_posts_and_the_dialog(mm_server, app, admin, alice, eng):
    """The same over real sockets: alice's socket gets the post without integrations and the
    dialog her click's trigger id opened; bob's gets the post but not her dialog."""
    alice_ws, _ = ws.connect(mm_server, "alice")
    bob_ws, _ = ws.connect(mm_server, "bob")
    try:
        post = post_buttons(admin, eng["id"], button(app, id="approve"))
        for socket in (alice_ws, bob_ws):
            sent = json.loads(socket.next_event("posted")["data"]["post"])
            assert sent["props"]["attachments"][0]["actions"] == [
                {"id": "approve", "name": "Approve", "type": "button"}
            ]
        assert click(mm_server, alice, post["id"], "approve").status_code == 200
        trigger_id = app.requests[-1]["json"]["trigger_id"]
        request = {"trigger_id": trigger_id, "url": app.url + "/submit", "dialog": DIALOG}
        opened = raw(mm_server)("post", "/actions/dialogs/open", json=request)
        assert opened.status_code == 200
        frame = alice_ws.next_event("open_dialog")
        assert json.loads(frame["data"]["dialog"])["dialog"]["title"] == "Deploy"
        assert [f for f in bob_ws.silent() if f.get("event") == "open_dialog"] == []
    finally:
        alice_ws.close()
        bob_ws.close()
