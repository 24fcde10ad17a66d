"""Banners: ``banners``, ``banners/:id``, ``banners.dismiss`` (``v1/banners.ts``, typed routes:
ajv query errors are ``error-invalid-params``, body errors ``invalid-params``, no suffix)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from .. import auth, errors, inputs, models, wire
from ..models import banners

blueprint = Blueprint("rc_banners", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]
PLATFORMS = ("web", "mobile")


def _platform() -> str:
    params = request.args.to_dict()
    if "platform" not in params:
        raise errors.failure("must have required property 'platform'", errors.ERROR_INVALID_PARAMS)
    if set(params) - {"platform"}:
        raise errors.failure("must NOT have additional properties", errors.ERROR_INVALID_PARAMS)
    if params["platform"] not in PLATFORMS:
        raise errors.failure(
            "must be equal to one of the allowed values", errors.ERROR_INVALID_PARAMS
        )
    return params["platform"]


def _render(banner: Doc) -> Doc:
    out = wire.rest_dates(banner)
    for key in ("startAt", "expireAt"):
        if isinstance(banner.get(key), int):
            out[key] = wire.iso(banner[key])
    return out


@blueprint.get("/banners")
def list_banners() -> Response:
    rt, user = auth.runtime_and_user()
    found = banners.banners_for_user(rt, user, _platform())
    return jsonify({"banners": [_render(b) for b in found], "success": True})


@blueprint.get("/banners/<banner_id>")
def one_banner(banner_id: str) -> Response:
    rt, user = auth.runtime_and_user()
    found = banners.banners_for_user(rt, user, _platform(), banner_id)
    return jsonify({"banners": [_render(b) for b in found], "success": True})


@blueprint.post("/banners.dismiss")
def dismiss() -> Response:
    rt, user = auth.runtime_and_user()
    params = inputs.body()
    if "bannerId" not in params:
        raise errors.failure("must have required property 'bannerId'", errors.INVALID_PARAMS)
    if set(params) - {"bannerId"}:
        raise errors.failure("must NOT have additional properties", errors.INVALID_PARAMS)
    banner_id = params["bannerId"]
    if not isinstance(banner_id, str):
        raise errors.failure("must be string", errors.INVALID_PARAMS)
    if not banner_id:
        raise errors.failure("must NOT have fewer than 1 characters", errors.INVALID_PARAMS)
    try:
        banners.dismiss_banner(rt, user, banner_id)
    except models.Refused as refusal:
        raise errors.plain(refusal.code) from None
    return jsonify({"success": True})
