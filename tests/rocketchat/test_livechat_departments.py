"""Omnichannel departments (``imports/server/rest/departments.ts``) as a Community server
answers them: one department at most, removal behind its setting, archive and agents."""

from __future__ import annotations

from emulator.app import runtime_of
from emulator.rocketchat import models
from emulator.tools import coverage
from tests.rocketchat.clients import NO_PERMISSION, call

NEW = {
    "enabled": True,
    "name": "Billing",
    "email": "billing@example.com",
    "showOnRegistration": True,
    "showOnOfflineForm": False,
}


def _seeded(admin) -> dict:
    listed = call(admin, "GET", "livechat/department").json()
    assert (listed["count"], listed["total"]) == (1, 1)
    return listed["departments"][0]


def _remove_seeded(admin, rc_server) -> None:
    # settings changes over REST want the password (2FA); the setting is the point here
    models.set_setting_value(
        runtime_of(rc_server.app), "Omnichannel_enable_department_removal", True
    )
    assert call(admin, "DELETE", f"livechat/department/{_seeded(admin)['_id']}").json() == {
        "success": True
    }


def test_the_seeded_workspace_has_a_support_department_with_two_agents(admin):
    department = _seeded(admin)
    assert (department["name"], department["enabled"], department["numAgents"]) == (
        "Support",
        True,
        2,
    )
    shown = call(admin, "GET", f"livechat/department/{department['_id']}").json()
    assert shown["department"] == department
    assert sorted(a["username"] for a in shown["agents"]) == ["daniel.tanaka", "marco.weber"]
    agent = call(admin, "GET", "users.info", params={"username": "daniel.tanaka"}).json()["user"]
    assert "livechat-agent" in agent["roles"]


def test_community_allows_one_department(admin):
    assert call(admin, "GET", "livechat/department/isDepartmentCreationAvailable").json() == {
        "isDepartmentCreationAvailable": False,
        "success": True,
    }
    second = call(admin, "POST", "livechat/department", json={"department": NEW})
    assert (second.status_code, second.json()) == (
        400,
        {
            "success": False,
            "error": "Maximum number of departments reached [error-max-departments-number-reached]",
            "errorType": "error-max-departments-number-reached",
            "details": {"method": "livechat:saveDepartment"},
        },
    )


def test_removal_is_refused_until_the_setting_allows_it(admin, rc_server):
    department = _seeded(admin)
    refused = call(admin, "DELETE", f"livechat/department/{department['_id']}")
    assert (refused.status_code, refused.json()) == (
        400,
        {"success": False, "error": "error-department-removal-disabled"},
    )
    _remove_seeded(admin, rc_server)
    rt = runtime_of(rc_server.app)
    assert rt.store.all("livechat_department_agents") == []
    gone = call(admin, "GET", f"livechat/department/{department['_id']}").json()
    assert gone == {"department": None, "agents": [], "success": True}


def test_create_with_agents_update_and_agent_upsert_and_remove(admin, alice, rc_server):
    _remove_seeded(admin, rc_server)
    alice_id = call(alice, "GET", "me").json()["_id"]
    made = call(
        admin,
        "POST",
        "livechat/department",
        json={
            "department": NEW,
            "agents": [{"agentId": alice_id, "count": 2}, {"agentId": "nobody"}],
        },
    ).json()
    department = made["department"]
    assert {k: department[k] for k in NEW} == NEW
    assert department["numAgents"] == 1
    assert [(a["username"], a["count"], a["departmentEnabled"]) for a in made["agents"]] == [
        ("alice", 2, True)
    ]
    path = f"livechat/department/{department['_id']}"

    updated = call(admin, "PUT", path, json={"department": {**NEW, "enabled": False}}).json()
    assert updated["department"]["enabled"] is False
    assert updated["agents"][0]["departmentEnabled"] is False

    bob_id = call(admin, "GET", "users.info", params={"username": "bob"}).json()["user"]["_id"]
    body = {
        "upsert": [{"agentId": bob_id, "username": "bob"}],
        "remove": [{"agentId": alice_id, "username": "alice"}],
    }
    assert call(admin, "POST", f"{path}/agents", json=body).json() == {"success": True}
    agents = call(admin, "GET", f"{path}/agents").json()
    assert [a["username"] for a in agents["agents"]] == ["bob"]
    assert (agents["count"], agents["offset"], agents["total"]) == (1, 0, 1)
    assert call(admin, "GET", path).json()["department"]["numAgents"] == 1
    # an agent upserted again is updated in place
    again = {"upsert": [{"agentId": bob_id, "username": "bob", "count": 3}], "remove": []}
    call(admin, "POST", f"{path}/agents", json=again)
    rows = call(admin, "GET", f"{path}/agents").json()["agents"]
    assert [(a["username"], a["count"]) for a in rows] == [("bob", 3)]
    assert (
        call(admin, "GET", "livechat/department/isDepartmentCreationAvailable").json()[
            "isDepartmentCreationAvailable"
        ]
        is False
    )


def test_archive_unarchive_and_the_lists(admin):
    department = _seeded(admin)
    path = f"livechat/department/{department['_id']}"
    assert call(admin, "POST", f"{path}/archive").json() == {"success": True}
    archived = call(admin, "GET", path).json()
    assert (archived["department"]["archived"], archived["department"]["enabled"]) == (True, False)
    assert {a["departmentEnabled"] for a in archived["agents"]} == {False}
    assert call(admin, "GET", "livechat/department").json()["total"] == 0
    assert (
        call(admin, "GET", "livechat/department", params={"showArchived": "true"}).json()["total"]
        == 1
    )
    assert [
        d["name"] for d in call(admin, "GET", "livechat/departments/archived").json()["departments"]
    ] == ["Support"]
    # an archived department cannot be enabled
    enabling = call(admin, "PUT", path, json={"department": {**NEW, "enabled": True}}).json()
    assert enabling["errorType"] == "error-archived-department-cant-be-enabled"

    assert call(admin, "POST", f"{path}/unarchive").json() == {"success": True}
    assert call(admin, "GET", "livechat/departments/archived").json()["total"] == 0
    missing = call(admin, "POST", "livechat/department/nope/archive").json()
    assert missing == {"success": False, "error": "department-not-found"}
    missing = call(admin, "POST", "livechat/department/nope/unarchive").json()
    assert missing == {
        "success": False,
        "error": "[department-not-found]",
        "errorType": "department-not-found",
    }


def test_autocomplete_and_list_by_ids(admin):
    department = _seeded(admin)
    found = call(
        admin, "GET", "livechat/department.autocomplete", params={"selector": '{"term": "sup"}'}
    ).json()
    assert found == {"items": [{"_id": department["_id"], "name": "Support"}], "success": True}
    none = call(
        admin,
        "GET",
        "livechat/department.autocomplete",
        params={"selector": f'{{"term": "", "exceptions": ["{department["_id"]}"]}}'},
    ).json()
    assert none["items"] == []
    assert call(admin, "GET", "livechat/department.autocomplete").json() == {
        "success": False,
        "error": "The 'selector' param is required",
    }
    listed = call(
        admin, "GET", "livechat/department.listByIds", params={"ids[]": [department["_id"], "x"]}
    ).json()
    assert [d["_id"] for d in listed["departments"]] == [department["_id"]]
    assert call(admin, "GET", "livechat/department.listByIds", params={"ids": "a"}).json() == {
        "success": False,
        "error": "The 'ids' param must be an array",
    }


def test_validation_and_permissions(admin, alice):
    assert call(alice, "GET", "livechat/department").json() == NO_PERMISSION
    assert call(alice, "POST", "livechat/department", json={"department": NEW}).status_code == 403
    missing = call(admin, "POST", "livechat/department", json={"department": {"name": "x"}})
    assert missing.json() == {
        "success": False,
        "error": "must have required property 'email' [invalid-params]",
        "errorType": "invalid-params",
    }
    department = _seeded(admin)
    wrong = call(
        admin,
        "PUT",
        f"livechat/department/{department['_id']}",
        json={"department": {**NEW, "enabled": "yes"}},
    )
    assert wrong.json() == {
        "success": False,
        "error": "Match error: Expected boolean, got string in field enabled",
    }
    listed = call(
        admin, "PUT", f"livechat/department/{department['_id']}", json={"department": [NEW]}
    )
    assert listed.json() == {
        "success": False,
        "error": "Match error: Expected plain object in field department",
    }
    closing = call(
        admin,
        "PUT",
        f"livechat/department/{department['_id']}",
        json={"department": {**NEW, "requestTagBeforeClosingChat": True}},
    ).json()
    assert closing["errorType"] == "error-validating-department-chat-closing-tags"
    agents = call(
        admin, "POST", f"livechat/department/{department['_id']}/agents", json={"upsert": []}
    ).json()
    assert agents["error"] == "must have required property 'remove' [invalid-params]"
    nowhere = call(
        admin, "POST", "livechat/department/nope/agents", json={"upsert": [], "remove": []}
    ).json()
    assert nowhere["errorType"] == "error-department-not-found"


def test_the_reference_archive_rows_map_to_the_served_routes():
    assert coverage.real_urls("rocketchat", "/api/v1/livechat/department/archive/{_id}") == (
        "/api/v1/livechat/department/{_id}/archive",
    )
    assert coverage.real_urls(
        "rocketchat", "/api/v1/livechat/livechat/analytics/dashboards/charts-data"
    ) == ("/api/v1/livechat/analytics/dashboards/charts-data",)
