"""Business hours on a Community server: the default business hour only
(``imports/server/rest/businessHours.ts``, ``business-hour/Default.ts``)."""

from __future__ import annotations

from tests.rocketchat.clients import NO_PERMISSION, call

WEEK = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _save_body(hour: dict, **changes: object) -> dict:
    body = {
        "_id": hour["_id"],
        "name": "",
        "timezoneName": "Asia/Kolkata",
        "daysOpen": ["Monday"],
        "departmentsToApplyBusinessHour": "",
        "active": True,
        "type": "default",
        "workHours": [
            {"day": day, "start": "09:00", "finish": "17:00", "open": day == "Monday"}
            for day in WEEK
        ],
    }
    return {**body, **changes}


def test_the_default_business_hour_and_its_save(admin):
    hour = call(admin, "GET", "livechat/business-hour").json()["businessHour"]
    assert (hour["type"], hour["active"], hour["timezone"]["name"]) == ("default", True, "UTC")
    monday = hour["workHours"][0]
    assert (monday["day"], monday["start"]["time"], monday["finish"]["time"], monday["open"]) == (
        "Monday",
        "08:00",
        "20:00",
        True,
    )
    assert hour["workHours"][6]["open"] is False
    # the same one, however it is asked for
    assert (
        call(admin, "GET", "livechat/business-hour", params={"_id": "x"}).json()["businessHour"]
        == hour
    )

    saved = call(admin, "POST", "livechat/business-hours.save", json=_save_body(hour))
    assert saved.json() == {"success": True}
    hour = call(admin, "GET", "livechat/business-hour").json()["businessHour"]
    assert hour["timezone"] == {"name": "Asia/Kolkata", "utc": "+05:30"}
    monday = hour["workHours"][0]
    # 09:00 in India (no daylight saving) is 03:30 UTC
    assert monday["start"] == {
        "time": "09:00",
        "utc": {"dayOfWeek": "Monday", "time": "03:30"},
        "cron": {"dayOfWeek": "Monday", "time": "03:30"},
    }
    assert hour["daysOpen"] == ["Monday"]


def test_custom_business_hours_are_not_a_community_type(admin):
    custom = call(admin, "GET", "livechat/business-hour", params={"type": "custom"}).json()
    assert custom == {"businessHour": None, "success": True}
    hour = call(admin, "GET", "livechat/business-hour").json()["businessHour"]
    answer = call(
        admin, "POST", "livechat/business-hours.save", json=_save_body(hour, type="custom")
    )
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "success": False,
            "error": "Cannot read properties of undefined (reading 'saveBusinessHour')",
        },
    )
    removed = call(
        admin, "POST", "livechat/business-hours.remove", json={"_id": "x", "type": "custom"}
    )
    assert removed.json()["error"] == (
        "Cannot read properties of undefined (reading 'removeBusinessHourById')"
    )
    # the default one is never removed
    body = {"_id": hour["_id"], "type": "default"}
    assert call(admin, "POST", "livechat/business-hours.remove", json=body).json() == {
        "success": True
    }
    assert call(admin, "GET", "livechat/business-hour").json()["businessHour"] == hour


def test_business_hour_validation_and_permissions(admin, alice):
    hour = call(admin, "GET", "livechat/business-hour").json()["businessHour"]
    backwards = _save_body(
        hour, workHours=[{"day": "Monday", "start": "18:00", "finish": "09:00", "open": True}]
    )
    answer = call(admin, "POST", "livechat/business-hours.save", json=backwards).json()
    assert answer == {
        "success": False,
        "error": "error-business-hour-finish-time-before-start-time",
    }
    missing = call(admin, "POST", "livechat/business-hours.save", json={"name": "x"}).json()
    assert missing == {
        "success": False,
        "error": "must have required property 'timezoneName'",
        "errorType": "invalid-params",
    }
    assert call(alice, "GET", "livechat/business-hour").json() == NO_PERMISSION
