"""Webhook integrations CRUD: ``integrations.*`` (``v1/integrations.ts`` and
``app/integrations/server/methods``). Running them (``/hooks/...``, call-outs) lives elsewhere."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from ...core.runtime import Runtime, runtime
from .. import auth, errors, inputs, models, outgoing, wire
from ._rooms_common import ok, page_body, params, text_param

blueprint = Blueprint("rc_integrations", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]

INCOMING, OUTGOING, MANAGE = models.INCOMING, models.OUTGOING, models.INTEGRATION_MANAGE
ANY_MANAGE = (*MANAGE[INCOMING], *MANAGE[OUTGOING])


def _require_any(rt: Runtime) -> Doc:
    """The route-level ``permissionsRequired`` (any of the four manage permissions)."""
    user = auth.current_user(rt)
    if not any(models.has_permission(rt, user, p) for p in ANY_MANAGE):
        raise errors.forbidden()
    return user


@blueprint.post("/integrations.create")
def integrations_create() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    kind = args.get("type")
    if not isinstance(kind, str):
        raise errors.invalid_params(
            "must have required property 'type'\n must have required property 'type'\n"
            " must match exactly one schema in oneOf"
        )
    if kind == INCOMING:
        return ok(integration=wire.integration(models.add_incoming_integration(rt, user, args)))
    if kind == OUTGOING:
        return ok(integration=wire.integration(models.add_outgoing_integration(rt, user, args)))
    raise errors.plain("Invalid integration type.")


@blueprint.get("/integrations.list")
def integrations_list() -> Response:
    rt = runtime()
    user = _require_any(rt)
    args = params()
    found = [d for d in rt.store.all("integrations") if models.can_manage_integration(rt, user, d)]
    if args.get("type") in (INCOMING, OUTGOING):
        found = [d for d in found if d["type"] == args["type"]]
    term = (args.get("name") or "").lower()
    if term:
        found = [d for d in found if term in d.get("name", "").lower()]
    body = page_body(rt, "integrations", found, wire.integration, {"_createdAt": 1})
    return ok(**body, items=body["count"])


@blueprint.get("/integrations.get")
def integrations_get() -> Response:
    rt = runtime()
    user = _require_any(rt)
    integration_id = text_param(params().get("integrationId"))
    if integration_id is None:
        raise errors.plain('The query parameter "integrationId" is required.')
    doc = rt.store.get("integrations", integration_id)
    if doc is None or not models.can_manage_integration(rt, user, doc):
        raise errors.plain("The integration does not exists.")
    return ok(integration=wire.integration(doc))


@blueprint.post("/integrations.remove")
def integrations_remove() -> Response:
    rt = runtime()
    user = _require_any(rt)
    args = inputs.body()
    kind = args.get("type")
    if kind not in (INCOMING, OUTGOING):
        raise errors.plain("Invalid integration type.")
    integration_id = text_param(args.get("integrationId"))
    doc = rt.store.get("integrations", integration_id) if integration_id else None
    if kind == OUTGOING and integration_id is None:
        target = text_param(args.get("target_url"))
        if target is None:
            raise errors.plain("An integrationId or target_url needs to be provided.")
        doc = next(iter(rt.store.find("integrations", "urls", target)), None)
    if doc is None or doc["type"] != kind:
        raise errors.plain("No integration found.")
    models.delete_integration(rt, user, doc)
    return ok(integration=wire.integration(doc))


# ``IntegrationsUpdateProps``: one ``oneOf`` branch per type; (property, JSON type, required).
_UPDATE_INCOMING = (
    ("type", "string", True),
    ("integrationId", "string", True),
    ("channel", "string", True),
    ("scriptEnabled", "boolean", True),
    ("scriptEngine", "string", False),
    ("overrideDestinationChannelEnabled", "boolean", False),
    ("script", "string", False),
    ("name", "string", True),
    ("enabled", "boolean", True),
    ("alias", "string", False),
    ("avatar", "string", False),
    ("emoji", "string", False),
)
_UPDATE_OUTGOING = (
    ("type", "string", True),
    ("integrationId", "string", False),
    ("target_url", "string", False),
    ("username", "string", True),
    ("channel", "string", True),
    ("event", "string", True),
    ("targetRoom", "string", False),
    ("urls", "array", False),
    ("triggerWords", "array", False),
    ("triggerWordAnywhere", "boolean", False),
    ("token", "string", False),
    ("scriptEnabled", "boolean", True),
    ("scriptEngine", "string", False),
    ("script", "string", False),
    ("runOnEdits", "boolean", False),
    ("retryFailedCalls", "boolean", False),
    ("retryCount", "number", False),
    ("retryDelay", "string", False),
    ("impersonateUser", "boolean", False),
    ("name", "string", True),
    ("enabled", "boolean", True),
    ("alias", "string", False),
    ("avatar", "string", False),
    ("emoji", "string", False),
)
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "array": (list,),
    "number": (int, float),
}


def _branch_error(args: Doc, kind: str, schema: tuple, closed: bool) -> str | None:
    """The first ajv error of one ``oneOf`` branch (ajv stops at the first without
    ``allErrors``): required, then additional properties, then each property in order."""
    for key, _, required in schema:
        if required and key not in args:
            return f"must have required property '{key}'"
    known = {key for key, _, _ in schema}
    if closed and any(key not in known for key in args):
        return "must NOT have additional properties"
    for key, json_type, required in schema:
        if key not in args or (args[key] is None and not required):
            continue
        value = args[key]
        if (isinstance(value, bool) and json_type == "number") or not isinstance(
            value, _JSON_TYPES[json_type]
        ):
            return f"must be {json_type}"
        if key == "type" and kind not in value:
            return f'must match pattern "{kind}"'
        for item in value if json_type == "array" else ():
            if not isinstance(item, str):
                return "must be string"
            if not item:
                return "must NOT have fewer than 1 characters"
    return None


@blueprint.put("/integrations.update")
def integrations_update() -> Response:
    args = inputs.body()
    incoming = _branch_error(args, INCOMING, _UPDATE_INCOMING, closed=False)
    outgoing_error = _branch_error(args, OUTGOING, _UPDATE_OUTGOING, closed=True)
    if incoming is not None and outgoing_error is not None:
        raise errors.failure(
            f"{incoming}\n {outgoing_error}\n must match exactly one schema in oneOf",
            errors.INVALID_PARAMS,
        )
    if incoming is None and outgoing_error is None:
        raise errors.failure("must match exactly one schema in oneOf", errors.INVALID_PARAMS)
    rt, user = auth.runtime_and_user()
    if args["type"] == OUTGOING:
        target = text_param(args.get("target_url"))
        integration_id = text_param(args.get("integrationId"))
        doc = None
        if target is not None:
            doc = next(iter(rt.store.find("integrations", "urls", target)), None)
        elif integration_id is not None:
            doc = rt.store.get("integrations", integration_id)
        if doc is None:
            raise errors.plain("No integration found.")
        updated = models.update_outgoing_integration(rt, user, doc["_id"], args)
    elif args["type"] == INCOMING:
        doc = rt.store.get("integrations", args["integrationId"])
        if doc is None:
            raise errors.plain("No integration found.")
        updated = models.update_incoming_integration(rt, user, doc["_id"], args)
    else:
        raise errors.plain("Invalid integration type.")
    return ok(integration=wire.integration(updated))


# -- outgoing integrations' history (``IntegrationHistory``) -----------------------------------


def _require_outgoing(rt: Runtime) -> Doc:
    """The route-level permission of the history endpoints."""
    user = auth.current_user(rt)
    if not any(models.has_permission(rt, user, p) for p in MANAGE[OUTGOING]):
        raise errors.forbidden()
    return user


def _required(args: Doc, *keys: str) -> None:
    for key in keys:
        if key not in args:
            raise errors.invalid_params(f"must have required property '{key}'")


def _outgoing_for(rt: Runtime, user: Doc, integration_id: Any, method: str) -> Doc:
    """The integration a history method may act on: any with ``manage-outgoing-integrations``,
    one's own with ``manage-own-outgoing-integrations``."""
    full, own = MANAGE[OUTGOING]
    doc = rt.store.get("integrations", integration_id) if isinstance(integration_id, str) else None
    if not models.has_permission(rt, user, full):
        if not models.has_permission(rt, user, own):
            raise errors.meteor_error(
                errors.INTEGRATION_NOT_AUTHORIZED, "Unauthorized", {"method": method}
            )
        if doc is not None and doc["_createdBy"]["_id"] != user["_id"]:
            doc = None
    if doc is None:
        raise errors.meteor_error(
            errors.INVALID_INTEGRATION, "Invalid integration", {"method": method}
        )
    return doc


@blueprint.get("/integrations.history")
def integrations_history() -> Response:
    rt = runtime()
    user = _require_outgoing(rt)
    args = params()
    _required(args, "id")
    integration_id = args.get("id")
    if not isinstance(integration_id, str) or not integration_id.strip():
        raise errors.plain("Invalid integration id.")
    found = rt.store.find("integration_history", "integration", integration_id)
    full, _own = MANAGE[OUTGOING]
    if not models.has_permission(rt, user, full):
        found = [d for d in found if d["integration"]["_createdBy"]["_id"] == user["_id"]]
    body = page_body(rt, "history", found, wire.rest_dates, {"_updatedAt": -1})
    return ok(
        history=body["history"], offset=body["offset"], items=body["count"], total=body["total"]
    )


@blueprint.post("/integrations.clearHistory")
def integrations_clear_history() -> Response:
    rt = runtime()
    user = _require_outgoing(rt)
    args = inputs.body()
    _required(args, "integrationId")
    doc = _outgoing_for(rt, user, args["integrationId"], "clearIntegrationHistory")
    models.clear_integration_history(rt, doc["_id"])
    return ok()


@blueprint.post("/integrations.replayOutgoing")
def integrations_replay_outgoing() -> Response:
    rt = runtime()
    user = _require_outgoing(rt)
    args = inputs.body()
    _required(args, "integrationId", "historyId")
    method = "replayOutgoingIntegration"
    doc = _outgoing_for(rt, user, args["integrationId"], method)
    history = (
        rt.store.get("integration_history", args["historyId"])
        if isinstance(args["historyId"], str)
        else None
    )
    if history is None or history["integration"]["_id"] != doc["_id"]:
        raise errors.meteor_error(
            errors.INVALID_INTEGRATION_HISTORY, "Invalid Integration History", {"method": method}
        )
    if doc["type"] != OUTGOING:
        raise errors.meteor_error(
            errors.INTEGRATION_TYPE_MUST_BE_OUTGOING,
            "The integration type to replay must be an outgoing webhook.",
        )
    if not history.get("data"):
        raise errors.meteor_error(
            errors.HISTORY_DATA_MUST_BE_DEFINED,
            "The history data must be defined to replay an integration.",
        )
    outgoing.replay(rt, doc, history)
    return ok()
