"""Slash commands: ``commands.list/get/run/preview`` over REST and ``slashCommand`` over DDP;
each built-in's effect read back over REST, and its realtime events on DDP."""

from __future__ import annotations

import json

import pytest

from emulator.app import runtime_of
from tests.rocketchat.clients import call
from tests.rocketchat.test_ddp import Ddp, room_id

BOT = {"_id": "rocket.cat", "username": "rocket.cat"}


@pytest.fixture
def ddp(rc_server):
    clients: list[Ddp] = []

    def make() -> Ddp:
        clients.append(Ddp(rc_server))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def run(client, command: str, room: str, params: str | None = None, **extra) -> dict:
    body = {"command": command, "roomId": room, **extra}
    if params is not None:
        body["params"] = params
    return call(client, "POST", "commands.run", json=body)


def listening(ddp, username: str, *streams: tuple[str, str]) -> Ddp:
    client = ddp()
    client.login(username)
    for name, event in streams:
        assert client.sub(name, event, False)["msg"] == "ready"
    return client


def next_event(client: Ddp, stream: str) -> dict:
    """The next event of ``stream``; other streams' events stay queued, in order."""
    others = []
    while True:
        message = client.next_msg("changed")
        if message["collection"] == stream:
            client.backlog[:0] = others
            return message["fields"]
        others.append(message)


def ephemeral_of(client: Ddp) -> dict:
    fields = next_event(client, "stream-notify-user")
    assert fields["eventName"] == f"{client.user_id}/message"
    return fields["args"][0]


def history(client, room: str) -> list[dict]:
    return call(client, "GET", "channels.history", params={"roomId": room}).json()["messages"]


# -- commands.list / commands.get ---------------------------------------------------------------


def test_list_in_registration_order_paged_and_sorted(alice):
    listed = call(alice, "GET", "commands.list").json()
    names = [c["command"] for c in listed["commands"]]
    assert names[:3] == ["gimme", "lennyface", "shrug"] and names[-1] == "unarchive"
    assert listed["total"] == listed["count"] == len(names) == 21
    assert listed["appsLoaded"] is True and listed["offset"] == 0
    me = next(c for c in listed["commands"] if c["command"] == "me")
    assert me == {
        "command": "me",
        "params": "your_message",
        "description": "Displays_action_text",
        "clientOnly": False,
        "providesPreview": False,
    }
    leave = next(c for c in listed["commands"] if c["command"] == "leave")
    assert "params" not in leave and leave["permission"] == ["leave-c", "leave-p"]
    page = call(
        alice, "GET", "commands.list", params={"count": 2, "offset": 1, "sort": '{"command":1}'}
    ).json()
    assert [c["command"] for c in page["commands"]] == sorted(names)[1:3]
    assert (page["count"], page["offset"], page["total"]) == (2, 1, 21)
    raw = call(alice, "GET", "commands.list", params={"nope": 1})
    assert raw.status_code == 400
    assert raw.json()["error"] == "must NOT have additional properties [invalid-params]"


def test_get_command(alice):
    assert call(alice, "GET", "commands.get", params={"command": "ME"}).json() == {
        "command": {
            "command": "me",
            "description": "Displays_action_text",
            "params": "your_message",
            "clientOnly": False,
            "providesPreview": False,
        },
        "success": True,
    }
    raw = call(alice, "GET", "commands.get")
    assert raw.json() == {
        "success": False,
        "error": "must have required property 'command' [invalid-params]",
        "errorType": "invalid-params",
    }
    raw = call(alice, "GET", "commands.get", params={"command": "nope"})
    assert raw.json() == {
        "success": False,
        "error": "There is no command in the system by the name of: nope",
    }


# -- commands.run: validation and unknown commands ------------------------------------------


def test_run_validation_and_unknown_command(alice, rc_server):
    raw = call(alice, "POST", "commands.run", json={"roomId": "GENERAL"})
    assert (raw.status_code, raw.json()["error"]) == (
        400,
        "must have required property 'command' [invalid-params]",
    )
    raw = run(alice, "me", "GENERAL", extra_field=1)
    assert raw.json()["error"] == "must NOT have additional properties [invalid-params]"
    raw = call(
        alice, "POST", "commands.run", json={"command": "me", "roomId": "GENERAL", "params": []}
    )
    assert raw.json()["errorType"] == "invalid-params"
    assert raw.json()["error"] == "/params must be string [invalid-params]"
    raw = run(alice, "nope", "GENERAL")
    assert (raw.status_code, raw.json()) == (
        400,
        {"success": False, "error": "The command provided does not exist (or is disabled)."},
    )
    raw = run(alice, "me", "missing", "hi")
    assert (raw.status_code, raw.json()) == (
        403,
        {"success": False, "error": "User does not have access to this room"},
    )
    raw = run(alice, "me", "GENERAL", "hi", tmid="missing")
    assert raw.json() == {"success": False, "error": "Invalid thread."}
    # ajv coerces a number to the string it needs
    assert run(alice, "ME", "GENERAL", 42).json() == {"success": True}
    assert history(alice, "GENERAL")[0]["msg"] == "_42_"


def test_ddp_slash_command_errors(ddp):
    anonymous = ddp()
    result, _ = anonymous.call("slashCommand", {"cmd": "me", "params": "x", "msg": {}})
    assert result["error"]["error"] == "error-invalid-user"
    client = ddp()
    client.login("alice")
    result, _ = client.call("slashCommand", {"cmd": "nope", "params": "", "msg": {"rid": "x"}})
    assert result["error"]["error"] == "error-invalid-command"
    assert result["error"]["reason"] == "Invalid Command Provided"
    result, _ = client.call("slashCommand", {"cmd": "ME", "params": "x", "msg": {"rid": "x"}})
    assert result["error"]["error"] == "error-invalid-command"  # no lower-casing over DDP
    result, _ = client.call("slashCommand", {"cmd": "me", "params": "x", "msg": {}})
    assert result["error"]["error"] == "invalid-command-usage"


def test_preview_is_refused_for_built_ins(alice):
    refused = {
        "success": False,
        "error": "Command Does Not Provide Previews [error-invalid-command]",
        "errorType": "error-invalid-command",
        "details": {"method": "executeSlashCommandPreview"},
    }
    raw = call(alice, "GET", "commands.preview", params={"command": "me", "roomId": "GENERAL"})
    assert (raw.status_code, raw.json()) == (400, refused)
    item = {"id": "1", "type": "text", "value": "v"}
    body = {"command": "me", "roomId": "GENERAL", "previewItem": item}
    raw = call(alice, "POST", "commands.preview", json=body)
    assert (raw.status_code, raw.json()) == (400, refused)
    raw = call(alice, "POST", "commands.preview", json={**body, "previewItem": {"id": "1"}})
    assert raw.json()["error"] == (
        "/previewItem must have required property 'type' [invalid-params]"
    )
    raw = call(alice, "POST", "commands.preview", json={**body, "command": "nope"})
    assert raw.json()["error"] == "The command provided does not exist (or is disabled)."
    raw = call(alice, "GET", "commands.preview", params={"command": "me", "roomId": "missing"})
    assert raw.status_code == 403


# -- text commands: one send, REST and DDP --------------------------------------------------


def test_text_commands_send_one_message_each(alice, ddp):
    watcher = listening(ddp, "bob", ("stream-room-messages", "GENERAL"))
    for command, params, text in (
        ("me", "waves", "_waves_"),
        ("shrug", "oh well", "oh well ¯\\\\_(ツ)_/¯"),
        ("tableflip", "argh", "argh (╯°□°）╯︵ ┻━┻"),  # noqa: RUF001 - the real art
        ("lennyface", "", " ( ͡° ͜ʖ ͡°)"),
    ):
        assert run(alice, command, "GENERAL", params).json() == {"success": True}
        event = next_event(watcher, "stream-room-messages")
        assert (event["args"][0]["msg"], event["args"][0]["u"]["username"]) == (text, "alice")
        assert history(alice, "GENERAL")[0]["msg"] == text
    assert run(alice, "me", "GENERAL", "   ").json() == {"success": True}
    assert history(alice, "GENERAL")[0]["msg"] == " ( ͡° ͜ʖ ͡°)"  # a blank /me sends nothing


def test_slash_command_over_ddp_sends_with_the_clients_message_id(ddp, alice):
    client = listening(ddp, "alice")
    result, _ = client.call(
        "slashCommand",
        {"cmd": "me", "params": "dances", "msg": {"_id": "ddp-msg-1", "rid": "GENERAL"}},
    )
    assert "error" not in result and "result" not in result
    latest = history(alice, "GENERAL")[0]
    assert (latest["_id"], latest["msg"]) == ("ddp-msg-1", "_dances_")


def test_refused_send_is_told_and_raised(admin, alice, ddp):
    run(admin, "archive", "GENERAL")
    client = subscribe_own(ddp, "alice")
    raw = run(alice, "shrug", "GENERAL", "no")
    assert (raw.status_code, raw.json()) == (
        400,
        {"success": False, "error": "error-room-archived"},
    )
    assert ephemeral_of(client)["msg"] == "error-room-archived"


# -- ephemeral answers ----------------------------------------------------------------------


def subscribe_own(ddp, username: str) -> Ddp:
    client = ddp()
    client.login(username)
    assert client.sub("stream-notify-user", f"{client.user_id}/message", False)["msg"] == "ready"
    return client


def own_events(ddp, username: str, *events: str) -> Ddp:
    client = ddp()
    client.login(username)
    for event in events:
        reply = client.sub("stream-notify-user", f"{client.user_id}/{event}", False)
        assert reply["msg"] == "ready"
    return client


def test_ephemeral_answer_shape_and_not_stored(alice, ddp, rc_server):
    client = subscribe_own(ddp, "alice")
    before = history(alice, "GENERAL")
    assert run(alice, "join", "GENERAL", "#nowhere").json() == {"success": True}
    message = ephemeral_of(client)
    assert message["msg"] == "The channel `#nowhere` does not exist."
    assert message["u"] == BOT and message["private"] is True and message["rid"] == "GENERAL"
    assert message["groupable"] is False and "$date" in message["ts"]
    assert history(alice, "GENERAL") == before


def test_help_lists_the_shortcuts(alice, ddp):
    client = subscribe_own(ddp, "alice")
    run(alice, "help", "GENERAL")
    lines = ephemeral_of(client)["msg"].split("\n")
    assert lines[0] == "" and len(lines) == 9
    assert lines[3] == "`Up Arrow` - Edit previous message"


# -- rooms ----------------------------------------------------------------------------------


def test_topic(admin, alice, ddp, rc_server):
    watcher = listening(ddp, "alice", ("stream-room-messages", "GENERAL"))
    run(admin, "topic", "GENERAL", "Be nice")
    info = call(alice, "GET", "channels.info", params={"roomId": "GENERAL"}).json()["channel"]
    assert info["topic"] == "Be nice"
    event = next_event(watcher, "stream-room-messages")["args"][0]
    assert (event["t"], event["msg"]) == ("room_changed_topic", "Be nice")
    run(alice, "topic", "GENERAL", "Chaos")  # no edit-room: nothing, no error
    info = call(alice, "GET", "channels.info", params={"roomId": "GENERAL"}).json()["channel"]
    assert info["topic"] == "Be nice"


def test_join_and_leave(alice, rc_server, ddp):
    engineering = room_id(rc_server, "engineering")
    assert run(alice, "leave", "GENERAL").json() == {"success": True}
    members = call(alice, "GET", "channels.members", params={"roomId": "GENERAL"}).json()
    assert "alice" not in [m["username"] for m in members["members"]]
    assert run(alice, "join", engineering, "#general").json() == {"success": True}
    members = call(alice, "GET", "channels.members", params={"roomId": "GENERAL"}).json()
    assert "alice" in [m["username"] for m in members["members"]]
    raw = run(alice, "join", engineering, "#general")
    assert raw.json() == {
        "success": False,
        "error": "You are already in the channel [error-user-already-in-room]",
        "errorType": "error-user-already-in-room",
        "details": {"method": "slashCommands"},
    }


def test_leave_as_last_owner_is_told(alice, ddp):
    created = call(alice, "POST", "channels.create", json={"name": "solo"}).json()["channel"]
    client = subscribe_own(ddp, "alice")
    assert run(alice, "part", created["_id"]).json() == {"success": True}
    assert ephemeral_of(client)["msg"] == (
        "You are the last owner. Please set new owner before leaving the room."
    )


def test_archive_and_unarchive(admin, alice, ddp, rc_server):
    engineering = room_id(rc_server, "engineering")
    client = subscribe_own(ddp, "admin")
    member = own_events(ddp, "bob", "rooms-changed")
    raw = run(alice, "archive", engineering)
    assert raw.json()["error"] == "Not authorized [error-not-authorized]"
    assert run(admin, "archive", "GENERAL", "#engineering").json() == {"success": True}
    assert ephemeral_of(client)["msg"] == (
        "Channel with name `#engineering` has been archived successfully"
    )
    info = call(admin, "GET", "channels.info", params={"roomId": engineering}).json()
    assert info["channel"]["archived"] is True
    changed = next_event(member, "stream-notify-user")["args"]
    assert (changed[0], changed[1]["_id"], changed[1]["archived"]) == ("updated", engineering, True)
    run(admin, "archive", engineering)
    assert ephemeral_of(client)["msg"] == "An archived Channel with name `#engineering` exists"
    run(admin, "unarchive", "GENERAL", "engineering")
    assert ephemeral_of(client)["msg"] == (
        "Channel with name `#engineering` has been Unarchived successfully"
    )
    info = call(admin, "GET", "channels.info", params={"roomId": engineering}).json()
    assert info["channel"]["archived"] is False
    run(admin, "unarchive", "GENERAL", "#nope")
    assert ephemeral_of(client)["msg"] == "The channel `#nope` does not exist."


def test_invite_and_kick(admin, alice, ddp, rc_server):
    solo = call(admin, "POST", "channels.create", json={"name": "solo"}).json()["channel"]
    client = subscribe_own(ddp, "admin")
    bob = own_events(ddp, "bob", "subscriptions-changed")
    assert run(admin, "invite", solo["_id"], "@alice, bob @ghost").json() == {"success": True}
    members = call(admin, "GET", "channels.members", params={"roomId": solo["_id"]}).json()
    assert {m["username"] for m in members["members"]} == {"admin", "alice", "bob"}
    changed = next_event(bob, "stream-notify-user")["args"]
    assert (changed[0], changed[1]["rid"]) == ("inserted", solo["_id"])
    run(admin, "invite", solo["_id"], "@alice")
    assert ephemeral_of(client)["msg"] == "`@alice` is already in here."
    run(admin, "invite", solo["_id"], "@ghost @nobody")
    assert ephemeral_of(client)["msg"] == "No user exists by the name of `@ghost @nobody`."
    raw = run(alice, "kick", solo["_id"], "@bob")
    assert raw.json()["error"] == "Not allowed [error-not-allowed]"
    assert run(admin, "kick", solo["_id"], "@bob").json() == {"success": True}
    members = call(admin, "GET", "channels.members", params={"roomId": solo["_id"]}).json()
    assert {m["username"] for m in members["members"]} == {"admin", "alice"}
    changed = next_event(bob, "stream-notify-user")["args"]
    assert (changed[0], changed[1]["rid"]) == ("removed", solo["_id"])
    run(admin, "kick", solo["_id"], "@ghost")
    assert ephemeral_of(client)["msg"] == "The username `ghost` doesn't exist."
    raw = run(admin, "kick", solo["_id"], "@bob")
    assert raw.json()["errorType"] == "error-user-not-in-room"


def test_invite_into_a_direct_room_is_told(alice, ddp, rc_server):
    dm = call(alice, "POST", "im.create", json={"username": "bob"}).json()["room"]
    client = subscribe_own(ddp, "alice")
    run(alice, "invite", dm["_id"], "@admin")
    assert ephemeral_of(client)["msg"] == "Can't invite user to direct rooms"


def test_mute_and_unmute(admin, alice, ddp, rc_server):
    engineering = room_id(rc_server, "engineering")
    watcher = own_events(ddp, "bob", "rooms-changed")
    assert run(admin, "mute", engineering, "@alice").json() == {"success": True}
    assert next_event(watcher, "stream-notify-user")["args"][1]["muted"] == ["alice"]
    info = call(admin, "GET", "channels.info", params={"roomId": engineering}).json()
    assert info["channel"]["muted"] == ["alice"]
    raw = call(
        alice, "POST", "chat.postMessage", json={"roomId": engineering, "text": "let me speak"}
    )
    assert raw.status_code == 400
    raw = run(alice, "unmute", engineering, "@alice")
    assert raw.json()["error"] == "Not allowed [error-not-allowed]"
    run(admin, "unmute", engineering, "alice")
    info = call(admin, "GET", "channels.info", params={"roomId": engineering}).json()
    assert info["channel"]["muted"] == []
    kinds = [m.get("t") for m in history(admin, engineering)[:2]]
    assert kinds == ["user-unmuted", "user-muted"]
    client = subscribe_own(ddp, "admin")
    raw = run(admin, "mute", engineering, "@ghost")  # told, then refused as upstream
    assert ephemeral_of(client)["msg"] == "The username `ghost` doesn't exist."
    assert raw.json()["errorType"] == "error-user-not-in-room"


def test_create(alice, ddp):
    watcher = own_events(ddp, "alice", "rooms-changed")
    assert run(alice, "create", "GENERAL", "#fresh").json() == {"success": True}
    changed = next_event(watcher, "stream-notify-user")["args"]
    assert (changed[0], changed[1]["name"]) == ("inserted", "fresh")
    info = call(alice, "GET", "channels.info", params={"roomName": "fresh"}).json()
    assert info["channel"]["t"] == "c"
    run(alice, "create", "GENERAL", "#hush --private")
    assert call(alice, "GET", "groups.info", params={"roomName": "hush"}).json()["group"]["t"] == (
        "p"
    )
    client = subscribe_own(ddp, "alice")
    run(alice, "create", "GENERAL", "fresh")
    assert ephemeral_of(client)["msg"] == "The channel `#fresh` already exists."


def test_hide(alice, ddp, rc_server):
    engineering = room_id(rc_server, "engineering")
    watcher = own_events(ddp, "alice", "subscriptions-changed")
    run(alice, "hide", "GENERAL", "#engineering")
    changed = next_event(watcher, "stream-notify-user")["args"]
    assert (changed[0], changed[1]["rid"], changed[1]["open"]) == ("updated", engineering, False)
    sub = call(alice, "GET", "subscriptions.getOne", params={"roomId": engineering}).json()
    assert sub["subscription"]["open"] is False
    run(alice, "hide", "GENERAL")
    sub = call(alice, "GET", "subscriptions.getOne", params={"roomId": "GENERAL"}).json()
    assert sub["subscription"]["open"] is False


# -- users ----------------------------------------------------------------------------------


def test_status(alice, admin, ddp, rc_server):
    client = subscribe_own(ddp, "alice")
    assert client.sub("stream-notify-logged", "user-status", False)["msg"] == "ready"
    assert run(alice, "status", "GENERAL", "  in a meeting ").json() == {"success": True}
    status = next_event(client, "stream-notify-logged")["args"][0]
    assert (status[1], status[3]) == ("alice", "in a meeting")
    assert ephemeral_of(client)["msg"] == "Status message changed successfully."
    info = call(alice, "GET", "users.info", params={"username": "alice"}).json()["user"]
    assert info["statusText"] == "in a meeting"
    runtime_of(rc_server.app).store.update(
        "settings", "Accounts_AllowUserStatusMessageChange", {"value": False}
    )
    raw = run(alice, "status", "GENERAL", "nope")
    assert raw.json()["errorType"] == "error-not-allowed"
    assert ephemeral_of(client)["msg"] == (
        "Your Rocket.Chat administrator has disabled the changing of status messages"
    )


def test_msg(alice, ddp, rc_server):
    dm = call(alice, "POST", "im.create", json={"username": "bob"}).json()["room"]
    bob = listening(ddp, "bob", ("stream-room-messages", dm["_id"]))
    assert run(alice, "msg", "GENERAL", "@bob psst, hello").json() == {"success": True}
    assert next_event(bob, "stream-room-messages")["args"][0]["msg"] == "psst, hello"
    messages = call(alice, "GET", "im.history", params={"roomId": dm["_id"]}).json()["messages"]
    assert messages[0]["msg"] == "psst, hello"
    client = subscribe_own(ddp, "alice")
    run(alice, "msg", "GENERAL", "@bob")
    assert ephemeral_of(client)["msg"] == "Username and message must not be empty."
    run(alice, "msg", "GENERAL", "@ghost hi")
    assert ephemeral_of(client)["msg"] == "The username `@ghost` doesn't exist."


# -- pytest plugin ----------------------------------------------------------------------------


def test_plugin_run_command(rocketchat):
    assert rocketchat.run_command("alice", "GENERAL", "/me waves") == {"success": True}
    post = rocketchat.wait_for_post("GENERAL", contains="_waves_")
    assert post["u"]["username"] == "alice"
    with pytest.raises(ValueError):
        rocketchat.run_command("alice", "GENERAL", "me waves")
    assert rocketchat.run_command(rocketchat.user("bob"), "GENERAL", "/nope")["success"] is False


def test_ddp_ephemeral_only_to_the_caller(ddp, alice):
    bob = subscribe_own(ddp, "bob")
    client = subscribe_own(ddp, "alice")
    run(alice, "join", "GENERAL", "#nowhere")
    assert ephemeral_of(client)["msg"].startswith("The channel")
    assert [m for m in bob.silent(0.3) if m.get("msg") == "changed"] == []


def test_text_command_in_a_thread(alice):
    root = call(alice, "POST", "chat.postMessage", json={"roomId": "GENERAL", "text": "root"})
    root_id = root.json()["message"]["_id"]
    assert run(alice, "shrug", "GENERAL", "ok", tmid=root_id).json() == {"success": True}
    replies = call(alice, "GET", "chat.getThreadMessages", params={"tmid": root_id}).json()
    assert [m["msg"] for m in replies["messages"]] == ["ok ¯\\\\_(ツ)_/¯"]


def test_invite_names_each_user_once(admin, ddp):
    solo = call(admin, "POST", "channels.create", json={"name": "solo"}).json()["channel"]
    client = subscribe_own(ddp, "admin")
    run(admin, "invite", solo["_id"], "@bob bob")
    run(admin, "join", solo["_id"], "#nowhere")  # the next thing told must be this
    assert ephemeral_of(client)["msg"] == "The channel `#nowhere` does not exist."


def test_msg_refused_is_told_in_the_direct_room(alice, ddp, rc_server):
    dm = call(alice, "POST", "im.create", json={"username": "bob"}).json()["room"]
    runtime_of(rc_server.app).store.update("rooms", dm["_id"], {"ro": True})
    client = subscribe_own(ddp, "alice")
    raw = run(alice, "msg", "GENERAL", "@bob hello")
    assert raw.status_code == 400
    told = ephemeral_of(client)
    assert told["rid"] == dm["_id"]


def test_rest_ddp_and_the_bridge_run_the_same_command(alice, ddp, rc_server):
    watcher = listening(ddp, "bob", ("stream-room-messages", "GENERAL"))
    run(alice, "shrug", "GENERAL", "rest")
    client = listening(ddp, "alice")
    client.call("slashCommand", {"cmd": "shrug", "params": "ddp", "msg": {"rid": "GENERAL"}})
    call_ = {"msg": "method", "id": "1", "method": "slashCommand"}
    call_["params"] = [{"cmd": "shrug", "params": "bridge", "msg": {"rid": "GENERAL"}}]
    raw = call(alice, "POST", "method.call/slashCommand", json={"message": json.dumps(call_)})
    assert json.loads(raw.json()["message"]) == {"msg": "result", "id": "1"}
    seen = [next_event(watcher, "stream-room-messages")["args"][0] for _ in range(3)]
    assert [(m["msg"], m["u"]["username"]) for m in seen] == [
        (f"{door} ¯\\\\_(ツ)_/¯", "alice") for door in ("rest", "ddp", "bridge")
    ]
    assert [m["msg"] for m in history(alice, "GENERAL")[:3]] == [m["msg"] for m in seen][::-1]
