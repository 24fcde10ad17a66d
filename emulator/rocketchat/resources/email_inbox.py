"""Email inboxes (``v1/email-inbox.ts``), all needing ``manage-email-inbox``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from ...core.runtime import runtime
from .. import ajv, auth, errors, inputs, jsonquery, wire
from ..models import email_inboxes
from ._rooms_common import ok

blueprint = Blueprint("rc_email_inbox", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]
PERMISSION = "manage-email-inbox"

_SERVER = {
    "password": "string",
    "port": "number",
    "secure": "boolean",
    "server": "string",
    "username": "string",
}
_SERVER_REQUIRED = ("password", "port", "secure", "server", "username")
_INBOX = {
    "_id": "string?",
    "name": "string",
    "email": "string",
    "active": "boolean",
    "description": "string",
    "senderInfo": "string",
    "department": "string",
    "smtp": "object",
    "imap": "object",
}


@blueprint.get("/email-inbox.list")
def inbox_list() -> Response:
    rt = runtime()
    me = auth.require_permission(PERMISSION)
    offset, limit, sort = inputs.pagination(rt)
    query, _ = jsonquery.json_query(rt, me)
    found = rt.store.all("email_inboxes")
    if query:
        try:
            found = [d for d in found if jsonquery.matches(d, query)]
        except ValueError:
            raise errors.meteor_error(
                errors.INVALID_QUERY,
                f'Invalid query parameter provided: "{request.args.get("query")}"',
            ) from None
    found = jsonquery.sort_docs(found, sort, {"name": 1})
    page = found[offset:] if limit is None else found[offset : offset + limit]
    return ok(
        emailInboxes=[wire.rest_dates(d) for d in page],
        count=len(page),
        offset=offset,
        total=len(found),
    )


@blueprint.post("/email-inbox")
def inbox_save() -> Response:
    args = ajv.check(inputs.body(), _INBOX, ("name", "email", "active", "smtp", "imap"))
    ajv.check(args["smtp"], _SERVER, _SERVER_REQUIRED)
    ajv.check(args["imap"], {**_SERVER, "maxRetries": "number"}, _SERVER_REQUIRED)
    rt = runtime()
    me = auth.require_permission(PERMISSION)
    saved = email_inboxes.save_inbox(rt, me, args)
    if saved is None:
        raise errors.plain(errors.INVALID_EMAIL_INBOX)
    return ok(_id=saved["_id"])


@blueprint.get("/email-inbox/<inbox_id>")
def inbox_get(inbox_id: str) -> Response:
    rt = runtime()
    auth.require_permission(PERMISSION)
    inbox = rt.store.get("email_inboxes", inbox_id)
    if inbox is None:
        raise errors.not_found()
    return ok(**wire.rest_dates(inbox))


@blueprint.delete("/email-inbox/<inbox_id>")
def inbox_delete(inbox_id: str) -> Response:
    rt = runtime()
    auth.require_permission(PERMISSION)
    if not email_inboxes.delete_inbox(rt, inbox_id):
        raise errors.not_found()
    return ok(_id=inbox_id)


@blueprint.get("/email-inbox.search")
def inbox_search() -> Response:
    query = request.args.to_dict()
    args = ajv.check(query, {"email": "string"}, ("email",), source=ajv.QUERY)
    rt = runtime()
    auth.require_permission(PERMISSION)
    inbox = rt.store.find_one("email_inboxes", "email", args["email"])
    return ok(emailInbox=wire.rest_dates(inbox) if inbox else None)


@blueprint.post("/email-inbox.send-test/<inbox_id>")
def inbox_send_test(inbox_id: str) -> Response:
    rt = runtime()
    me = auth.require_permission(PERMISSION)
    inbox = rt.store.get("email_inboxes", inbox_id)
    if inbox is None:
        raise errors.not_found()
    refusal = email_inboxes.send_test_mail(rt, inbox, me)
    if refusal is not None:
        raise errors.plain(refusal)
    return ok(_id=inbox_id)


@blueprint.get("/email-inbox.send-test/<inbox_id>")
def inbox_send_test_get(inbox_id: str) -> Response:
    """Documented as GET, served as POST only: a GET is the unknown route."""
    raise errors.for_status(404)
