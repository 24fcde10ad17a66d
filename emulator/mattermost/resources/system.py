"""``api4/system.go``: what clients call first, and the server administration around it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import available_timezones

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import runtime
from .. import authentication, errors, inputs, models, permissions, settings, wire

blueprint = Blueprint("mm_system", __name__, url_prefix="/api/v4")


@blueprint.get("/system/ping")
def ping() -> Response:
    body = {
        "status": "OK",
        "ActiveSearchBackend": "database",
        "AndroidLatestVersion": "",
        "AndroidMinVersion": "",
        "IosLatestVersion": "",
        "IosMinVersion": "",
    }
    if request.args.get("get_server_status") == "true":
        body.update({"database_status": "OK", "filestore_status": "OK"})
    body["version"] = settings.VERSION
    return jsonify(body)


# -- administration (api4/system.go) ----------------------------------------------------------

MANAGE_SYSTEM = "manage_system"
DEFAULT_BUSY_SECONDS = 3600
MAX_BUSY_SECONDS = 86400
NOTICE_CLIENTS = {"web", "mobile-ios", "mobile-android", "desktop"}
CLIENT_LOG_MAX = 400


def _go_time(unix_seconds: int | None) -> tuple[int, str]:
    """``Busy.ToJSON``'s ``expires``/``expires_ts``: Go's zero time when never set."""
    if unix_seconds is None:
        return models.zero_time_unix(), "Mon Jan 1 00:00:00 +0000 UTC 0001"
    at = datetime.fromtimestamp(unix_seconds, tz=UTC)
    return unix_seconds, f"{at:%a %b} {at.day} {at:%H:%M:%S} +0000 UTC {at:%Y}"


@blueprint.get("/server_busy")
def get_server_busy() -> Response:
    rt, user = authentication.caller()
    permissions.require_system(user, MANAGE_SYSTEM)
    busy, expires = models.server_busy_state(rt)
    unix, stamp = _go_time(expires)
    return jsonify({"busy": busy, "expires": unix, "expires_ts": stamp})


@blueprint.post("/server_busy")
def set_server_busy() -> Response:
    rt, user = authentication.caller()
    permissions.require_system(user, MANAGE_SYSTEM)
    raw = request.args.get("seconds", "") or str(DEFAULT_BUSY_SECONDS)
    seconds = inputs.go_atoi(raw)
    if seconds is None or not 0 < seconds <= MAX_BUSY_SECONDS:
        raise errors.invalid_url_param(f"seconds must be 1 - {MAX_BUSY_SECONDS}")
    models.set_server_busy(rt, seconds)
    return jsonify(wire.status_ok())


@blueprint.delete("/server_busy")
def clear_server_busy() -> Response:
    rt, user = authentication.caller()
    permissions.require_system(user, MANAGE_SYSTEM)
    models.clear_server_busy(rt)
    return jsonify(wire.status_ok())


@blueprint.get("/audits")
def get_audits() -> Response:
    """The audit trail: this emulator records none."""
    _, user = authentication.caller()
    permissions.require_system(user, "read_audits")
    return jsonify([])


@blueprint.post("/database/recycle")
def recycle_database() -> Response:
    _, user = authentication.caller()
    permissions.require_system(user, "recycle_database_connections")
    return jsonify(wire.status_ok())


@blueprint.post("/caches/invalidate")
def invalidate_caches() -> Response:
    _, user = authentication.caller()
    permissions.require_system(user, "invalidate_caches")
    response = jsonify(wire.status_ok())
    response.headers["Cache-Control"] = "no-cache, no-store, must-revalidate"
    return response


@blueprint.get("/logs")
def get_logs() -> Response:
    """The server log file's lines: the emulator keeps no log file."""
    _, user = authentication.caller()
    permissions.require_system(user, "get_logs")
    return jsonify([])


@blueprint.post("/logs")
def post_log() -> Response:
    """A client's log line. Without ``EnableDeveloper`` only a signed-in caller may send one."""
    rt = runtime()
    found = authentication.identify(rt, request.environ)
    if not models.setting(rt, "ServiceSettings", "EnableDeveloper", False) and found is None:
        raise errors.AppError(403, errors.PERMISSIONS)
    body = inputs.json_body(required=False)
    fields = (
        body if isinstance(body, dict) and all(isinstance(v, str) for v in body.values()) else {}
    )
    message = fields.get("message", "")
    if len(message) > CLIENT_LOG_MAX:
        message = message[: CLIENT_LOG_MAX - 1]
    return jsonify({**fields, "message": "Client Logs API Endpoint Message: " + message})


@blueprint.get("/system/timezones")
def get_supported_timezones() -> Response:
    authentication.caller()
    return jsonify(sorted(available_timezones()))


@blueprint.get("/system/notices/<team_id>")
def get_product_notices(team_id: str) -> Response:
    """Product notices come from Mattermost's notices feed, which the emulator never fetches."""
    authentication.caller()
    inputs.id_param(team_id, "team_id")
    if request.args.get("client", "") not in NOTICE_CLIENTS:
        raise errors.invalid_body_param("client")
    return jsonify([])


@blueprint.put("/system/notices/view")
def mark_notices_viewed() -> Response:
    authentication.caller()
    body = inputs.json_body(required=False)
    if not isinstance(body, list) or not all(isinstance(item, str) for item in body):
        raise errors.AppError(400, errors.PAYLOAD_PARSE)
    return jsonify(wire.status_ok())


@blueprint.post("/restart")
def restart() -> Response:
    """Answered before the restart upstream; the emulator has nothing to restart."""
    _, user = authentication.caller()
    permissions.require_system(user, MANAGE_SYSTEM)
    return jsonify(wire.status_ok())


# Upstream's other reports (daily post and user counts, extra counts) are not served yet.
_OTHER_ANALYTICS = {
    "bot_post_counts_day",
    "post_counts_day",
    "user_counts_with_posts_day",
    "extra_counts",
}


@blueprint.get("/analytics/old")
def get_analytics() -> Response:
    rt, user = authentication.caller()
    name = request.args.get("name", "") or "standard"
    permissions.require_system(user, "get_analytics")
    if name in _OTHER_ANALYTICS:
        raise errors.not_implemented(f"GetAnalyticsOld name={name}")
    if name != "standard":
        raise errors.invalid_body_param("name")
    team_id = request.args.get("team_id", "")
    sockets = len(rt.realtime.connections())
    rows = models.standard_analytics(rt, team_id, sockets)
    return jsonify([{"name": key, "value": value} for key, value in rows])


# -- onboarding and schema (Client4 calls these; the reference spec does not list them) -------

# ``model.SysconsoleReadPermissions``, in upstream's order (the permission error lists them).
SYSCONSOLE_READ = tuple(
    "sysconsole_read_" + name
    for name in (
        "about_edition_and_license",
        "billing",
        "reporting_site_statistics",
        "reporting_team_statistics",
        "reporting_server_logs",
        "user_management_users",
        "user_management_groups",
        "user_management_teams",
        "user_management_channels",
        "user_management_permissions",
        "user_management_system_roles",
        "environment_web_server",
        "environment_database",
        "environment_elasticsearch",
        "environment_file_storage",
        "environment_image_proxy",
        "environment_smtp",
        "environment_push_notification_server",
        "environment_high_availability",
        "environment_rate_limiting",
        "environment_logging",
        "environment_session_lengths",
        "environment_performance_monitoring",
        "environment_developer",
        "environment_mobile_security",
        "site_customization",
        "site_localization",
        "site_users_and_teams",
        "site_notifications",
        "site_announcement_banner",
        "site_emoji",
        "site_posts",
        "site_file_sharing_and_downloads",
        "site_public_links",
        "site_notices",
        "authentication_signup",
        "authentication_email",
        "authentication_password",
        "authentication_mfa",
        "authentication_ldap",
        "authentication_saml",
        "authentication_openid",
        "authentication_guest_access",
        "plugins",
        "integrations_integration_management",
        "integrations_bot_accounts",
        "integrations_gif",
        "integrations_cors",
        "compliance_data_retention_policy",
        "compliance_compliance_export",
        "compliance_compliance_monitoring",
        "compliance_custom_terms_of_service",
        "experimental_features",
        "experimental_feature_flags",
        "experimental_bleve",
        "products_boards",
        "ip_filters",
    )
)


@blueprint.get("/system/onboarding/complete")
def get_onboarding() -> Response:
    rt, user = authentication.caller()
    permissions.require_system(user, MANAGE_SYSTEM)
    name = models.system.FIRST_ADMIN_SETUP_COMPLETE
    return jsonify({"name": name, "value": models.system_value(rt, name, "false")})


@blueprint.post("/system/onboarding/complete")
def complete_onboarding() -> Response:
    """A self-hosted server requires the organisation's name."""
    rt, user = authentication.caller()
    if not permissions.has_system_permission(user, MANAGE_SYSTEM):
        raise errors.AppError(403, errors.ONBOARDING_NOT_ADMIN)
    body = inputs.json_body(required=False)
    null = body is None and inputs.body_is_json_null()
    if not null and not isinstance(body, dict):
        raise errors.AppError(400, errors.ONBOARDING_BAD_REQUEST)
    body = body or {}
    organization = body.get("organization")
    plugins = body.get("install_plugins")
    if not isinstance(organization, str | None) or not isinstance(plugins, list | None):
        raise errors.AppError(400, errors.ONBOARDING_BAD_REQUEST)
    if not organization:
        raise errors.AppError(400, errors.ONBOARDING_NO_ORGANIZATION)
    models.complete_onboarding(rt, organization)
    return jsonify(wire.status_ok())


@blueprint.get("/system/schema/version")
def get_applied_schema_migrations() -> Response:
    """Any system console read permission; the emulator has no database, so no migrations."""
    _, user = authentication.caller()
    if not any(permissions.has_system_permission(user, p) for p in SYSCONSOLE_READ):
        raise errors.permission_denied(user["id"], ",".join(SYSCONSOLE_READ))
    return jsonify([])
