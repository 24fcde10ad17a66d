"""Licensed features answer as an unlicensed Team Edition server does (``resources/licensed.py``).

Every row of the table is called three ways: without a session, by a system admin (who passes
every permission check, so the row's own refusal or empty answer comes back) and, for the rows
where the order of checks matters, by a plain user.
"""

from __future__ import annotations

import re

import pytest
from mattermostdriver.exceptions import FeatureDisabled, NotEnoughPermissions

from emulator.app import runtime_of
from emulator.mattermost import errors
from emulator.mattermost.resources import licensed
from tests.mattermost.clients import ERROR_KEYS, assert_error, logged_in, raw, team_id, user_id

ANY_ID = "a" * 26
SESSION_EXPIRED = "api.context.session_expired.app_error"
PERMISSIONS = "api.context.permissions.app_error"


@pytest.fixture
def ids(mm_server) -> dict[str, str]:
    team = team_id(mm_server)
    town = runtime_of(mm_server.app).store.find_one("channels", "team_name", (team, "town-square"))
    return {"user_id": user_id(mm_server, "alice"), "team_id": team, "channel_id": town["id"]}


def _url(operation: licensed.Operation, ids: dict[str, str]) -> str:
    return re.sub(r"<([^>]+)>", lambda m: ids.get(m.group(1), ANY_ID), operation.rule)


def _body(operation: licensed.Operation) -> dict:
    """A request body every check before the row's answer accepts."""
    if licensed.id_list in operation.checks:
        return {"json": [ANY_ID]}
    if "certificate" in operation.rule or operation.rule == "/license":
        field = "license" if operation.rule == "/license" else "certificate"
        return {"files": {field: ("file.pem", b"not a real one")}}
    body = {"toAttribute": "objectGUID", "scheme_id": ANY_ID, "term": "", "type": "parent"}
    if operation.rule.endswith("/terms_of_service"):
        body = {"termsOfServiceId": ANY_ID, "accepted": True}
    if "/migrate_auth/" in operation.rule:
        body = {"from": "email", "force": True, "auto": True, "match_field": "email", "matches": {}}
    return {"json": body, "params": {"active": "true", "limit": "10"}}


def _label(operation: licensed.Operation) -> str:
    return f"{operation.method} {operation.rule}"


@pytest.mark.parametrize("operation", licensed.OPERATIONS, ids=_label)
def test_without_a_session(mm_server, ids, operation):
    response = raw(mm_server)(operation.method, _url(operation, ids), **_body(operation))
    if operation.session:
        assert_error(response, 401, SESSION_EXPIRED)
        return
    last = operation.checks[-1]
    gated = any(getattr(check, "__qualname__", "").startswith("perm") for check in operation.checks)
    if gated:
        assert_error(response, 403, PERMISSIONS)
    else:
        assert_error(response, last.status, last.error_id)


@pytest.mark.parametrize("operation", licensed.OPERATIONS, ids=_label)
def test_as_a_system_admin(mm_server, ids, operation):
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    response = admin(operation.method, _url(operation, ids), **_body(operation))
    last = operation.checks[-1]
    if isinstance(last, licensed.Refusal):
        body = assert_error(response, last.status, last.error_id)
        assert body["message"] == errors.MESSAGES[last.error_id]
    elif operation.answer is licensed.EMPTY:
        assert (response.status_code, response.content) == (200, b"")
    else:
        assert response.status_code == 200, response.text
        assert response.json() == operation.answer


def test_every_row_is_a_documented_operation_served_once():
    seen = {_label(operation) for operation in licensed.OPERATIONS}
    assert len(seen) == len(licensed.OPERATIONS)
    assert licensed.blueprint.name.endswith("_licensed")


@pytest.mark.parametrize(
    ("method", "path", "status", "error_id"),
    [
        # The LDAP licence is checked before the permission here...
        ("POST", "/ldap/sync", 501, errors.LDAP_LICENSE),
        # ... and after it there.
        ("GET", "/ldap/groups", 403, PERMISSIONS),
        ("POST", "/compliance/reports", 403, PERMISSIONS),
        # Scheme writes check the licence before the permission, reads the permission only.
        ("POST", "/schemes", 501, errors.SCHEME_CREATE_LICENSE),
        ("GET", "/schemes", 403, PERMISSIONS),
        ("GET", "/custom_profile_attributes/fields", 403, errors.CPA_LICENSE),
        ("POST", "/custom_profile_attributes/fields", 403, PERMISSIONS),
        ("GET", "/data_retention/policy", 501, errors.DATA_RETENTION_LICENSE),
        ("GET", "/data_retention/policies", 403, PERMISSIONS),
        ("GET", "/cloud/limits", 400, errors.CWS_NEEDS_ENTERPRISE),
        ("GET", "/remotecluster", 403, PERMISSIONS),
        ("GET", f"/channels/{ANY_ID}/moderations", 403, errors.CHANNEL_MODERATIONS_GET_LICENSE),
        ("GET", "/oauth/outgoing_connections", 403, PERMISSIONS),
        ("POST", "/trial-license", 403, PERMISSIONS),
        ("GET", "/trial-license/prev", 403, errors.LICENSE_UPGRADE_NEEDED),
        # Groups ask for any licence before they look at the caller.
        ("GET", f"/users/{ANY_ID}/groups", 501, errors.LICENSE_REQUIRED),
        ("POST", "/posts/schedule", 400, errors.SCHEDULED_POSTS_LICENSE),
        ("POST", "/upgrade_to_enterprise", 403, PERMISSIONS),
        ("GET", "/upgrade_to_enterprise/status", 403, PERMISSIONS),
    ],
)
def test_a_plain_user_meets_the_checks_in_upstream_order(mm_server, method, path, status, error_id):
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    body = bob(method, path, json={}).json()
    assert (body["status_code"], body["id"]) == (status, error_id)


def test_the_permission_error_names_every_permission_it_accepts(mm_server):
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    body = assert_error(bob("GET", "/remotecluster"), 403, PERMISSIONS)
    assert body["detailed_error"].endswith(
        "permission=manage_secure_connections,manage_shared_channels"
    )


def test_input_checks_that_come_first_still_apply(mm_server, ids):
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    assert_error(admin("POST", "/ldap/migrateid", json={}), 400, errors.INVALID_BODY_PARAM)
    assert_error(
        admin("POST", "/data_retention/policies", data="{"), 400, errors.INVALID_BODY_PARAM
    )
    assert_error(
        admin("POST", f"/data_retention/policies/{ANY_ID}/teams", json={"a": 1}),
        400,
        errors.PAYLOAD_PARSE,
    )
    assert_error(
        admin("GET", "/data_retention/policies/short"),
        400,
        "api.context.invalid_url_param.app_error",
    )
    assert_error(admin("POST", "/saml/reset_auth_data", data="[]"), 400, errors.DECODE_JSON)
    assert_error(admin("POST", "/ldap/certificate/public"), 400, errors.CERTIFICATE_NO_FILE)
    assert_error(admin("POST", "/license"), 400, errors.LICENSE_NO_FILE)
    assert_error(
        admin("PUT", f"/channels/{ANY_ID}/scheme", json={"scheme_id": ""}),
        400,
        errors.INVALID_BODY_PARAM,
    )
    # A team may drop its scheme (an empty id); a channel may not.
    assert_error(
        admin("PUT", f"/teams/{ids['team_id']}/scheme", json={"scheme_id": ""}),
        501,
        errors.TEAM_SCHEME_LICENSE,
    )
    assert_error(
        admin("POST", f"/ldap/users/{ANY_ID}/group_sync_memberships"), 404, errors.USER_NOT_FOUND
    )
    assert_error(admin("GET", "/schemes?scope=system"), 400, errors.INVALID_BODY_PARAM)


def test_migrating_authentication_reads_the_body_before_the_permission(mm_server):
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    body = {"from": "ldap", "force": True, "match_field": "email"}
    response = bob("POST", "/users/migrate_auth/ldap", json=body)
    assert_error(response, 400, "api.context.invalid_body_param.app_error")
    body["from"] = "email"
    assert_error(bob("POST", "/users/migrate_auth/ldap", json=body), 403, PERMISSIONS)
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    response = admin("POST", "/users/migrate_auth/saml", json={"from": "email", "auto": 1})
    assert_error(response, 400, "api.context.invalid_body_param.app_error")


def test_accepting_terms_reads_the_body_before_finding_no_terms(mm_server, ids):
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    path = f"/users/{ids['user_id']}/terms_of_service"
    body = {"termsOfServiceId": ANY_ID, "accepted": "yes"}
    assert_error(bob("POST", path, json=body), 400, "api.context.invalid_body_param.app_error")
    body["accepted"] = False
    assert_error(bob("POST", path, json=body), 404, errors.TERMS_NOT_FOUND)


def test_the_user_export_checks_its_filters_before_the_licence(mm_server):
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    response = admin("POST", "/reports/users/export", params={"team_filter": "nope"})
    assert_error(response, 400, errors.REPORT_INVALID_TEAM_FILTER)
    response = admin(
        "POST", "/reports/users/export", params={"hide_active": "true", "hide_inactive": "true"}
    )
    assert_error(response, 400, errors.REPORT_INVALID_ACTIVE_FILTER)


def test_an_unrouted_operation_gets_the_routers_404(mm_server):
    response = raw(mm_server)("GET", "/ai/agents")
    body = assert_error(response, 404, errors.NOT_FOUND_PAGE)
    assert list(body) == ERROR_KEYS
    assert "url='/api/v4/ai/agents'" in body["detailed_error"]


def test_mattermostdriver_sees_the_refusals(mm_server):
    admin = logged_in(mm_server, "admin")
    with pytest.raises(FeatureDisabled):
        admin.ldap.sync_ldap()
    with pytest.raises(FeatureDisabled):
        admin.compliance.get_reports()
    with pytest.raises(FeatureDisabled):
        admin.data_retention.get_data_retention_policy()
    assert admin.cluster.get_cluster_status() == []
    bob = logged_in(mm_server, "bob")
    with pytest.raises(NotEnoughPermissions):
        bob.saml.get_certificate_status()


def test_access_control_needs_the_policy_administration_point(mm_server):
    admin_driver = logged_in(mm_server, "admin")
    admin = raw(mm_server, admin_driver)
    policies = "/access_control_policies"
    assign = admin("POST", f"{policies}/{ANY_ID}/assign", json={"channel_ids": [ANY_ID]})
    body = assert_error(assign, 501, errors.ACS_ASSIGN)
    assert body["detailed_error"] == "Policy Administration Point is not initialized"
    assert_error(admin("PUT", policies, json={"type": "other"}), 400, errors.INVALID_BODY_PARAM)
    # The activation switch refuses cookie sessions (a CSRF barrier).
    cookie = {"Cookie": f"MMAUTHTOKEN={admin_driver.client.token}"}
    response = raw(mm_server)(
        "GET", f"{policies}/{ANY_ID}/activate", params={"active": "true"}, headers=cookie
    )
    assert_error(response, 401, errors.SESSION_COOKIE_NOT_ALLOWED)
    assert_error(
        admin("GET", f"{policies}/{ANY_ID}/activate", params={"active": "yes"}),
        400,
        errors.INVALID_BODY_PARAM,
    )
    assert_error(admin("GET", f"{policies}/cel/autocomplete/fields"), 400, errors.ACS_FIELDS_LIMIT)
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    body = assert_error(bob("POST", f"{policies}/cel/check", json={}), 403, PERMISSIONS)
    assert body["detailed_error"].endswith("permission=manage_system")
    check = bob("POST", f"{policies}/cel/check", json={"channelId": ANY_ID})
    body = assert_error(check, 403, PERMISSIONS)
    assert body["detailed_error"].endswith("permission=manage_channel_access_rules")
    # Nothing to switch needs no permission; the switch itself then needs the point.
    assert_error(bob("PUT", f"{policies}/activate", json={}), 501, errors.ACS_UPDATE_ACTIVE)
