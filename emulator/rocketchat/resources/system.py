"""System endpoints of ``v1/misc.ts``, ``mailer.ts``, ``cloud.ts`` and ``webdav.ts``: mail to
every user (recorded, never sent), ``smtp.check``, ``pw.getPolicy``, ``shield.svg``,
``fingerprint``, the cloud registration of a workspace that never registered (the emulator
reaches no cloud), WebDAV accounts (none can be added without the WebDAV client)."""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

from flask import Blueprint, Response, request

from ...core.runtime import Runtime, runtime
from .. import ajv, auth, errors, inputs, jsonquery, models
from ..models import mail
from ._rooms_common import ok

blueprint = Blueprint("rc_system", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]

# -- mailer -----------------------------------------------------------------------------------


def _placeholders(text: str, values: Doc) -> str:
    """``placeholders.replace``: ``[name]``-style fields."""
    return re.sub(r"\[(\w+)\]", lambda m: str(values.get(m.group(1), m.group(0))), text)


@blueprint.post("/mailer")
def mailer() -> Response:
    """``Mailer.sendMail``: the body must carry the ``[unsubscribe]`` link; a dry run mails
    only the sender, else every user who did not unsubscribe (and matches ``query``)."""
    rt = runtime()
    auth.require_permission("send-mail")
    args = ajv.check(
        inputs.body(),
        {
            "from": "string",
            "subject": "string",
            "body": "string",
            "dryrun": "boolean?",
            "query": "string?",
        },
        ("from", "subject", "body"),
        source=ajv.LEGACY,
    )
    sender = args["from"]
    where = {"function": "Mailer.sendMail"}
    if not mail.valid_address(sender):
        raise errors.meteor_error(errors.INVALID_FROM_ADDRESS, "Invalid from address", where)
    if "[unsubscribe]" not in args["body"]:
        raise errors.meteor_error(
            errors.MISSING_UNSUBSCRIBE_LINK, "You must provide the [unsubscribe] link.", where
        )
    site = models.setting(rt, "Site_Url").rstrip("/")
    if args.get("dryrun"):
        me = models.find_user(rt, sender)
        if me is None:
            raise errors.meteor_error(errors.INVALID_USER, "Invalid user", where)
        recipients = [me]
    else:
        query = _mail_query(args.get("query"))
        recipients = [
            u
            for u in rt.store.all("users")
            if not u.get("mailer", {}).get("unsubscribed")
            and (not query or jsonquery.matches(u, query))
        ]
    for user in recipients:
        if not user.get("emails"):
            continue
        address = user["emails"][0]["address"]
        link = f"{site}/mailer/unsubscribe/{user['_id']}/{user['createdAt']}"
        name = user.get("name") or ""
        html = _placeholders(
            args["body"],
            {"unsubscribe": link, "name": escape(name), "email": escape(f"{name} <{address}>")},
        )
        mail.send_mail(rt, address, sender, args["subject"], html)
    return ok()


def _mail_query(raw: str | None) -> Doc:
    """``EJSON.parse(query)``: a JSON object selector, else the parser's error."""
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise errors.plain(f"Unexpected token in JSON: {raw[:20]}") from None
    if not isinstance(parsed, dict):
        raise errors.plain("The query must be an object")
    return parsed


@blueprint.post("/mailer.unsubscribe")
def mailer_unsubscribe() -> Response:
    """``Mailer.unsubscribe``: the link's user id and creation time must match; either way the
    answer is a success."""
    rt, _ = auth.runtime_and_user()
    args = ajv.check(
        inputs.body(),
        {"_id": "string", "createdAt": "string"},
        ("_id", "createdAt"),
        source=ajv.LEGACY,
    )
    user = rt.store.get("users", args["_id"])
    if user is not None and str(user.get("createdAt")) == args["createdAt"]:
        models.update_user(
            rt, user["_id"], {"mailer": {"unsubscribed": True}, "_updatedAt": rt.clock.now_ms()}
        )
    return ok()


@blueprint.get("/smtp.check")
def smtp_check() -> Response:
    rt, _ = auth.runtime_and_user()
    return ok(isSMTPConfigured=mail.smtp_configured(rt))


# -- password policy ----------------------------------------------------------------------------

_POLICY = "Accounts_Password_Policy_"


@blueprint.get("/pw.getPolicy")
def password_policy() -> Response:
    """``PasswordPolicy.getPasswordPolicy``: the enabled rules with their parameters."""
    rt = runtime()

    def value(name: str) -> Any:
        return models.setting(rt, _POLICY + name)

    if not value("Enabled"):
        return ok(enabled=False, policy=[])
    policy: list[list[Any]] = []
    if (value("MinLength") or 0) >= 1:
        policy.append(["get-password-policy-minLength", {"minLength": value("MinLength")}])
    if (value("MaxLength") or 0) >= 1:
        policy.append(["get-password-policy-maxLength", {"maxLength": value("MaxLength")}])
    if value("ForbidRepeatingCharacters"):
        policy.append(["get-password-policy-forbidRepeatingCharacters"])
    if value("ForbidRepeatingCharactersCount"):
        count = value("ForbidRepeatingCharactersCount")
        policy.append(
            [
                "get-password-policy-forbidRepeatingCharactersCount",
                {"forbidRepeatingCharactersCount": count},
            ]
        )
    for rule in ("Lowercase", "Uppercase", "Number", "SpecialCharacter"):
        if value(f"AtLeastOne{rule}"):
            policy.append([f"get-password-policy-mustContainAtLeastOne{rule}"])
    return ok(enabled=True, policy=policy)


# -- shield.svg -----------------------------------------------------------------------------------

_STATUS_COLOURS = {"online": "#1fb31f", "away": "#dc9b01", "busy": "#bc2031", "offline": "#a5a1a1"}


@blueprint.get("/shield.svg")
def shield() -> Response:
    """The README badge: online users, a channel, a user's status, or "JOIN CHAT"."""
    rt = runtime()
    args = request.args
    kind, icon = args.get("type"), args.get("icon")
    channel, name = args.get("channel"), args.get("name")
    where = {"route": "/api/v1/shield.svg"}
    if not models.setting(rt, "API_Enable_Shields"):
        raise errors.meteor_error(errors.ENDPOINT_DISABLED, "This endpoint is disabled", where)
    types = models.setting(rt, "API_Shield_Types") or ""
    if kind and types != "*" and kind not in [t.strip() for t in types.split(",")]:
        raise errors.meteor_error(errors.SHIELD_DISABLED, "This shield type is disabled", where)
    hide_icon = icon == "false"
    if hide_icon and not (name or "").strip():
        raise errors.plain("Name cannot be empty when icon is hidden")
    background = "#4c1"
    if kind == "online":
        text = f"{sum(1 for u in rt.store.all('users') if u.get('status') != 'offline')} Online"
    elif kind == "channel":
        if not channel:
            raise errors.plain('Shield channel is required for type "channel"')
        text = f"#{channel}"
    elif kind == "user":
        if (
            models.setting(rt, "API_Shield_user_require_auth")
            and auth.authenticate(rt, request.environ) is None
        ):
            raise errors.plain(errors.LOGGED_OUT)
        user = inputs.user_from_params(rt, args.to_dict())
        use_name = user.get("name") and models.setting(rt, "UI_Use_Real_Name")
        text = user["name"] if use_name else f"@{user['username']}"
        background = _STATUS_COLOURS.get(user.get("status", ""), background)
    else:
        text = "JOIN CHAT"
    response = Response(_shield_svg(rt, text, name, background, hide_icon))
    response.headers["Content-Type"] = "image/svg+xml;charset=utf-8"  # upstream's exact header
    return response


def _shield_svg(rt: Runtime, text: str, name: str | None, background: str, hide: bool) -> str:
    icon_size = 7 if hide else 24
    left = len(name) * 6 + 7 + icon_size if name else icon_size
    right = len(text) * 6 + 20
    width, height = left + right, 20
    text, label = escape(text), escape(name or "")
    favicon = f"{models.setting(rt, 'Site_Url').rstrip('/')}/assets/favicon.svg"
    icon = "" if hide else f'<image x="5" y="3" width="14" height="14" xlink:href="{favicon}"/>'
    named = (
        f'<text x="{icon_size}" y="15" fill="#010101" fill-opacity=".3">{label}</text>'
        f'<text x="{icon_size}" y="14">{label}</text>'
        if name
        else ""
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width}" height="{height}"><linearGradient id="b" x2="0" y2="100%">'
        '<stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" '
        'stop-opacity=".1"/></linearGradient><mask id="a">'
        f'<rect width="{width}" height="{height}" rx="3" fill="#fff"/></mask>'
        f'<g mask="url(#a)"><path fill="#555" d="M0 0h{left}v{height}H0z"/>'
        f'<path fill="{background}" d="M{left} 0h{right}v{height}H{left}z"/>'
        f'<path fill="url(#b)" d="M0 0h{width}v{height}H0z"/></g>{icon}'
        '<g fill="#fff" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size="11">'
        f'{named}<text x="{left + 7}" y="15" fill="#010101" fill-opacity=".3">{text}</text>'
        f'<text x="{left + 7}" y="14">{text}</text></g></svg>'
    )


# -- fingerprint, cloud, webdav -----------------------------------------------------------------


@blueprint.post("/fingerprint")
def fingerprint() -> Response:
    """Confirms the deployment's fingerprint; a ``new-workspace`` also forgets the cloud
    registration, which this workspace never had."""
    args = ajv.check(inputs.body(), {"setDeploymentAs": "string"}, ("setDeploymentAs",), False)
    rt, _ = auth.runtime_and_user()
    if set(args) != {"setDeploymentAs"}:
        extra = sorted(set(args) - {"setDeploymentAs"})[0]
        raise errors.plain(f"Match error: Unknown key in field {extra}")
    if args["setDeploymentAs"] == "new-workspace":
        models.regenerate_unique_id(rt)
    models.set_setting_value(rt, "Deployment_FingerPrint_Verified", True)
    return ok()


@blueprint.get("/cloud.registrationStatus")
def cloud_registration_status() -> Response:
    rt = runtime()
    auth.require_permission("manage-cloud")
    return ok(registrationStatus=_registration(rt))


def _registration(rt: Runtime) -> Doc:
    """``retrieveRegistrationStatus``: never registered; the contact is the oldest user's
    address when no organisation address is set."""
    people = [u for u in rt.store.all("users") if u["_id"] != models.BOT_ID]
    oldest = min(people, key=lambda u: u.get("createdAt", 0), default=None)
    emails = (oldest or {}).get("emails") or [{}]
    return {
        "workspaceRegistered": False,
        "workspaceId": "",
        "uniqueId": models.unique_id(rt),
        "token": "",
        "email": emails[0].get("address", ""),
    }


@blueprint.post("/cloud.manualRegister")
def cloud_manual_register() -> Response:
    """The offline registration blob is the cloud's signed answer; none the emulator could be
    given checks out, so the body's blob is refused as unreadable."""
    args = ajv.check(inputs.body(), {"cloudBlob": "string"}, ("cloudBlob",))
    rt = runtime()
    auth.require_permission("register-on-cloud")
    if _registration(rt)["workspaceRegistered"]:
        raise errors.plain("Workspace is already registered")
    raise errors.plain(f"Unexpected token in JSON: {args['cloudBlob'][:10]}")


@blueprint.get("/webdav.getMyAccounts")
def webdav_accounts() -> Response:
    auth.runtime_and_user()
    return ok(accounts=[])


@blueprint.post("/webdav.removeWebdavAccount")
def webdav_remove() -> Response:
    ajv.check(inputs.body(), {"accountId": "string"}, ("accountId",))
    auth.runtime_and_user()
    return ok(result={"acknowledged": True, "deletedCount": 0})


# Documented, not served by 8.3 (``dns.*`` went with federation, cloud workspaces connect with
# ``REG_TOKEN`` at startup): the unknown-route answer.
def _unrouted() -> Response:
    raise errors.for_status(404)


for _rule in ("/dns.resolve.txt", "/dns.resolve.srv", "/cloud.connectWorkspace"):
    blueprint.add_url_rule(
        _rule, "unrouted" + re.sub(r"\W", "_", _rule), _unrouted, methods=["POST"]
    )
