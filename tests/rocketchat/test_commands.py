"""``commands.list``, ``commands.get`` and ``commands.run``."""

from __future__ import annotations

from emulator.app import runtime_of
from tests.rocketchat.clients import call


def test_commands_list_and_get(alice):
    listed = alice.call_api_get("commands.list")
    names = [c["command"] for c in listed["commands"]]
    assert names == sorted(names) and "me" in names
    assert listed["total"] == listed["count"] == len(names)
    assert alice.call_api_get("commands.get", command="me") == {
        "command": {
            "command": "me",
            "params": "your_message",
            "description": "Displays_action_text",
            "clientOnly": False,
        },
        "success": True,
    }
    raw = call(alice, "GET", "commands.get")
    assert raw.json() == {"success": False, "error": 'The query param "command" must be provided.'}
    raw = call(alice, "GET", "commands.get", params={"command": "nope"})
    assert raw.json()["error"] == "There is no command in the system by the name of: nope"


def test_run_me_and_shrug(alice, rc_server):
    store = runtime_of(rc_server.app).store
    done = alice.call_api_post("commands.run", command="me", roomId="GENERAL", params="waves")
    assert done == {"success": True}
    alice.call_api_post("commands.run", command="shrug", roomId="GENERAL", params="oh well")
    latest = store.find_page("messages", "rid", "GENERAL", 0, 2)
    assert [m["msg"] for m in latest] == ["oh well ¯\\\\_(ツ)_/¯", "_waves_"]
    assert latest[0]["u"]["username"] == "alice"


def test_run_topic_join_and_leave(admin, alice, rc_server):
    store = runtime_of(rc_server.app).store
    admin.call_api_post("commands.run", command="topic", roomId="GENERAL", params="Be nice")
    assert store.get("rooms", "GENERAL")["topic"] == "Be nice"
    alice.call_api_post("commands.run", command="topic", roomId="GENERAL", params="Chaos")
    assert store.get("rooms", "GENERAL")["topic"] == "Be nice"
    alice_id = alice.headers["X-User-Id"]
    alice.call_api_post("commands.run", command="leave", roomId="GENERAL")
    assert store.find_one("subscriptions", "room_user", ("GENERAL", alice_id)) is None
    engineering = store.find_one("rooms", "name", "engineering")
    sub = store.find_one("subscriptions", "room_user", (engineering["_id"], alice_id))
    alice.call_api_post(
        "commands.run", command="join", roomId=engineering["_id"], params="#general"
    )
    assert store.find_one("subscriptions", "room_user", ("GENERAL", alice_id)) is not None
    assert sub is not None


def test_run_errors(alice):
    raw = call(alice, "POST", "commands.run", json={"roomId": "GENERAL"})
    assert raw.json() == {"success": False, "error": "You must provide a command to run."}
    raw = call(
        alice, "POST", "commands.run", json={"command": "me", "roomId": "GENERAL", "params": 5}
    )
    assert raw.json()["error"] == "The parameters for the command must be a single string."
    raw = call(alice, "POST", "commands.run", json={"command": "me"})
    assert raw.status_code == 400
    raw = call(alice, "POST", "commands.run", json={"command": "nope", "roomId": "GENERAL"})
    assert raw.json()["error"] == "The command provided does not exist (or is disabled)."
    raw = call(alice, "POST", "commands.run", json={"command": "me", "roomId": "missing"})
    assert (raw.status_code, raw.json()) == (403, {"success": False, "error": "unauthorized"})
