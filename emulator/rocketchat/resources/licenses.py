"""``licenses.*``: a Community workspace, so no license (``ee/server/api/licenses.ts``)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import runtime
from .. import auth, errors, inputs

blueprint = Blueprint("rc_licenses", __name__, url_prefix="/api/v1")

# Limits without a license: unlimited users, a few apps.
COMMUNITY_LIMITS = {
    "activeUsers": -1,
    "guestUsers": -1,
    "roomsPerGuest": -1,
    "privateApps": 3,
    "marketplaceApps": 5,
    "monthlyActiveContacts": -1,
}


@blueprint.get("/licenses.info")
def info() -> Response:
    rt = runtime()
    auth.require_permission("view-privileged-setting")
    load_values = request.args.get("loadValues") == "true"
    values = {
        "activeUsers": sum(
            1 for u in rt.store.find("users", "active", True) if u.get("type") == "user"
        ),
        "guestUsers": len(rt.store.find("users", "roles", "guest")),
        "roomsPerGuest": 0,
        "privateApps": 0,
        "marketplaceApps": 0,
        "monthlyActiveContacts": 0,
    }
    limits = {}
    for name, limit in COMMUNITY_LIMITS.items():
        limits[name] = {"max": limit, **({"value": values[name]} if load_values else {})}
    return jsonify(
        {
            "license": {
                "activeModules": [],
                "preventedActions": {name: False for name in COMMUNITY_LIMITS},
                "limits": limits,
                "tags": [],
                "trial": False,
            },
            "success": True,
        }
    )


@blueprint.post("/licenses.add")
def add() -> Response:
    """``License.validateFormat``: a license is a payload signed by Rocket.Chat's cloud; none
    the emulator is given checks out, so every one is invalid."""
    auth.require_permission("edit-privileged-setting")
    license_text = inputs.body().get("license")
    if license_text is None:
        raise errors.plain("Match error: Missing key 'license'")
    if not isinstance(license_text, str):
        raise errors.plain("Match error: Expected string, got object in field license")
    raise errors.plain("Invalid license")


@blueprint.get("/licenses.maxActiveUsers")
def max_active_users() -> Response:
    """No license, so no maximum; ``getActiveLocalUserCount``: active users less guests-only,
    apps and bots."""
    rt, _ = auth.runtime_and_user()
    active = sum(
        1
        for u in rt.store.find("users", "active", True)
        if u.get("type") not in ("bot", "app") and u.get("roles") != ["guest"]
    )
    return jsonify({"maxActiveUsers": None, "activeUsers": active, "success": True})


@blueprint.post("/licenses.validate")
def validate() -> Response:
    """Documented, but 8.3 serves no such route: the unknown-route answer."""
    raise errors.for_status(404)
