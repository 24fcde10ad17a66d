"""Import operations (``server/services/import/service.ts`` and ``app/importer``): one current
operation at a time, its staged records, and the run that creates the staged users through the
users domain. An uploaded CSV archive stages its ``users.csv`` (``CsvImporter``); its channels
and messages, and Slack archives, stage nothing."""

from __future__ import annotations

import base64
import binascii
import csv
import io
import re
import zipfile
import zlib
from typing import Any

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, Refused
from .users import create_user

# What a users.csv may unpack to: an archive is bad input, and a small one can claim gigabytes.
USERS_CSV_MAX_BYTES = 16 * 1024 * 1024
_BAD_ZIP = "Invalid or unsupported zip format. No END header found"

# key -> (name, visible in ``importers.list``): the importers a Community server registers.
IMPORTERS = {
    "csv": ("CSV", True),
    "slack": ("Slack", True),
    "slack-users": ("Slack_Users", True),
    "api": ("API", False),
    "pending-files": ("Pending Files", False),
    "pending-avatars": ("Pending Avatars", False),
}

# ``getStateOfOperation``
_STATES = {
    "importer_new": "new",
    "importer_uploading": "loading",
    "importer_downloading_file": "loading",
    "importer_file_loaded": "loading",
    "importer_preparing_started": "loading",
    "importer_preparing_users": "loading",
    "importer_preparing_channels": "loading",
    "importer_preparing_messages": "loading",
    "importer_preparing_contacts": "loading",
    "importer_user_selection": "ready",
    "importer_importing_started": "importing",
    "importer_importing_users": "importing",
    "importer_importing_channels": "importing",
    "importer_importing_messages": "importing",
    "importer_importing_contacts": "importing",
    "importer_importing_files": "importing",
    "importer_finishing": "importing",
    "importer_done": "done",
    "importer_import_failed": "error",
    "importer_import_cancelled": "canceled",
}
WAITING_STEPS = {
    "importer_downloading_file",
    "importer_preparing_started",
    "importer_preparing_users",
    "importer_preparing_channels",
    "importer_preparing_messages",
    "importer_preparing_contacts",
}


def importer(key: Any, method: str) -> tuple[str, str]:
    """(key, name) of a registered importer, else ``error-importer-not-defined``."""
    if not isinstance(key, str) or key not in IMPORTERS:
        raise Refused(
            errors.IMPORTER_NOT_DEFINED,
            f"The importer ({key}) has no import class defined.",
            method,
        )
    return key, IMPORTERS[key][0]


def latest_operations(rt: Runtime, limit: int = 20) -> list[Doc]:
    """Newest first; operations of the same millisecond in the order they were created."""
    newest_first = list(reversed(rt.store.all("imports")))
    return sorted(newest_first, key=lambda op: op["ts"], reverse=True)[:limit]


def last_import(rt: Runtime) -> Doc | None:
    """``Imports.findLastImport``: the newest operation."""
    latest = latest_operations(rt, 1)
    return latest[0] if latest else None


def state_of(operation: Doc) -> str:
    if not operation["valid"] and operation["status"] != "importer_done":
        return "error"
    return _STATES.get(operation["status"], "error")


def clear(rt: Runtime) -> None:
    """``Import.clear``: every operation invalidated, every staged record dropped."""
    with rt.store.transaction():
        for operation in rt.store.all("imports"):
            if operation["valid"]:
                rt.store.update("imports", operation["_id"], {"valid": False})
        for table in ("import_data", "import_files"):
            for record in rt.store.all(table):
                rt.store.delete(table, record["_id"])


def store_file(rt: Runtime, operation: Doc, content: bytes) -> None:
    """The uploaded archive, kept apart from the operation (which only names it)."""
    rt.store.upsert(
        "import_files", {"_id": operation["_id"], "data": base64.b64encode(content).decode()}
    )


def prepare(rt: Runtime, operation: Doc) -> Doc:
    """``prepareUsingLocalFile`` of a loaded file: a CSV archive's ``users.csv`` rows
    (username, email, name) are staged; the operation is then ready for the user selection.
    An archive that is no zip is refused with the unzipper's error."""
    stored = rt.store.get("import_files", operation["_id"])
    users: list[Doc] = []
    if operation["importerKey"] == "csv" and stored is not None:
        try:
            archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(stored["data"])))
            names = [n for n in archive.namelist() if "__MACOSX" not in n]
            for name in names:
                if name.lower() == "users.csv":
                    if archive.getinfo(name).file_size > USERS_CSV_MAX_BYTES:
                        raise Refused(_BAD_ZIP)
                    users = _csv_users(archive.read(name).decode("utf-8", "replace"))
        # Encrypted entries (RuntimeError), unknown compression methods (NotImplementedError)
        # and corrupt streams are bad archives too, as the unzipper finds them.
        except (
            zipfile.BadZipFile,
            binascii.Error,
            ValueError,
            RuntimeError,
            NotImplementedError,
            EOFError,
            zlib.error,
        ):
            raise Refused(_BAD_ZIP) from None
        except csv.Error as error:  # a field past the csv module's limit
            raise Refused(f"Invalid CSV: {error}") from None
    with rt.store.transaction():
        for data in users:
            rt.store.insert(
                "import_data",
                {
                    "_id": rt.ids.meteor_id(),
                    "importId": operation["_id"],
                    "data": data,
                    "dataType": "user",
                },
            )
        if users:
            count = {**operation.get("count", {}), "users": len(users)}
            count["total"] = count.get("total", 0) + len(users)
            rt.store.update("imports", operation["_id"], {"count": count})
        return set_status(rt, operation, "importer_user_selection")


def _csv_users(text: str) -> list[Doc]:
    users = []
    for row in csv.reader(io.StringIO(text)):
        if len(row) < 3 or not row[0].strip():
            continue
        username = row[0].strip()
        users.append(
            {
                "type": "user",
                "importIds": [username],
                "emails": [row[1].strip()],
                "username": username,
                "name": row[2].strip(),
                "roles": ["user"],
            }
        )
    return users


def new_operation(rt: Runtime, user: Doc, key: str, extra: Doc | None = None) -> Doc:
    """``Import.newOperation``: clears the previous one first."""
    now = rt.clock.now_ms()
    operation = {
        "_id": rt.ids.meteor_id(),
        "type": IMPORTERS[key][0],
        "importerKey": key,
        "ts": now,
        "status": "importer_new",
        "valid": True,
        "user": user["_id"],
        "_updatedAt": now,
        **(extra or {}),
    }
    with rt.store.transaction():
        clear(rt)
        rt.store.insert("imports", operation)
    return operation


def set_status(rt: Runtime, operation: Doc, status: str) -> Doc:
    return rt.store.update(
        "imports", operation["_id"], {"status": status, "_updatedAt": rt.clock.now_ms()}
    )


def progress(operation: Doc) -> Doc:
    """``Importer.getProgress``."""
    count = operation.get("count", {})
    return {
        "key": operation["importerKey"],
        "name": IMPORTERS[operation["importerKey"]][0],
        "step": operation["status"],
        "count": {
            "completed": count.get("completed", 0),
            "total": count.get("total", 0),
            "error": count.get("error", 0),
        },
    }


def selection(rt: Runtime, operation: Doc) -> Doc:
    """``buildSelection``: the staged users (and no channels or messages)."""
    users = []
    for record in rt.store.find("import_data", "importId", operation["_id"]):
        data = record["data"]
        email = data["emails"][0]
        users.append(
            {
                "user_id": data["importIds"][0],
                "username": data.get("username"),
                "email": email,
                "is_deleted": bool(data.get("deleted")),
                "is_bot": data.get("type") == "bot",
                "do_import": True,
                "is_email_taken": rt.store.find_one("users", "email", email.lower()) is not None,
            }
        )
    return {
        "name": IMPORTERS[operation["importerKey"]][0],
        "users": users,
        "channels": [],
        "contacts": [],
        "message_count": 0,
    }


def _assert_accepts_data(operation: Doc | None) -> Doc:
    if operation is None or not operation["valid"]:
        raise Refused("Import operation not initialized.")
    state = state_of(operation)
    if state in ("loading", "importing"):
        raise Refused("The current import operation can not receive new data.")
    if state in ("done", "error", "canceled"):
        raise Refused("The current import operation is already finished.")
    return operation


def add_users(rt: Runtime, users: list[Doc]) -> None:
    """``Import.addUsers``: stage users (new users' default role added) on the current
    operation, which is then ready for ``run``."""
    if not users:
        return
    operation = _assert_accepts_data(last_import(rt))
    roles = {"user"}
    for data in users:
        if not any(data.get("emails") or []) or not any(data.get("importIds") or []):
            raise Refused("Users are missing required data.")
        roles.update(data.get("roles") or [])
    if any(rt.store.get("roles", role) is None for role in roles):
        raise Refused("One or more of the users have been assigned invalid roles.")
    count = dict(operation.get("count", {}))
    with rt.store.transaction():
        for data in users:
            staged = {**data, "roles": sorted({*(data.get("roles") or []), "user"})}
            rt.store.insert(
                "import_data",
                {
                    "_id": rt.ids.meteor_id(),
                    "importId": operation["_id"],
                    "data": staged,
                    "dataType": "user",
                },
            )
        count["users"] = count.get("users", 0) + len(users)
        count["total"] = count.get("total", 0) + len(users)
        rt.store.update("imports", operation["_id"], {"count": count})
        set_status(rt, operation, "importer_user_selection")


def run(rt: Runtime, user: Doc) -> None:
    """``Import.run``: the ready operation imports every staged user."""
    operation = last_import(rt)
    if operation is None or not operation["valid"]:
        raise Refused(errors.OPERATION_NOT_FOUND)
    if operation["status"] != "importer_user_selection":
        raise Refused(errors.INVALID_OPERATION_STATUS)
    start_import(rt, operation, {"users": {"all": True}})


def start_import(rt: Runtime, operation: Doc, chosen: Doc) -> None:
    """``Importer.startImport``: the selected staged users are created (existing usernames or
    addresses are skipped, as ``skipExistingUsers``), the operation counts them and is done.
    The emulator imports synchronously, so the steps in between are never observed."""
    users_choice = chosen.get("users") if isinstance(chosen.get("users"), dict) else {}
    wanted = users_choice.get("list") if isinstance(users_choice.get("list"), list) else []
    completed = failed = 0
    with rt.store.transaction():
        set_status(rt, operation, "importer_importing_users")
        for record in rt.store.find("import_data", "importId", operation["_id"]):
            data = record["data"]
            if not users_choice.get("all") and data["importIds"][0] not in wanted:
                continue
            try:
                _import_user(rt, data)
            except (KeyError, ValueError):
                failed += 1
            completed += 1
            rt.store.delete("import_data", record["_id"])
        count = dict(operation.get("count", {}))
        count["completed"] = count.get("completed", 0) + completed
        if failed:
            count["error"] = count.get("error", 0) + failed
        rt.store.update("imports", operation["_id"], {"count": count})
        set_status(rt, operation, "importer_done")


def _import_user(rt: Runtime, data: Doc) -> Doc | None:
    email = next(e for e in data["emails"] if e).strip().lower()
    username = data.get("username") or _username_from(rt, data, email)
    if rt.store.find_one("users", "email", email) or rt.store.find_one(
        "users", "username", username.lower()
    ):
        return None
    user = create_user(
        rt,
        username=username,
        email=email,
        password=data.get("password"),
        name=data.get("name") or "",
        roles=list(data["roles"]),
        user_type=data.get("type") or "user",
        verified=False,
    )
    extra = {"importIds": list(data["importIds"])}
    for key in ("utcOffset", "statusText", "bio"):
        if data.get(key) is not None:
            extra[key] = data[key]
    if data.get("deleted"):
        extra["active"] = False
    return rt.store.update("users", user["_id"], extra)


def _username_from(rt: Runtime, data: Doc, email: str) -> str:
    """A free username from the name or the address' local part (``generateUsername``)."""
    base = re.sub(r"[^A-Za-z0-9_.-]", ".", data.get("name") or email.split("@")[0]).strip(".")
    base = base.lower() or "user"
    candidate, n = base, 0
    while rt.store.find_one("users", "username", candidate) is not None:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
