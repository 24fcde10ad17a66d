"""``api4/permission.go``: the ancillary permissions of system console sections."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from .. import authentication, errors, inputs
from ..models.ancillary_permissions import add_ancillary_permissions

blueprint = Blueprint("mm_permission", __name__, url_prefix="/api/v4")


@blueprint.post("/permissions/ancillary")
def append_ancillary_permissions() -> Response:
    authentication.caller()
    body = inputs.json_body(required=False)
    # ``NonSortedArrayFromJSON``: a non-empty JSON array of strings.
    if not isinstance(body, list) or not body or not all(isinstance(p, str) for p in body):
        raise errors.AppError(400, errors.PAYLOAD_PARSE)
    return jsonify(add_ancillary_permissions(body))
