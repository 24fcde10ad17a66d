"""Users administration and mail: ``users.getAvatarSuggestion``, ``users.requestDataDownload``,
``users.sendWelcomeEmail``, ``users.sendConfirmationEmail``, ``users.listByStatus``
(``v1/users.ts``) and ``sendInvitationEmail`` (``v1/invites.ts``). Mail is recorded, never sent
(``models/mail.py``)."""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import Blueprint, Response, request

from ...core.runtime import runtime
from .. import ajv, auth, errors, inputs, models, wire
from ..models import exports, mail
from ._rooms_common import ok, sorted_by

blueprint = Blueprint("rc_users_admin", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]

EMAIL_SEND_FAILED = errors.EMAIL_SEND_FAILED


@blueprint.get("/users.getAvatarSuggestion")
def avatar_suggestion() -> Response:
    """Every suggestion (OAuth services' pictures, Gravatar) is fetched before it is offered;
    the emulator reaches no outside service, so none is, as on a server without internet."""
    auth.runtime_and_user()
    return ok(suggestions={})


@blueprint.get("/users.requestDataDownload")
def request_data_download() -> Response:
    rt, user = auth.runtime_and_user()
    full = request.args.get("fullExport") == "true"
    requested, operation = exports.request_data_download(rt, user, full)
    return ok(requested=requested, exportOperation=wire.rest_dates(operation))


def _email_body() -> str:
    """``{email: string}`` (ajv, ``additionalProperties: false``)."""
    args = inputs.body()
    inputs.require_fields(args, ("email",))
    if any(key != "email" for key in args):
        raise errors.invalid_params("must NOT have additional properties")
    if not isinstance(args["email"], str):
        raise errors.invalid_params("must be string")
    return args["email"]


@blueprint.post("/users.sendWelcomeEmail")
def send_welcome_email() -> Response:
    rt = runtime()
    auth.require_permission("send-mail")
    email = _email_body()
    details = {"method": "sendWelcomeEmail"}
    if not mail.smtp_configured(rt):
        raise errors.meteor_error(EMAIL_SEND_FAILED, "SMTP is not configured", details)
    user = models.find_user(rt, email.strip())
    if user is None or "@" not in email:
        raise errors.meteor_error(errors.INVALID_USER, "Invalid user", details)
    site = models.setting(rt, "Site_Name")
    mail.send_mail(
        rt,
        email,
        models.setting(rt, "From_Email"),
        f"Welcome to {site}",
        f"<p>Welcome to {site}, {user.get('name') or user['username']}!</p>",
    )
    return ok()


@blueprint.post("/users.sendConfirmationEmail")
def send_confirmation_email() -> Response:
    """``sendConfirmationEmail``: an unknown address is a bare failure; a known one gets a
    verification token and the mail carrying it (``Accounts.sendVerificationEmail``)."""
    rt, _ = auth.runtime_and_user()
    email = _email_body().strip()
    user = models.find_user(rt, email) if "@" in email else None
    if user is None:
        raise errors.RocketError(400, {"success": False})
    token = secrets.token_urlsafe(32)
    services = dict(user.get("services", {}))
    verification = dict(services.get("email", {}))
    verification["verificationTokens"] = [
        *verification.get("verificationTokens", []),
        {"token": token, "address": email.lower(), "when": rt.clock.now_ms()},
    ]
    services["email"] = verification
    url = f"{models.setting(rt, 'Site_Url')}/#/verify-email/{token}"
    with rt.store.transaction():
        models.update_user(rt, user["_id"], {"services": services})
        mail.send_mail(
            rt,
            email,
            models.setting(rt, "From_Email"),
            "Verify your email",
            f'<a href="{url}">Verify your email</a>',
        )
    return ok()


@blueprint.post("/sendInvitationEmail")
def send_invitation_email() -> Response:
    """``sendInvitationEmail``; the route answers any refusal as ``{error: <message>}``."""
    emails = ajv.check(inputs.body(), {"emails": "array"}, ("emails",))["emails"]
    if not all(isinstance(e, str) for e in emails):
        raise ajv.refusal("must be string")
    rt, user = auth.runtime_and_user()
    if not models.has_permission(rt, user, "bulk-register-user"):
        raise errors.plain("Not allowed [error-not-allowed]")
    valid = [e for e in emails if mail.valid_address(e)]
    if not valid:
        raise errors.plain(f"No valid email addresses [{EMAIL_SEND_FAILED}]")
    subject = models.setting(rt, "Invitation_Subject")
    if not subject:
        raise errors.plain(f"No subject [{EMAIL_SEND_FAILED}]")
    link = models.setting(rt, "Site_Url")
    for email in valid:
        with rt.store.transaction():
            mail.send_mail(
                rt,
                email,
                models.setting(rt, "From_Email"),
                subject,
                f'<a href="{link}">Join Rocket.Chat</a>',
            )
            mail.count_setting(rt, "Invitation_Email_Count")
    return ok()


# ``findPaginatedUsersByStatus``'s projection
_STATUS_FIELDS = (
    "_id",
    "name",
    "username",
    "emails",
    "roles",
    "status",
    "active",
    "avatarETag",
    "lastLogin",
    "type",
    "reason",
    "federated",
    "freeSwitchExtension",
)
_LIST_BY_STATUS_PARAMS = {
    "status",
    "hasLoggedIn",
    "type",
    "roles",
    "roles[]",
    "searchTerm",
    "sort",
    "count",
    "offset",
    "inactiveReason",
    "inactiveReason[]",
}
_INACTIVE_REASONS = ("deactivated", "pending_approval", "idle_too_long")


def _bool_param(name: str) -> bool | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise errors.invalid_params("must be boolean")
    return raw == "true"


@blueprint.get("/users.listByStatus")
def list_by_status() -> Response:
    rt = runtime()
    me = auth.require_permission("view-d-room")
    if any(key not in _LIST_BY_STATUS_PARAMS for key in request.args):
        raise errors.invalid_params("must NOT have additional properties")
    status = request.args.get("status")
    if status is not None and status not in ("active", "deactivated"):
        raise errors.invalid_params("must be equal to one of the allowed values")
    reasons = request.args.getlist("inactiveReason") + request.args.getlist("inactiveReason[]")
    if any(r not in _INACTIVE_REASONS for r in reasons):
        raise errors.invalid_params("must be equal to one of the allowed values")
    has_logged_in = _bool_param("hasLoggedIn")
    if models.setting(
        rt, "API_Apply_permission_view-outside-room_on_users-list"
    ) and not models.has_permission(rt, me, "view-outside-room"):
        raise errors.forbidden()
    offset, limit, sort = inputs.pagination(rt)
    roles = request.args.getlist("roles") + request.args.getlist("roles[]")
    kind = request.args.get("type")
    term = (request.args.get("searchTerm") or "").strip().lower()
    see_emails = models.has_permission(rt, me, "view-full-other-user-info")
    found = []
    for user in rt.store.all("users"):
        if status is not None and bool(user.get("active")) != (status == "active"):
            continue
        if has_logged_in is not None and ("lastLogin" in user) != has_logged_in:
            continue
        if kind and user.get("type") != kind:
            continue
        if roles and "all" not in roles and not set(roles) & set(user.get("roles", [])):
            continue
        if term and not _matches_term(user, term, see_emails):
            continue
        if reasons and not (
            user.get("inactiveReason") in reasons
            or (
                "inactiveReason" not in user
                and ("deactivated" in reasons or "idle_too_long" in reasons)
            )
        ):
            continue
        found.append({k: user[k] for k in _STATUS_FIELDS if k in user})
    spec = dict(sort or {"username": 1})
    if "status" in spec:
        spec["active"] = spec["status"]
    ordered = sorted_by(found, spec, {"username": 1})
    page = ordered[offset:] if limit is None else ordered[offset : offset + limit]
    return ok(
        users=[wire.rest_dates(u) for u in page], count=len(page), offset=offset, total=len(found)
    )


def _matches_term(user: Doc, term: str, see_emails: bool) -> bool:
    texts = [user.get("username") or "", user.get("name") or ""]
    if see_emails:
        texts += [e.get("address", "") for e in user.get("emails", [])]
    return any(term in t.lower() for t in texts)


# Documented, but no such REST route in 8.3 (verification is the ``verifyEmail`` DDP method, and
# permissions change through ``permissions.update``): the unknown-route answer.
NOT_ROUTED = (
    ("POST", "/users.verifyEmail"),
    ("POST", "/permissions.addRole"),
    ("POST", "/permissions.removeRole"),
)


def _not_routed(**_params: str) -> Response:
    raise errors.for_status(404)


for _method, _rule in NOT_ROUTED:
    blueprint.add_url_rule(
        _rule, "unrouted" + re.sub(r"\W", "_", _rule), _not_routed, methods=[_method]
    )
