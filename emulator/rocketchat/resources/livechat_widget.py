"""What the livechat widget reads and asks besides chatting (``v1/config.ts``,
``v1/transcript.ts``, ``v1/offlineMessage.ts``, ``v1/upload.ts``): its configuration,
transcripts and offline messages (kept as records: the emulator sends no mail), file uploads."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...core.runtime import Runtime, runtime
from .. import auth, errors, inputs, models, wire
from ..models import livechat, livechat_records, livechat_rooms
from . import _livechat
from ._livechat import Doc
from ._rooms_common import ok
from .rooms import _received_file

blueprint = Blueprint("rc_livechat_widget", __name__, url_prefix="/api/v1/livechat")

OFFLINE_MESSAGE_SENT = "Livechat offline message sent"  # ``Livechat_offline_message_sent``
OFFLINE_MESSAGE_FAILED = "Error sending Omnichannel offline message"
TRANSCRIPT_FAILED = "Error sending chat transcript"
SURVEY = {
    "items": list(livechat_rooms.SURVEY_ITEMS),
    "values": list(livechat_rooms.SURVEY_VALUES),
}


def _s(rt: Runtime, setting_id: str) -> object:
    return livechat.livechat_setting(rt, setting_id)


def _settings(rt: Runtime) -> Doc:
    """``settings()`` of ``api/lib/livechat.ts``: what the widget configures itself with."""
    limit = _s(rt, "Livechat_enable_message_character_limit") and (
        _s(rt, "Livechat_message_character_limit") or models.setting(rt, "Message_MaxAllowedSize")
    )
    departments = [
        {k: d.get(k) for k in ("_id", "name", "showOnRegistration", "showOnOfflineForm")}
        for d in rt.store.all("livechat_departments")
        if d.get("enabled")
        and not d.get("archived")
        and rt.store.find("livechat_department_agents", "departmentId", d["_id"])
    ]
    triggers = [
        {k: t.get(k) for k in ("_id", "actions", "conditions", "runOnce")}
        for t in rt.store.all("livechat_triggers")
        if t.get("enabled")
    ]
    site = (models.setting(rt, "Site_Url") or "").rstrip("/")
    return {
        "enabled": bool(models.setting(rt, "Livechat_enabled")),
        "settings": {
            "registrationForm": _s(rt, "Livechat_registration_form"),
            "allowSwitchingDepartments": _s(rt, "Livechat_allow_switching_departments"),
            "nameFieldRegistrationForm": _s(rt, "Livechat_name_field_registration_form"),
            "emailFieldRegistrationForm": _s(rt, "Livechat_email_field_registration_form"),
            "displayOfflineForm": _s(rt, "Livechat_display_offline_form"),
            "videoCall": False,
            "fileUpload": bool(
                _s(rt, "Livechat_fileupload_enabled") and models.setting(rt, "FileUpload_Enabled")
            ),
            "language": models.setting(rt, "Language"),
            "transcript": models.setting(rt, "Livechat_enable_transcript"),
            "historyMonitorType": models.setting(rt, "Livechat_history_monitor_type"),
            "forceAcceptDataProcessingConsent": _s(
                rt, "Livechat_force_accept_data_processing_consent"
            ),
            "showConnecting": _s(rt, "Livechat_Show_Connecting"),
            "agentHiddenInfo": _s(rt, "Livechat_show_agent_info") is False,
            "clearLocalStorageWhenChatEnded": _s(
                rt, "Livechat_clear_local_storage_when_chat_ended"
            ),
            "limitTextLength": limit,
        },
        "theme": {
            "title": _s(rt, "Livechat_title"),
            "color": _s(rt, "Livechat_title_color"),
            "offlineTitle": _s(rt, "Livechat_offline_title"),
            "offlineColor": _s(rt, "Livechat_offline_title_color"),
            "position": _s(rt, "Livechat_widget_position"),
        },
        "messages": {
            "offlineMessage": _s(rt, "Livechat_offline_message"),
            "offlineSuccessMessage": _s(rt, "Livechat_offline_success_message"),
            "offlineUnavailableMessage": _s(rt, "Livechat_offline_form_unavailable"),
            "conversationFinishedMessage": _s(rt, "Livechat_conversation_finished_message"),
            "conversationFinishedText": _s(rt, "Livechat_conversation_finished_text"),
            "transcriptMessage": models.setting(rt, "Livechat_transcript_message"),
            "registrationFormMessage": _s(rt, "Livechat_registration_form_message"),
            "dataProcessingConsentText": _s(rt, "Livechat_data_processing_consent_text"),
        },
        "survey": SURVEY,
        "triggers": triggers,
        "departments": departments,
        "resources": {"sound": f"{site}/sounds/chime.mp3", "emojis": []},
    }


@blueprint.get("/config")
def config() -> Response:
    rt = runtime()
    args = request.args
    out = _settings(rt)
    # ``online()``: always when chats are accepted without agents, else an available agent
    out["online"] = bool(models.setting(rt, "Livechat_accept_chats_with_no_agents")) or (
        livechat.peek_next_agent(rt, args.get("department") or None) is not None
    )
    token = args.get("token")
    visitor = livechat.find_visitor(rt, token) if token else None
    if visitor is not None:
        out["guest"] = wire.rest_dates(visitor)
        room = livechat_rooms.open_room_of(rt, visitor["token"])
        if room is not None:
            out["room"] = wire.room(room)
            agent = livechat.agent_info(rt, (room.get("servedBy") or {}).get("_id"))
            if agent:
                out["agent"] = agent
    return ok(config=out)


@blueprint.post("/transcript")
def transcript() -> Response:
    rt = runtime()
    params = _livechat.checked(
        inputs.body(), {"token": str, "rid": str, "email": str}, {"subject": str}
    )
    visitor = livechat.find_visitor(rt, params["token"])
    room = rt.store.get("rooms", params["rid"])
    if not livechat.EMAIL_RE.match(params["email"].strip()):
        raise errors.plain(errors.INVALID_EMAIL)
    if visitor is None or room is None or room["t"] != "l" or room["v"]["token"] != params["token"]:
        raise errors.meteor_error(errors.INVALID_ROOM, "Invalid room")
    livechat_records.request_transcript(
        rt, visitor, room, params["email"].strip(), params.get("subject")
    )
    return ok(message=livechat_records.EMAIL_QUEUED)


def _agent_room(rid: str) -> tuple[Runtime, Doc, Doc]:
    rt, user = auth.runtime_and_user()
    auth.require_permission("send-omnichannel-chat-transcript")
    room = rt.store.get("rooms", rid)
    if room is None or room["t"] != "l":
        raise errors.plain(errors.INVALID_ROOM)
    return rt, user, room


@blueprint.post("/transcript/<rid>")
def request_transcript(rid: str) -> Response:
    rt, user, room = _agent_room(rid)
    params = _livechat.checked(inputs.body(), {"email": str, "subject": str})
    try:
        livechat_records.request_transcript_on_close(
            rt, user, room, params["email"], params["subject"]
        )
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok()


@blueprint.delete("/transcript/<rid>")
def discard_transcript(rid: str) -> Response:
    rt, _, room = _agent_room(rid)
    try:
        livechat_records.discard_transcript_request(rt, room)
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok()


@blueprint.post("/offline.message")
def offline_message() -> Response:
    rt = runtime()
    params = _livechat.checked(
        inputs.body(), {"name": str, "email": str, "message": str}, {"department": str, "host": str}
    )
    try:
        livechat_records.offline_message(
            rt, params["name"], params["email"], params["message"], params.get("department")
        )
    except models.Refused:
        raise errors.plain(OFFLINE_MESSAGE_FAILED) from None
    return ok(message=OFFLINE_MESSAGE_SENT)


@blueprint.post("/upload/<rid>")
def upload(rid: str) -> Response:
    rt = runtime()
    token = request.headers.get("x-visitor-token")
    visitor = livechat.find_visitor(rt, token) if token else None
    room = livechat_rooms.open_room_of(rt, token, rid) if visitor else None
    if room is None:
        raise errors.unauthorized_result()
    name, content_type, data = _received_file(rt)
    sender = {"_id": visitor["_id"], "username": visitor["username"], "name": visitor.get("name")}
    stored = models.store_upload(rt, room, sender, name, content_type, data)
    form = request.form
    message = models.send_file_message(
        rt, room, sender, stored, form.get("msg", ""), form.get("description", "")
    )
    return ok(**wire.message(message))


@blueprint.post("/sms-incoming/<service>")
def sms_incoming(service: str) -> Response:
    # ``isConfiguredSmsService``: SMS (Twilio, Voxtelesys, Mobex) needs ``SMS_Enabled`` and a
    # provider account; the emulator configures none, so every service is refused
    raise errors.plain(errors.INVALID_SERVICE)
