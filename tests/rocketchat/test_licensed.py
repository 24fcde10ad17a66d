"""Enterprise-only operations answer as an unlicensed (Community) 8.3 server does."""

from __future__ import annotations

import re

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from emulator.rocketchat.resources import licensed
from emulator.tools import coverage
from tests.rocketchat.clients import NO_PERMISSION, call, refused

LICENCE = {
    "success": False,
    "error": "This is an enterprise feature [error-action-not-allowed]",
    "errorType": "error-action-not-allowed",
}
LOGGED_OUT = {
    "success": False,
    "error": "You must be logged in to do this.",
    "status": "error",
    "message": "You must be logged in to do this.",
}
UNKNOWN_ROUTE = {"success": False, "error": "Resource not found"}
# Created only by the licensed start-up, so no role holds them on a Community server.
ENTERPRISE_PERMISSIONS = {
    "abac-management",
    "view-members-list-all-rooms",
    "logout-device-management",
    "view-canned-responses",
    "save-canned-responses",
    "remove-canned-responses",
    "manage-livechat-units",
    "manage-livechat-monitors",
    "manage-livechat-priorities",
    "manage-livechat-sla",
    "manage-livechat-tags",
    "view-livechat-reports",
    "request-pdf-transcript",
    "block-livechat-contact",
    "unblock-livechat-contact",
}
ADMIN_ONLY = {"view-engagement-dashboard", "view-device-management"} | {
    # livechat roles, which the seeded users do not hold, besides admin
    "view-livechat-manager",
    "view-livechat-business-hours",
    "view-l-room",
    "on-hold-livechat-room",
}


def _url(rule: str) -> str:
    return re.sub(r"<[^>]+>", "x1", rule).removeprefix("/")


def _expected(check: licensed.Check | None, who: str) -> tuple[int, dict]:
    if check is None:
        return 404, UNKNOWN_ROUTE
    if who == "anonymous":
        return 401, LOGGED_OUT
    permissions = set(check.permissions)
    if not permissions:
        return 400, LICENCE
    held = ADMIN_ONLY if who == "admin" else set()
    assert permissions <= ENTERPRISE_PERMISSIONS | ADMIN_ONLY, permissions
    passes = bool(permissions & held) if check.any_of else permissions <= held
    return (400, LICENCE) if passes else (403, NO_PERMISSION)


@pytest.mark.parametrize(("method", "rule", "check"), licensed.ROUTES, ids=lambda v: str(v))
def test_every_row_answers_as_an_unlicensed_server(rc_server, admin, alice, method, rule, check):
    path = _url(rule)
    anonymous = requests.request(method, f"{rc_server.url}/api/v1/{path}", timeout=5)
    assert (anonymous.status_code, anonymous.json()) == _expected(check, "anonymous")
    for who, client in (("alice", alice), ("admin", admin)):
        answer = call(client, method, path, json={})
        assert (answer.status_code, answer.json()) == _expected(check, who), who


def test_enterprise_permissions_refuse_even_the_admin(admin):
    answer = call(admin, "POST", "livechat/units", json={"unitData": {}})
    assert (answer.status_code, answer.json()) == (403, NO_PERMISSION)
    # GET livechat/units requires no permission: the licence answers
    answer = call(admin, "GET", "livechat/units")
    assert (answer.status_code, answer.json()) == (400, LICENCE)


def test_any_of_permissions_let_the_admin_reach_the_licence(admin, alice):
    # GET livechat/sla: manage-livechat-sla (enterprise) or view-l-room (admin holds it)
    assert call(admin, "GET", "livechat/sla").json() == LICENCE
    assert call(alice, "GET", "livechat/sla").status_code == 403
    # PUT livechat/sla/:id wants manage-livechat-sla only
    assert call(admin, "PUT", "livechat/sla/x1", json={}).status_code == 403


def test_client_methods_get_the_licence_refusal(admin):
    with pytest.raises(RocketApiException) as excinfo:
        admin.engagement_dashboard_new_users(start="2026-01-01", end="2026-01-02")
    assert refused(excinfo) == (400, LICENCE)
    with pytest.raises(RocketApiException) as excinfo:
        admin.chat_get_message_read_receipts(message_id="nope")
    assert refused(excinfo) == (400, LICENCE)


def test_every_row_is_a_documented_operation_counted_as_refusal():
    specs = coverage.specs_dir()
    if not (specs / "rocketchat" / "endpoints.tsv").is_file():
        pytest.skip("reference specs not present")
    operations = coverage.documented_operations("rocketchat", specs)
    result = coverage.coverage("rocketchat", coverage.build_app("rocketchat"), operations)
    assert len(result.refused) == len(licensed.ROUTES) + 1  # + ldap.syncNow, its own handler
    assert not result.refused & result.implemented
