"""Licensed features, answered as an unlicensed Team Edition server answers them.

LDAP, SAML, compliance, cluster, Elasticsearch, shared channels and remote clusters, IP
filtering, outgoing OAuth connections, cloud, data retention, custom profile attributes, content
flagging, permission schemes, licence upload and trials exist only with a licence (or in the
Enterprise build). One row per documented operation: the checks ``api4/<area>.go`` makes, in its
order, and the answer it ends with once the missing licence (or enterprise interface) is reached.
An operation the Team Edition router does not register at all (behind a feature flag that is off
by default) gets the router's 404.

The blueprint's name ends in ``_licensed``: the coverage report counts these routes as licence
refusals, never as implemented operations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime, runtime
from .. import authentication, errors, inputs, permissions
from .reports import user_filter

blueprint = Blueprint("mm_licensed", __name__, url_prefix="/api/v4")

Doc = dict[str, Any]


@dataclass
class Call:
    """What a check sees: the runtime, the caller (None on a route that needs no session) and
    the URL parameters."""

    rt: Runtime
    user: Doc | None
    params: dict[str, str]


Check = Callable[[Call], None]


def _denied(call: Call, permission: str) -> errors.AppError:
    return errors.permission_denied(call.user["id"] if call.user else "", permission)


def perm(permission: str) -> Check:
    """``SessionHasPermissionTo``: a system permission."""

    def check(call: Call) -> None:
        if call.user is None or not permissions.has_system_permission(call.user, permission):
            raise _denied(call, permission)

    return check


def perm_any(*names: str) -> Check:
    """``SessionHasPermissionToAny``; the error names them all, comma-separated."""

    def check(call: Call) -> None:
        user = call.user
        if user is None or not any(permissions.has_system_permission(user, p) for p in names):
            raise _denied(call, ",".join(names))

    return check


def team_perm(permission: str) -> Check:
    def check(call: Call) -> None:
        user, team_id = call.user, call.params["team_id"]
        if user is None or not permissions.has_team_permission(call.rt, user, team_id, permission):
            raise _denied(call, permission)

    return check


def read_channel(call: Call) -> None:
    """``SessionHasPermissionToChannel(read_channel)``: a missing channel is no permission."""
    channel = call.rt.store.get("channels", call.params["channel_id"])
    if (
        call.user is None
        or channel is None
        or not permissions.has_channel_permission(call.rt, call.user, channel, "read_channel")
    ):
        raise _denied(call, "read_channel")


def self_or(permission: str) -> Check:
    """The caller's own records, or anyone's with ``permission``."""

    def check(call: Call) -> None:
        if call.user is None or call.user["id"] != call.params["user_id"]:
            perm(permission)(call)

    return check


def id_param(name: str) -> Check:
    """``c.Require<Name>()``: a 26-character id in the URL."""

    def check(call: Call) -> None:
        if not is_mattermost_id(call.params.get(name, "")):
            raise errors.invalid_url_param(name)

    return check


def json_param(name: str, null_ok: bool = True) -> Check:
    """``json.NewDecoder(r.Body).Decode``: a body that is not JSON is ``SetInvalidParamWithErr``;
    a literal ``null`` decodes into a struct (``null_ok``) but not into a nil pointer."""

    def check(call: Call) -> None:
        if inputs.body_is_json_null():
            if null_ok:
                return
        elif inputs.json_body(required=False) is not None:
            return
        raise errors.invalid_body_param(name)

    return check


def string_field(name: str) -> Check:
    """``model.StringInterfaceFromJSON`` then a non-empty string under ``name``."""

    def check(call: Call) -> None:
        body = inputs.json_body(required=False)
        value = body.get(name) if isinstance(body, dict) else None
        if not isinstance(value, str) or not value:
            raise errors.invalid_body_param(name)

    return check


def decodable(call: Call) -> None:
    """A JSON object or the request fails with ``model.utils.decode_json``."""
    if not isinstance(inputs.json_body(required=False), dict):
        raise errors.AppError(400, errors.DECODE_JSON)


def outgoing_reader(call: Call) -> None:
    """``checkOutgoingOAuthConnectionReadPermissions``: the system permission, or managing one's
    own outgoing webhooks or slash commands in the ``team_id`` of the query."""
    user, team_id = call.user, request.args.get("team_id", "")
    if user is not None and (
        permissions.has_system_permission(user, "manage_outgoing_oauth_connections")
        or permissions.has_team_permission(call.rt, user, team_id, "manage_own_outgoing_webhooks")
        or permissions.has_team_permission(call.rt, user, team_id, "manage_own_slash_commands")
    ):
        return
    raise _denied(call, "manage_own_outgoing_webhooks,manage_own_slash_commands")


def scheme_scope(call: Call) -> None:
    if request.args.get("scope", "") not in ("", "team", "channel"):
        raise errors.invalid_body_param("scope")


def id_list(call: Call) -> None:
    """``model.SortedArrayFromJSON``: a JSON array of strings."""
    body = inputs.json_body(required=False)
    if not isinstance(body, list) or not all(isinstance(item, str) for item in body):
        raise errors.AppError(400, errors.PAYLOAD_PARSE)


def scheme_id_field(required_valid: bool) -> Check:
    """``SchemeIDPatch``: ``scheme_id`` present and an id (a team also accepts "" to reset)."""

    def check(call: Call) -> None:
        body = inputs.json_body(required=False)
        value = body.get("scheme_id") if isinstance(body, dict) else None
        valid = isinstance(value, str) and (
            is_mattermost_id(value) or (value == "" and not required_valid)
        )
        if not valid:
            raise errors.invalid_body_param("scheme_id")

    return check


def multipart_file(field: str, error_id: str) -> Check:
    def check(call: Call) -> None:
        if field not in request.files:
            raise errors.AppError(400, error_id)

    return check


def existing_user(call: Call) -> None:
    """``c.App.GetUser``."""
    if call.rt.store.get("users", call.params["user_id"]) is None:
        raise errors.not_found(errors.USER_NOT_FOUND, f"user_id={call.params['user_id']}")


@dataclass(frozen=True)
class Refusal:
    """The answer an operation ends with once the checks before it pass."""

    status: int
    error_id: str
    detailed: str = ""

    def __call__(self, call: Call) -> None:
        raise errors.AppError(self.status, self.error_id, self.detailed.format(path=request.path))


def refuse(status: int, error_id: str) -> Refusal:
    return Refusal(status, error_id)


# ``CloudKeyRequired``: only a cloud-licensed server's CWS key session passes.
CLOUD_KEY_REQUIRED = Refusal(401, errors.SESSION_EXPIRED, "TokenRequired")
# The router's catch-all (``web.Handle404``) for a route Team Edition does not register.
NOT_ROUTED = Refusal(
    404,
    errors.NOT_FOUND_PAGE,
    "There doesn't appear to be an api call for the url='{path}'.  Typo? are you missing a"
    " team_id or user_id as part of the url?",
)


# -- access control policies: the policy administration point is an enterprise interface ------

PAP_MISSING = "Policy Administration Point is not initialized"


def pap(error_id: str) -> Refusal:
    return Refusal(501, error_id, PAP_MISSING)


def _channel_access_rules(call: Call, channel_id: str) -> None:
    """System admins, or (with a ``channelId``) whoever may manage that channel's access rules,
    which no built-in role below system admin may."""
    if call.user is not None and permissions.has_system_permission(call.user, "manage_system"):
        return
    if not channel_id:
        raise _denied(call, "manage_system")
    channel = call.rt.store.get("channels", channel_id)
    allowed = (
        call.user is not None
        and channel is not None
        and permissions.has_channel_permission(
            call.rt, call.user, channel, "manage_channel_access_rules"
        )
    )
    if not allowed:
        raise _denied(call, "manage_channel_access_rules")


def expression_request(name: str) -> Check:
    """A CEL request body, its optional ``channelId``, then the permission it decides."""

    def check(call: Call) -> None:
        body = inputs.json_body(required=False)
        if not isinstance(body, dict) and not inputs.body_is_json_null():
            raise errors.invalid_body_param(name)
        channel_id = (body or {}).get("channelId") or ""
        if not isinstance(channel_id, str) or (channel_id and not is_mattermost_id(channel_id)):
            raise errors.invalid_body_param("channelId")
        _channel_access_rules(call, channel_id)

    return check


def fields_query(call: Call) -> None:
    """``getFieldsAutocomplete``: ``channelId``, the permission, ``after`` and ``limit``."""
    channel_id = request.args.get("channelId", "")
    if channel_id and not is_mattermost_id(channel_id):
        raise errors.invalid_body_param("channelId")
    _channel_access_rules(call, channel_id)
    after = request.args.get("after", "")
    if after and not is_mattermost_id(after):
        raise errors.invalid_body_param("after")
    limit = inputs.go_atoi(request.args.get("limit"))
    if limit is None or not 0 < limit <= 100:
        raise errors.AppError(400, errors.ACS_FIELDS_LIMIT)


def channels_query(call: Call) -> None:
    after = request.args.get("after", "")
    if after and not is_mattermost_id(after):
        raise errors.invalid_body_param("after")
    if inputs.go_atoi(request.args.get("limit")) is None:
        raise errors.AppError(400, errors.ACS_CHANNELS_LIMIT)


def policy_type(call: Call) -> None:
    """``createAccessControlPolicy``: a parent policy needs manage_system; a channel policy is
    for system admins or the channel's managers; any other type is refused."""
    body = inputs.json_body(required=False)
    if not isinstance(body, dict) and not inputs.body_is_json_null():
        raise errors.invalid_body_param("policy")
    body = body or {}
    kind = body.get("type")
    if kind == "parent":
        perm("manage_system")(call)
    elif kind == "channel":
        if call.user is not None and permissions.has_system_permission(call.user, "manage_system"):
            return
        if not is_mattermost_id(body.get("id")):
            raise errors.invalid_body_param("policy.id")
        _channel_access_rules(call, body["id"])
    else:
        raise errors.invalid_body_param("type")


def header_token(call: Call) -> None:
    """A CSRF barrier: only a header (or query) token, never the session cookie."""
    credential = authentication.request_credential(request.environ)
    if credential is None or credential.location == authentication.COOKIE:
        raise errors.AppError(
            401,
            errors.SESSION_COOKIE_NOT_ALLOWED,
            "This endpoint requires header-based authentication",
        )


def migrate_body(sources: tuple[str, ...], flag: str, field: str, kind: type) -> Check:
    """``migrateAuthTo{LDAP,SAML}``: ``from`` one of ``sources``, a boolean ``flag`` and the
    match ``field`` of ``kind``, each its own invalid parameter."""

    def check(call: Call) -> None:
        body = inputs.json_body(required=False)
        body = body if isinstance(body, dict) else {}
        if body.get("from") not in sources:
            raise errors.invalid_body_param("from")
        if not isinstance(body.get(flag), bool):
            raise errors.invalid_body_param(flag)
        if not isinstance(body.get(field), kind):
            raise errors.invalid_body_param(field)

    return check


def typed_field(name: str, kind: type) -> Check:
    """``model.StringInterfaceFromJSON`` then ``props[name].(kind)``."""

    def check(call: Call) -> None:
        body = inputs.json_body(required=False)
        if not isinstance(body, dict) or not isinstance(body.get(name), kind):
            raise errors.invalid_body_param(name)

    return check


def report_filters(call: Call) -> None:
    """``fillUserReportOptions``: the export's filters are the report's."""
    user_filter()


def active_param(call: Call) -> None:
    if request.args.get("active") not in ("true", "false"):
        raise errors.invalid_body_param("active")


def active_entries(call: Call) -> None:
    """``setActiveStatus``: system admins, or per entry the policy's channel managers (no policy
    exists, so none are)."""
    body = inputs.json_body(required=False)
    if not isinstance(body, dict) and not inputs.body_is_json_null():
        raise errors.invalid_body_param("request")
    entries = (body or {}).get("entries") or []
    if call.user is not None and permissions.has_system_permission(call.user, "manage_system"):
        return
    if entries:
        raise _denied(call, "manage_channel_access_rules")


def channel_ids_to(refusal: Refusal) -> Check:
    """Assigning or unassigning nothing succeeds (with an empty answer); anything else needs
    the policy administration point."""

    def check(call: Call) -> None:
        body = inputs.json_body(required=False)
        if not isinstance(body, dict) and not inputs.body_is_json_null():
            raise errors.invalid_body_param("assignments")
        if (body or {}).get("channel_ids"):
            refusal(call)

    return check


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str  # Flask rule under /api/v4
    checks: tuple[Check, ...]
    answer: Any = None  # the 200 body when every check passes (Team Edition serves it empty)
    session: bool = True  # APISessionRequired (401 first) or APIHandler


def op(method: str, rule: str, *checks: Check, answer: Any = None, session: bool = True):
    return Operation(method, rule, checks, answer, session)


OK = {"status": "OK"}
LDAP = refuse(501, errors.LDAP_LICENSE)
SAML = refuse(501, errors.SAML_NOT_AVAILABLE)
COMPLIANCE = refuse(501, errors.COMPLIANCE_DISABLED)
ELASTICSEARCH = refuse(501, errors.ELASTICSEARCH_LICENSE)
REMOTE = refuse(501, errors.REMOTE_CLUSTER_DISABLED)
IP_FILTERING = refuse(501, errors.IP_FILTERING_UNAVAILABLE)
OUTGOING_OAUTH = refuse(501, errors.OUTGOING_OAUTH_DISABLED)
CWS = refuse(400, errors.CWS_NEEDS_ENTERPRISE)
RETENTION = refuse(501, errors.DATA_RETENTION_LICENSE)
CPA = refuse(403, errors.CPA_LICENSE)
RECAPS = refuse(501, errors.RECAPS_DISABLED)
FLAGGING = refuse(501, errors.CONTENT_FLAGGING_LICENSE)
UPGRADE = refuse(403, errors.LICENSE_UPGRADE_NEEDED)

GROUPS_READ = perm("sysconsole_read_user_management_groups")
GROUPS_WRITE = perm("sysconsole_write_user_management_groups")
SECURE_OR_SHARED = perm_any("manage_secure_connections", "manage_shared_channels")
SECURE = perm("manage_secure_connections")
RETENTION_READ = perm("sysconsole_read_compliance_data_retention_policy")
RETENTION_WRITE = perm("sysconsole_write_compliance_data_retention_policy")
OUTGOING_WRITE = perm("manage_outgoing_oauth_connections")
BILLING_READ = perm("sysconsole_read_billing")
BILLING_WRITE = perm("sysconsole_write_billing")
MANAGE_SYSTEM = perm("manage_system")
LICENSE_MANAGE = perm("manage_license_information")
CERTIFICATE = multipart_file("certificate", errors.CERTIFICATE_NO_FILE)
POLICY = id_param("policy_id")
REMOTE_ID = id_param("remote_id")
DR = "/data_retention/policies/<policy_id>"
RC = "/remotecluster"
OAC = "/oauth/outgoing_connections"
CPA_PATH = "/custom_profile_attributes"
CF = "/content_flagging"
SCHEME = "/schemes/<scheme_id>"
ACP = "/access_control_policies"
ACP_ONE = ACP + "/<policy_id>"
EMPTY = object()  # a 200 with an empty body
GROUPS = refuse(501, errors.LICENSE_REQUIRED)
BOOKMARKS = "/channels/<channel_id>/bookmarks"
BOOKMARKS_LICENSE = refuse(501, errors.BOOKMARKS_LICENSE)
MEMBER_COUNTS = refuse(403, errors.MEMBER_COUNTS_BY_GROUP_LICENSE)
SCHEDULED = refuse(400, errors.SCHEDULED_POSTS_LICENSE)
# ``model.MinimumProfessionalProvidedLicense``: an error the server never translates.
PROFESSIONAL = Refusal(501, errors.UNTRANSLATED, "feature is not available for the current license")
UPGRADE_UNSUPPORTED = refuse(403, errors.UPGRADE_SYSTEM_NOT_SUPPORTED)
G = "/<group_id>"
GROUP_ROUTES = (
    ("GET", ""),
    ("POST", ""),
    ("POST", "/names"),
    ("GET", G),
    ("DELETE", G),
    ("PUT", G + "/patch"),
    ("POST", G + "/restore"),
    ("GET", G + "/stats"),
    ("GET", G + "/members"),
    ("POST", G + "/members"),
    ("DELETE", G + "/members"),
    ("GET", G + "/teams"),
    ("GET", G + "/channels"),
    ("GET", G + "/teams/<team_id>"),
    ("GET", G + "/channels/<channel_id>"),
    ("POST", G + "/teams/<team_id>/link"),
    ("DELETE", G + "/teams/<team_id>/link"),
    ("POST", G + "/channels/<channel_id>/link"),
    ("DELETE", G + "/channels/<channel_id>/link"),
    ("PUT", G + "/teams/<team_id>/patch"),
    ("PUT", G + "/channels/<channel_id>/patch"),
)

OPERATIONS: tuple[Operation, ...] = (
    # api4/ldap.go: some handlers check the licence before the permission, some after.
    op("POST", "/ldap/sync", LDAP),
    op("POST", "/ldap/test", LDAP),
    op("POST", "/ldap/test_connection", LDAP),
    op("POST", "/ldap/test_diagnostics", LDAP),
    op("POST", "/ldap/migrateid", string_field("toAttribute"), MANAGE_SYSTEM, LDAP),
    op("GET", "/ldap/groups", GROUPS_READ, LDAP),
    op("POST", "/ldap/groups/<remote_id>/link", GROUPS_WRITE, LDAP),
    op("DELETE", "/ldap/groups/<remote_id>/link", GROUPS_WRITE, LDAP),
    op("POST", "/ldap/certificate/public", perm("add_ldap_public_cert"), CERTIFICATE, answer=OK),
    op("POST", "/ldap/certificate/private", perm("add_ldap_private_cert"), CERTIFICATE, answer=OK),
    op("DELETE", "/ldap/certificate/public", perm("remove_ldap_public_cert"), answer=OK),
    op("DELETE", "/ldap/certificate/private", perm("remove_ldap_private_cert"), answer=OK),
    op(
        "POST",
        "/ldap/users/<user_id>/group_sync_memberships",
        GROUPS_WRITE,
        existing_user,
        refuse(400, errors.NOT_LDAP_USER),
    ),
    # api4/saml.go: the SAML interface is absent; certificates are files the server keeps.
    op("GET", "/saml/metadata", SAML, session=False),
    op("POST", "/saml/metadatafromidp", perm("get_saml_metadata_from_idp"), SAML, session=False),
    op("POST", "/saml/certificate/idp", perm("add_saml_idp_cert"), CERTIFICATE, answer=OK),
    op("POST", "/saml/certificate/public", perm("add_saml_public_cert"), CERTIFICATE, answer=OK),
    op("POST", "/saml/certificate/private", perm("add_saml_private_cert"), CERTIFICATE, answer=OK),
    op("DELETE", "/saml/certificate/idp", perm("remove_saml_idp_cert"), answer=OK),
    op("DELETE", "/saml/certificate/public", perm("remove_saml_public_cert"), answer=OK),
    op("DELETE", "/saml/certificate/private", perm("remove_saml_private_cert"), answer=OK),
    op(
        "GET",
        "/saml/certificate/status",
        perm("get_saml_cert_status"),
        answer={
            "idp_certificate_file": False,
            "public_certificate_file": False,
            "private_key_file": False,
        },
    ),
    op("POST", "/saml/reset_auth_data", MANAGE_SYSTEM, decodable, SAML),
    # api4/compliance.go
    op("POST", "/compliance/reports", perm("create_compliance_export_job"), COMPLIANCE),
    op("GET", "/compliance/reports", perm("read_compliance_export_job"), COMPLIANCE),
    op(
        "GET",
        "/compliance/reports/<report_id>",
        id_param("report_id"),
        perm("read_compliance_export_job"),
        COMPLIANCE,
    ),
    op(
        "GET",
        "/compliance/reports/<report_id>/download",
        id_param("report_id"),
        perm("download_compliance_export_result"),
        COMPLIANCE,
    ),
    # api4/cluster.go: without the cluster interface there are no nodes.
    op("GET", "/cluster/status", perm("sysconsole_read_environment_high_availability"), answer=[]),
    # api4/elasticsearch.go; Team Edition registers no Bleve routes.
    op("POST", "/elasticsearch/test", perm("test_elasticsearch"), ELASTICSEARCH),
    op("POST", "/elasticsearch/purge_indexes", perm("purge_elasticsearch_indexes"), ELASTICSEARCH),
    op("POST", "/bleve/purge_indexes", NOT_ROUTED, session=False),
    # api4/shared_channel.go and remote_cluster.go: no remote cluster service.
    op("GET", "/sharedchannels/<team_id>", id_param("team_id"), REMOTE),
    op("GET", "/sharedchannels/remote_info/<remote_id>", REMOTE_ID, REMOTE),
    op("GET", "/sharedchannels/<channel_id>/remotes", id_param("channel_id"), REMOTE),
    op(
        "GET",
        "/sharedchannels/users/<user_id>/can_dm/<other_user_id>",
        id_param("user_id"),
        id_param("other_user_id"),
        answer={"can_dm": True},
    ),
    op("GET", RC + "/<remote_id>/sharedchannelremotes", REMOTE_ID, SECURE_OR_SHARED, REMOTE),
    op(
        "POST",
        RC + "/<remote_id>/channels/<channel_id>/invite",
        REMOTE_ID,
        id_param("channel_id"),
        perm("manage_shared_channels"),
        REMOTE,
    ),
    op(
        "POST",
        RC + "/<remote_id>/channels/<channel_id>/uninvite",
        REMOTE_ID,
        id_param("channel_id"),
        perm("manage_shared_channels"),
        REMOTE,
    ),
    op("GET", RC, SECURE_OR_SHARED, REMOTE),
    op("POST", RC, SECURE, REMOTE),
    op("POST", RC + "/accept_invite", SECURE, REMOTE),
    op("POST", RC + "/<remote_id>/generate_invite", SECURE, REMOTE_ID, REMOTE),
    op("GET", RC + "/<remote_id>", SECURE_OR_SHARED, REMOTE_ID, REMOTE),
    op("PATCH", RC + "/<remote_id>", SECURE, REMOTE_ID, REMOTE),
    op("DELETE", RC + "/<remote_id>", SECURE, REMOTE_ID, REMOTE),
    # api4/ip_filtering.go: the interface check comes first.
    op("GET", "/ip_filtering", IP_FILTERING),
    op("POST", "/ip_filtering", IP_FILTERING),
    op("GET", "/ip_filtering/my_ip", IP_FILTERING),
    # api4/outgoing_oauth_connection.go: permission, then EnableOutgoingOAuthConnections (off).
    op("GET", OAC, outgoing_reader, OUTGOING_OAUTH),
    op("POST", OAC, OUTGOING_WRITE, OUTGOING_OAUTH),
    op("GET", OAC + "/<connection_id>", OUTGOING_WRITE, OUTGOING_OAUTH),
    op("PUT", OAC + "/<connection_id>", OUTGOING_WRITE, OUTGOING_OAUTH),
    op("DELETE", OAC + "/<connection_id>", OUTGOING_WRITE, OUTGOING_OAUTH),
    op("POST", OAC + "/validate", OUTGOING_WRITE, OUTGOING_OAUTH),
    # api4/cloud.go: no CWS interface outside the Enterprise build.
    op("GET", "/cloud/limits", CWS),
    op("GET", "/cloud/products", CWS),
    op("GET", "/cloud/customer", CWS),
    op("PUT", "/cloud/customer", CWS),
    op("PUT", "/cloud/customer/address", CWS),
    op("GET", "/cloud/subscription", CWS),
    op("GET", "/cloud/installation", CWS),
    op("GET", "/cloud/subscription/invoices", CWS),
    op("GET", "/cloud/subscription/invoices/<invoice_id>/pdf", CWS),
    op("GET", "/cloud/check-cws-connection", CWS, session=False),
    # ``ensureCloudInterface``: no cloud interface outside the Enterprise build.
    op("POST", "/cloud/validate-business-email", CWS),
    op("POST", "/cloud/validate-workspace-business-email", CWS),
    op("GET", "/cloud/preview/modal_data", refuse(404, errors.CLOUD_PREVIEW_NOT_CONFIGURED)),
    op("POST", "/cloud/webhook", CLOUD_KEY_REQUIRED, session=False),
    # This server version registers no payment routes.
    op("POST", "/cloud/payment", NOT_ROUTED, session=False),
    op("POST", "/cloud/payment/confirm", NOT_ROUTED, session=False),
    # api4/data_retention.go: policies are an enterprise interface.
    op("GET", "/data_retention/policy", RETENTION),
    op("GET", "/data_retention/policies", RETENTION_READ, RETENTION),
    op("GET", "/data_retention/policies_count", RETENTION_READ, RETENTION),
    op("POST", "/data_retention/policies", json_param("policy"), RETENTION_WRITE, RETENTION),
    op("GET", DR, RETENTION_READ, POLICY, RETENTION),
    op("PATCH", DR, json_param("policy"), POLICY, RETENTION_WRITE, RETENTION),
    op("DELETE", DR, POLICY, RETENTION_WRITE, RETENTION),
    op("GET", DR + "/teams", RETENTION_READ, POLICY, RETENTION),
    op("POST", DR + "/teams", POLICY, id_list, RETENTION_WRITE, RETENTION),
    op("DELETE", DR + "/teams", POLICY, id_list, RETENTION_WRITE, RETENTION),
    # No team or channel belongs to a policy, so the searches find nothing.
    op("POST", DR + "/teams/search", POLICY, RETENTION_READ, json_param("team_search"), answer=[]),
    op("GET", DR + "/channels", RETENTION_READ, POLICY, RETENTION),
    op("POST", DR + "/channels", POLICY, id_list, RETENTION_WRITE, RETENTION),
    op("DELETE", DR + "/channels", POLICY, id_list, RETENTION_WRITE, RETENTION),
    op(
        "POST",
        DR + "/channels/search",
        POLICY,
        json_param("channel_search", False),
        RETENTION_READ,
        answer=[],
    ),
    op(
        "GET",
        "/users/<user_id>/data_retention/team_policies",
        id_param("user_id"),
        self_or("manage_system"),
        RETENTION,
    ),
    op(
        "GET",
        "/users/<user_id>/data_retention/channel_policies",
        id_param("user_id"),
        self_or("manage_system"),
        RETENTION,
    ),
    # api4/custom_profile_attributes.go: writes check manage_system before the licence.
    op("GET", CPA_PATH + "/fields", CPA),
    op("POST", CPA_PATH + "/fields", MANAGE_SYSTEM, CPA),
    op("PATCH", CPA_PATH + "/fields/<field_id>", MANAGE_SYSTEM, CPA),
    op("DELETE", CPA_PATH + "/fields/<field_id>", MANAGE_SYSTEM, CPA),
    op("PATCH", CPA_PATH + "/values", CPA),
    op("GET", CPA_PATH + "/group", CPA),
    op("GET", "/users/<user_id>" + CPA_PATH, CPA),
    op("PATCH", "/users/<user_id>" + CPA_PATH, CPA),
    # api4/recap.go: the EnableAIRecaps feature flag is off by default.
    op("POST", "/recaps", RECAPS),
    op("GET", "/recaps", RECAPS),
    op("GET", "/recaps/<recap_id>", RECAPS),
    op("DELETE", "/recaps/<recap_id>", RECAPS),
    op("POST", "/recaps/<recap_id>/read", RECAPS),
    op("POST", "/recaps/<recap_id>/regenerate", RECAPS),
    op("POST", "/recaps/mark_viewed", RECAPS),
    # Not routed by this server version (the agents bridge lives at /agents).
    op("GET", "/ai/agents", NOT_ROUTED, session=False),
    op("GET", "/ai/services", NOT_ROUTED, session=False),
    # api4/content_flagging.go: an Enterprise Advanced licence comes before anything else.
    op("GET", CF + "/flag/config", FLAGGING),
    op("GET", CF + "/team/<team_id>/status", FLAGGING),
    op("POST", CF + "/post/<post_id>/flag", FLAGGING),
    op("GET", CF + "/fields", FLAGGING),
    op("GET", CF + "/post/<post_id>/field_values", FLAGGING),
    op("GET", CF + "/post/<post_id>", FLAGGING),
    op("PUT", CF + "/post/<post_id>/remove", FLAGGING),
    op("PUT", CF + "/post/<post_id>/keep", FLAGGING),
    op("GET", CF + "/config", FLAGGING),
    op("PUT", CF + "/config", FLAGGING),
    op("GET", CF + "/team/<team_id>/reviewers/search", FLAGGING),
    op("POST", CF + "/post/<post_id>/assign/<content_reviewer_id>", FLAGGING),
    op("POST", CF + "/post/<post_id>/report", FLAGGING),
    # api4/license.go
    op(
        "POST",
        "/license",
        LICENSE_MANAGE,
        multipart_file("license", errors.LICENSE_NO_FILE),
        refuse(400, errors.LICENSE_INVALID),
    ),
    op("DELETE", "/license", LICENSE_MANAGE, answer=OK),
    # Not routed by this server version.
    op("GET", "/license/renewal", NOT_ROUTED, session=False),
    op("POST", "/trial-license", LICENSE_MANAGE, UPGRADE),
    op("GET", "/trial-license/prev", UPGRADE),
    # api4/scheme.go: reads find no scheme (Team Edition stores none); writes need a licence.
    op(
        "GET",
        "/schemes",
        perm("sysconsole_read_user_management_permissions"),
        scheme_scope,
        answer=[],
    ),
    op(
        "POST",
        "/schemes",
        json_param("scheme"),
        refuse(501, errors.SCHEME_CREATE_LICENSE),
    ),
    op(
        "GET",
        SCHEME,
        id_param("scheme_id"),
        perm("sysconsole_read_user_management_permissions"),
        refuse(404, errors.SCHEME_NOT_FOUND),
    ),
    op(
        "DELETE",
        SCHEME,
        id_param("scheme_id"),
        refuse(501, errors.SCHEME_DELETE_LICENSE),
    ),
    op(
        "PUT",
        SCHEME + "/patch",
        id_param("scheme_id"),
        json_param("scheme"),
        refuse(501, errors.SCHEME_PATCH_LICENSE),
    ),
    op(
        "GET",
        SCHEME + "/teams",
        id_param("scheme_id"),
        perm("sysconsole_read_user_management_teams"),
        refuse(404, errors.SCHEME_NOT_FOUND),
    ),
    op(
        "GET",
        SCHEME + "/channels",
        id_param("scheme_id"),
        perm("sysconsole_read_user_management_channels"),
        refuse(404, errors.SCHEME_NOT_FOUND),
    ),
    op(
        "PUT",
        "/teams/<team_id>/scheme",
        id_param("team_id"),
        scheme_id_field(required_valid=False),
        refuse(501, errors.TEAM_SCHEME_LICENSE),
    ),
    op(
        "PUT",
        "/channels/<channel_id>/scheme",
        id_param("channel_id"),
        scheme_id_field(required_valid=True),
        refuse(403, errors.CHANNEL_SCHEME_LICENSE),
    ),
    # api4/channel.go: channel moderation is a licensed feature, checked first.
    op(
        "GET",
        "/channels/<channel_id>/moderations",
        refuse(403, errors.CHANNEL_MODERATIONS_GET_LICENSE),
    ),
    op(
        "PUT",
        "/channels/<channel_id>/moderations/patch",
        refuse(403, errors.CHANNEL_MODERATIONS_PATCH_LICENSE),
    ),
    # api4/access_control.go: without the policy administration point.
    op("PUT", ACP, policy_type, pap(errors.ACS_CREATE_POLICY)),
    op("POST", ACP + "/cel/check", expression_request("user"), pap(errors.ACS_CHECK_EXPRESSION)),
    op("POST", ACP + "/cel/test", expression_request("user"), pap(errors.ACS_CHECK_EXPRESSION)),
    op(
        "POST",
        ACP + "/cel/validate_requester",
        expression_request("request"),
        pap(errors.ACS_CHECK_EXPRESSION),
    ),
    op("POST", ACP + "/cel/visual_ast", expression_request("user"), pap(errors.ACS_VISUAL_AST)),
    op("GET", ACP + "/cel/autocomplete/fields", fields_query, answer=[]),
    op(
        "POST",
        ACP + "/search",
        MANAGE_SYSTEM,
        json_param("access_control_policy_search", False),
        pap(errors.ACCESS_CONTROL_SEARCH_UNAVAILABLE),
    ),
    op("PUT", ACP + "/activate", active_entries, pap(errors.ACS_UPDATE_ACTIVE)),
    op("GET", ACP_ONE, POLICY, MANAGE_SYSTEM, pap(errors.ACS_GET_POLICY)),
    op("DELETE", ACP_ONE, POLICY, MANAGE_SYSTEM, pap(errors.ACS_DELETE_POLICY)),
    op(
        "GET",
        ACP_ONE + "/activate",
        POLICY,
        header_token,
        MANAGE_SYSTEM,
        active_param,
        pap(errors.ACS_UPDATE_ACTIVE),
    ),
    op(
        "POST",
        ACP_ONE + "/assign",
        MANAGE_SYSTEM,
        POLICY,
        channel_ids_to(pap(errors.ACS_ASSIGN)),
        answer=EMPTY,
    ),
    op(
        "DELETE",
        ACP_ONE + "/unassign",
        MANAGE_SYSTEM,
        POLICY,
        channel_ids_to(pap(errors.ACS_UNASSIGN)),
        answer=EMPTY,
    ),
    op(
        "GET",
        ACP_ONE + "/resources/channels",
        MANAGE_SYSTEM,
        POLICY,
        channels_query,
        pap(errors.ACS_GET_POLICY),
    ),
    # No channel carries a policy, so the search finds none.
    op(
        "POST",
        ACP_ONE + "/resources/channels/search",
        MANAGE_SYSTEM,
        POLICY,
        json_param("channel_search", False),
        answer={"channels": [], "total_count": 0},
    ),
    op(
        "GET",
        "/channels/<channel_id>/access_control/attributes",
        id_param("channel_id"),
        read_channel,
        pap(errors.ACS_CHANNEL_ATTRIBUTES),
    ),
    # Views and property fields are behind the IntegratedBoards feature flag (off): not routed.
    op("GET", "/channels/<channel_id>/views", NOT_ROUTED, session=False),
    op("POST", "/channels/<channel_id>/views", NOT_ROUTED, session=False),
    op("GET", "/channels/<channel_id>/views/<view_id>", NOT_ROUTED, session=False),
    op("PATCH", "/channels/<channel_id>/views/<view_id>", NOT_ROUTED, session=False),
    op("DELETE", "/channels/<channel_id>/views/<view_id>", NOT_ROUTED, session=False),
    op("GET", "/channels/<channel_id>/views/<view_id>/posts", NOT_ROUTED, session=False),
    op("POST", "/channels/<channel_id>/views/<view_id>/sort_order", NOT_ROUTED, session=False),
    op("POST", "/properties/groups/<group_name>/<object_type>/fields", NOT_ROUTED, session=False),
    op("GET", "/properties/groups/<group_name>/<object_type>/fields", NOT_ROUTED, session=False),
    op(
        "PATCH",
        "/properties/groups/<group_name>/<object_type>/fields/<field_id>",
        NOT_ROUTED,
        session=False,
    ),
    op(
        "DELETE",
        "/properties/groups/<group_name>/<object_type>/fields/<field_id>",
        NOT_ROUTED,
        session=False,
    ),
    op(
        "GET",
        "/properties/groups/<group_name>/<object_type>/values/<target_id>",
        NOT_ROUTED,
        session=False,
    ),
    op(
        "PATCH",
        "/properties/groups/<group_name>/<object_type>/values/<target_id>",
        NOT_ROUTED,
        session=False,
    ),
    # api4/group.go: every group route asks for a licence (requireLicense) before anything else.
    *(op(method, "/groups" + rule, GROUPS) for method, rule in GROUP_ROUTES),
    op("GET", "/users/<user_id>/groups", GROUPS),
    op("GET", "/channels/<channel_id>/groups", GROUPS),
    op("GET", "/teams/<team_id>/groups", GROUPS),
    op("GET", "/teams/<team_id>/groups_by_channels", GROUPS),
    # api4/channel.go: any licence, checked before the channel id.
    op("GET", "/channels/<channel_id>/member_counts_by_group", MEMBER_COUNTS),
    # api4/user.go: only a cloud licence lets the customer portal log users in.
    op("POST", "/users/login/cws", refuse(401, errors.LOGIN_CWS_LICENSE), session=False),
    # api4/scheduled_post.go: ScheduledPosts is on by default, then any licence.
    op("POST", "/posts/schedule", SCHEDULED),
    op("GET", "/posts/scheduled/team/<team_id>", SCHEDULED),
    op("PUT", "/posts/schedule/<scheduled_post_id>", SCHEDULED),
    op("DELETE", "/posts/schedule/<scheduled_post_id>", SCHEDULED),
    # api4/post.go: acknowledgements need a Professional licence, checked first.
    op("POST", "/users/<user_id>/posts/<post_id>/ack", PROFESSIONAL),
    # Removing one refuses with its own (translated) id.
    op(
        "DELETE",
        "/users/<user_id>/posts/<post_id>/ack",
        Refusal(
            501,
            errors.LICENSE_FEATURE_UNAVAILABLE,
            "feature is not available for the current license",
        ),
    ),
    # Moving threads needs the MoveThreadsEnabled flag and a licence, after the post id.
    op(
        "POST",
        "/posts/<post_id>/move",
        id_param("post_id"),
        refuse(501, errors.MOVE_THREAD_DISABLED),
    ),
    # api4/system.go: the emulator is no binary that could be swapped for the Enterprise one.
    op("POST", "/upgrade_to_enterprise", MANAGE_SYSTEM, UPGRADE_UNSUPPORTED),
    op(
        "GET",
        "/upgrade_to_enterprise/status",
        MANAGE_SYSTEM,
        answer={"percentage": 0, "error": None},
    ),
    op("GET", "/upgrade_to_enterprise/allowed", MANAGE_SYSTEM, UPGRADE_UNSUPPORTED),
    # Support packets need a licence, checked after the permission.
    op("GET", "/system/support_packet", MANAGE_SYSTEM, refuse(403, errors.NO_LICENSE)),
    # api4/user.go: the body is read, then the permission, then the LDAP or SAML licence.
    op(
        "POST",
        "/users/migrate_auth/ldap",
        migrate_body(
            ("email", "gitlab", "saml", "google", "office365"), "force", "match_field", str
        ),
        MANAGE_SYSTEM,
        refuse(403, errors.MIGRATE_LDAP_UNAVAILABLE),
    ),
    op(
        "POST",
        "/users/migrate_auth/saml",
        migrate_body(("email", "gitlab", "ldap", "google", "office365"), "auto", "matches", dict),
        MANAGE_SYSTEM,
        refuse(403, errors.SAML_NOT_AVAILABLE),
    ),
    # api4/report.go: the CSV export needs a Professional licence, after the filters.
    op(
        "POST",
        "/reports/users/export",
        MANAGE_SYSTEM,
        report_filters,
        refuse(400, errors.REPORT_EXPORT_LICENSE),
    ),
    # This server version registers no integrity check.
    op("POST", "/integrity", NOT_ROUTED, session=False),
    # api4/channel_bookmark.go: any licence, before the channel id.
    op("GET", BOOKMARKS, BOOKMARKS_LICENSE),
    op("POST", BOOKMARKS, BOOKMARKS_LICENSE),
    op("PATCH", BOOKMARKS + "/<bookmark_id>", BOOKMARKS_LICENSE),
    op("DELETE", BOOKMARKS + "/<bookmark_id>", BOOKMARKS_LICENSE),
    op("POST", BOOKMARKS + "/<bookmark_id>/sort_order", BOOKMARKS_LICENSE),
    # api4/team.go: guest invitations ask for a licence before anything else.
    op("POST", "/teams/<team_id>/invite-guests/email", refuse(501, errors.INVITE_GUESTS_LICENSE)),
    # api4/user.go: custom terms of service need a licence, so there are none to accept and no
    # user has accepted any (the URL's user is ignored: it is always the caller's record).
    op("GET", "/users/<user_id>/terms_of_service", refuse(404, errors.USER_TERMS_NOT_FOUND)),
    op(
        "POST",
        "/users/<user_id>/terms_of_service",
        typed_field("termsOfServiceId", str),
        typed_field("accepted", bool),
        refuse(404, errors.TERMS_NOT_FOUND),
    ),
    # Deleting every user is a local-mode (socket) command: over HTTP the path has no DELETE.
    op(
        "DELETE",
        "/users",
        Refusal(
            405,
            errors.METHOD_NOT_ALLOWED,
            "The method is not allowed for the requested URL. url={path}",
        ),
        session=False,
    ),
)


def _handler(operation: Operation) -> Callable[..., Response]:
    def handle(**params: str) -> Response:
        rt = runtime()
        user = authentication.current_user() if operation.session else _maybe_user(rt)
        call = Call(rt, user, params)
        for check in operation.checks:
            check(call)
        if operation.answer is EMPTY:
            return Response(b"", mimetype="application/json")
        return jsonify(operation.answer)

    return handle


def _maybe_user(rt: Runtime) -> Doc | None:
    found = authentication.identify(rt, request.environ)
    return found[1] if found else None


for _operation in OPERATIONS:
    blueprint.add_url_rule(
        _operation.rule,
        endpoint=f"{_operation.method} {_operation.rule}",
        view_func=_handler(_operation),
        methods=[_operation.method],
    )
