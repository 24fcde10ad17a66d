"""The REST bridge to the DDP methods: ``method.call/:method`` and ``method.callAnon/:method``
(``v1/misc.ts``). A DDP method message in, its result message out, through the same method
table as a socket."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, g, jsonify

from ...core import jsonbounds
from ...core.runtime import runtime
from .. import auth, errors, inputs
from .protocol import DdpSession, blueprint


class _RestCaller:
    """Stands in for a connection when a method runs through the REST bridge."""

    id = "rest"
    user_id: str | None = None
    username: str | None = None

    def send(self, frame: Any) -> bool:
        return True


@blueprint.post("/api/v1/method.call/<method>")
def method_call(method: str) -> Response:
    """The REST bridge (``v1/misc.ts``): a DDP method message in, its result message out."""
    return _bridge(anonymous=False)


@blueprint.post("/api/v1/method.callAnon/<method>")
def method_call_anon(method: str) -> Response:
    return _bridge(anonymous=True)


def _bridge(anonymous: bool) -> Response:
    rt = runtime()
    user = None if anonymous else auth.current_user(rt)
    message = inputs.body().get("message")
    if not isinstance(message, str):
        raise errors.invalid_params("must have required property 'message'")
    try:
        call = jsonbounds.loads(message)
    except ValueError:
        raise errors.invalid_params("message must be a DDP method message") from None
    if (
        not isinstance(call, dict)
        or not isinstance(call.get("method"), str)
        or not isinstance(call.get("params", []), list)
    ):
        raise errors.invalid_params("message must be a DDP method message")
    session, caller = DdpSession(rt), _RestCaller()
    session.session_id = "rest"
    if user is not None:
        session.user_id, session.token = user["_id"], g.get("auth_token")
        caller.user_id, caller.username = user["_id"], user["username"]
    reply = session.invoke(caller, call.get("id"), call["method"], call.get("params", []))
    text = json.dumps(reply, separators=(",", ":"), ensure_ascii=False)
    return jsonify({"message": text, "success": True})
