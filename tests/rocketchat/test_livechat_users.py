"""Omnichannel agents and managers: the role CRUD, availability, agent info and departments."""

from __future__ import annotations

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from emulator.app import runtime_of

from .clients import NO_PERMISSION, call, refused
from .test_ddp import ddp  # noqa: F401 - the ddp fixture


def _id(server, username: str) -> str:
    return runtime_of(server.app).store.find_one("users", "username", username)["_id"]


def test_agents_are_added_listed_read_and_removed(rc_server, admin):
    # The seeded Support department's agents are there from the start.
    seeded = [u["username"] for u in admin.livechat_get_users("agent")]
    added = admin.livechat_create_user("agent", username="bob")
    assert added == {"success": True, "user": {"_id": _id(rc_server, "bob"), "username": "bob"}}
    (entry,) = [u for u in admin.livechat_get_users("agent") if u["username"] not in seeded]
    assert entry["username"] == "bob" and entry["statusLivechat"] == "available"
    assert entry["departments"] == []
    assert [u["username"] for u in admin.livechat_get_users("agent", text="BO")] == ["bob"]
    assert list(admin.livechat_get_users("agent", text="zzz")) == []
    got = admin.livechat_get_user("agent", _id(rc_server, "bob"))["user"]
    assert got["username"] == "bob" and "services" not in got
    assert admin.livechat_get_user("manager", _id(rc_server, "bob")) == {
        "success": True,
        "user": None,
    }
    assert admin.livechat_delete_user("agent", _id(rc_server, "bob")) == {"success": True}
    assert [u["username"] for u in admin.livechat_get_users("agent")] == seeded
    with pytest.raises(RocketApiException) as excinfo:
        admin.livechat_delete_user("agent", _id(rc_server, "bob"))
    assert refused(excinfo) == (400, {"success": False})


def test_managers_and_errors(rc_server, admin, bob):
    assert admin.livechat_create_user("manager", username="alice")["success"] is True
    assert [u["username"] for u in admin.livechat_get_users("manager")] == ["alice"]
    with pytest.raises(RocketApiException) as excinfo:
        admin.livechat_create_user("agent", username="nobody")
    assert refused(excinfo) == (
        400,
        {
            "success": False,
            "error": "Invalid user [error-invalid-user]",
            "errorType": "error-invalid-user",
            "details": {"method": "livechat:addAgent"},
        },
    )
    with pytest.raises(RocketApiException) as excinfo:
        admin.livechat_create_user("monitor", username="bob")
    assert refused(excinfo) == (400, {"success": False, "error": "Invalid type"})
    assert call(bob, "GET", "livechat/users/agent").json() == NO_PERMISSION
    assert call(bob, "POST", "livechat/users/agent", json={"username": "bob"}).status_code == 403
    assert call(admin, "GET", "livechat/users/x/nope").json() == {
        "success": False,
        "error": "User not found",
    }


def test_agent_status_toggles_and_guards_others(rc_server, admin, bob, alice):
    admin.livechat_create_user("agent", username="bob")
    admin.livechat_create_user("agent", username="alice")
    assert call(bob, "POST", "livechat/agent.status", json={}).json() == {
        "success": True,
        "status": "not-available",
    }
    body = {"status": "available", "agentId": _id(rc_server, "bob")}
    other = call(alice, "POST", "livechat/agent.status", json=body)
    assert other.status_code == 401 and other.json() == {"success": False, "error": "unauthorized"}
    assert call(admin, "POST", "livechat/agent.status", json=body).json() == {
        "success": True,
        "status": "available",
    }
    missing = call(admin, "POST", "livechat/agent.status", json={"agentId": "nope"})
    assert missing.status_code == 404
    bad = call(bob, "POST", "livechat/agent.status", json={"status": "sleepy"}).json()
    assert bad["errorType"] == "invalid-params"


def test_agent_departments_come_from_the_department_agents_table(rc_server, admin):
    admin.livechat_create_user("agent", username="bob")
    rt = runtime_of(rc_server.app)
    rt.store.insert("livechat_departments", {"_id": "sales", "name": "Sales", "enabled": True})
    body = {
        "agentId": _id(rc_server, "bob"),
        "agentData": {"maxNumberSimultaneousChat": 3},
        "agentDepartments": ["sales", "unknown"],
    }
    assert call(admin, "POST", "livechat/agents.saveInfo", json=body).json() == {"success": True}
    departments = call(admin, "GET", f"livechat/agents/{_id(rc_server, 'bob')}/departments").json()
    (row,) = departments["departments"]
    assert row["departmentId"] == "sales" and row["departmentName"] == "Sales"
    assert rt.store.get("users", _id(rc_server, "bob"))["livechat"] == {
        "maxNumberSimultaneousChat": 3
    }
    (entry,) = [u for u in admin.livechat_get_users("agent") if u["username"] == "bob"]
    assert entry["departments"] == ["sales"]
    body["agentId"] = _id(rc_server, "alice")
    assert call(admin, "POST", "livechat/agents.saveInfo", json=body).json()["errorType"] == (
        "error-user-is-not-agent"
    )


def test_a_department_chat_goes_to_that_departments_agent(rc_server, admin, ddp):  # noqa: F811
    from .test_livechat_conversation import register, widget

    for name in ("bob", "alice"):
        admin.livechat_create_user("agent", username=name)
        ddp().login(name)
    rt = runtime_of(rc_server.app)
    rt.store.insert("livechat_departments", {"_id": "sales", "name": "Sales", "enabled": True})
    row = {"_id": "r1", "agentId": _id(rc_server, "alice"), "departmentId": "sales", "count": 0}
    rt.store.insert("livechat_department_agents", {**row, "username": "alice", "order": 0})
    token = register(rc_server)
    body = {"visitor": {"token": token, "department": "Sales"}}
    assert (
        widget(rc_server, "POST", "visitor", json=body).json()["visitor"]["department"] == "sales"
    )
    room = widget(rc_server, "GET", "room", params={"token": token}).json()["room"]
    assert room["departmentId"] == "sales" and room["servedBy"]["username"] == "alice"
    assert rt.store.get("livechat_department_agents", "r1")["count"] == 1
