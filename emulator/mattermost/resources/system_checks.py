"""``api4/system.go``, ``limits.go``, ``usage.go``, ``agents.go``, ``image.go`` and
``metrics.go``: counters, connection tests and the lookups an admin console or client makes
(see ``models/system_checks.py``)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, Response, jsonify, redirect, request

from .. import authentication, errors, inputs, permissions, wire
from ..models import notification_check, system_checks
from ..models.common import setting

blueprint = Blueprint("mm_system_checks", __name__, url_prefix="/api/v4")


@blueprint.get("/limits/server")
def get_server_limits() -> Response:
    rt, user = authentication.caller()
    is_admin = permissions.is_system_admin(user) and permissions.has_system_permission(
        user, "sysconsole_read_user_management_users"
    )
    return jsonify(system_checks.server_limits(rt, is_admin))


@blueprint.get("/usage/posts")
def get_posts_usage() -> Response:
    rt, _ = authentication.caller()
    return jsonify({"count": system_checks.posts_usage(rt)})


@blueprint.get("/usage/teams")
def get_teams_usage() -> Response:
    rt, _ = authentication.caller()
    return jsonify(system_checks.teams_usage(rt))


@blueprint.get("/usage/storage")
def get_storage_usage() -> Response:
    rt, _ = authentication.caller()
    return jsonify({"bytes": system_checks.storage_usage(rt)})


# Without the mattermost-ai plugin the agents bridge has nothing to offer.
@blueprint.get("/agents")
def get_agents() -> Response:
    authentication.caller()
    return jsonify([])


@blueprint.get("/agents/status")
def get_agents_status() -> Response:
    authentication.caller()
    return jsonify({"available": False, "reason": errors.AI_PLUGIN_NOT_ACTIVE})


@blueprint.get("/llmservices")
def get_llm_services() -> Response:
    authentication.caller()
    return jsonify([])


@blueprint.post("/email/test")
def test_email() -> Response:
    rt, user = authentication.caller()
    body = inputs.json_body(required=False)
    email = system_checks.settings_for_test(
        rt, body, "EmailSettings", errors.TEST_EMAIL_SETTINGS_NIL
    )
    permissions.require_system(user, "test_email")
    system_checks.test_email(email)
    return jsonify(wire.status_ok())


@blueprint.post("/site_url/test")
def test_site_url() -> Response:
    _, user = authentication.caller()
    permissions.require_system(user, "test_site_url")
    body = inputs.json_body(required=False)
    site_url = body.get("site_url") if isinstance(body, dict) else None
    if not isinstance(site_url, str) or not site_url:
        raise errors.invalid_body_param("site_url")
    system_checks.test_site_url(site_url)
    return jsonify(wire.status_ok())


@blueprint.post("/file/s3_test")
def test_s3() -> Response:
    rt, user = authentication.caller()
    body = inputs.json_body(required=False)
    files = system_checks.settings_for_test(rt, body, "FileSettings", errors.TEST_S3_SETTINGS_NIL)
    permissions.require_system(user, "test_s3")
    system_checks.test_s3(files)
    return jsonify(wire.status_ok())


@blueprint.get("/redirect_location")
def get_redirect_location() -> Response:
    rt, _ = authentication.caller()
    if not setting(rt, "ServiceSettings", "EnableLinkPreviews", True):
        return jsonify({"location": ""})
    url = request.args.get("url", "")
    if not url:
        raise errors.invalid_body_param("url")
    return jsonify({"location": system_checks.redirect_location(url)})


@blueprint.get("/image")
def get_image() -> Response:
    """The image proxy is off by default: a redirect to the image itself, relative URLs
    completed from the site URL."""
    rt, _ = authentication.caller()
    parts = urlsplit(request.args.get("url", ""))
    if parts.scheme and not parts.netloc and parts.path and not parts.path.startswith("/"):
        raise errors.bad_request(errors.IMAGE_GET)  # Go's "opaque" URL, e.g. mailto:x
    site = urlsplit(setting(rt, "ServiceSettings", "SiteURL", ""))
    target = urlunsplit((parts.scheme or site.scheme, parts.netloc or site.netloc, *parts[2:]))
    return redirect(target, code=302)


@blueprint.post("/notifications/ack")
def push_notification_ack() -> Response:
    rt, _ = authentication.caller()
    if not isinstance(inputs.json_body(required=False), dict):
        raise errors.bad_request(errors.PUSH_ACK_PARSE)
    # The emulator has no push proxy to forward the acknowledgement to.
    if not setting(rt, "EmailSettings", "SendPushNotifications", False):
        raise errors.AppError(501, errors.PUSH_DISABLED)
    return jsonify(wire.status_ok())


@blueprint.post("/client_perf")
def submit_performance_report() -> Response:
    """Metrics are off by default (``MetricsSettings.Enable``): the report is dropped with an
    empty 200, before the body is read."""
    authentication.caller()
    return Response(b"", status=200)


@blueprint.get("/logs/download")
def download_logs() -> Response:
    """The server log file as an attachment; the emulator writes no log file, so it is empty."""
    _, user = authentication.caller()
    permissions.require_system(user, "get_logs")
    response = Response(b"", mimetype="text/plain")
    response.headers["Content-Disposition"] = 'attachment;filename="mattermost.log"'
    return response


# -- bulk import and export files: the emulator's directories stay empty (export jobs never run)


@blueprint.get("/imports")
def list_imports() -> Response:
    _, user = authentication.caller()
    permissions.require_system(user, "manage_system")
    return jsonify([])


@blueprint.delete("/imports/<import_name>")
def delete_import(import_name: str) -> Response:
    """Deleting a file that is not there succeeds (``DeleteImport``)."""
    _, user = authentication.caller()
    permissions.require_system(user, "manage_system")
    return jsonify(wire.status_ok())


@blueprint.get("/exports")
def list_exports() -> Response:
    _, user = authentication.caller()
    permissions.require_system(user, "manage_system")
    return jsonify([])


@blueprint.get("/exports/<export_name>")
def download_export(export_name: str) -> Response:
    _, user = authentication.caller()
    permissions.require_system(user, "manage_system")
    raise errors.not_found(errors.EXPORT_NOT_FOUND)


@blueprint.delete("/exports/<export_name>")
def delete_export(export_name: str) -> Response:
    _, user = authentication.caller()
    permissions.require_system(user, "manage_system")
    return jsonify(wire.status_ok())


# -- the audit log's client certificate (``api4/audit_logging.go``) ---------------------------


@blueprint.post("/audit_logs/certificate")
def add_audit_log_certificate() -> Response:
    rt, user = authentication.caller()
    permissions.require_system(user, "sysconsole_write_experimental_features")
    files = request.files.getlist("certificate")
    if not files:
        raise errors.bad_request(errors.CERTIFICATE_NO_FILE)
    if len(files) > 1:
        raise errors.bad_request(errors.CERTIFICATE_MULTIPLE_FILES)
    system_checks.set_audit_certificate(rt, files[0].read())
    return jsonify(wire.status_ok())


@blueprint.delete("/audit_logs/certificate")
def remove_audit_log_certificate() -> Response:
    rt, user = authentication.caller()
    permissions.require_system(user, "sysconsole_write_experimental_features")
    system_checks.set_audit_certificate(rt, None)
    return jsonify(wire.status_ok())


@blueprint.post("/notifications/test")
def test_notifications() -> Response:
    rt, user = authentication.caller()
    notification_check.send_test_message(rt, user)
    return jsonify(wire.status_ok())
