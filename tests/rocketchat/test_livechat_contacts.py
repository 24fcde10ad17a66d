"""Omnichannel contacts (``server/api/v1/contact.ts``)."""

from __future__ import annotations

import requests

from emulator.app import runtime_of
from emulator.rocketchat import models
from tests.rocketchat.clients import NO_PERMISSION, call

ANNA = {"name": "Anna Lee", "emails": ["anna@customer.example"], "phones": ["+15550100"]}


def _agent_id(admin) -> str:
    return call(admin, "GET", "users.info", params={"username": "daniel.tanaka"}).json()["user"][
        "_id"
    ]


def test_create_get_update_and_search(admin):
    made = call(
        admin, "POST", "omnichannel/contacts", json={**ANNA, "contactManager": _agent_id(admin)}
    ).json()
    contact_id = made["contactId"]
    contact = call(
        admin, "GET", "omnichannel/contacts.get", params={"contactId": contact_id}
    ).json()["contact"]
    assert (contact["name"], contact["emails"], contact["phones"]) == (
        "Anna Lee",
        [{"address": "anna@customer.example"}],
        [{"phoneNumber": "+15550100"}],
    )
    assert (contact["unknown"], contact["channels"], contact["contactManager"]) == (
        False,
        [],
        _agent_id(admin),
    )

    updated = call(
        admin,
        "POST",
        "omnichannel/contacts.update",
        json={"contactId": contact_id, "name": "Anna Lee-Park", "contactManager": ""},
    ).json()["contact"]
    assert updated["name"] == "Anna Lee-Park"
    assert "contactManager" not in updated

    found = call(admin, "GET", "omnichannel/contacts.search", params={"searchText": "5550"}).json()
    assert [c["_id"] for c in found["contacts"]] == [contact_id]
    assert (found["count"], found["offset"], found["total"]) == (50, 0, 1)
    none = call(admin, "GET", "omnichannel/contacts.search", params={"searchText": "zzz"}).json()
    assert none["total"] == 0

    def exists(**params: str) -> bool:
        return call(admin, "GET", "omnichannel/contacts.checkExistence", params=params).json()[
            "exists"
        ]

    assert exists(email="anna@customer.example") is True
    assert exists(phone="+1") is False
    assert exists(contactId=contact_id) is True


def test_the_search_shows_the_manager(admin):
    agent = _agent_id(admin)
    call(admin, "POST", "omnichannel/contacts", json={**ANNA, "contactManager": agent})
    listed = call(admin, "GET", "omnichannel/contacts.search").json()["contacts"]
    assert listed[0]["contactManager"] == {
        "_id": agent,
        "name": "Daniel Tanaka",
        "username": "daniel.tanaka",
    }


def test_custom_fields_are_checked_against_the_definitions(admin):
    call(
        admin,
        "POST",
        "livechat/custom-fields.save",
        json={
            "customFieldData": {
                "field": "plan",
                "label": "Plan",
                "scope": "visitor",
                "visibility": "visible",
                "regexp": "^(free|pro)$",
                "required": True,
            }
        },
    )
    missing = call(admin, "POST", "omnichannel/contacts", json=ANNA).json()
    assert missing == {"success": False, "error": "Invalid value for Plan field"}
    wrong = call(
        admin, "POST", "omnichannel/contacts", json={**ANNA, "customFields": {"plan": "gold"}}
    ).json()
    assert wrong["error"] == "Invalid value for Plan field"
    extra = call(
        admin,
        "POST",
        "omnichannel/contacts",
        json={**ANNA, "customFields": {"plan": "pro", "shoe": "42"}},
    ).json()
    assert extra == {"success": False, "error": "Custom field shoe is not allowed"}
    made = call(
        admin, "POST", "omnichannel/contacts", json={**ANNA, "customFields": {"plan": " pro "}}
    ).json()
    contact = call(
        admin, "GET", "omnichannel/contacts.get", params={"contactId": made["contactId"]}
    ).json()["contact"]
    assert contact["customFields"] == {"plan": "pro"}


def test_conflicts_history_and_channels(admin, rc_server):
    contact_id = call(admin, "POST", "omnichannel/contacts", json=ANNA).json()["contactId"]
    no_conflicts = call(
        admin, "POST", "omnichannel/contacts.conflicts", json={"contactId": contact_id}
    ).json()
    assert no_conflicts == {"success": False, "error": "error-contact-has-no-conflicts"}
    rt = runtime_of(rc_server.app)
    rt.store.update(
        "livechat_contacts",
        contact_id,
        {"conflictingFields": [{"field": "name", "value": "Ann"}], "channels": []},
    )
    resolved = call(
        admin,
        "POST",
        "omnichannel/contacts.conflicts",
        json={"contactId": contact_id, "name": "Ann"},
    ).json()["result"]
    assert (resolved["name"], resolved["conflictingFields"]) == ("Ann", [])

    rt.store.insert(
        "rooms",
        {"_id": "lc-1", "t": "l", "ts": 1, "closedAt": 2, "contactId": contact_id, "msgs": 3},
    )
    history = call(
        admin, "GET", "omnichannel/contacts.history", params={"contactId": contact_id}
    ).json()
    assert [(h["_id"], h["msgs"]) for h in history["history"]] == [("lc-1", 3)]
    assert (history["count"], history["offset"], history["total"]) == (1, 0, 1)
    assert call(
        admin, "GET", "omnichannel/contacts.channels", params={"contactId": contact_id}
    ).json() == {"channels": [], "success": True}


def test_refusals(admin, alice):
    assert call(admin, "GET", "omnichannel/contacts.get", params={"contactId": "x"}).json() == {
        "success": False,
        "error": "Resource not found",
    }
    gone = call(admin, "POST", "omnichannel/contacts.update", json={"contactId": "x"}).json()
    assert gone == {"success": False, "error": "error-contact-not-found"}
    manager = call(
        admin, "POST", "omnichannel/contacts", json={**ANNA, "contactManager": "nobody"}
    ).json()
    assert manager == {"success": False, "error": "error-contact-manager-not-found"}
    duplicate = call(
        admin, "POST", "omnichannel/contacts", json={**ANNA, "emails": ["a@x", "a@x"]}
    ).json()
    assert duplicate == {
        "success": False,
        "error": "must NOT have duplicate items (items ## 1 and 0 are identical) [invalid-params]",
        "errorType": "invalid-params",
    }
    neither = call(admin, "GET", "omnichannel/contacts.checkExistence").json()
    assert neither["error"].endswith("must match exactly one schema in oneOf [invalid-params]")
    assert call(alice, "POST", "omnichannel/contacts", json=ANNA).json() == NO_PERMISSION
    assert call(alice, "GET", "omnichannel/contacts.search").status_code == 403


def test_visitor_contact_routes(admin):
    assert call(admin, "GET", "omnichannel/contact", params={"contactId": "x"}).json() == {
        "contact": None,
        "success": True,
    }
    assert call(admin, "GET", "omnichannel/contact.search").json() == {
        "success": False,
        "error": "[error-invalid-params]",
        "errorType": "error-invalid-params",
    }
    bad = call(admin, "GET", "omnichannel/contact.search", params={"custom": "{"}).json()
    assert bad["errorType"] == "error-invalid-params-custom"
    assert call(
        admin, "GET", "omnichannel/contact.search", params={"email": "nobody@x"}
    ).json() == {"contact": None, "success": True}


def test_registering_a_visitor_as_a_contact(rc_server, admin, alice):
    body = {
        "token": "contact-token-1",
        "name": "Chris",
        "email": "Chris@Customer.example",
        "phone": "+91123456788",
        "contactManager": {"username": "daniel.tanaka"},
    }
    made = call(admin, "POST", "omnichannel/contact", json=body).json()
    assert made["success"] is True
    contact_id = made["contact"]
    found = call(admin, "GET", "omnichannel/contact", params={"contactId": contact_id}).json()
    contact = found["contact"]
    assert (contact["token"], contact["name"], contact["username"]) == (
        "contact-token-1",
        "Chris",
        contact["username"],
    )
    assert contact["username"].startswith("guest-")
    assert contact["visitorEmails"] == [{"address": "chris@customer.example"}]
    assert contact["phone"] == [{"phoneNumber": "+91123456788"}]
    assert contact["contactManager"] == {"username": "daniel.tanaka"}
    # The widget sees the same visitor under its token; the same token updates it.
    seen = requests.get(f"{rc_server.url}/api/v1/livechat/visitor/contact-token-1", timeout=5)
    assert seen.json()["visitor"]["_id"] == contact_id
    again = call(
        admin, "POST", "omnichannel/contact", json={"token": "contact-token-1", "name": "C"}
    )
    assert again.json()["contact"] == contact_id
    renamed = call(admin, "GET", "omnichannel/contact", params={"contactId": contact_id}).json()
    assert renamed["contact"]["name"] == "C"


def test_registering_a_contact_refuses_bad_input(rc_server, admin, alice):
    def post(body):
        return call(admin, "POST", "omnichannel/contact", json=body).json()

    assert post({"name": "x"}) == {"success": False, "error": "Match error: Missing key 'token'"}
    assert post({"token": "t", "name": 5}) == {
        "success": False,
        "error": "Match error: Expected string, got number in field name",
    }
    assert post({"token": "t", "name": "x", "colour": "red"}) == {
        "success": False,
        "error": "Match error: Unknown key in field colour",
    }
    manager = post({"token": "t", "name": "x", "contactManager": {"username": "nobody"}})
    assert manager == {"success": False, "error": "error-contact-manager-not-found"}
    assert models.livechat.find_visitor(runtime_of(rc_server.app), "t") is None  # nothing stored
    answer = call(alice, "POST", "omnichannel/contact", json={"token": "t", "name": "x"})
    assert (answer.status_code, answer.json()) == (403, NO_PERMISSION)
