"""``api4/integration_action.go``: interactive dialogs (post actions are in ``posts``)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ...core.runtime import runtime
from .. import authentication, errors, inputs, wire
from ..models import post_actions

blueprint = Blueprint("mm_integration_action", __name__, url_prefix="/api/v4")


def _request_body() -> dict:
    """An ``OpenDialogRequest``/``SubmitDialogRequest``; what does not decode is ``dialog``'s
    fault (``SetInvalidParamWithErr``)."""
    body = inputs.json_body(required=False)
    if not isinstance(body, dict):
        if inputs.body_is_json_null():
            return {}
        raise errors.invalid_body_param("dialog")
    return body


@blueprint.post("/actions/dialogs/open")
def open_dialog() -> Response:
    """No session needed (``APIHandler``): the signed trigger id is the credential."""
    rt = runtime()
    post_actions.open_dialog(rt, _request_body())
    return jsonify(wire.status_ok())


@blueprint.post("/actions/dialogs/submit")
def submit_dialog() -> Response:
    rt, user = authentication.caller()
    return jsonify(post_actions.submit_dialog(rt, user, _request_body()))


@blueprint.post("/actions/dialogs/lookup")
def lookup_dialog() -> Response:
    rt, user = authentication.caller()
    return jsonify(post_actions.lookup_dialog(rt, user, _request_body()))
