"""Operations only an Enterprise licence serves, answered as an unlicensed (Community) server does.

Rocket.Chat 8.3 registers most enterprise routes whatever the licence and refuses them in the
route chain (``ApiClass.ts``): authentication (401), then ``permissionsRequired`` (403), then the
``license`` middleware (``ee/app/api-enterprise/server/middlewares/license.ts``): 400 "This is an
enterprise feature [error-action-not-allowed]". Permissions that only the licensed startup
creates (``manage-livechat-units``, ``abac-management``, ``can-audit``…) exist for no role on a
Community server, so those routes refuse even an admin with the 403. A few documented enterprise
operations are not registered at all (federation, media calls, the ABAC PDP): the unknown-route
404. The blueprint's name ends in ``_licensed``, which ``make coverage`` counts apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, request

from .. import auth, errors, models, twofactor

blueprint = Blueprint("rc_licensed", __name__, url_prefix="/api/v1")


@dataclass(frozen=True)
class Check:
    """``permissionsRequired`` of one method: all of them, or any one (``hasAny``)."""

    permissions: tuple[str, ...] = ()
    any_of: bool = False


NO_CHECK = Check()
ABSENT = None  # not registered without a licence: the unknown-route 404, before any login


def every(*permissions: str) -> Check:
    return Check(permissions)


def any_of(*permissions: str) -> Check:
    return Check(permissions, any_of=True)


ENGAGEMENT = every("view-engagement-dashboard")
LIVECHAT_MANAGER = every("view-livechat-manager")
REPORTS = every("view-livechat-reports")
UNITS = every("manage-livechat-units")
MONITORS = every("manage-livechat-monitors")
ABAC = every("abac-management")
PRIORITY_READ = any_of("manage-livechat-priorities", "view-l-room")
PRIORITY_WRITE = any_of("manage-livechat-priorities")
SLA_READ = any_of("manage-livechat-sla", "view-l-room")
SLA_WRITE = any_of("manage-livechat-sla")
TAGS_READ = any_of("view-l-room", "manage-livechat-tags")

# (method, Flask rule under /api/v1, check): one row per documented operation, from the
# upstream route definitions (ee/server/api/*, ee/app/livechat-enterprise/server/api/*,
# ee/app/api-enterprise/server/canned-responses.ts).
ROUTES: tuple[tuple[str, str, Check | None], ...] = (
    # ee/server/api/engagementDashboard/*.ts
    ("GET", "/engagement-dashboard/users/new-users", ENGAGEMENT),
    ("GET", "/engagement-dashboard/users/active-users", ENGAGEMENT),
    ("GET", "/engagement-dashboard/users/chat-busier/hourly-data", ENGAGEMENT),
    ("GET", "/engagement-dashboard/users/chat-busier/weekly-data", ENGAGEMENT),
    ("GET", "/engagement-dashboard/users/users-by-time-of-the-day-in-a-week", ENGAGEMENT),
    ("GET", "/engagement-dashboard/messages/messages-sent", ENGAGEMENT),
    ("GET", "/engagement-dashboard/messages/origin", ENGAGEMENT),
    ("GET", "/engagement-dashboard/messages/top-five-popular-channels", ENGAGEMENT),
    ("GET", "/engagement-dashboard/channels/list", ENGAGEMENT),
    # ee/server/api/sessions.ts (device management)
    ("GET", "/sessions/list", NO_CHECK),
    ("GET", "/sessions/info", NO_CHECK),
    ("POST", "/sessions/logout.me", NO_CHECK),
    ("GET", "/sessions/list.all", every("view-device-management")),
    ("GET", "/sessions/info.admin", every("view-device-management")),
    ("POST", "/sessions/logout", every("logout-device-management")),
    # ee/server/api/roles.ts (custom roles)
    ("POST", "/roles.create", NO_CHECK),
    ("POST", "/roles.update", NO_CHECK),
    # ee/server/api/chat.ts: checks the read-receipt module inside the action, same body
    ("GET", "/chat.getMessageReadReceipts", NO_CHECK),
    # ee/server/api/audit.ts
    ("GET", "/audit/rooms.members", every("view-members-list-all-rooms")),
    # ee/server/api/abac/index.ts
    ("POST", "/abac/rooms/<rid>/attributes", ABAC),
    ("DELETE", "/abac/rooms/<rid>/attributes", ABAC),
    ("POST", "/abac/rooms/<rid>/attributes/<key>", ABAC),
    ("PUT", "/abac/rooms/<rid>/attributes/<key>", ABAC),
    ("DELETE", "/abac/rooms/<rid>/attributes/<key>", ABAC),
    ("GET", "/abac/attributes", ABAC),
    ("POST", "/abac/attributes", ABAC),
    ("POST", "/abac/users/sync", ABAC),
    ("GET", "/abac/attributes/<_id>", ABAC),
    ("PUT", "/abac/attributes/<_id>", ABAC),
    ("DELETE", "/abac/attributes/<_id>", ABAC),
    ("GET", "/abac/attributes/<key>/is-in-use", ABAC),
    ("GET", "/abac/rooms", ABAC),
    ("GET", "/abac/audit", ABAC),
    ("GET", "/abac/pdp/health", ABSENT),
    # ee/app/api-enterprise/server/canned-responses.ts
    ("GET", "/canned-responses.get", every("view-canned-responses")),
    ("GET", "/canned-responses", every("view-canned-responses")),
    ("POST", "/canned-responses", every("save-canned-responses")),
    ("GET", "/canned-responses/<_id>", every("view-canned-responses")),
    ("DELETE", "/canned-responses/<_id>", every("remove-canned-responses")),
    # ee/app/livechat-enterprise/server/api/units.ts (GET livechat/units requires nothing)
    ("GET", "/livechat/units", NO_CHECK),
    ("POST", "/livechat/units", UNITS),
    ("GET", "/livechat/units/<id>", UNITS),
    ("POST", "/livechat/units/<id>", UNITS),
    ("DELETE", "/livechat/units/<id>", UNITS),
    ("GET", "/livechat/units/<unitId>/monitors", MONITORS),
    ("GET", "/livechat/units/<unitId>/departments", UNITS),
    ("GET", "/livechat/units/<unitId>/departments/available", UNITS),
    # monitors.ts
    ("GET", "/livechat/monitors", MONITORS),
    ("GET", "/livechat/monitors/<username>", MONITORS),
    ("POST", "/livechat/monitors.create", MONITORS),
    ("POST", "/livechat/monitors.delete", MONITORS),
    # priorities.ts
    ("GET", "/livechat/priorities", PRIORITY_READ),
    ("GET", "/livechat/priorities/<priorityId>", PRIORITY_READ),
    ("PUT", "/livechat/priorities/<priorityId>", PRIORITY_WRITE),
    ("GET", "/livechat/priorities.reset", PRIORITY_WRITE),
    ("POST", "/livechat/priorities.reset", PRIORITY_WRITE),
    # sla.ts, inquiries.ts
    ("GET", "/livechat/sla", SLA_READ),
    ("POST", "/livechat/sla", SLA_WRITE),
    ("GET", "/livechat/sla/<slaId>", SLA_READ),
    ("PUT", "/livechat/sla/<slaId>", SLA_WRITE),
    ("DELETE", "/livechat/sla/<slaId>", SLA_WRITE),
    ("PUT", "/livechat/inquiry.setSLA", any_of("view-l-room", "manage-livechat-sla")),
    # rooms.ts
    ("POST", "/livechat/room.onHold", every("on-hold-livechat-room")),
    ("POST", "/livechat/room.resumeOnHold", every("view-l-room")),
    ("POST", "/livechat/room/<rid>/priority", any_of("view-l-room")),
    ("DELETE", "/livechat/room/<rid>/priority", any_of("view-l-room")),
    # transcript.ts, business-hours.ts, triggers.ts, contacts.ts
    ("POST", "/omnichannel/<rid>/request-transcript", every("request-pdf-transcript")),
    ("GET", "/livechat/business-hours", every("view-livechat-business-hours")),
    ("POST", "/livechat/triggers/external-service/test", LIVECHAT_MANAGER),
    ("POST", "/omnichannel/contacts.block", every("block-livechat-contact")),
    ("POST", "/omnichannel/contacts.unblock", every("unblock-livechat-contact")),
    # tags.ts: tags.save/delete declare ``permissions``, a key the route chain does not read
    ("GET", "/livechat/tags", TAGS_READ),
    ("GET", "/livechat/tags/<tagId>", TAGS_READ),
    ("POST", "/livechat/tags.save", NO_CHECK),
    ("POST", "/livechat/tags.delete", NO_CHECK),
    # departments.ts, agents.ts, reports.ts (analytics)
    *(
        ("GET", f"/livechat/analytics/departments/{name}", LIVECHAT_MANAGER)
        for name in (
            "amount-of-chats",
            "average-service-time",
            "average-chat-duration-time",
            "total-service-time",
            "average-waiting-time",
            "total-transferred-chats",
            "total-abandoned-chats",
            "percentage-abandoned-chats",
        )
    ),
    *(
        ("GET", f"/livechat/analytics/agents/{name}", LIVECHAT_MANAGER)
        for name in ("average-service-time", "total-service-time", "available-for-service-history")
    ),
    *(
        ("GET", f"/livechat/analytics/dashboards/conversations-by-{name}", REPORTS)
        for name in ("source", "status", "department", "tags", "agent")
    ),
    # Federation and media calls: no such routes in 8.3 without the enterprise packages.
    ("POST", "/federation/addServerByUser", ABSENT),
    ("GET", "/federation/listServersByUser", ABSENT),
    ("POST", "/federation/removeServerByUser", ABSENT),
    ("GET", "/federation/searchPublicRooms", ABSENT),
    ("POST", "/federation/joinExternalPublicRoom", ABSENT),
    ("GET", "/media-calls.state", ABSENT),
)


def licence_required() -> errors.RocketError:
    return errors.meteor_error(errors.ACTION_NOT_ALLOWED, "This is an enterprise feature")


def refuse(check: Check | None) -> Response:
    """The route chain of an unlicensed server: login, permissions, then the licence."""
    if check is ABSENT:
        raise errors.for_status(404)
    rt, user = auth.runtime_and_user()
    if check.permissions:
        held = [models.has_permission(rt, user, p) for p in check.permissions]
        if not (any(held) if check.any_of else all(held)):
            raise errors.forbidden()
    raise licence_required()


def _handler(by_method: dict[str, Check | None]) -> Callable[..., Response]:
    def handler(**_params: str) -> Response:
        # HEAD is Flask's implicit twin of GET
        method = "GET" if request.method == "HEAD" else request.method
        return refuse(by_method[method])

    return handler


def _register() -> None:
    rules: dict[str, dict[str, Check | None]] = {}
    for method, rule, check in ROUTES:
        rules.setdefault(rule, {})[method] = check
    for rule, by_method in rules.items():
        endpoint = "licensed" + re.sub(r"[^A-Za-z0-9_-]", "_", rule)
        blueprint.add_url_rule(rule, endpoint, _handler(by_method), methods=sorted(by_method))


_register()


@blueprint.post("/ldap.syncNow")
def ldap_sync_now() -> Response:
    """``ee/server/api/ldap.ts`` is registered whatever the licence; unlicensed, its
    ``forceTwoFactorAuthenticationForNonEnterprise`` demands a fresh second factor (the password
    stands in) before the handler's own checks; with LDAP on, the enterprise sync service it
    calls is absent."""
    rt, user = auth.runtime_and_user()
    twofactor.require_two_factor(rt, user, disable_remember_me=True, require_second_factor=True)
    if not models.has_permission(rt, user, "sync-auth-services-users"):
        raise errors.plain(errors.NOT_AUTHORIZED)
    if models.setting(rt, "LDAP_Enable") is not True:
        raise errors.plain(errors.LDAP_DISABLED)
    raise licence_required()
