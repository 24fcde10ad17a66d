"""Settings over REST: ``settings.public``, ``settings``, ``settings/:_id`` (``v1/settings.ts``).

Named after the upstream resource like every module here: it serves the stored values; the
product's setting definitions and their defaults are ``rocketchat/settings.py``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import Runtime, runtime
from .. import auth, errors, inputs, jsonquery, models, twofactor, wire

blueprint = Blueprint("rc_settings", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]


def _listing(rt: Runtime, docs: list[Doc], with_defaults: bool = False) -> Response:
    offset, limit, sort = inputs.pagination(rt)
    ids = request.args.get("_id")
    if ids:
        wanted = {i.strip() for i in ids.split(",")}
        docs = [d for d in docs if d["_id"] in wanted]
    docs = jsonquery.sort_docs(docs, sort, {"_id": 1})
    page = docs[offset:] if limit is None else docs[offset : offset + limit]
    out = []
    for doc in page:
        item = wire.setting(doc)
        if with_defaults:
            item["packageValue"] = doc.get("packageValue")
        out.append(item)
    return jsonify(
        {"settings": out, "count": len(out), "offset": offset, "total": len(docs), "success": True}
    )


@blueprint.get("/settings.public")
def public() -> Response:
    rt = runtime()
    docs = [d for d in rt.store.all("settings") if d.get("public") and not d.get("hidden")]
    return _listing(rt, docs)


@blueprint.get("/settings")
def private() -> Response:
    rt, me = auth.runtime_and_user()
    privileged = models.has_permission(rt, me, "view-privileged-setting")
    docs = [
        d
        for d in rt.store.all("settings")
        if not d.get("hidden") and (privileged or d.get("public"))
    ]
    return _listing(rt, docs, with_defaults=request.args.get("includeDefaults") == "true")


@blueprint.get("/settings/<setting_id>")
def get_setting(setting_id: str) -> Response:
    rt = runtime()
    auth.require_permission("view-privileged-setting")
    doc = rt.store.get("settings", setting_id)
    if doc is None or doc.get("hidden"):
        raise errors.bare_failure()
    return jsonify({**wire.setting(doc), "success": True})


def _typed(doc: Doc, value: Any) -> bool:
    kind = doc.get("type")
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("string", "select", "language", "code", "password", "relativeUrl"):
        return isinstance(value, str)
    return True


@blueprint.post("/settings/<setting_id>")
def set_setting(setting_id: str) -> Response:
    rt = runtime()
    me = auth.require_permission("edit-privileged-setting")
    twofactor.require_two_factor(rt, me)
    params = inputs.body()
    doc = rt.store.get("settings", setting_id)
    if doc is None or doc.get("hidden") or "value" not in params:
        raise errors.bare_failure()
    if not _typed(doc, params["value"]):
        raise errors.bare_failure()
    models.set_setting_value(rt, setting_id, params["value"])
    return jsonify({"success": True})
