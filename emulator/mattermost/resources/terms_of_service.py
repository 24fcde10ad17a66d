"""``api4/terms_of_service.go``: custom terms of service are a licensed feature, so an unlicensed
server has none to show and refuses to create them."""

from __future__ import annotations

from flask import Blueprint, Response

from .. import authentication, errors, permissions

blueprint = Blueprint("mm_terms_of_service", __name__, url_prefix="/api/v4")


@blueprint.get("/terms_of_service")
def get_latest_terms_of_service() -> Response:
    authentication.caller()
    raise errors.AppError(404, errors.TERMS_NOT_FOUND)


@blueprint.post("/terms_of_service")
def create_terms_of_service() -> Response:
    _, user = authentication.caller()
    permissions.require_system(user, "manage_system")
    raise errors.AppError(400, errors.CUSTOM_TERMS_DISABLED)
