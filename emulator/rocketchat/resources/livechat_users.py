"""Omnichannel agents and managers (``imports/server/rest/users.ts``, ``v1/agent.ts``,
``imports/server/rest/agent.ts``)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from .. import auth, errors, inputs, models, wire
from ..models import livechat
from . import _livechat
from ._rooms_common import ok, page

blueprint = Blueprint("rc_livechat_users", __name__, url_prefix="/api/v1/livechat")


@blueprint.get("/users/<kind>")
def list_users(kind: str) -> Response:
    rt, user = auth.runtime_and_user()
    auth.require_permission("manage-livechat-agents")
    if kind == "agent":
        allowed = ("transfer-livechat-guest", "edit-omnichannel-contact")
    elif kind == "manager":
        allowed = ("view-livechat-manager",)
    else:
        raise errors.plain(errors.INVALID_TYPE)
    if not any(models.has_permission(rt, user, p) for p in allowed):
        raise errors.unauthorized_result()
    found = livechat.omnichannel_users(rt, kind, request.args.get("text"))
    return page(rt, "users", found, lambda u: livechat.agent_entry(rt, u), {"name": 1})


@blueprint.post("/users/<kind>")
def add_user(kind: str) -> Response:
    rt, _ = auth.runtime_and_user()
    auth.require_permission("view-livechat-manager")
    params = _livechat.checked(inputs.body(), {"username": str})
    if kind not in livechat.ROLE_OF_TYPE:
        raise errors.plain(errors.INVALID_TYPE)
    try:
        added = livechat.add_omnichannel_user(rt, kind, params["username"])
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok(user=added)


@blueprint.get("/users/<kind>/<user_id>")
def get_user(kind: str, user_id: str) -> Response:
    rt, _ = auth.runtime_and_user()
    auth.require_permission("view-livechat-manager")
    found = rt.store.get("users", user_id)
    if found is None:
        raise errors.plain("User not found")
    if kind not in livechat.ROLE_OF_TYPE:
        raise errors.plain(errors.INVALID_TYPE)
    if livechat.ROLE_OF_TYPE[kind] not in found.get("roles", []):
        return ok(user=None)
    fields = livechat.AGENT_FIELDS
    return ok(user=wire.rest_dates({k: found[k] for k in fields if k in found}))


@blueprint.delete("/users/<kind>/<user_id>")
def remove_user(kind: str, user_id: str) -> Response:
    rt, _ = auth.runtime_and_user()
    auth.require_permission("view-livechat-manager")
    found = rt.store.get("users", user_id)
    if found is None:
        raise errors.bare_failure()
    if kind not in livechat.ROLE_OF_TYPE:
        raise errors.plain(errors.INVALID_TYPE)
    if not livechat.remove_omnichannel_user(rt, kind, found):
        raise errors.bare_failure()
    return ok()


@blueprint.get("/agents/<agent_id>/departments")
def agent_departments(agent_id: str) -> Response:
    rt, _ = auth.runtime_and_user()
    auth.require_permission("view-l-room")
    enabled = request.args.get("enabledDepartmentsOnly") == "true"
    rows = livechat.agent_departments(rt, agent_id, enabled_only=enabled)
    return ok(departments=[wire.rest_dates(r) for r in rows])


@blueprint.post("/agent.status")
def agent_status() -> Response:
    rt, user = auth.runtime_and_user()
    auth.require_permission("view-l-room")
    params = _livechat.checked(inputs.body(), {}, {"status": str, "agentId": str})
    if params.get("status") not in (None, "available", "not-available"):
        raise _livechat.ajv("must be equal to one of the allowed values")
    try:
        status = livechat.set_agent_status(rt, user, params.get("agentId"), params.get("status"))
    except models.Refused as refusal:
        if refusal.code == errors.AGENT_NOT_FOUND:
            raise errors.not_found("Agent not found") from None
        raise _livechat.refused(refusal) from None
    return ok(status=status)


@blueprint.post("/agents.saveInfo")
def save_agent_info() -> Response:
    rt, user = auth.runtime_and_user()
    params = _livechat.checked(
        inputs.body(), {"agentId": str, "agentData": dict}, {"agentDepartments": list}
    )
    if not models.has_permission(rt, user, "manage-livechat-agents"):
        raise errors.forbidden()
    try:
        livechat.save_agent_info(
            rt, params["agentId"], params["agentData"], params.get("agentDepartments")
        )
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok()
