"""What upstream would mail, kept as records in ``livechat_mail_records`` instead: transcripts (the
visitor's, or the one an agent asks for when the room closes) and offline messages."""

from __future__ import annotations

from ...core.runtime import Runtime
from .. import errors
from . import livechat
from .common import Doc, Refused

EMAIL_QUEUED = (
    "Your email has been queued for sending"  # ``Your_email_has_been_queued_for_sending``
)


def transcript_record(
    rt: Runtime, room: Doc, email: str, subject: str | None, requested_by: Doc
) -> Doc:
    record = {
        "_id": rt.ids.meteor_id(),
        "kind": "transcript",
        "rid": room["_id"],
        "token": room["v"]["token"],
        "email": email,
        "subject": subject or "Transcript of your livechat conversation",
        "requestedBy": requested_by,
        "messages": [
            m["_id"] for m in rt.store.find("messages", "rid", room["_id"]) if not m.get("t")
        ],
        "ts": rt.clock.now_ms(),
    }
    return rt.store.insert("livechat_mail_records", record)


def request_transcript(
    rt: Runtime, visitor: Doc, room: Doc, email: str, subject: str | None
) -> Doc:
    """``sendTranscript``: the transcript the visitor asked for, as a record (no mail is sent)."""
    by = {"_id": visitor["_id"], "username": visitor["username"]}
    return transcript_record(rt, room, email, subject, by)


def request_transcript_on_close(
    rt: Runtime, user: Doc, room: Doc, email: str, subject: str
) -> None:
    """``requestTranscript``: the room remembers the request, sent when it closes."""
    if not room.get("open"):
        raise Refused(errors.ROOM_CLOSED)
    if room.get("transcriptRequest"):
        raise Refused(errors.TRANSCRIPT_ALREADY_REQUESTED)
    request = {
        "email": email,
        "subject": subject,
        "requestedAt": rt.clock.now_ms(),
        "requestedBy": {"_id": user["_id"], "username": user["username"]},
    }
    rt.store.update("rooms", room["_id"], {"transcriptRequest": request})


def discard_transcript_request(rt: Runtime, room: Doc) -> None:
    if not room.get("open"):
        raise Refused(errors.ROOM_CLOSED)
    if not room.get("transcriptRequest"):
        raise Refused(errors.TRANSCRIPT_NOT_REQUESTED)
    livechat.unset(rt, "rooms", room["_id"], ("transcriptRequest",))


def offline_message(
    rt: Runtime, name: str, email: str, message: str, department: str | None
) -> Doc:
    """``sendOfflineMessage``: with the offline form shown, kept as a record."""
    if not livechat.livechat_setting(rt, "Livechat_display_offline_form"):
        raise Refused(errors.OFFLINE_FORM_DISABLED)
    record = {
        "_id": rt.ids.meteor_id(),
        "kind": "offline-message",
        "name": name,
        "email": email,
        "message": message,
        "department": department,
        "ts": rt.clock.now_ms(),
    }
    return rt.store.insert("livechat_mail_records", record)
