"""Custom user statuses (``v1/custom-user-status.ts``), through rocketchat_API."""

from __future__ import annotations

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from tests.rocketchat.clients import call, refused
from tests.rocketchat.test_ddp import ddp  # noqa: F401 - the fixture

NOT_AUTHORIZED = {"success": False, "error": "[not_authorized]", "errorType": "not_authorized"}


def test_create_list_update_delete_and_the_broadcasts(admin, alice, ddp):  # noqa: F811
    watcher = ddp()
    watcher.login("bob")
    assert watcher.sub("stream-notify-logged", "updateCustomUserStatus", False)["msg"] == "ready"

    made = admin.custom_user_status_create(name="In a meeting", status_type="busy")
    status = made["customUserStatus"]
    assert (status["name"], status["statusType"]) == ("In a meeting", "busy")
    assert status["_updatedAt"].endswith("Z")
    event = watcher.next_msg("changed")["fields"]
    assert event == {
        "eventName": "updateCustomUserStatus",
        "args": [
            {"userStatusData": {"_id": status["_id"], "name": "In a meeting", "statusType": "busy"}}
        ],
    }
    admin.custom_user_status_create(name="Lunch", status_type="away")
    assert [s["name"] for s in alice.custom_user_status_list()] == ["In a meeting", "Lunch"]
    listed = call(alice, "GET", "custom-user-status.list").json()
    assert (listed["count"], listed["offset"], listed["total"]) == (2, 0, 2)
    assert (
        call(alice, "GET", "custom-user-status.list", params={"name": "lun"}).json()["total"] == 1
    )

    updated = admin.custom_user_status_update(status["_id"], name="Meeting", status_type="away")
    assert updated["customUserStatus"]["name"] == "Meeting"
    assert updated["customUserStatus"]["statusType"] == "away"

    assert admin.custom_user_status_delete(status["_id"]) == {"success": True}
    with pytest.raises(RocketApiException) as excinfo:
        admin.custom_user_status_delete(status["_id"])
    assert refused(excinfo) == (
        400,
        {
            "success": False,
            "error": "Invalid user status [Custom_User_Status_Error_Invalid_User_Status]",
            "errorType": "Custom_User_Status_Error_Invalid_User_Status",
            "details": {"method": "deleteCustomUserStatus"},
        },
    )


def test_refusals(admin, alice):
    with pytest.raises(RocketApiException) as excinfo:
        alice.custom_user_status_create(name="Mine", status_type="busy")
    assert refused(excinfo) == (400, NOT_AUTHORIZED)
    admin.custom_user_status_create(name="Lunch", status_type="away")
    with pytest.raises(RocketApiException) as excinfo:
        admin.custom_user_status_create(name="Lunch", status_type="away")
    assert refused(excinfo)[1]["errorType"] == "Custom_User_Status_Error_Name_Already_In_Use"
    with pytest.raises(RocketApiException) as excinfo:
        admin.custom_user_status_create(name="Sleeping", status_type="asleep")
    assert refused(excinfo)[1]["error"] == (
        "asleep is not a valid status type [error-input-is-not-a-valid-field]"
    )
    with pytest.raises(RocketApiException) as excinfo:
        admin.custom_user_status_create(name="<b>", status_type="away")
    assert refused(excinfo)[1]["details"]["field"] == "Name"
    # check(): Meteor Match errors, no errorType
    answer = call(admin, "POST", "custom-user-status.create", json={"statusType": "away"})
    assert answer.json() == {"success": False, "error": "Match error: Missing key 'name'"}
    answer = call(admin, "POST", "custom-user-status.create", json={"name": 5})
    assert answer.json()["error"] == "Match error: Expected string, got number in field name"
    answer = call(admin, "POST", "custom-user-status.update", json={"_id": "nope", "name": "x"})
    assert answer.json() == {
        "success": False,
        "error": 'No custom user status found with the id of "nope".',
    }
    answer = call(admin, "POST", "custom-user-status.delete", json={})
    assert answer.json() == {
        "success": False,
        "error": 'The "customUserStatusId" params is required!',
    }
