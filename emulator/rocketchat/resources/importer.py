"""Imports (``v1/import.ts``): the importer operations and the bulk user import
(``import.new``/``addUsers``/``run``/``status``/``clear``), all needing ``run-import``. Rules live
in ``models/imports.py`` (which archives stage what: see there)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify

from ...core.runtime import Runtime, runtime
from .. import ajv, auth, errors, inputs, models, wire
from ..models import imports
from ._rooms_common import ok

blueprint = Blueprint("rc_importer", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]


def _run_import() -> tuple[Runtime, Doc]:
    user = auth.require_permission("run-import")
    return runtime(), user


def _domain(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except models.Refused as refusal:
        raise errors.refused(refusal) from None


def _current(method: str) -> Doc:
    operation = imports.last_import(runtime())
    if operation is None:
        raise errors.meteor_error(errors.OPERATION_NOT_FOUND, "Import Operation Not Found", method)
    return operation


def _bare(value: Any) -> Response:
    """``API.v1.success`` of an array: the array itself is the body."""
    return jsonify(value)


def _strings(args: Doc, names: tuple[str, ...]) -> None:
    ajv.check(args, dict.fromkeys(names, "string"), names)


@blueprint.post("/uploadImportFile")
def upload_import_file() -> Response:
    args = inputs.body()
    _strings(args, ("binaryContent", "contentType", "fileName", "importerKey"))
    rt, user = _run_import()
    key, _ = _domain(lambda: imports.importer(args["importerKey"], "uploadImportFile"))
    try:
        content = base64.b64decode(args["binaryContent"], validate=False)
    except (binascii.Error, ValueError):
        content = b""
    stamp = wire.iso(rt.clock.now_ms()).replace("-", "").replace(":", "")[:15]
    operation = imports.new_operation(
        rt,
        user,
        key,
        {
            "file": f"{stamp}_{user['_id']}_{args['fileName']}",
            "contentType": args["contentType"],
            "fileSize": len(content),
        },
    )
    imports.store_file(rt, operation, content)
    imports.set_status(rt, operation, "importer_file_loaded")
    return ok()


@blueprint.post("/downloadPublicImportFile")
def download_public_import_file() -> Response:
    """A URL is downloaded in the background; the emulator reaches nothing outside, so the
    operation keeps waiting on the download. A path on the server's disk is never read."""
    args = inputs.body()
    _strings(args, ("fileUrl", "importerKey"))
    rt, user = _run_import()
    url = args["fileUrl"]
    key, _ = _domain(lambda: imports.importer(args["importerKey"], "downloadImportFile"))
    if not url.startswith("http"):
        raise errors.meteor_error(errors.IMPORT_FILE_MISSING, url, "downloadPublicImportFile")
    name = url[url.rfind("/") + 1 :].split("?")[0]
    operation = imports.new_operation(rt, user, key, {"file": f"{user['_id']}_{name}"})
    imports.set_status(rt, operation, "importer_downloading_file")
    return ok()


@blueprint.post("/startImport")
def start_import() -> Response:
    args = ajv.check(inputs.body(), {"input": "object"}, ("input",))
    rt, _ = _run_import()
    operation = _current("startImport")
    imports.start_import(rt, operation, args["input"])
    return ok()


@blueprint.get("/getImportFileData")
def get_import_file_data() -> Response:
    rt, _ = _run_import()
    operation = _current("getImportFileData")
    if operation["status"] in imports.WAITING_STEPS:
        if operation["valid"]:
            return ok(waiting=True)
        raise errors.meteor_error(
            errors.IMPORT_OPERATION_INVALID, "Invalid Import Operation", "getImportFileData"
        )
    if operation["status"] == "importer_file_loaded":
        operation = _domain(lambda: imports.prepare(rt, operation))
    return ok(**imports.selection(rt, operation))


@blueprint.get("/getImportProgress")
def get_import_progress() -> Response:
    _run_import()
    return ok(**imports.progress(_current("getImportProgress")))


@blueprint.get("/getLatestImportOperations")
def get_latest_import_operations() -> Response:
    rt = runtime()
    auth.require_permission("view-import-operations")
    return _bare([wire.rest_dates(op) for op in imports.latest_operations(rt)])


def _pending(key: str) -> Response:
    """The pending files/avatars importers: a fresh operation counting what is left to fetch
    from the source; nothing imported here ever references an outside file."""
    rt, user = _run_import()
    imports.new_operation(rt, user, key)
    return ok(count=0)


@blueprint.post("/downloadPendingFiles")
def download_pending_files() -> Response:
    return _pending("pending-files")


@blueprint.post("/downloadPendingAvatars")
def download_pending_avatars() -> Response:
    return _pending("pending-avatars")


@blueprint.get("/getCurrentImportOperation")
def get_current_import_operation() -> Response:
    rt, _ = _run_import()
    operation = imports.last_import(rt)
    return ok(operation=wire.rest_dates(operation)) if operation else ok()


@blueprint.get("/importers.list")
def importers_list() -> Response:
    _run_import()
    return _bare(
        [{"key": k, "name": name} for k, (name, visible) in imports.IMPORTERS.items() if visible]
    )


@blueprint.post("/import.clear")
def import_clear() -> Response:
    rt, _ = _run_import()
    imports.clear(rt)
    return ok()


@blueprint.post("/import.new")
def import_new() -> Response:
    rt, user = _run_import()
    return ok(operation=wire.rest_dates(imports.new_operation(rt, user, "api")))


@blueprint.get("/import.status")
def import_status() -> Response:
    rt, _ = _run_import()
    operation = imports.last_import(rt)
    if operation is None:
        return ok(state="none")
    return ok(state=imports.state_of(operation), operation=wire.rest_dates(operation))


# ``ImportAddUsersParamsPOST``'s item properties (items may carry others)
_USER_FIELDS = {
    "username": "string?",
    "emails": "array",
    "importIds": "array",
    "name": "string?",
    "utcOffset": "number?",
    "avatarUrl": "string?",
    "deleted": "boolean?",
    "statusText": "string?",
    "roles": "array?",
    "type": "string?",
    "bio": "string?",
    "password": "string?",
}


def _check_users(users: Any) -> list[Doc]:
    if not isinstance(users, list):
        raise ajv.refusal("must be array")
    for user in users:
        ajv.check(user, _USER_FIELDS, ("emails", "importIds"), closed=False)
        for key in ("emails", "importIds", "roles"):
            if not all(isinstance(v, str) for v in user.get(key) or []):
                raise ajv.refusal("must be string")
    return users


@blueprint.post("/import.addUsers")
def import_add_users() -> Response:
    args = ajv.check(inputs.body(), {"users": "array"}, ("users",))
    users = _check_users(args["users"])
    rt, _ = _run_import()
    _domain(lambda: imports.add_users(rt, users))
    return ok()


@blueprint.post("/import.run")
def import_run() -> Response:
    rt, user = _run_import()
    _domain(lambda: imports.run(rt, user))
    return ok()
