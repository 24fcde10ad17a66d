"""``autotranslate.*`` (``v1/autotranslate.ts``): refused while ``AutoTranslate_Enabled`` is
off (the default); with it on, answered as with a provider that has no API key."""

from __future__ import annotations

from flask import Blueprint, Response

from ...core.runtime import Runtime
from .. import auth, errors, inputs, models, wire
from ..models import autotranslate
from ._rooms_common import ok, params

blueprint = Blueprint("rc_autotranslate", __name__, url_prefix="/api/v1")

DISABLED = "AutoTranslate is disabled."


def _require_enabled(rt: Runtime) -> None:
    if not models.setting(rt, "AutoTranslate_Enabled"):
        raise errors.plain(DISABLED)


@blueprint.get("/autotranslate.getSupportedLanguages")
def supported_languages() -> Response:
    rt, user = auth.runtime_and_user()
    if not isinstance(params().get("targetLanguage"), str):
        raise errors.invalid_params("must have required property 'targetLanguage'")
    _require_enabled(rt)
    try:
        return ok(languages=autotranslate.supported_languages(rt, user))
    except models.Refused as refused:
        raise errors.refused(refused) from None


@blueprint.post("/autotranslate.saveSettings")
def save_settings() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    for key in ("roomId", "field", "value"):
        if key not in args:
            raise errors.invalid_params(f"must have required property '{key}'")
    field, value = args["field"], args["value"]
    if not isinstance(args["roomId"], str) or field not in (
        "autoTranslate",
        "autoTranslateLanguage",
    ):
        raise errors.invalid_params("must be equal to one of the allowed values")
    if not isinstance(value, bool | str):
        raise errors.invalid_params("must be boolean")
    _require_enabled(rt)
    if field == "autoTranslate" and not isinstance(value, bool):
        raise errors.plain('The bodyParam "autoTranslate" must be a boolean.')
    if field == "autoTranslateLanguage" and (not isinstance(value, str) or _numeric(value)):
        raise errors.plain('The bodyParam "autoTranslateLanguage" must be a string.')
    text = "1" if value is True else ("false" if value is False else value)
    try:
        autotranslate.save_autotranslate_setting(
            rt, user, args["roomId"], field, text, args.get("defaultLanguage")
        )
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()


def _numeric(value: str) -> bool:
    """``!Number.isNaN(Number.parseInt(value))``: the text starts with a number."""
    digits = value.strip().lstrip("+-")
    return bool(digits) and digits[0].isdigit()


@blueprint.post("/autotranslate.translateMessage")
def translate_message() -> Response:
    rt, _ = auth.runtime_and_user()
    args = inputs.body()
    if not isinstance(args.get("messageId"), str):
        raise errors.invalid_params("must have required property 'messageId'")
    _require_enabled(rt)
    if not args["messageId"]:
        raise errors.plain('The bodyParam "messageId" is required.')
    message = rt.store.get("messages", args["messageId"])
    if message is None:
        raise errors.plain("Message not found.")
    # no provider reachable: nothing is translated, the message comes back as stored
    return ok(message=wire.message(message))
