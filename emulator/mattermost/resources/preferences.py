"""``api4/preference.go``: a user's preferences (category, name, value)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ...core.runtime import Runtime
from .. import authentication, errors, inputs, models, permissions, wire
from .users import Doc

blueprint = Blueprint("mm_preferences", __name__, url_prefix="/api/v4")

MAX_PER_REQUEST = 100
# model/preference.go: category and name at most 32 runes, value at most 2000.
_LIMITS = {"category": 32, "name": 32, "value": 2000}


def _owner(user_id: str) -> tuple[Runtime, str]:
    rt, viewer = authentication.caller()
    target = inputs.user_id_param(user_id)
    permissions.require_self_or(viewer, target)
    return rt, target


def _sorted(prefs: list[Doc]) -> list[Doc]:
    return [wire.preference(p) for p in sorted(prefs, key=lambda p: (p["category"], p["name"]))]


@blueprint.get("/users/<user_id>/preferences")
def get_preferences(user_id: str) -> Response:
    rt, target = _owner(user_id)
    return jsonify(_sorted(rt.store.find("preferences", "user_id", target)))


@blueprint.get("/users/<user_id>/preferences/<category>")
def get_preferences_by_category(user_id: str, category: str) -> Response:
    rt, target = _owner(user_id)
    found = rt.store.find("preferences", "category", f"{target}:{category}")
    if not found:
        raise errors.AppError(404, errors.PREFERENCE_CATEGORY_NOT_FOUND)
    return jsonify(_sorted(found))


@blueprint.get("/users/<user_id>/preferences/<category>/name/<preference_name>")
def get_preference(user_id: str, category: str, preference_name: str) -> Response:
    rt, target = _owner(user_id)
    found = rt.store.get("preferences", models.preference_id(target, category, preference_name))
    if found is None:
        raise errors.AppError(400, errors.PREFERENCE_NOT_FOUND)
    return jsonify(wire.preference(found))


def _preference_list(target: str, mismatch_error: str) -> list[Doc]:
    body = inputs.json_body()
    if not isinstance(body, list) or len(body) > MAX_PER_REQUEST:
        raise errors.invalid_body_param("preferences")
    prefs = []
    for item in body:
        if not isinstance(item, dict):
            raise errors.invalid_body_param("preferences")
        fields = {k: item.get(k, "") for k in ("user_id", "category", "name", "value")}
        if not all(isinstance(v, str) for v in fields.values()):
            raise errors.invalid_body_param("preferences")
        if not fields["category"] or any(len(fields[k]) > n for k, n in _LIMITS.items()):
            raise errors.invalid_body_param("preferences")
        if fields["user_id"] != target:
            raise errors.AppError(
                403, mismatch_error, f"userId={target}, preference.UserId={fields['user_id']}"
            )
        prefs.append(fields)
    return prefs


@blueprint.put("/users/<user_id>/preferences")
def update_preferences(user_id: str) -> Response:
    rt, target = _owner(user_id)
    prefs = _preference_list(target, errors.PREFERENCES_SET_FORBIDDEN)
    for pref in prefs:
        # Flagging a post needs read access to its channel.
        if pref["category"] == "flagged_post":
            post = rt.store.get("posts", pref["name"])
            channel = rt.store.get("channels", post["channel_id"]) if post else None
            if channel is None:
                raise errors.invalid_body_param("preference.name")
            permissions.require_channel(rt, authentication.current_user(), channel, "read_channel")
    models.save_preferences(rt, target, prefs)
    return jsonify(wire.status_ok())


@blueprint.post("/users/<user_id>/preferences/delete")
def delete_preferences(user_id: str) -> Response:
    rt, target = _owner(user_id)
    prefs = _preference_list(target, errors.PREFERENCES_DELETE_FORBIDDEN)
    models.delete_preferences(rt, target, prefs)
    return jsonify(wire.status_ok())
