"""Rocket.Chat's error envelope: every error the Rocket.Chat app sends goes through here.

Texts are the real server's (``apps/meteor/app/api/server/ApiClass.ts`` and middlewares).
Free of Flask, so the domain (``models/``) raises with the same upstream ids; the app renders a
``RocketError`` (``rocketchat.to_response``).
"""

from __future__ import annotations

from typing import Any

LOGGED_OUT = "You must be logged in to do this."
NO_PERMISSION = "User does not have the permissions required for this action [error-unauthorized]"

# -- upstream error ids: the ``errorType`` of REST failures and the ``error`` of Meteor errors ---

ACTION_NOT_ALLOWED = "error-action-not-allowed"
ADMIN_REQUIRED = "error-admin-required"
CANT_INVITE_FOR_DIRECT_ROOM = "error-cant-invite-for-direct-room"
CANNOT_DELETE_TEAM_CHANNEL = "error-cannot-delete-team-channel"
CHANNELS_SETDEFAULT_IS_SAME = "error-channels-setdefault-is-same"
CHANNELS_SETDEFAULT_MISSING_DEFAULT_PARAM = "error-channels-setdefault-missing-default-param"
DUPLICATE_CHANNEL_NAME = "error-duplicate-channel-name"
EMOJI_PARAM_NOT_PROVIDED = "error-emoji-param-not-provided"
EMPTY_INVITE_LIST = "error-empty-invite-list"
ERROR_INVALID_PARAMS = "error-invalid-params"  # not the ajv ``invalid-params``
FIELD_UNAVAILABLE = "error-field-unavailable"
FILE_TOO_LARGE = "error-file-too-large"
FILE_UPLOAD_DISABLED = "error-file-upload-disabled"
INPUT_IS_NOT_A_VALID_FIELD = "error-input-is-not-a-valid-field"
INVALID_ARGUMENTS = "error-invalid-arguments"
INVALID_BODY = "error-invalid-body"
INVALID_BODY_PARAMS = "error-invalid-body-params"
INVALID_CHANNEL = "error-invalid-channel"
INVALID_CHANNEL_START_WITH_CHARS = "error-invalid-channel-start-with-chars"
INVALID_COMMAND = "error-invalid-command"
INVALID_EMAIL = "error-invalid-email"
INVALID_EVENT_TYPE = "error-invalid-event-type"
INVALID_FIELDS = "error-invalid-fields"
INVALID_FILE_TYPE = "error-invalid-file-type"
INVALID_IMAGE = "error-invalid-image"
INVALID_MESSAGE = "error-invalid-message"
INVALID_PASSWORD = "error-invalid-password"
INVALID_PERMISSION = "error-invalid-permission"
INVALID_QUERY = "error-invalid-query"
INVALID_ROLE = "error-invalid-role"
INVALID_ROLE_ID = "error-invalid-roleId"
INVALID_ROLE_PROPERTIES = "error-invalid-role-properties"
INVALID_ROOM = "error-invalid-room"
INVALID_ROOM_NAME = "error-invalid-room-name"
INVALID_ROOM_TYPE = "error-invalid-room-type"
INVALID_SORT = "error-invalid-sort"
INVALID_STATUS = "error-invalid-status"
INVALID_SUBSCRIPTION = "error-invalid-subscription"
INVALID_URLS = "error-invalid-urls"
INVALID_USER = "error-invalid-user"
INVALID_USERNAME = "error-invalid-username"
INVALID_USER_ID = "error-invalid-user-id"
LAST_UPDATE_PARAM_NOT_PROVIDED = "error-lastUpdate-param-not-provided"
MESSAGE_ALREADY_EXISTS = "error-message-already-exists"
MESSAGE_ID_PARAM_NOT_PROVIDED = "error-messageid-param-not-provided"
MESSAGE_SIZE_EXCEEDED = "error-message-size-exceeded"
MISSING_MESSAGE = "error-message-not-found"
MISSING_USER_PARAM = "error-user-param-not-provided"
NOT_ALLOWED = "error-not-allowed"
NOT_AUTHORIZED = "error-not-authorized"
NOT_IMPLEMENTED = "error-not-implemented"
PARAM_NOT_PROVIDED = "error-param-not-provided"
REMOVE_LAST_OWNER = "error-remove-last-owner"
RID_PARAM_NOT_PROVIDED = "error-room-id-param-not-provided"  # for the ``rid`` parameter
ROOMID_PARAM_NOT_PROVIDED = "error-roomid-param-not-provided"  # sic: lower-case "roomid"
ROOM_ARCHIVED = "error-room-archived"
ROOM_ID_PARAM_INVALID = "error-roomId-param-invalid"  # also for a bad ``lastUpdate`` date
ROOM_ID_PARAM_NOT_PROVIDED = "error-roomId-param-not-provided"
ROOM_NOT_FOUND = "error-room-not-found"
ROOM_PARAM_NOT_PROVIDED = "error-room-param-not-provided"
SEARCH_TEXT_PARAM_NOT_PROVIDED = "error-searchText-param-not-provided"
STATUS_NOT_ALLOWED = "error-status-not-allowed"
THE_FIELD_IS_REQUIRED = "error-the-field-is-required"
TOKEN_ALREADY_EXISTS = "error-token-already-exists"
TOKEN_DOES_NOT_EXIST = "error-token-does-not-exists"  # sic
UPDATED_SINCE_PARAM_INVALID = "error-updatedSince-param-invalid"
USERS_PARAMS_NOT_PROVIDED = "error-users-params-not-provided"
USER_ALREADY_IN_ROLE = "error-user-already-in-role"
USER_ALREADY_IN_ROOM = "error-user-already-in-room"
USER_ID_PARAM_NOT_PROVIDED = "error-user-id-param-not-provided"
USER_IS_NOT_ACTIVATED = "error-user-is-not-activated"
USER_NOT_IN_ROLE = "error-user-not-in-role"
USER_NOT_IN_ROOM = "error-user-not-in-room"
USER_REGISTRATION_DISABLED = "error-user-registration-disabled"
USER_REGISTRATION_SECRET = "error-user-registration-secret"
YOU_ARE_LAST_OWNER = "error-you-are-last-owner"

# Ids upstream spells without the ``error-`` prefix (Meteor methods, plain ``Error``s, ajv).

BARE_INVALID_CHANNEL = "invalid-channel"
BARE_INVALID_EVENT_NAME = "invalid-event-name"
BARE_INVALID_ROOM = "invalid-room"
BARE_INVALID_USER = "invalid-user"
BARE_NOT_ALLOWED = "not-allowed"
BARE_NOT_AUTHORIZED = "not-authorized"
EMOJI_INVALID = "Custom_Emoji_Error_Invalid_Emoji"
EMOJI_NAME_OR_ALIAS_IN_USE = "Custom_Emoji_Error_Name_Or_Alias_Already_In_Use"
INTEGRATION_NOT_AUTHORIZED = "not_authorized"
INTEGRATION_NOT_FOUND = "integration-not-found"
INVALID_COMMAND_USAGE = "invalid-command-usage"
# Integration scripts and outgoing integrations' history.
ERROR_RUNNING_SCRIPT = "error-running-script"
INVALID_INTEGRATION = "error-invalid-integration"
INVALID_INTEGRATION_HISTORY = "error-invalid-integration-history"
INTEGRATION_TYPE_MUST_BE_OUTGOING = "integration-type-must-be-outgoing"
HISTORY_DATA_MUST_BE_DEFINED = "history-data-must-be-defined"
INVALID_FILE = "invalid-file"
INVALID_PARAMS = "invalid-params"
INVALID_ROOM_RECORD = "invalid-room-record"
INVALID_THREAD = "invalid-thread"
INVALID_USER_INVITE_LIST = "invalid-user-invite-list"
INVALID_USER_RECORD = "invalid-user-record"
MISSING_TEAM_ID_OR_NAME = "missing-teamId-or-teamName"
ROOM_ALREADY_ON_TEAM = "room-already-on-team"
TEAM_DOES_NOT_EXIST = "team-does-not-exist"
TEAM_NAME_ALREADY_EXISTS = "team-name-already-exists"
TOTP_INVALID = "totp-invalid"
TOTP_REQUIRED = "totp-required"
UNKNOWN_ERROR = "unknown-error"
USER_LAST_OWNER = "user-last-owner"
YOU_HAVE_BEEN_MUTED = "You_have_been_muted"
# Admin and system endpoints: integrations.update, users admin, mail, import, apps, cloud...
INVALID_INTEGRATION_UPDATE = "invalid_integration"
INVALID_POST_AS_USER = "error-invalid-post-as-user"


class RocketError(Exception):
    """Raise from a handler; the app renders ``body`` with ``status``."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("error", ""))
        self.status = status
        self.body = body


def failure(message: str, error_type: str | None = None, details: Any = None) -> RocketError:
    """``API.v1.failure``: 400 with the message and, for Meteor errors, its code."""
    body: dict[str, Any] = {"success": False, "error": message}
    if error_type:
        body["errorType"] = error_type
    if details is not None:
        body["details"] = details
    return RocketError(400, body)


def meteor_error(code: str, reason: str | None = None, details: Any = None) -> RocketError:
    """A thrown ``Meteor.Error`` as the route wrapper maps it: ``"<reason> [<code>]"``, or
    ``"[<code>]"`` when it was thrown with a code only."""
    return failure(f"{reason} [{code}]" if reason is not None else f"[{code}]", code, details)


def refused(refusal: Any) -> RocketError:
    """A domain refusal (``models.Refused``) as REST answers it: the Meteor error it names, or
    a plain ``Error`` when it has no reason."""
    if refusal.reason is None:
        return plain(refusal.code)
    return meteor_error(refusal.code, refusal.reason, refusal.details)


def invalid_params(message: str) -> RocketError:
    """An ajv validation failure of the route's schema."""
    return meteor_error(INVALID_PARAMS, message)


def unauthorized() -> RocketError:
    """401 for a missing or invalid login, with the pre-9.0 compatibility keys."""
    return RocketError(
        401, {"success": False, "error": LOGGED_OUT, "status": "error", "message": LOGGED_OUT}
    )


def forbidden(message: str = NO_PERMISSION) -> RocketError:
    return RocketError(403, {"success": False, "error": message})


def not_found(message: str = "Resource not found") -> RocketError:
    return RocketError(404, {"success": False, "error": message})


def for_status(status: int, message: str | None = None) -> RocketError:
    defaults = {
        401: LOGGED_OUT,
        403: "unauthorized",
        404: "Resource not found",
        413: "request entity too large",
        414: "URI Too Long",
        429: "Too many requests",
        500: "Internal server error",
        503: "Service Unavailable",
    }
    if status == 401:
        return unauthorized()
    return RocketError(
        status, {"success": False, "error": message or defaults.get(status, "error")}
    )


def not_implemented(operation: str) -> RocketError:
    return RocketError(
        501,
        {
            "success": False,
            "error": f"chat-emulator does not implement {operation} yet [{NOT_IMPLEMENTED}]",
            "errorType": NOT_IMPLEMENTED,
        },
    )


# -- users, tokens and administration (texts of apps/meteor/app/api/server/v1/*.ts) ------------

USER_PARAM_NOT_PROVIDED = 'The required "userId" or "username" param was not provided'
USER_PARAM_NO_MATCH = 'The required "userId" or "username" param provided does not match any users'


def unauthorized_result(message: str = "unauthorized") -> RocketError:
    """``API.v1.unauthorized()``: a route's own 401, without the login-middleware keys."""
    return RocketError(401, {"success": False, "error": message})


def bare_failure() -> RocketError:
    """``API.v1.failure()`` with no message: 400 ``{"success": false}``."""
    return RocketError(400, {"success": False})


def two_factor(code: str, reason: str, details: dict[str, Any]) -> RocketError:
    """``totp-required`` / ``totp-invalid`` as the route wrapper renders them."""
    return meteor_error(code, reason, details)


def legacy(status: int, message: str, state: str = "error") -> RocketError:
    """The legacy (v0) REST API's error shape; some of its routes answered ``status: "fail"``."""
    return RocketError(status, {"status": state, "message": message})


LEGACY_LOGGED_OUT = "You must be logged in to do this."
LEGACY_NO_PERMISSION = "You do not have permission to do this"


# -- rooms, messages, teams, integrations (apps/meteor/app/api/server/v1/{channels,groups,im,
#    chat,rooms,subscriptions,teams,integrations}.ts and the methods they call) ---------------

ROOM_PARAM_REQUIRED = 'The parameter "roomId" or "roomName" is required'
CHANNEL_NOT_FOUND = 'The required "roomId" or "roomName" param provided does not match any channel'
GROUP_NOT_FOUND = 'The required "roomId" or "roomName" param provided does not match any group'
DM_NOT_FOUND = 'The required "roomId" param provided does not match any direct message'
DM_PARAM_REQUIRED = 'Body param "roomId" or "username" is required'
MESSAGE_NOT_FOUND = 'The provided "messageId" does not match any existing message.'
MESSAGE_ID_REQUIRED = 'The required "messageId" param is missing.'
LAST_OWNER_LEAVING = "You are the last owner. Please set new owner before leaving the room."
LAST_OWNER_REMOVED = "This is the last owner. Please set a new owner before removing this one."
NOT_ENOUGH_PERMISSION = "Not enough permission"
READ_ONLY_ROOM = "You can't send messages because the room is readonly."  # canSendMessage
UPDATED_SINCE_NOT_A_DATE = 'The "updatedSince" query parameter must be a valid date.'


def not_allowed(method: str | None = None, reason: str = "Not allowed") -> RocketError:
    """``Meteor.Error('error-not-allowed', 'Not allowed', {method})``."""
    return meteor_error(NOT_ALLOWED, reason, {"method": method} if method else None)


def action_not_allowed(reason: str, method: str, action: str | None = None) -> RocketError:
    details = {"method": method, **({"action": action} if action else {})}
    return meteor_error(ACTION_NOT_ALLOWED, reason, details)


def invalid_user(method: str | None = None) -> RocketError:
    details = {"method": method} if method else None
    return meteor_error(INVALID_USER, "Invalid user", details)


def user_not_in_room(method: str, reason: str = "User is not in this room") -> RocketError:
    return meteor_error(USER_NOT_IN_ROOM, reason, {"method": method})


def room_archived(kind: str, name: str) -> RocketError:
    return meteor_error(ROOM_ARCHIVED, f"The {kind}, {name}, is archived")


def plain(message: str) -> RocketError:
    """``API.v1.failure(message)``, or a plain ``Error`` thrown by a handler: no ``errorType``."""
    return failure(message)


# -- invites, custom sounds and statuses, roles, teams, rooms, push (v1/invites.ts,
#    custom-sounds.ts, custom-user-status.ts, roles.ts, teams.ts, rooms.ts, push.ts) ----------

CUSTOM_SOUND_ERROR_NAME_ALREADY_IN_USE = "Custom_Sound_Error_Name_Already_In_Use"
CUSTOM_SOUND_ERROR_INVALID_SOUND = "Custom_Sound_Error_Invalid_Sound"
CUSTOM_USER_STATUS_ERROR_NAME_ALREADY_IN_USE = "Custom_User_Status_Error_Name_Already_In_Use"
CUSTOM_USER_STATUS_ERROR_INVALID_USER_STATUS = "Custom_User_Status_Error_Invalid_User_Status"
ROOM_TYPE_NOT_ALLOWED = "error-room-type-not-allowed"
INVALID_NUMBER_OF_DAYS = "invalid-number-of-days"
INVALID_NUMBER_OF_USES = "invalid-number-of-uses"
INVALID_INVITATION_ID = "invalid-invitation-id"
INVALID_TOKEN = "error-invalid-token"
EMAIL_SEND_FAILED = "error-email-send-failed"
IMPORT_FILE_MISSING = "error-import-file-missing"
IMPORT_OPERATION_INVALID = "error-import-operation-invalid"
OPERATION_NOT_FOUND = "error-operation-not-found"
IMPORTER_NOT_DEFINED = "error-importer-not-defined"
INVALID_OPERATION_STATUS = "error-invalid-operation-status"
INVALID_CALENDAR_EVENT = "invalid-calendar-event"
INVALID_EMAIL_INBOX = "error-invalid-email-inbox"
INBOX_NOT_FOUND = "inbox-not-found"
USER_WITHOUT_VERIFIED_EMAIL = "user-without-verified-email"
VIDEOCONF_NO_PROVIDER_APP = "no-videoconf-provider-app"
INVALID_FROM_ADDRESS = "error-invalid-from-address"
MISSING_UNSUBSCRIBE_LINK = "error-missing-unsubscribe-link"
ENDPOINT_DISABLED = "error-endpoint-disabled"
SHIELD_DISABLED = "error-shield-disabled"
INVALID_ASSET = "error-invalid-asset"
INVALID_FILE_WIDTH = "error-invalid-file-width"
INVALID_FILE_HEIGHT = "error-invalid-file-height"
INVALID_SETTING_VALUE = "error-invalid-setting-value"
NAME_PARAM_NOT_PROVIDED = "error-name-param-not-provided"
PUSH_DISABLED = "error-push-disabled"
NO_TOKENS_FOR_THIS_USER = "error-no-tokens-for-this-user"
INVITE_EXPIRED = "error-invite-expired"
ROOM_NOT_ON_THAT_TEAM = "room-not-on-that-team"
ROOM_NOT_ON_TEAM = "room-not-on-team"
USER_NOT_ON_PRIVATE_TEAM = "user-not-on-private-team"
ROLE_PROTECTED = "error-role-protected"
ROLE_IN_USE = "error-role-in-use"
VOIP_TOKENS_MUST_SPECIFY_DEVICE_ID = "voip-tokens-must-specify-device-id"
ROOM_ALREADY_HIDDEN = "error-room-already-hidden"
USER_NOT_FOUND = "error-user-not-found"

# -- the classic SDK and the realtime API (updateMessage, ...) ----------------------------------

INVALID_UPDATE_KEY = "error-invalid-update-key"
ROOM_DOES_NOT_EXIST = "error-room-does-not-exist"

# -- two-factor authentication, login codes and OAuth apps (app/2fa, v1/users.ts,
#    v1/loginCode.ts, v1/twoFactorChallenges.ts, v1/oauthapps.ts, oauth2-server-config) -------

INVALID_TOTP = "invalid-totp"
TOTP_MAX_ATTEMPTS = "totp-max-attempts"
TWO_FA_ALREADY_ENABLED = "error-2fa-already-enabled"
TWO_FACTOR_NOT_ENABLED = "error-two-factor-not-enabled"
PARAMETER_REQUIRED = "error-parameter-required"
INVALID_LOGIN_CODE = "error-invalid-code"
CHALLENGE_NOT_FOUND = "error-challenge-not-found"
INVALID_NAME = "error-invalid-name"
INVALID_REDIRECT_URI = "error-invalid-redirectUri"
APPLICATION_NOT_FOUND = "error-application-not-found"

# -- omnichannel core (apps/meteor/app/livechat/server/api/v1/*.ts, lib/*.ts) -------------------

AGENT_OFFLINE = "error-agent-status-service-offline"
BARE_INVALID_MESSAGE = "invalid-message"
BARE_INVALID_TOKEN = "invalid-token"
CONVERSATION_ALREADY_CLOSED = "This_conversation_is_already_closed"
INQUIRY_TAKEN = "error-inquiry-taken"
INVALID_AGENT = "error-invalid-agent"
BARE_INVALID_AGENT = "invalid-agent"
AGENT_NOT_FOUND = "agent-not-found"
USER_DEACTIVATED = "error-user-deactivated"
USER_IS_NOT_AGENT = "error-user-is-not-agent"
INVALID_DATA = "invalid-data"
INVALID_CUSTOM_FIELD = "invalid-custom-field"
INVALID_DEPARTMENT = "error-invalid-department"
INVALID_INQUIRY = "error-invalid-inquiry"
INVALID_LIVECHAT_CONFIG = "invalid-livechat-config"
LIVECHAT_DISABLED = "error-omnichannel-is-disabled"
MESSAGE_LENGTH_EXCEEDS_LIMIT = "message-length-exceeds-character-limit"
NOT_FOUND = "error-not-found"
NO_AGENT_ONLINE = "no-agent-online"
OFFLINE_FORM_DISABLED = "error-offline-form-disabled"
ROOM_ALREADY_CLOSED = "error-room-already-closed"
ROOM_CLOSED = "room-closed"
ERROR_ROOM_CLOSED = "error-room-closed"
COMMENT_REQUIRED = "error-comment-is-required"
TAGS_REQUIRED_BEFORE_CLOSING = "error-tags-must-be-assigned-before-closing-chat"
ROOM_IS_NOT_CLOSED = "error-room-is-not-closed"
SELECTED_AGENT_SAME = "error-selected-agent-room-agent-are-same"
TOKEN_PARAM_NOT_PROVIDED = "error-token-param-not-provided"
TRANSCRIPT_ALREADY_REQUESTED = "error-transcript-already-requested"
TRANSCRIPT_NOT_REQUESTED = "error-transcript-not-requested"
UNAUTHORIZED = "unauthorized"  # ``API.v1.unauthorized()`` from a handler
FORBIDDEN = "forbidden"  # ``API.v1.forbidden()`` from a handler
THIS_IS_NOT_A_LIVECHAT_ROOM = "error-this-is-not-a-livechat-room"
USER_IS_OFFLINE = "error-user-is-offline"
VISITOR_HAS_OPEN_ROOMS = "visitor-has-open-rooms"
VISITOR_NOT_FOUND = "visitor-not-found"
INVALID_SERVICE = "Invalid service"  # ``livechat/sms-incoming/:service``, no SMS configured
INVALID_TYPE = "Invalid type"  # ``new Error('Invalid type')`` of ``livechat/users/:type``


# -- DDP (the realtime API) ---------------------------------------------------------------------


class DdpError(Exception):
    """Raise from a DDP method; the session sends it as the ``error`` of the ``result``."""

    def __init__(self, error: str | int, reason: str | None = None, details: Any = None) -> None:
        super().__init__(reason or str(error))
        self.body = ddp_error(error, reason, details)


def ddp_error(error: str | int, reason: str | None = None, details: Any = None) -> dict[str, Any]:
    """A serialised ``Meteor.Error``: ``message`` is ``"<reason> [<error>]"``."""
    body: dict[str, Any] = {"isClientSafe": True, "error": error}
    if reason is not None:
        body["reason"] = reason
    body["message"] = f"{reason} [{error}]" if reason is not None else f"[{error}]"
    body["errorType"] = "Meteor.Error"
    if details is not None:
        body["details"] = details
    return body


def ddp_match_failed() -> DdpError:
    """A failed ``check()``: Meteor turns ``Match.Error`` into a client-safe 400."""
    return DdpError(400, "Match failed")


def ddp_invalid_user(method: str) -> DdpError:
    return DdpError(INVALID_USER, "Invalid user", {"method": method})


def ddp_not_allowed(method: str) -> DdpError:
    return DdpError(NOT_ALLOWED, "Not allowed", {"method": method})


DDP_LOGGED_OUT = "You've been logged out by the server. Please log in again."
DDP_UPGRADE_REQUIRED = 'Can "Upgrade" only to "WebSocket".'


# -- omnichannel administration: departments, custom fields, triggers, appearance, business
#    hours, webhooks, analytics (app/livechat/imports/server/rest/*.ts, server/lib/*.ts) ---------

ARCHIVED_DEPARTMENT_CANT_BE_ENABLED = "error-archived-department-cant-be-enabled"
DEPARTMENT_NOT_FOUND = "error-department-not-found"
DEPARTMENT_REMOVAL_DISABLED = "error-department-removal-disabled"
FALLBACK_DEPARTMENT_CIRCULAR = "error-fallback-department-circular"
FALLBACK_DEPARTMENT_NOT_FOUND = "error-fallback-department-not-found"
INVALID_DEPARTMENT_UNIT = "error-invalid-department-unit"
MAX_DEPARTMENTS_NUMBER_REACHED = "error-max-departments-number-reached"
VALIDATING_DEPARTMENT_CHAT_CLOSING_TAGS = "error-validating-department-chat-closing-tags"
BARE_DEPARTMENT_NOT_FOUND = "department-not-found"  # archive/unarchive's plain ``Error``
INVALID_SETTING = "invalid-setting"
WEBHOOK_URL_NOT_SET = "Webhook_URL_not_set"
INVALID_WEBHOOK_RESPONSE = "error-invalid-webhook-response"
BUSINESS_HOUR_FINISH_BEFORE_START = "error-business-hour-finish-time-before-start-time"
BUSINESS_HOUR_FINISH_EQUALS_START = "error-business-hour-finish-time-equals-start-time"
CONTACT_NOT_FOUND = "error-contact-not-found"
CONTACT_MANAGER_NOT_FOUND = "error-contact-manager-not-found"
CONTACT_HAS_NO_CONFLICTS = "error-contact-has-no-conflicts"
INVALID_PARAMS_CUSTOM = "error-invalid-params-custom"
INVALID_CHART_NAME = "invalid-chart-name"

# -- rooms, messages, teams, moderation, e2e, auto-translate (v1/channels.ts, groups.ts,
#    rooms.ts, teams.ts, chat.ts, im.ts, moderation.ts, e2e.ts, autotranslate.ts) -------------

INVALID_SETTINGS = "error-invalid-settings"
CODE_REQUIRED = "error-code-required"
CODE_INVALID = "error-code-invalid"
FORBIDDEN_CODE = 403  # ``Meteor.Error(403, ...)``: a number as the error
USER_LIMIT_EXCEEDED = "error-user-limit-exceeded"
DIRECT_MESSAGE_ROOM = "error-direct-message-room"
INVALID_DATES = "error-invalid-dates"
INVALID_RECIPIENT = "error-invalid-recipient"
NESTED_DISCUSSION = "error-nested-discussion"
ROOM_TYPE_NOT_SUPPORTED = "error-room-type-not-supported"
ROOM_NOT_FOUND_ANY = 'The required "roomId" or "roomName" param provided does not match any room'
MEMBER_DOES_NOT_EXIST = "member-does-not-exist"
LAST_OWNER_CAN_NOT_BE_REMOVED = "last-owner-can-not-be-removed"
INVALID_DESCRIPTION = "error-invalid-description"
INVALID_MESSAGE_ID = "error-invalid-message_id"
INVALID_PERMISSIONS = "error-invalid-permissions"
NO_REPORTS_FOUND = "no-reports-found"
NO_REPORTED_MESSAGES = "No reported messages found for this user."
REPORT_NOT_FOUND = "error-report-not-found"
INVALID_USER_ID_PROVIDED = "Invalid user id provided."
ROOM_IS_BLOCKED = "room_is_blocked"
KEYS_ALREADY_SET = "error-keys-already-set"
ROOM_E2E_KEY_ALREADY_EXISTS = "error-room-e2e-key-already-exists"
E2E_ENABLED = "error-e2e-enabled"
INVALID_ROOM_CUSTOM_FIELDS_TYPE = "invalid-roomCustomFields-type"
DIRECT_ROOM = "error-direct-room"

# -- LDAP (v1/ldap.ts, ee/server/api/ldap.ts) ------------------------------------------------

LDAP_DISABLED = "LDAP_disabled"
LDAP_CONNECTION_FAILED = "Connection_failed"
