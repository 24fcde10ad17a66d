"""``POST /settings`` (several settings at once, the ``saveSettings`` rules; served since 8.6)
and ``settings.addCustomOAuth`` (``v1/settings.ts``), both behind two-factor confirmation."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response

from .. import auth, errors, inputs, models, twofactor
from ._rooms_common import ok

blueprint = Blueprint("rc_settings_admin", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]

_MATCH_TYPES = {"boolean": "Boolean", "int": "Number", "timespan": "Number", "range": "Number"}


def _value_error(doc: Doc | None, value: Any) -> str | None:
    """``saveSettings``'s ``check`` of a value against the setting's type."""
    kind = (doc or {}).get("type")
    if kind == "boolean":
        ok_type = isinstance(value, bool)
    elif kind in ("int", "timespan", "range"):
        ok_type = isinstance(value, int | float) and not isinstance(value, bool)
        if ok_type and not float(value).is_integer():
            return None  # refused below with its own error
    elif kind == "multiSelect":
        ok_type = isinstance(value, list)
    elif kind in ("roomPick", "asset"):
        ok_type = isinstance(value, dict | str)
    else:
        ok_type = isinstance(value, str)
    if ok_type:
        return None
    expected = _MATCH_TYPES.get(kind or "", "String")
    return f"Match error: Expected {expected.lower()}"


@blueprint.post("/settings")
def save_settings() -> Response:
    """The permission is checked for every listed setting before the second factor (8.3 has
    no ``manage-selected-settings``), then every value is type-checked before any is stored."""
    rt, me = auth.runtime_and_user()
    args = inputs.body()
    inputs.require_fields(args, ("settings",))
    changes = args["settings"]
    if not isinstance(changes, list):
        raise errors.invalid_params("must be array")
    if not changes:
        raise errors.invalid_params("must NOT have fewer than 1 items")
    for change in changes:
        if not isinstance(change, dict):
            raise errors.invalid_params("must be object")
        inputs.require_fields(change, ("_id", "value"))
        if not isinstance(change["_id"], str):
            raise errors.plain("Match error: Expected string")
    if not models.has_permission(rt, me, "edit-privileged-setting"):
        raise errors.RocketError(
            403,
            {
                "success": False,
                "error": "Editing settings is not allowed [error-action-not-allowed]",
                "errorType": errors.ACTION_NOT_ALLOWED,
                "details": {"method": "saveSettings", "settingIds": [c["_id"] for c in changes]},
            },
        )
    twofactor.require_two_factor(rt, me)
    checked = []
    for change in changes:
        doc = rt.store.get("settings", change["_id"])
        problem = _value_error(doc, change["value"])
        if problem is not None:
            raise errors.plain(problem)
        value = change["value"]
        numeric = doc is not None and doc.get("type") in ("int", "timespan", "range")
        if numeric and not float(value).is_integer():
            raise errors.meteor_error(
                errors.INVALID_SETTING_VALUE,
                f"Invalid setting value {value}",
                {"method": "saveSettings"},
            )
        checked.append((doc, value))
    with rt.store.transaction():
        for doc, value in checked:
            if doc is not None and not doc.get("hidden"):
                models.set_setting_value(rt, doc["_id"], value)
    return ok()


# ``addOAuthService``: the settings of a new custom OAuth service, with their defaults.
CUSTOM_OAUTH_DEFAULTS: tuple[tuple[str, Any, str], ...] = (
    ("", False, "boolean"),
    ("-url", "", "string"),
    ("-token_path", "/oauth/token", "string"),
    ("-token_sent_via", "payload", "select"),
    ("-identity_token_sent_via", "default", "select"),
    ("-identity_path", "/me", "string"),
    ("-authorize_path", "/oauth/authorize", "string"),
    ("-scope", "openid", "string"),
    ("-access_token_param", "access_token", "string"),
    ("-id", "", "string"),
    ("-secret", "", "string"),
    ("-login_style", "popup", "select"),
    ("-button_label_text", "", "string"),
    ("-button_label_color", "#FFFFFF", "string"),
    ("-button_color", "#1d74f5", "string"),
    ("-key_field", "username", "select"),
    ("-username_field", "", "string"),
    ("-email_field", "", "string"),
    ("-name_field", "", "string"),
    ("-avatar_field", "", "string"),
    ("-roles_claim", "roles", "string"),
    ("-groups_claim", "groups", "string"),
    ("-channels_admin", "rocket.cat", "string"),
    ("-map_channels", False, "boolean"),
    ("-merge_roles", False, "boolean"),
    ("-roles_to_sync", "", "string"),
    ("-merge_users", False, "boolean"),
    ("-merge_users_distinct_services", False, "boolean"),
    ("-show_button", True, "boolean"),
)


@blueprint.post("/settings.addCustomOAuth")
def add_custom_oauth() -> Response:
    rt, me = auth.runtime_and_user()
    args = inputs.body()
    twofactor.require_two_factor(rt, me)
    name = args.get("name")
    if not isinstance(name, str) or not name.strip():
        raise errors.meteor_error(
            errors.NAME_PARAM_NOT_PROVIDED, 'The parameter "name" is required'
        )
    if not models.has_permission(rt, me, "add-oauth-service"):
        raise errors.meteor_error(
            errors.ACTION_NOT_ALLOWED,
            "Adding OAuth Services is not allowed",
            {"method": "addOAuthService", "action": "Adding_OAuth_Services"},
        )
    service = re.sub(r"[^a-z0-9_]", "", name.lower())
    service = service[:1].upper() + service[1:]
    now = rt.clock.now_ms()
    with rt.store.transaction():
        for suffix, default, kind in CUSTOM_OAUTH_DEFAULTS:
            setting_id = f"Accounts_OAuth_Custom-{service}{suffix}"
            if rt.store.get("settings", setting_id) is None:  # ``add`` keeps an existing one
                rt.store.insert(
                    "settings",
                    {
                        "_id": setting_id,
                        "value": default,
                        "packageValue": default,
                        "type": kind,
                        "public": suffix in ("", "-button_label_text", "-show_button"),
                        "_updatedAt": now,
                    },
                )
    return ok()
