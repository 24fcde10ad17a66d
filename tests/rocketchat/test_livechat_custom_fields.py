"""Omnichannel custom-field definitions and livechat triggers (``customField.ts``,
``triggers.ts``)."""

from __future__ import annotations

from tests.rocketchat.clients import NO_PERMISSION, call

FIELD = {"field": "plan", "label": "Plan", "scope": "visitor", "visibility": "visible"}
TRIGGER = {
    "name": "Welcome",
    "description": "Greets on the pricing page",
    "enabled": True,
    "runOnce": False,
    "conditions": [{"name": "page-url", "value": "/pricing"}],
    "actions": [{"name": "send-message", "params": {"sender": "queue", "msg": "Hi!"}}],
}


def test_custom_field_save_list_get_update_delete(admin):
    made = call(
        admin,
        "POST",
        "livechat/custom-fields.save",
        json={"customFieldData": {**FIELD, "regexp": "^[a-z]+$"}},
    ).json()
    assert made["success"] is True
    assert {k: made["customField"][k] for k in ("_id", "label", "scope", "regexp")} == {
        "_id": "plan",
        "label": "Plan",
        "scope": "visitor",
        "regexp": "^[a-z]+$",
    }
    again = call(admin, "POST", "livechat/custom-fields.save", json={"customFieldData": FIELD})
    assert again.json() == {"success": False, "error": "Custom Field already exists"}
    call(
        admin,
        "POST",
        "livechat/custom-fields.save",
        json={"customFieldData": {**FIELD, "field": "tier", "label": "A tier", "scope": "room"}},
    )
    listed = call(admin, "GET", "livechat/custom-fields").json()
    assert [f["_id"] for f in listed["customFields"]] == ["tier", "plan"]  # by label
    assert (listed["count"], listed["total"]) == (2, 2)
    assert call(admin, "GET", "livechat/custom-fields", params={"text": "pla"}).json()["total"] == 1

    updated = call(
        admin,
        "POST",
        "livechat/custom-fields.save",
        json={"customFieldId": "plan", "customFieldData": {**FIELD, "label": "Pricing plan"}},
    ).json()
    assert updated["customField"]["label"] == "Pricing plan"
    shown = call(admin, "GET", "livechat/custom-fields/plan").json()["customField"]
    assert shown["label"] == "Pricing plan"
    missing = call(
        admin,
        "POST",
        "livechat/custom-fields.save",
        json={"customFieldId": "nope", "customFieldData": FIELD},
    )
    assert missing.json() == {"success": False, "error": "Custom Field Not found"}

    deleted = call(admin, "POST", "livechat/custom-fields.delete", json={"customFieldId": "plan"})
    assert deleted.json() == {"success": True}
    again = call(admin, "POST", "livechat/custom-fields.delete", json={"customFieldId": "plan"})
    assert again.json() == {"success": False, "error": "Custom field not found"}
    assert call(admin, "GET", "livechat/custom-fields/plan").json() == {
        "customField": None,
        "success": True,
    }


def test_custom_field_validation_and_permissions(admin, alice):
    bad = call(
        admin,
        "POST",
        "livechat/custom-fields.save",
        json={"customFieldData": {**FIELD, "field": "a b"}},
    )
    assert (bad.status_code, bad.json()) == (
        400,
        {
            "success": False,
            "error": 'must match pattern "^[0-9a-zA-Z_-]+$"',
            "errorType": "invalid-params",
        },
    )
    scope = call(
        admin,
        "POST",
        "livechat/custom-fields.save",
        json={"customFieldData": {**FIELD, "scope": "x"}},
    ).json()
    assert scope["error"] == "must be equal to one of the allowed values"
    assert call(admin, "POST", "livechat/custom-fields.delete", json={}).json() == {
        "success": False,
        "error": "must have required property 'customFieldId'",
        "errorType": "invalid-params",
    }
    assert call(alice, "GET", "livechat/custom-fields").json() == NO_PERMISSION
    denied = call(alice, "POST", "livechat/custom-fields.save", json={"customFieldData": FIELD})
    assert (denied.status_code, denied.json()) == (403, NO_PERMISSION)


def test_triggers_save_list_get_update_delete(admin):
    assert call(admin, "POST", "livechat/triggers", json=TRIGGER).json() == {"success": True}
    listed = call(admin, "GET", "livechat/triggers").json()
    assert (listed["count"], listed["offset"], listed["total"]) == (1, 0, 1)
    trigger = listed["triggers"][0]
    assert {k: trigger[k] for k in TRIGGER} == TRIGGER
    changed = {**TRIGGER, "_id": trigger["_id"], "enabled": False}
    assert call(admin, "POST", "livechat/triggers", json=changed).json() == {"success": True}
    shown = call(admin, "GET", f"livechat/triggers/{trigger['_id']}").json()["trigger"]
    assert shown["enabled"] is False
    assert call(admin, "DELETE", f"livechat/triggers/{trigger['_id']}").json() == {"success": True}
    assert call(admin, "GET", f"livechat/triggers/{trigger['_id']}").json() == {
        "trigger": None,
        "success": True,
    }


def test_trigger_validation_and_permissions(admin, alice):
    empty = call(admin, "POST", "livechat/triggers", json={**TRIGGER, "conditions": []}).json()
    assert empty == {
        "success": False,
        "error": "must NOT have fewer than 1 items [invalid-params]",
        "errorType": "invalid-params",
    }
    wrong = {**TRIGGER, "actions": [{"name": "send-message", "params": {"sender": "queue"}}]}
    answer = call(admin, "POST", "livechat/triggers", json=wrong).json()
    assert answer["errorType"] == "invalid-params"
    assert answer["error"].endswith("must match exactly one schema in oneOf [invalid-params]")
    assert call(alice, "GET", "livechat/triggers").json() == NO_PERMISSION
    assert call(alice, "POST", "livechat/triggers", json=TRIGGER).status_code == 403
