"""Email inboxes (``app/api/server/lib/emailInbox.ts``): records of the IMAP/SMTP accounts
omnichannel reads and answers mail with. The emulator connects to no mail server, so an active
inbox never receives mail; its test mail is recorded (``models/mail.py``)."""

from __future__ import annotations

from ...core.runtime import Runtime
from .. import errors
from .common import Doc
from .mail import send_mail

FIELDS = ("active", "name", "email", "description", "senderInfo", "department", "smtp", "imap")


def save_inbox(rt: Runtime, user: Doc, params: Doc) -> Doc | None:
    """``insertOneEmailInbox`` without an ``_id``, else ``updateEmailInbox`` (None when there
    is no such inbox); ``imap.maxRetries`` defaults to 5 and department ``All`` clears it."""
    imap = dict(params["imap"])
    if not isinstance(imap.get("maxRetries"), int | float) or isinstance(
        imap.get("maxRetries"), bool
    ):
        imap["maxRetries"] = 5
    fields = {k: params[k] for k in FIELDS if k in params}
    fields["imap"] = imap
    now = rt.clock.now_ms()
    if not params.get("_id"):
        inbox = {
            "_id": rt.ids.meteor_id(),
            **fields,
            "_createdAt": now,
            "_updatedAt": now,
            "_createdBy": {"_id": user["_id"], "username": user["username"]},
        }
        return rt.store.insert("email_inboxes", inbox)
    current = rt.store.get("email_inboxes", params["_id"])
    if current is None:
        return None
    updated = {k: v for k, v in current.items() if k not in FIELDS}
    updated.update({k: fields.get(k) for k in FIELDS if k != "department"})
    updated = {k: v for k, v in updated.items() if v is not None}
    if fields.get("department") not in (None, "All"):
        updated["department"] = fields["department"]
    elif fields.get("department") is None and "department" in current:
        updated["department"] = current["department"]
    updated["_updatedAt"] = now
    return rt.store.upsert("email_inboxes", updated)


def delete_inbox(rt: Runtime, inbox_id: str) -> bool:
    return rt.store.delete("email_inboxes", inbox_id) is not None


def send_test_mail(rt: Runtime, inbox: Doc, user: Doc) -> str | None:
    """``sendTestEmailToInbox``: the refusal's text, or None once the test mail is recorded.
    Only active inboxes are configured, so others are not found."""
    if not inbox.get("active"):
        return errors.INBOX_NOT_FOUND
    address = next((e["address"] for e in user.get("emails", []) if e.get("verified")), None)
    if address is None:
        return errors.USER_WITHOUT_VERIFIED_EMAIL
    send_mail(rt, address, inbox["email"], "Test of inbox configuration", "")
    return None
