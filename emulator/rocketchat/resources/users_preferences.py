"""Users' preferences and username suggestions (``v1/users.ts``)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify

from .. import auth, errors, inputs, models

blueprint = Blueprint("rc_users_preferences", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]


def _ok(**body: Any) -> Response:
    return jsonify({**body, "success": True})


# -- preferences and suggestions --------------------------------------------------------------


@blueprint.get("/users.getPreferences")
def get_preferences() -> Response:
    me = auth.current_user()
    preferences = dict(me.get("settings", {}).get("preferences", {}))
    if me.get("language") is not None:
        preferences["language"] = me["language"]
    return _ok(preferences=preferences)


@blueprint.post("/users.setPreferences")
def set_preferences() -> Response:
    rt, me = auth.runtime_and_user()
    params = inputs.body()
    inputs.require_fields(params, ("data",))
    if not isinstance(params["data"], dict):
        raise errors.invalid_params("/data must be object")
    user_id = params.get("userId")
    if user_id is not None and not isinstance(user_id, str):
        raise errors.invalid_params("/userId must be string")
    if (
        user_id
        and user_id != me["_id"]
        and not models.has_permission(rt, me, "edit-other-user-info")
    ):
        raise errors.meteor_error(errors.ACTION_NOT_ALLOWED, "Editing user is not allowed")
    user = rt.store.get("users", user_id) if user_id else me
    if user is None:
        raise errors.meteor_error(
            errors.INVALID_USER, 'The optional "userId" param provided does not match any users'
        )
    if "language" in params["data"] and not isinstance(params["data"]["language"], str):
        raise errors.invalid_params("/data/language must be string")
    updated = models.save_preferences(rt, user, params["data"])
    preferences = dict(updated["settings"]["preferences"])
    if updated.get("language") is not None:
        preferences["language"] = updated["language"]
    return _ok(user={"_id": updated["_id"], "settings": {"preferences": preferences}})


@blueprint.get("/users.getUsernameSuggestion")
def username_suggestion() -> Response:
    rt, me = auth.runtime_and_user()
    candidates = []
    name = re.sub(r"[^0-9a-zA-Z-_.]+", ".", (me.get("name") or "").strip().lower()).strip(".")
    if name:
        candidates.append(name)
    for email in me.get("emails", []):
        candidates.append(re.sub(r"[^0-9a-zA-Z-_.]+", "", email["address"].split("@")[0]))
    candidates = [c for c in candidates if c] or ["user"]
    for candidate in candidates:
        owner = models.find_user_by_username(rt, candidate)
        if owner is None:
            return _ok(result=candidate)
    base, index = candidates[0], 1
    while models.find_user_by_username(rt, f"{base}-{index}") is not None:
        index += 1
    return _ok(result=f"{base}-{index}")
