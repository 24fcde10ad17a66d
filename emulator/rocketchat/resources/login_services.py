"""Login service configurations: ``settings.oauth`` and ``service.configurations``
(``v1/settings.ts``), public. A fresh server configures no OAuth service, so both list what
the ``login_service_configuration`` table holds (nothing unless a fixture adds some), secrets
left out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from ...core.runtime import runtime

blueprint = Blueprint("rc_login_services", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]
CUSTOM_SERVICES = ("saml", "cas", "wordpress")


def _configurations() -> list[Doc]:
    docs = runtime().store.all("login_service_configuration")
    return [{k: v for k, v in d.items() if k != "secret"} for d in docs]


def _oauth_entry(service: Doc) -> Doc:
    if service.get("custom") or service.get("service") in CUSTOM_SERVICES:
        return service
    return {
        "_id": service["_id"],
        "name": service.get("service"),
        "clientId": service.get("appId") or service.get("clientId") or service.get("consumerKey"),
        "buttonLabelText": service.get("buttonLabelText") or "",
        "buttonColor": service.get("buttonColor") or "",
        "buttonLabelColor": service.get("buttonLabelColor") or "",
        "custom": False,
    }


@blueprint.get("/settings.oauth")
def oauth() -> Response:
    return jsonify({"services": [_oauth_entry(s) for s in _configurations()], "success": True})


@blueprint.get("/service.configurations")
def configurations() -> Response:
    return jsonify({"configurations": _configurations(), "success": True})
