"""The Apps-Engine REST API (``/api/apps``, ``ee/server/apps/communication/rest.ts``) of a
Community workspace with no app installed and no cloud registration. The emulator runs no
Apps-Engine and reaches no Marketplace: the catalogue and its categories come back empty (a
real server that cannot reach the Marketplace answers 500 "Could not reach the Marketplace"),
an app package can not be installed, and an app's public endpoints are not found."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request

from .. import auth, errors, inputs, models
from ._rooms_common import ok
from .licenses import COMMUNITY_LIMITS

blueprint = Blueprint("rc_apps", __name__, url_prefix="/api/apps")

MARKETPLACE_URL = "https://marketplace.rocket.chat"
APPS_ENGINE_VERSION = "1.58.0"  # ``Info.marketplaceApiVersion`` of 8.3


def _no_app(app_id: str) -> errors.RocketError:
    return errors.not_found(f"No App found by the id of: {app_id}")


@blueprint.get("/marketplace")
def marketplace() -> Response:
    auth.runtime_and_user()
    return ok_list([])


@blueprint.get("/categories")
def categories() -> Response:
    auth.runtime_and_user()
    return ok_list([])


def ok_list(items: list) -> Response:
    """``API.v1.success`` of an array: the array itself is the body."""
    return jsonify(items)


@blueprint.get("/installed")
def installed() -> Response:
    auth.runtime_and_user()
    return ok(apps=[])


@blueprint.get("/count")
def count() -> Response:
    """No login needed; nothing enabled, and the Community limits."""
    return ok(
        totalMarketplaceEnabled=0,
        totalPrivateEnabled=0,
        maxMarketplaceApps=COMMUNITY_LIMITS["marketplaceApps"],
        maxPrivateApps=COMMUNITY_LIMITS["privateApps"],
    )


@blueprint.get("/buildExternalAppRequest")
def build_external_app_request() -> Response:
    rt, user = auth.runtime_and_user()
    app_id = request.args.get("appId")
    if not app_id:
        raise errors.plain("Invalid request. Please ensure an appId is attached to the request.")
    requester = {
        "id": user["_id"],
        "username": user["username"],
        "name": user.get("name"),
        "emails": [e["address"] for e in user.get("emails", [])],
    }
    admins = [
        {"id": a["_id"], "username": a["username"], "name": a.get("name")}
        for a in models.users_with_role(rt, "admin")
    ]
    query = urlencode(
        {
            "workspaceId": "",
            "frameworkVersion": APPS_ENGINE_VERSION,
            "requester": base64.b64encode(json.dumps(requester).encode()).decode(),
            "admins": base64.b64encode(json.dumps(admins).encode()).decode(),
        }
    )
    return ok(url=f"{MARKETPLACE_URL}/apps/{app_id}/requestAccess?{query}")


@blueprint.post("")
def install() -> Response:
    """No package turns into an app without the Apps-Engine runtime: every upload is answered
    as one no app file could be read from."""
    auth.require_permission("manage-apps")
    raise errors.RocketError(
        400,
        {
            "success": False,
            "error": "app_file_error",
            "message": "Failed to get a file to install for the App. ",
        },
    )


@blueprint.get("/logs")
def general_logs() -> Response:
    """``permissionRequired`` (sic) is a key the route chain ignores: any user may read the
    (empty) logs."""
    rt, _ = auth.runtime_and_user()
    offset, _, _ = inputs.pagination(rt)
    return ok(offset=offset, logs=[], count=0, total=0)


@blueprint.get("/<app_id>/logs")
def app_logs(app_id: str) -> Response:
    auth.runtime_and_user()
    raise _no_app(app_id)


@blueprint.get("/<app_id>")
def get_app(app_id: str) -> Response:
    auth.require_permission("manage-apps")
    if request.args.get("marketplace") and (
        request.args.get("version") or request.args.get("appVersion")
    ):
        raise errors.not_found()  # the Marketplace knows no such app
    raise _no_app(app_id)


@blueprint.delete("/<app_id>")
def delete_app(app_id: str) -> Response:
    auth.require_permission("manage-apps")
    raise _no_app(app_id)


_ANY = ["GET", "POST", "PUT", "DELETE"]


# The two documented app endpoints (Rasa, WhatsApp) by name, then any other path.
@blueprint.route("/public/<app_id>/incoming", methods=_ANY, defaults={"rest": "incoming"})
@blueprint.route(
    "/public/<app_id>/templateMessage", methods=_ANY, defaults={"rest": "templateMessage"}
)
@blueprint.route("/public/<app_id>/<path:rest>", methods=_ANY)
def public_endpoint(app_id: str, rest: str) -> Response:
    """An app's public endpoints (e.g. Rasa's ``incoming``, WhatsApp's ``templateMessage``)
    exist only while it is installed: Express's bare ``sendStatus(404)``."""
    return Response("Not Found", status=404, mimetype="text/plain")
