"""Mattermost's AppError: every error the Mattermost app sends goes through here.

Ids and English messages are the real server's (``server/i18n/en.json``).
"""

from __future__ import annotations

from flask import Response, g, jsonify

# id -> message, verbatim from upstream.
MESSAGES = {
    "api.context.404.app_error": "Sorry, we could not find the page.",
    "api.context.session_expired.app_error": "Invalid or expired session, please login again.",
    "api.context.token_provided.app_error": (
        "Session is not OAuth but token was provided in the query string."
    ),
    "api.context.permissions.app_error": "You do not have the appropriate permissions.",
    "api.context.invalid_body_param.app_error": "Invalid or missing {{.Name}} in request body.",
    "api.context.invalid_url_param.app_error": (
        "Invalid or missing {{.Name}} parameter in request URL."
    ),
    "api.context.invalid_param.app_error": "Invalid {{.Name}} parameter.",
    "api.context.request_body_too_large.app_error": (
        "Unable to process request. Request body too large."
    ),
    "api.context.not_implemented.app_error": "Not implemented.",
    "model.post.is_valid.message_length.app_error": (
        "Post Message property is longer than the maximum permitted length."
    ),
    "model.post.is_valid.props.app_error": "Invalid props.",
    "api.context.method_not_allowed.app_error": "Method not allowed.",
    "api.context.server_error.app_error": "Internal Server Error",
    "api.user.login.invalid_credentials_email_username": (
        "Enter a valid email or username and/or password."
    ),
    "api.user.login.blank_pwd.app_error": "Password field must not be blank",
    "api.user.login.invalid_credentials_email": "Enter a valid email and/or password",
    "api.user.login.invalid_credentials_username": "Enter a valid username and/or password.",
    "api.user.login.inactive.app_error": (
        "Login failed because your account has been deactivated.  Please contact an administrator."
    ),
    "api.user.login.bot_login_forbidden.app_error": "Bot login is forbidden.",
    "app.user.missing_account.const": "Unable to find the user.",
    "api.user.login_by_email.app_error": "Unable to login because email address not found.",
    # users, tokens, sessions, preferences, teams, bots, config (part A)
    "app.user_access_token.disabled": (
        "Personal access tokens are disabled on this server. Please contact your system"
        " administrator for details."
    ),
    "app.user_access_token.get_by_user.app_error": (
        "Unable to get the personal access tokens by user."
    ),
    "app.session.get.app_error": "We encountered an error finding the session.",
    "api.user.create_user.no_open_server": (
        "This server does not allow open signups.  Please speak with your Administrator to"
        " receive an invitation."
    ),
    "api.user.create_user.signup_email_disabled.app_error": "User sign-up with email is disabled.",
    "api.user.create_user.disabled.app_error": "User creation is disabled.",
    "api.user.create_user.signup_link_invalid.app_error": (
        "The signup link does not appear to be valid."
    ),
    "app.team.get_by_invite_id.finding.app_error": "Unable to find the existing team.",
    "app.user.save.username_exists.app_error": "An account with that username already exists.",
    "app.user.save.email_exists.app_error": "An account with that email already exists.",
    "model.user.is_valid.pwd_min_length.app_error": (
        "Your password must contain at least {{.Min}} characters."
    ),
    "model.user.is_valid.pwd_max_length.app_error": (
        "Your password must contain no more than 72 characters."
    ),
    "model.user.is_valid.username.app_error": (
        "Username must begin with a letter, and contain between 3 to 22 lowercase characters made"
        ' up of numbers, letters, and the symbols ".", "-", and "_".'
    ),
    "model.user.is_valid.email.app_error": "Invalid email.",
    "app.user.get_by_username.app_error": (
        "Unable to find an existing account matching your username for this team. This team may"
        " require an invite from the team owner to join."
    ),
    "api.user.update_password.incorrect.app_error": (
        'The "Current Password" you entered is incorrect. Please check that Caps Lock is off and'
        " try again."
    ),
    "api.user.update_active.not_enable.app_error": (
        "You cannot deactivate yourself because this feature is not enabled. Please contact your"
        " System Administrator."
    ),
    "api.user.delete_user.not_enabled.app_error": (
        "Permanent user deletion feature is not enabled. Please contact your System Administrator."
    ),
    "api.user.upload_profile_user.no_file.app_error": "No file under 'image' in request.",
    "api.user.upload_profile_user.too_large.app_error": (
        "Unable to upload profile image. File is too large."
    ),
    "api.user.upload_profile_user.decode.app_error": "Could not decode profile image.",
    "api.preference.preferences_category.get.app_error": (
        "Unable to find preferences for the category."
    ),
    "app.preference.get.app_error": "We encountered an error while finding preferences.",
    "api.preference.update_preferences.set.app_error": "Unable to set user preferences.",
    "api.preference.delete_preferences.delete.app_error": "Unable to delete user preferences.",
    "app.team.get.find.app_error": "Unable to find the existing team.",
    "app.team.get_by_name.missing.app_error": "Unable to find the existing team.",
    "store.sql_team.save_team.existing.app_error": "A team with this URL already exists.",
    "model.team.is_valid.name.app_error": "Invalid name.",
    "model.team.is_valid.url.app_error": "Invalid URL Identifier.",
    "model.team.is_valid.characters.app_error": (
        "Name must be 2 or more lowercase alphanumeric characters."
    ),
    "model.team.is_valid.reserved.app_error": "This URL is unavailable. Please try another.",
    "model.team.is_valid.type.app_error": "Invalid type.",
    "app.team.get_member.missing.app_error": "No team member found for that user ID and team ID.",
    "api.team.update_member_roles.not_a_member": (
        "Specified user is not a member of specified team."
    ),
    "api.user.delete_team.not_enabled.app_error": (
        "Permanent team deletion feature is not enabled. Please contact your System Administrator."
    ),
    "api.bot.create_disabled": "Bot creation has been disabled.",
    "api.team.get_team_icon.read_file.app_error": "Unable to read the team icon file.",
    "api.team.set_team_icon.too_large.app_error": "Unable to upload team icon. File is too large.",
    "api.team.set_team_icon.no_file.app_error": "No file under 'image' in request.",
    "api.team.set_team_icon.decode.app_error": "Could not decode team icon.",
    "mfa.mfa_disabled.app_error": "Multi-factor authentication has been disabled on this server.",
    "mfa.activate.bad_token.app_error": "Invalid MFA token.",
    "mfa.validate_token.authenticate.app_error": "Invalid MFA token.",
    "api.user.check_user_mfa.bad_code.app_error": "Invalid MFA token.",
    "api.user.activate_mfa.email_and_ldap_only.app_error": (
        "MFA is not available for this account type."
    ),
    "api.user.get_uploads_for_user.forbidden.app_error": "Failed to get uploads.",
    "api.user.promote_guest_to_user.no_guest.app_error": (
        "Unable to convert the guest to regular user because is not a guest."
    ),
    "api.team.demote_user_to_guest.license.error": "Your license does not support guest accounts",
    "api.team.get_invite_info.not_open_team": "Invite is invalid because this is not an open team.",
    "api.team.add_user_to_team.missing_parameter.app_error": (
        "Parameter required to add user to team."
    ),
    "api.team.search_teams.pagination_not_implemented.public_team_search": (
        "Pagination not implemented for public team search."
    ),
    "api.team.search_teams.pagination_not_implemented.private_team_search": (
        "Pagination not implemented for private team search."
    ),
    "api.team.is_team_creation_allowed.disabled.app_error": "Team creation has been disabled.",
    "api.team.get_all_teams.insufficient_permissions": (
        "You don't have the appropriate permissions to list all teams"
    ),
    "api.team.add_team_member.invalid_body.app_error": (
        "Unable to parse team member from request body."
    ),
    "api.user.check_user_password.invalid.app_error": ("Login failed because of invalid password."),
    "api.user.autocomplete_users.missing_team_id.app_error": (
        "Team id parameter is required to autocomplete by channel."
    ),
    "api.team.remove_user_from_team.missing.app_error": (
        "This user doesn't appear to be part of this team."
    ),
    "app.team.join_user_to_team.max_accounts.app_error": (
        "This team has reached the maximum number of allowed accounts. Contact your System"
        " Administrator to set a higher limit."
    ),
    "api.user.get_user_by_email.permissions.app_error": "Unable to get user by email.",
    "api.user.update_active.permissions.app_error": "You do not have the appropriate permissions.",
    "api.user.update_password.context.app_error": (
        "Update password failed because context user_id did not match props user_id."
    ),
    "api.status.user_not_found.app_error": "User not found.",
    "store.sql_bot.get.missing.app_error": "Bot does not exist.",
    "model.bot.is_valid.username.app_error": "Invalid username.",
    "model.bot.is_valid.display_name.app_error": "Invalid display name.",
    "model.bot.is_valid.description.app_error": "Invalid description.",
    "api.config.client.old_format.app_error": (
        "New format for the client configuration is not supported yet. Please specify format=old."
    ),
    "api.license.client.old_format.app_error": (
        "New format for the client license is not supported yet. Please specify format=old."
    ),
    "web.incoming_webhook.invalid.app_error": "Invalid webhook.",
}

# Generic errors by HTTP status, for unknown routes, faults and the like.
STATUS_IDS = {
    400: "api.context.invalid_param.app_error",
    401: "api.context.session_expired.app_error",
    403: "api.context.permissions.app_error",
    404: "api.context.404.app_error",
    405: "api.context.method_not_allowed.app_error",
    413: "api.context.request_body_too_large.app_error",
    501: "api.context.not_implemented.app_error",
}


class AppError(Exception):
    """Raise from a handler; the app turns it into the AppError JSON body."""

    def __init__(
        self,
        status: int,
        error_id: str,
        detailed: str = "",
        message: str | None = None,
        **params: str,
    ) -> None:
        text = message if message is not None else MESSAGES.get(error_id, error_id)
        for name, value in params.items():
            text = text.replace("{{." + name + "}}", value)
        super().__init__(text)
        self.status = status
        self.id = error_id
        self.message = text
        self.detailed = detailed

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "message": self.message,
            "detailed_error": self.detailed,
            "request_id": g.get("request_id", ""),
            "status_code": self.status,
        }


def to_response(error: AppError) -> Response:
    response = jsonify(error.to_dict())
    response.status_code = error.status
    return response


def for_status(status: int, detailed: str = "") -> AppError:
    if status == 414:  # the URL itself is the bad parameter
        return AppError(414, "api.context.invalid_url_param.app_error", detailed, Name="url")
    return AppError(status, STATUS_IDS.get(status, "api.context.server_error.app_error"), detailed)


def invalid_url_param(name: str) -> AppError:
    return AppError(400, "api.context.invalid_url_param.app_error", Name=name)


def invalid_body_param(name: str) -> AppError:
    return AppError(400, INVALID_BODY_PARAM, Name=name)


def session_expired(detailed: str = "") -> AppError:
    return AppError(401, "api.context.session_expired.app_error", detailed)


def permission_denied(user_id: str, permission: str) -> AppError:
    return AppError(
        403,
        "api.context.permissions.app_error",
        f"userId={user_id}, permission={permission}",
    )


def not_implemented(operation: str) -> AppError:
    return AppError(
        501,
        "api.context.not_implemented.app_error",
        f"chat-emulator does not implement {operation} yet",
        message=f"chat-emulator does not implement {operation} yet.",
    )


# -- OAuth 2.0 service provider ------------------------------------------------------------

OAUTH_TURNED_OFF = "api.oauth.allow_oauth.turn_off.app_error"
OAUTH_REGISTER_TURNED_OFF = "api.oauth.register_oauth_app.turn_off.app_error"
OAUTH_TOKEN_DISABLED = "api.oauth.get_access_token.disabled.app_error"
OAUTH_AUTHORIZE_DISABLED = "api.oauth.authorize_oauth.disabled.app_error"
OAUTH_APP_NOT_FOUND = "app.oauth.get_app.find.app_error"
OAUTH_APP_NAME_INVALID = "model.oauth.is_valid.name.app_error"
OAUTH_APP_CALLBACK_INVALID = "model.oauth.is_valid.callback.app_error"
OAUTH_APP_HOMEPAGE_INVALID = "model.oauth.is_valid.homepage.app_error"
OAUTH_APP_DESCRIPTION_INVALID = "model.oauth.is_valid.description.app_error"
OAUTH_APP_ICON_URL_INVALID = "model.oauth.is_valid.icon_url.app_error"
OAUTH_APP_MATTERMOST_APP_ID_INVALID = "model.oauth.is_valid.mattermost_app_id.app_error"
OAUTH_REGEN_PUBLIC = "api.oauth.regenerate_secret.public_client.app_error"
OAUTH_APPS_ADMIN_ONLY = "api.command.admin_only.app_error"
AUTHORIZE_CLIENT_ID_INVALID = "model.authorize.is_valid.client_id.app_error"
AUTHORIZE_RESPONSE_TYPE_INVALID = "model.authorize.is_valid.response_type.app_error"
AUTHORIZE_REDIRECT_URI_INVALID = "model.authorize.is_valid.redirect_uri.app_error"
AUTHORIZE_STATE_INVALID = "model.authorize.is_valid.state.app_error"
AUTHORIZE_SCOPE_INVALID = "model.authorize.is_valid.scope.app_error"
PKCE_CHALLENGE_REQUIRED = "model.authorize.is_valid.code_challenge.app_error"
PKCE_METHOD_REQUIRED = "model.authorize.is_valid.code_challenge_method.app_error"
PKCE_METHOD_UNSUPPORTED = "model.authorize.is_valid.code_challenge_method.unsupported.app_error"
PKCE_CHALLENGE_LENGTH = "model.authorize.is_valid.code_challenge.length.app_error"
PKCE_CHALLENGE_FORMAT = "model.authorize.is_valid.code_challenge.format.app_error"
PKCE_PUBLIC_CLIENT_REQUIRED = "model.authorize.validate_pkce.public_client_required.app_error"
PKCE_VERIFIER_REQUIRED = "model.authorize.validate_pkce.verifier_required.app_error"
PKCE_VERIFICATION_FAILED = "model.authorize.validate_pkce.verification_failed.app_error"
PKCE_NOT_USED = "model.authorize.validate_pkce.not_used_in_auth.app_error"
OAUTH_REDIRECT_MISMATCH = "api.oauth.allow_oauth.redirect_callback.app_error"
OAUTH_PKCE_REQUIRED_PUBLIC = "api.oauth.allow_oauth.pkce_required_public.app_error"
OAUTH_PUBLIC_CLIENT_SECRET = "model.oauth.validate_grant.public_client_secret.app_error"
OAUTH_PUBLIC_CLIENT_REFRESH = "model.oauth.validate_grant.public_client_refresh_token.app_error"
OAUTH_PKCE_REQUIRED = "model.oauth.validate_grant.pkce_required.app_error"
OAUTH_BAD_CREDENTIALS = "model.oauth.validate_grant.credentials.app_error"
OAUTH_BAD_CLIENT = "api.oauth.get_access_token.credentials.app_error"
OAUTH_BAD_CLIENT_ID = "api.oauth.get_access_token.bad_client_id.app_error"
OAUTH_BAD_GRANT = "api.oauth.get_access_token.bad_grant.app_error"
OAUTH_MISSING_CODE = "api.oauth.get_access_token.missing_code.app_error"
OAUTH_MISSING_REFRESH = "api.oauth.get_access_token.missing_refresh_token.app_error"
OAUTH_EXPIRED_CODE = "api.oauth.get_access_token.expired_code.app_error"
OAUTH_REDIRECT_URI_MISMATCH = "api.oauth.get_access_token.redirect_uri.app_error"
OAUTH_BAD_REFRESH_TOKEN = "api.oauth.get_access_token.refresh_token.app_error"
OAUTH_INTERNAL_USER = "api.oauth.get_access_token.internal_user.app_error"
OAUTH_METADATA_DISABLED = "api.oauth.authorization_server_metadata.disabled.app_error"

MESSAGES.update(
    {
        OAUTH_TURNED_OFF: "The system admin has turned off OAuth2 Service Provider.",
        OAUTH_REGISTER_TURNED_OFF: "The system admin has turned off OAuth2 Service Provider.",
        OAUTH_TOKEN_DISABLED: "The system admin has turned off OAuth2 Service Provider.",
        OAUTH_AUTHORIZE_DISABLED: "The system admin has turned off OAuth2 Service Provider.",
        OAUTH_APP_NOT_FOUND: "Unable to find the requested app.",
        OAUTH_APP_NAME_INVALID: "Invalid name.",
        OAUTH_APP_CALLBACK_INVALID: (
            "Callback URL must be a valid URL and start with http:// or https://."
        ),
        OAUTH_APP_HOMEPAGE_INVALID: (
            "Homepage must be a valid URL and start with http:// or https://."
        ),
        OAUTH_APP_DESCRIPTION_INVALID: "Invalid description.",
        OAUTH_APP_ICON_URL_INVALID: (
            "Icon URL must be a valid URL and start with http:// or https://."
        ),
        OAUTH_APP_MATTERMOST_APP_ID_INVALID: (
            "The maximum length of MattermostAppID is 32 characters."
        ),
        OAUTH_REGEN_PUBLIC: "invalid_request: Cannot regenerate secret for public OAuth clients.",
        OAUTH_APPS_ADMIN_ONLY: "Only an admin can do that.",
        AUTHORIZE_CLIENT_ID_INVALID: "Invalid client id.",
        AUTHORIZE_RESPONSE_TYPE_INVALID: "Invalid response type.",
        AUTHORIZE_REDIRECT_URI_INVALID: "Invalid redirect uri.",
        AUTHORIZE_STATE_INVALID: "Invalid state.",
        AUTHORIZE_SCOPE_INVALID: "Invalid scope.",
        PKCE_CHALLENGE_REQUIRED: "Code challenge is required when using PKCE.",
        PKCE_METHOD_REQUIRED: "Code challenge method is required when using PKCE.",
        PKCE_METHOD_UNSUPPORTED: "Only 'S256' code challenge method is supported.",
        PKCE_CHALLENGE_LENGTH: "Code challenge must be between 43 and 128 characters long.",
        PKCE_CHALLENGE_FORMAT: (
            "Code challenge must be base64url-encoded (using characters A-Z, a-z, 0-9, -, _)."
        ),
        PKCE_PUBLIC_CLIENT_REQUIRED: (
            "PKCE (Proof Key for Code Exchange) is required for public clients."
        ),
        PKCE_VERIFIER_REQUIRED: "PKCE code verifier is required when PKCE is used.",
        PKCE_VERIFICATION_FAILED: "PKCE code verifier does not match the code challenge.",
        PKCE_NOT_USED: "PKCE code verifier provided but PKCE was not used during authorization.",
        OAUTH_REDIRECT_MISMATCH: (
            "invalid_request: Supplied redirect_uri did not match registered callback_url."
        ),
        OAUTH_PKCE_REQUIRED_PUBLIC: (
            "PKCE (Proof Key for Code Exchange) is required for public OAuth clients using "
            "authorization code flow."
        ),
        OAUTH_PUBLIC_CLIENT_SECRET: "Public clients must not provide a client secret.",
        OAUTH_PUBLIC_CLIENT_REFRESH: "Public clients cannot use refresh token grant type.",
        OAUTH_PKCE_REQUIRED: "PKCE (Proof Key for Code Exchange) is required for public clients.",
        OAUTH_BAD_CREDENTIALS: "Invalid client credentials.",
        OAUTH_BAD_CLIENT: "invalid_client: Invalid client credentials.",
        OAUTH_BAD_CLIENT_ID: "invalid_request: Bad client_id.",
        OAUTH_BAD_GRANT: "invalid_request: Bad grant_type.",
        OAUTH_MISSING_CODE: "invalid_request: Missing code.",
        OAUTH_MISSING_REFRESH: "invalid_request: Missing refresh_token.",
        OAUTH_EXPIRED_CODE: "invalid_grant: Invalid or expired authorization code.",
        OAUTH_REDIRECT_URI_MISMATCH: (
            "invalid_request: Supplied redirect_uri does not match authorization code redirect_uri."
        ),
        OAUTH_BAD_REFRESH_TOKEN: "invalid_grant: Invalid refresh token.",
        OAUTH_INTERNAL_USER: (
            "server_error: Encountered internal server error while pulling user from database."
        ),
        OAUTH_METADATA_DISABLED: "OAuth service provider is disabled.",
    }
)

# -- users, sessions, teams, bots, preferences, config (REST part A) ---------------------------

ACCESS_TOKENS_DISABLED = "app.user_access_token.disabled"
ACCESS_TOKEN_NOT_FOUND = "app.user_access_token.get_by_user.app_error"
ADD_TO_TEAM_MISSING_PARAMETER = "api.team.add_user_to_team.missing_parameter.app_error"
AUTOCOMPLETE_NEEDS_TEAM = "api.user.autocomplete_users.missing_team_id.app_error"
BODY_TOO_LARGE = "api.context.request_body_too_large.app_error"
BOT_CREATE_DISABLED = "api.bot.create_disabled"
BOT_NOT_FOUND = "store.sql_bot.get.missing.app_error"
BOT_USERNAME_INVALID = "model.bot.is_valid.username.app_error"
CONFIG_OLD_FORMAT = "api.config.client.old_format.app_error"
DEMOTE_NEEDS_LICENSE = "api.team.demote_user_to_guest.license.error"
EMAIL_EXISTS = "app.user.save.email_exists.app_error"
INVALID_BODY_PARAM = "api.context.invalid_body_param.app_error"
INVITE_NOT_OPEN_TEAM = "api.team.get_invite_info.not_open_team"
LICENSE_OLD_FORMAT = "api.license.client.old_format.app_error"
LOGIN_BAD_EMAIL = "api.user.login.invalid_credentials_email"
LOGIN_BAD_EMAIL_OR_USERNAME = "api.user.login.invalid_credentials_email_username"
LOGIN_BAD_USERNAME = "api.user.login.invalid_credentials_username"
LOGIN_BLANK_PASSWORD = "api.user.login.blank_pwd.app_error"
LOGIN_BOT_FORBIDDEN = "api.user.login.bot_login_forbidden.app_error"
LOGIN_BY_EMAIL = "api.user.login_by_email.app_error"
LOGIN_INACTIVE = "api.user.login.inactive.app_error"
MFA_DISABLED = "mfa.mfa_disabled.app_error"
MFA_ACTIVATE_BAD_TOKEN = "mfa.activate.bad_token.app_error"
MFA_BAD_CODE = "api.user.check_user_mfa.bad_code.app_error"
MFA_EMAIL_AND_LDAP_ONLY = "api.user.activate_mfa.email_and_ldap_only.app_error"
MFA_VALIDATE_TOKEN = "mfa.validate_token.authenticate.app_error"
PASSWORD_INCORRECT = "api.user.update_password.incorrect.app_error"
PASSWORD_INVALID = "api.user.check_user_password.invalid.app_error"
PASSWORD_TOO_LONG = "model.user.is_valid.pwd_max_length.app_error"
PASSWORD_TOO_SHORT = "model.user.is_valid.pwd_min_length.app_error"
PASSWORD_UPDATE_FORBIDDEN = "api.user.update_password.context.app_error"
PREFERENCES_DELETE_FORBIDDEN = "api.preference.delete_preferences.delete.app_error"
PREFERENCES_SET_FORBIDDEN = "api.preference.update_preferences.set.app_error"
PREFERENCE_CATEGORY_NOT_FOUND = "api.preference.preferences_category.get.app_error"
PREFERENCE_NOT_FOUND = "app.preference.get.app_error"
PROMOTE_NO_GUEST = "api.user.promote_guest_to_user.no_guest.app_error"
SESSION_NOT_FOUND = "app.session.get.app_error"
SIGNUP_CLOSED = "api.user.create_user.no_open_server"
SIGNUP_EMAIL_DISABLED = "api.user.create_user.signup_email_disabled.app_error"
SIGNUP_LINK_INVALID = "api.user.create_user.signup_link_invalid.app_error"
STATUS_USER_NOT_FOUND = "api.status.user_not_found.app_error"
TEAMS_LIST_FORBIDDEN = "api.team.get_all_teams.insufficient_permissions"
TEAM_CHARACTERS_INVALID = "model.team.is_valid.characters.app_error"
TEAM_CREATION_DISABLED = "api.team.is_team_creation_allowed.disabled.app_error"
TEAM_DELETION_DISABLED = "api.user.delete_team.not_enabled.app_error"
TEAM_ICON_DECODE = "api.team.set_team_icon.decode.app_error"
TEAM_ICON_MISSING = "api.team.get_team_icon.read_file.app_error"
TEAM_ICON_NO_FILE = "api.team.set_team_icon.no_file.app_error"
TEAM_ICON_TOO_LARGE = "api.team.set_team_icon.too_large.app_error"
TEAM_INVITE_NOT_FOUND = "app.team.get_by_invite_id.finding.app_error"
TEAM_MEMBER_BODY_INVALID = "api.team.add_team_member.invalid_body.app_error"
TEAM_NAME_EXISTS = "store.sql_team.save_team.existing.app_error"
TEAM_NAME_INVALID = "model.team.is_valid.name.app_error"
TEAM_REMOVE_NOT_MEMBER = "api.team.remove_user_from_team.missing.app_error"
TEAM_RESERVED_INVALID = "model.team.is_valid.reserved.app_error"
TEAM_TYPE_INVALID = "model.team.is_valid.type.app_error"
TEAM_URL_INVALID = "model.team.is_valid.url.app_error"
USERNAME_EXISTS = "app.user.save.username_exists.app_error"
USERNAME_NOT_FOUND = "app.user.get_by_username.app_error"
USER_ACTIVE_FORBIDDEN = "api.user.update_active.permissions.app_error"
USER_BY_EMAIL_FORBIDDEN = "api.user.get_user_by_email.permissions.app_error"
USER_DEACTIVATION_DISABLED = "api.user.update_active.not_enable.app_error"
USER_DELETION_DISABLED = "api.user.delete_user.not_enabled.app_error"
USER_EMAIL_INVALID = "model.user.is_valid.email.app_error"
USER_PROFILE_IMAGE_DECODE = "api.user.upload_profile_user.decode.app_error"
USER_PROFILE_IMAGE_NO_FILE = "api.user.upload_profile_user.no_file.app_error"
USER_PROFILE_IMAGE_TOO_LARGE = "api.user.upload_profile_user.too_large.app_error"
USER_UPLOADS_FORBIDDEN = "api.user.get_uploads_for_user.forbidden.app_error"
USER_USERNAME_INVALID = "model.user.is_valid.username.app_error"


# -- channels, posts, files, emoji, integrations (REST part B) --------------------------------

TOKEN_IN_QUERY = "api.context.token_provided.app_error"
CHANNEL_NOT_FOUND = "app.channel.get.existing.app_error"
CHANNEL_NAME_MISSING = "app.channel.get_by_name.missing.app_error"
CHANNEL_EXISTS = "store.sql_channel.save_channel.exists.app_error"
CHANNEL_NAME_INVALID = "model.channel.is_valid.1_or_more.app_error"
CHANNEL_NAME_USER_IDS = "model.channel.is_valid.name.app_error"
CHANNEL_DISPLAY_NAME_INVALID = "model.channel.is_valid.display_name.app_error"
CHANNEL_TYPE_INVALID = "model.channel.is_valid.type.app_error"
CHANNEL_HEADER_INVALID = "model.channel.is_valid.header.app_error"
CHANNEL_PURPOSE_INVALID = "model.channel.is_valid.purpose.app_error"
CHANNEL_CREATE_DIRECT = "api.channel.create_channel.direct_channel.app_error"
CHANNEL_DELETED = "api.channel.update_channel.deleted.app_error"
CHANNEL_TYPE_CHANGE = "api.channel.update_channel.typechange.app_error"
CHANNEL_DM_GM_PATCH = (
    "api.channel.patch_update_channel.update_direct_or_group_messages_not_allowed.app_error"
)
CHANNEL_DELETE_DM = "api.channel.delete_channel.type.invalid"
CHANNEL_PATCH_FORBIDDEN = "api.channel.patch_update_channel.forbidden.app_error"
CHANNEL_PATCH_NO_CHANGES = "api.channel.patch_update_channel.no_changes.app_error"
CHANNEL_DM_GM_UPDATE = (
    "api.channel.update_channel.update_direct_or_group_messages_not_allowed.app_error"
)
CHANNEL_DELETE_DELETED = "api.channel.delete_channel.deleted.app_error"
CHANNEL_NOT_ARCHIVED = "api.channel.restore_channel.restored.app_error"
CHANNEL_DEFAULT_RENAME = "api.channel.update_channel.tried.app_error"
CHANNEL_DELETE_DEFAULT = "api.channel.delete_channel.cannot.app_error"
CHANNEL_PRIVACY_DEFAULT = "api.channel.update_channel_privacy.default_channel_error"
CHANNEL_REMOVE_DEFAULT = "api.channel.remove.default.app_error"
CHANNEL_REMOVE_TYPE = "api.channel.remove_channel_member.type.app_error"
CHANNEL_ADD_TYPE = "api.channel.add_user_to_channel.type.app_error"
CHANNEL_ADD_NOT_IN_TEAM = "api.channel.add_user.to.channel.failed.deleted.app_error"
CHANNEL_ROLE_INVALID = "api.channel.update_channel_member_roles.scheme_role.app_error"
CHANNEL_ROLE_NO_USER = "api.channel.update_channel_member_roles.unset_user_scheme.app_error"
CHANNEL_MEMBER_MISSING = "app.channel.get_member.missing.app_error"
TEAM_MEMBER_MISSING = "app.team.get_member.missing.app_error"
TEAM_NOT_FOUND = "app.team.get.find.app_error"
TEAM_NAME_NOT_FOUND = "app.team.get_by_name.missing.app_error"
GROUP_BAD_SIZE = "api.channel.create_group.bad_size.app_error"
GROUP_BAD_USER = "api.channel.create_group.bad_user.app_error"
DIRECT_INVALID_USER = "api.channel.create_direct_channel.invalid_user.app_error"
USER_NOT_FOUND = "app.user.missing_account.const"
POST_NOT_FOUND = "app.post.get.app_error"
POSTS_BY_IDS_TOO_MANY = "api.post.posts_by_ids.invalid_body.request_error"
POST_SEARCH_BODY = "api.post.search_posts.invalid_body.app_error"
POST_DELETED_CHANNEL = "api.post.create_post.can_not_post_to_deleted.error"
POST_ROOT_INVALID = "api.post.create_post.root_id.app_error"
POST_ROOT_CHANNEL = "api.post.create_post.channel_root_id.app_error"
POST_MESSAGE_INVALID = "model.post.is_valid.msg.app_error"
POST_MESSAGE_TOO_LONG = "model.post.is_valid.message_length.app_error"
POST_PROPS_TOO_LONG = "model.post.is_valid.props.app_error"
POST_UPDATE_DELETED_CHANNEL = "api.post.update_post.can_not_update_post_in_deleted.error"
POST_ALREADY_DELETED = "api.post.update_post.permissions_details.app_error"
POST_SYSTEM_MESSAGE = "api.post.update_post.system_message.app_error"
POST_DELETE_DELETED_CHANNEL = "api.post.delete_post.can_not_delete_from_archived_channel.error"
REACTION_OTHER_USER = "api.reaction.save_reaction.user_id.app_error"
REACTION_INVALID = "api.reaction.save_reaction.invalid.app_error"
REACTION_EMOJI_NAME_INVALID = "model.reaction.is_valid.emoji_name.app_error"
PAYLOAD_PARSE = "api.payload.parse.error"
REACTION_ARCHIVED = "api.reaction.save.archived_channel.app_error"
REACTION_DELETE_ARCHIVED = "api.reaction.delete.archived_channel.app_error"
FILES_DISABLED = "api.file.attachments.disabled.app_error"
FILE_TOO_LARGE = "api.file.upload_file.too_large_detailed.app_error"
FILE_COUNT = "api.file.upload_file.incorrect_number_of_files.app_error"
FILE_CLIENT_IDS = "api.file.upload_file.incorrect_number_of_client_ids.app_error"
FILE_NOT_FOUND = "app.file_info.get.app_error"
FILE_NO_THUMBNAIL = "api.file.get_file_thumbnail.no_thumbnail.app_error"
FILE_NO_PREVIEW = "api.file.get_file_preview.no_preview.app_error"
FILE_PUBLIC_DISABLED = "api.file.get_public_link.disabled.app_error"
FILE_PUBLIC_NO_POST = "api.file.get_public_link.no_post.app_error"
FILE_PUBLIC_INVALID = "api.file.get_file.public_invalid.app_error"
EMOJI_DISABLED = "api.emoji.disabled.app_error"
EMOJI_DUPLICATE = "api.emoji.create.duplicate.app_error"
EMOJI_TOO_LARGE = "api.emoji.create.too_large.app_error"
EMOJI_PARSE = "api.emoji.create.parse.app_error"
EMOJI_OTHER_USER = "api.emoji.create.other_user.app_error"
EMOJI_NAME_INVALID = "model.emoji.name.app_error"
EMOJI_NOT_FOUND = "app.emoji.get.no_result"
EMOJI_NAME_NOT_FOUND = "app.emoji.get_by_name.no_result"
EMOJI_IMAGE_INVALID = "api.emoji.upload.image.app_error"
INCOMING_DISABLED = "api.incoming_webhook.disabled.app_error"
OUTGOING_DISABLED = "api.outgoing_webhook.disabled.app_error"
INCOMING_NOT_FOUND = "app.webhooks.get_incoming.app_error"
OUTGOING_NOT_FOUND = "app.webhooks.get_outgoing.app_error"
OUTGOING_CALLBACKS_INVALID = "model.outgoing_hook.is_valid.callback.app_error"
OUTGOING_WORDS_INVALID = "model.outgoing_hook.is_valid.words.app_error"
OUTGOING_TRIGGER_WHEN_INVALID = "model.outgoing_hook.is_valid.trigger_when.app_error"
OUTGOING_CONTENT_TYPE_INVALID = "model.outgoing_hook.is_valid.content_type.app_error"
OUTGOING_NEEDS_CHANNEL_OR_WORDS = "api.webhooks.create_outgoing.triggers.app_error"
OUTGOING_NOT_OPEN = "api.webhooks.create_outgoing.not_open.app_error"
OUTGOING_WRONG_TEAM = "api.webhooks.create_outgoing.permissions.app_error"
OUTGOING_INTERSECT = "api.webhooks.create_outgoing.intersect.app_error"
OUTGOING_URL_INVALID = "model.outgoing_hook.is_valid.url.app_error"
WEBHOOK_TEAM_MISMATCH = "api.webhook.team_mismatch.app_error"
HOOK_DISPLAY_NAME_INVALID = "model.incoming_hook.display_name.app_error"
HOOK_DESCRIPTION_INVALID = "model.incoming_hook.description.app_error"
COMMAND_URL_HTTP_INVALID = "model.command.is_valid.url_http.app_error"
COMMANDS_DISABLED = "api.command.disabled.app_error"
THREAD_MEMBERSHIP_MISSING = "app.user.get_thread_membership_for_user.not_found"
THREADS_BAD_PARAMS = "api.getThreadsForUser.bad_params"
COMMAND_NOT_FOUND = "store.sql_command.save.get.app_error"
COMMAND_DUPLICATE = "api.command.duplicate_trigger.app_error"
COMMAND_TRIGGER_INVALID = "model.command.is_valid.trigger.app_error"
COMMAND_URL_INVALID = "model.command.is_valid.url.app_error"
COMMAND_METHOD_INVALID = "model.command.is_valid.method.app_error"
COMMAND_TEAM_MISMATCH = "api.command.team_mismatch.app_error"

MESSAGES.update(
    {
        CHANNEL_NOT_FOUND: "Unable to find the existing channel.",
        CHANNEL_NAME_MISSING: "Channel does not exist.",
        CHANNEL_EXISTS: "A channel with that name already exists on the same team.",
        CHANNEL_NAME_INVALID: "Name must be 1 or more lowercase alphanumeric characters.",
        CHANNEL_NAME_USER_IDS: (
            "Invalid channel name. User ids are not permitted in channel name for non-direct "
            "message channels."
        ),
        CHANNEL_DISPLAY_NAME_INVALID: "Invalid display name.",
        CHANNEL_TYPE_INVALID: "Invalid type.",
        CHANNEL_HEADER_INVALID: "Invalid header.",
        CHANNEL_PURPOSE_INVALID: "Invalid purpose.",
        CHANNEL_CREATE_DIRECT: (
            "Must use createDirectChannel API service for direct message channel creation."
        ),
        CHANNEL_DELETED: "The channel has been archived or deleted.",
        CHANNEL_TYPE_CHANGE: "Channel type cannot be updated.",
        CHANNEL_DM_GM_PATCH: (
            "You are not allowed to update the name, display_name, and purpose of direct or "
            "group messages."
        ),
        CHANNEL_DELETE_DM: "Unable to delete direct or group message channels",
        CHANNEL_PATCH_FORBIDDEN: "Failed to update the channel.",
        CHANNEL_PATCH_NO_CHANGES: "No changes in the patch.",
        CHANNEL_DM_GM_UPDATE: (
            "You are not allowed to update the name, display_name, and purpose of direct or "
            "group messages."
        ),
        CHANNEL_DELETE_DELETED: "The channel has been archived or deleted.",
        CHANNEL_NOT_ARCHIVED: "Unable to unarchive channel. The channel is not archived.",
        CHANNEL_DEFAULT_RENAME: (
            "Tried to perform an invalid update of the default channel {{.Channel}}."
        ),
        CHANNEL_DELETE_DEFAULT: "Unable to delete the default channel {{.Channel}}.",
        CHANNEL_PRIVACY_DEFAULT: "The default channel cannot be made private.",
        CHANNEL_REMOVE_DEFAULT: "Unable to remove user from the default channel {{.Channel}}.",
        CHANNEL_REMOVE_TYPE: "Unable to remove user from a channel.",
        CHANNEL_ADD_TYPE: "Can not add user to this channel type.",
        CHANNEL_ADD_NOT_IN_TEAM: (
            "Failed to add user to channel because they have been removed from the team."
        ),
        CHANNEL_ROLE_INVALID: (
            "The provided role is managed by a Scheme and therefore cannot be applied directly "
            "to a Channel Member."
        ),
        CHANNEL_ROLE_NO_USER: (
            "Invalid channel member update: A channel member always has a user scheme."
        ),
        CHANNEL_MEMBER_MISSING: "No channel member found for that user ID and channel ID.",
        GROUP_BAD_SIZE: "Group message channels must contain at least 3 and no more than 8 users.",
        GROUP_BAD_USER: "One of the provided users does not exist.",
        DIRECT_INVALID_USER: "Invalid user ID for direct channel creation.",
        POST_NOT_FOUND: "Unable to get the post.",
        POSTS_BY_IDS_TOO_MANY: "The number of post IDs must not exceed {{.MaxLength}}.",
        POST_SEARCH_BODY: "Unable to parse the search request body.",
        POST_DELETED_CHANNEL: "Can not post to deleted channel.",
        POST_ROOT_INVALID: "Invalid RootId parameter.",
        POST_ROOT_CHANNEL: "Invalid ChannelId for RootId parameter.",
        POST_MESSAGE_INVALID: "Invalid Message.",
        POST_UPDATE_DELETED_CHANNEL: "Can not update a post in a deleted channel.",
        POST_ALREADY_DELETED: "Already deleted id={{.PostId}}.",
        POST_SYSTEM_MESSAGE: "Unable to update system message.",
        POST_DELETE_DELETED_CHANNEL: "Can not delete a post in an archived channel.",
        REACTION_OTHER_USER: "You cannot save reaction for the other user.",
        REACTION_INVALID: "Reaction is not valid.",
        REACTION_EMOJI_NAME_INVALID: "Invalid emoji name.",
        PAYLOAD_PARSE: "Error parsing the payload.",
        REACTION_ARCHIVED: "You cannot react in an archived channel.",
        REACTION_DELETE_ARCHIVED: "You cannot remove a reaction in an archived channel.",
        FILES_DISABLED: "File attachments have been disabled on this server.",
        FILE_TOO_LARGE: (
            "Unable to upload file {{.Filename}}. {{.Length}} bytes exceeds the maximum allowed "
            "{{.Limit}} bytes."
        ),
        FILE_COUNT: "Unable to upload files. Incorrect number of files specified.",
        FILE_CLIENT_IDS: (
            "Unable to upload file(s). Have {{.NumClientIds}} client_ids for {{.NumFiles}} files."
        ),
        FILE_NOT_FOUND: "Unable to get the file info.",
        FILE_NO_THUMBNAIL: "File doesn't have a thumbnail image.",
        FILE_NO_PREVIEW: "File doesn't have a preview image.",
        FILE_PUBLIC_DISABLED: "Public links have been disabled.",
        FILE_PUBLIC_NO_POST: (
            "Unable to get public link for file. File must be attached to a post that can be "
            "read by the current user."
        ),
        FILE_PUBLIC_INVALID: "The public link does not appear to be valid.",
        EMOJI_DISABLED: "Custom emoji have been disabled by the system admin.",
        EMOJI_DUPLICATE: "Unable to create emoji. Another emoji with the same name already exists.",
        EMOJI_TOO_LARGE: "Unable to create emoji. Image must be less than 1 MB in size.",
        EMOJI_PARSE: "Unable to create emoji. Could not understand request.",
        EMOJI_OTHER_USER: "Invalid user id.",
        EMOJI_NAME_INVALID: "Name must be between 1 and 64 lowercase alphanumeric characters.",
        EMOJI_NOT_FOUND: "Unable to find the emoji.",
        EMOJI_NAME_NOT_FOUND: "Unable to find the emoji.",
        EMOJI_IMAGE_INVALID: "Unable to create emoji. File must be a PNG, JPEG, or GIF.",
        INCOMING_DISABLED: "Incoming webhooks have been disabled by the system admin.",
        OUTGOING_DISABLED: "Outgoing webhooks have been disabled by the system admin.",
        INCOMING_NOT_FOUND: "Unable to get the webhook.",
        OUTGOING_NOT_FOUND: "Unable to get the webhook.",
        OUTGOING_CALLBACKS_INVALID: "Invalid callback urls.",
        OUTGOING_WORDS_INVALID: "Invalid trigger words.",
        OUTGOING_TRIGGER_WHEN_INVALID: "Invalid trigger when.",
        OUTGOING_CONTENT_TYPE_INVALID: "Invalid value for content_type.",
        OUTGOING_NEEDS_CHANNEL_OR_WORDS: "Either trigger_words or channel_id must be set.",
        OUTGOING_NOT_OPEN: "Outgoing webhooks can only be created for public channels.",
        OUTGOING_WRONG_TEAM: "Invalid permissions to create outgoing webhook.",
        OUTGOING_INTERSECT: (
            "Outgoing webhooks from the same channel cannot have the same trigger words/callback "
            "URLs."
        ),
        OUTGOING_URL_INVALID: (
            "Invalid callback URLs. Each must be a valid URL and start with http:// or https://."
        ),
        WEBHOOK_TEAM_MISMATCH: "Unable to update webhook across teams.",
        HOOK_DISPLAY_NAME_INVALID: "Invalid display name.",
        HOOK_DESCRIPTION_INVALID: "Invalid description.",
        COMMAND_URL_HTTP_INVALID: (
            "Invalid URL. Must be a valid URL and start with http:// or https://."
        ),
        COMMANDS_DISABLED: "Commands have been disabled by the system admin.",
        THREAD_MEMBERSHIP_MISSING: "Thread membership not found.",
        THREADS_BAD_PARAMS: (
            "Before and after parameters to getThreadsForUser are mutually exclusive"
        ),
        COMMAND_NOT_FOUND: "Unable to get the command.",
        COMMAND_DUPLICATE: "This trigger word is already in use. Please choose another word.",
        COMMAND_TRIGGER_INVALID: "Invalid trigger.",
        COMMAND_URL_INVALID: "Invalid URL.",
        COMMAND_METHOD_INVALID: "Invalid Method.",
        COMMAND_TEAM_MISMATCH: "Unable to update commands across teams.",
    }
)


def not_found(error_id: str, detailed: str = "") -> AppError:
    return AppError(404, error_id, detailed)


def bad_request(error_id: str, detailed: str = "", **params: str) -> AppError:
    return AppError(400, error_id, detailed, **params)


# -- WebSocket (server/channels/app/platform/websocket_router.go, wsapi/) ----------------------

WS_NO_ACTION = "api.web_socket_router.no_action.app_error"
WS_BAD_SEQ = "api.web_socket_router.bad_seq.app_error"
WS_BAD_ACTION = "api.web_socket_router.bad_action.app_error"
WS_NOT_AUTHENTICATED = "api.web_socket_router.not_authenticated.app_error"
WS_INVALID_PARAM = "api.websocket_handler.invalid_param.app_error"
WS_UPGRADE = "api.web_socket.connect.upgrade.app_error"

MESSAGES.update(
    {
        WS_NO_ACTION: "No websocket action.",
        WS_BAD_SEQ: "Invalid sequence for WebSocket message.",
        WS_BAD_ACTION: "Unknown WebSocket action.",
        WS_NOT_AUTHENTICATED: (
            "WebSocket connection is not authenticated. Please log in and try again."
        ),
        WS_INVALID_PARAM: "Invalid {{.Name}} parameter.",
        WS_UPGRADE: "URL Blocked because of CORS. Url: {{.BlockedOrigin}}",
    }
)


def ws_invalid_param(name: str) -> AppError:
    return AppError(400, WS_INVALID_PARAM, Name=name)


def ws_error_body(error: AppError) -> dict:
    """The AppError in a WebSocket ``FAIL`` response: ``detailed_error`` wiped, no request id."""
    return {
        "id": error.id,
        "message": error.message,
        "detailed_error": "",
        "status_code": error.status,
    }


# -- incoming webhooks (server/channels/web/webhook.go, app/webhook.go) -----------------------

INVALID_PARAM = "api.context.invalid_param.app_error"
HOOK_MEDIA_TYPE = "web.incoming_webhook.media_type.app_error"
HOOK_DECODE = "web.incoming_webhook.decode.app_error"
HOOK_GENERAL = "web.incoming_webhook.general.app_error"
HOOK_PARSE_DATA = "model.incoming_hook.parse_data.app_error"
HOOK_DISABLED = "web.incoming_webhook.disabled.app_error"
HOOK_TEXT = "web.incoming_webhook.text.app_error"
HOOK_INVALID = "web.incoming_webhook.invalid.app_error"
HOOK_USER = "web.incoming_webhook.user.app_error"
HOOK_CHANNEL = "web.incoming_webhook.channel.app_error"
HOOK_CHANNEL_LOCKED = "web.incoming_webhook.channel_locked.app_error"
HOOK_PERMISSIONS = "web.incoming_webhook.permissions.app_error"

MESSAGES.update(
    {
        HOOK_MEDIA_TYPE: "Failed to parse media incoming webhook {{.hook_id}}.",
        HOOK_DECODE: (
            "Failed to decode the payload of media type {{.media_type}} for incoming webhook "
            "{{.hook_id}}."
        ),
        HOOK_GENERAL: (
            "Failed to handle the payload of media type {{.media_type}} for incoming webhook "
            "{{.hook_id}}."
        ),
        HOOK_PARSE_DATA: "Unable to parse incoming data.",
        HOOK_DISABLED: "Incoming webhooks have been disabled by the system admin.",
        HOOK_TEXT: "No text specified.",
        HOOK_USER: "Couldn't find the user {{.user}}",
        HOOK_CHANNEL: "Couldn't find the channel.",
        HOOK_CHANNEL_LOCKED: (
            "This webhook is not permitted to post to the requested channel {{.channel_id}}"
        ),
        HOOK_PERMISSIONS: (
            "User {{.user}} does not have appropriate permissions to channel {{.channel}}"
        ),
    }
)


# -- slash commands run (server/channels/api4/command.go, app/command.go, web/webhook.go) -------

COMMAND_START = "api.command.execute_command.start.app_error"
COMMAND_DELETED_CHANNEL = "api.command.execute_command.deleted.error"
COMMAND_TRIGGER_NOT_FOUND = "api.command.execute_command.not_found.app_error"
COMMAND_FAILED = "api.command.execute_command.failed.app_error"
COMMAND_FAILED_RESP = "api.command.execute_command.failed_resp.app_error"
COMMAND_CREATE_POST_FAILED = "api.command.execute_command.create_post_failed.app_error"
COMMAND_POST_FORBIDDEN = "api.command.command_post.forbidden.app_error"
COMMAND_WEBHOOK_PARSE = "web.command_webhook.parse.app_error"
COMMAND_WEBHOOK_GENERAL = "web.command_webhook.general.app_error"
COMMAND_WEBHOOK_COMMAND = "web.command_webhook.command.app_error"
COMMAND_WEBHOOK_MISSING = "app.command_webhook.get.missing"
COMMAND_WEBHOOK_USED_UP = "app.command_webhook.try_use.invalid"
# /mute's text for a channel one is not in: en.json lacks the id, so upstream shows the id itself.
COMMAND_MUTE_NOT_MEMBER = "api.command_mute.not_member.error"

MESSAGES.update(
    {
        COMMAND_START: "No command trigger found.",
        COMMAND_DELETED_CHANNEL: "Can not run command in deleted channel.",
        COMMAND_TRIGGER_NOT_FOUND: (
            "Command with a trigger of '{{.Trigger}}' not found. To send a message beginning with"
            ' "/", try adding an empty space at the beginning of the message.'
        ),
        COMMAND_FAILED: "Command with a trigger of '{{.Trigger}}' failed.",
        COMMAND_FAILED_RESP: (
            "Command with a trigger of '{{.Trigger}}' returned response {{.Status}}."
        ),
        COMMAND_CREATE_POST_FAILED: (
            "Command '{{.Trigger}}' failed to post response. Please contact your System"
            " Administrator."
        ),
        COMMAND_POST_FORBIDDEN: "Specified user is not a member of specified channel.",
        COMMAND_WEBHOOK_PARSE: "Unable to parse incoming data for webhook {{.hook_id}}.",
        COMMAND_WEBHOOK_GENERAL: "Failed to handle command webhook {{.hook_id}}.",
        COMMAND_WEBHOOK_COMMAND: "Couldn't find the command {{.command_id}}.",
        COMMAND_WEBHOOK_MISSING: "Unable to find the webhook.",
        COMMAND_WEBHOOK_USED_UP: "Invalid webhook.",
    }
)


# -- the config API (server/channels/api4/config.go, model.Config.IsValid) --------------------

CONFIG_CLEAR_SITEURL = "api.config.update_config.clear_siteurl.app_error"
CONFIG_NOT_ALLOWED_SECURITY = "api.config.update_config.not_allowed_security.app_error"
CONFIG_SITE_URL = "model.config.is_valid.site_url.app_error"
CONFIG_LOGIN_ATTEMPTS = "model.config.is_valid.login_attempts.app_error"
CONFIG_MAX_USERS = "model.config.is_valid.max_users.app_error"
CONFIG_SITENAME_LENGTH = "model.config.is_valid.sitename_length.app_error"
CONFIG_PASSWORD_LENGTH = "model.config.is_valid.password_length.app_error"
CONFIG_RATE_MEM = "model.config.is_valid.rate_mem.app_error"
CONFIG_RATE_SEC = "model.config.is_valid.rate_sec.app_error"
CONFIG_MAX_BURST = "model.config.is_valid.max_burst.app_error"

MESSAGES.update(
    {
        CONFIG_CLEAR_SITEURL: "Site URL cannot be cleared.",
        CONFIG_NOT_ALLOWED_SECURITY: "Changing {{.Name}} is not allowed for security reasons.",
        CONFIG_SITE_URL: "Site URL must be a valid URL and start with http:// or https://.",
        CONFIG_LOGIN_ATTEMPTS: (
            "Invalid maximum login attempts for service settings. Must be a positive number."
        ),
        CONFIG_MAX_USERS: (
            "Invalid maximum users per team for team settings. Must be a positive number."
        ),
        CONFIG_SITENAME_LENGTH: (
            "Site name must be less than or equal to {{.MaxLength}} characters."
        ),
        CONFIG_PASSWORD_LENGTH: (
            "Minimum password length must be a whole number greater than or equal to "
            "{{.MinLength}} and less than or equal to {{.MaxLength}}."
        ),
        CONFIG_RATE_MEM: (
            "Invalid memory store size for rate limit settings. Must be a positive number."
        ),
        CONFIG_RATE_SEC: "Invalid per sec for rate limit settings. Must be a positive number.",
        CONFIG_MAX_BURST: "Maximum burst size must be greater than zero.",
    }
)


# -- interactive messages and dialogs (app/integration_action.go) -----------------------------

ACTION_ID_INVALID = "api.post.do_action.action_id.app_error"
ACTION_INTEGRATION = "api.post.do_action.action_integration.app_error"

MESSAGES.update(
    {
        ACTION_ID_INVALID: "Invalid action id.",
        ACTION_INTEGRATION: "Action integration error.",
        "interactive_message.decode_trigger_id.base64_decode_failed": (
            "Failed to decode base64 for trigger ID for interactive dialog."
        ),
        "interactive_message.decode_trigger_id.missing_data": (
            "Trigger ID missing required data for interactive dialog."
        ),
        "interactive_message.decode_trigger_id.expired": (
            "Trigger ID for interactive dialog is expired. Trigger IDs live for a maximum of"
            " {{.Duration}}."
        ),
        "interactive_message.decode_trigger_id.base64_decode_failed_signature": (
            "Failed to decode base64 signature of trigger ID for interactive dialog."
        ),
        "interactive_message.decode_trigger_id.verify_signature_failed": (
            "Signature verification failed of trigger ID for interactive dialog."
        ),
    }
)


# -- more Team Edition operations: bots' icons, custom statuses, invitations, post versions,
# -- scheme roles, sidebar categories, threads, uploads, lookups -------------------------------

BOT_ICON_PARSE = "api.bot.set_bot_icon_image.parse.app_error"
BOT_ICON_READ = "api.bot.get_bot_icon_image.read.app_error"
BOT_ICON_TOO_LARGE = "api.bot.set_bot_icon_image.too_large.app_error"
BOT_ICON_NO_FILE = "api.bot.set_bot_icon_image.no_file.app_error"
CUSTOM_STATUS_DISABLED = "api.custom_status.disabled"
CUSTOM_STATUS_SET = "api.custom_status.set_custom_statuses.update.app_error"
CUSTOM_STATUS_RECENT_DELETE = "api.custom_status.recent_custom_statuses.delete.app_error"
INVITES_DISABLED = "api.team.invite_members.disabled.app_error"
INVITES_INVALID_EMAIL = "api.team.invite_members.invalid_email.app_error"
EDIT_HISTORY_NOT_FOUND = "app.post.get_edit_history_for_post.app_error"
POST_VERSION_NOT_IN_HISTORY = "app.post.restore_post_version.not_an_history_item.app_error"
TEAM_SCHEME_GUEST_AND_USER = "api.team.update_team_member_roles.guest_and_user.app_error"
CHANNEL_SCHEME_GUEST_AND_USER = "api.channel.update_channel_member_roles.guest_and_user.app_error"
SIDEBAR_CATEGORIES = "app.channel.sidebar_categories.app_error"
SIDEBAR_CATEGORY_TYPE = "api.invalid_channel_category_type"
THREAD_POST_MISMATCH = "app.thread.update_thread_read_for_user_by_post.app_error"
UPLOAD_NOT_FOUND = "app.upload.get.app_error"
UPLOAD_TOO_LARGE = "api.upload.create.upload_too_large.app_error"
UPLOAD_BAD_LENGTH = "api.upload.upload_data.invalid_content_length"
UPLOAD_FORBIDDEN = "api.upload.get_upload.forbidden.app_error"
UPLOAD_SESSION_INVALID = "model.upload_session.is_valid.{}.app_error"
CHANNELS_BY_IDS_NOT_FOUND = "app.channel.get_channels_by_ids.not_found.app_error"
COMMON_TEAMS_WRONG_TYPE = "app.channel.get_common_teams.incorrect_channel_type"
EMOJI_NAMES_TOO_MANY = "api.emoji.get_multiple_by_name_too_many.request_error"
FILE_SEARCH_BODY = "api.post.search_files.invalid_body.app_error"
REVEAL_DISABLED = "api.post.reveal_post.disabled.app_error"
INVALID_EMAILS_OPEN_SERVER = "api.users.invalid_emails.enable_open_server.app_error"

MESSAGES.update(
    {
        BOT_ICON_PARSE: "Unable to parse the bot icon image.",
        BOT_ICON_READ: "Unable to read the bot icon image.",
        BOT_ICON_TOO_LARGE: "Unable to upload the bot icon image. File is too large.",
        BOT_ICON_NO_FILE: "No file under 'image' in request.",
        CUSTOM_STATUS_DISABLED: "Custom status feature has been disabled. Please contact your"
        " system administrator for details.",
        CUSTOM_STATUS_SET: "Failed to update custom status",
        CUSTOM_STATUS_RECENT_DELETE: "Failed to delete recent custom status. Please try adding"
        " the custom status first or contact your system administrator for details.",
        INVITES_DISABLED: "Email invitations are disabled.",
        INVITES_INVALID_EMAIL: "The following email addresses do not belong to an accepted"
        " domain: {{.Addresses}}. Please contact your System Administrator for details.",
        EDIT_HISTORY_NOT_FOUND: "Unable to get the edit history of the post.",
        POST_VERSION_NOT_IN_HISTORY: "Unable to restore the post version.",
        TEAM_SCHEME_GUEST_AND_USER: "A member cannot be both a guest and a user.",
        CHANNEL_SCHEME_GUEST_AND_USER: "A member cannot be both a guest and a user.",
        SIDEBAR_CATEGORIES: "Unable to get the sidebar categories.",
        SIDEBAR_CATEGORY_TYPE: "Category type is not valid.",
        THREAD_POST_MISMATCH: "Unable to update the thread read state.",
        UPLOAD_NOT_FOUND: "Unable to get the upload.",
        UPLOAD_TOO_LARGE: "Unable to upload file. File is too large.",
        UPLOAD_BAD_LENGTH: "Invalid Content-Length.",
        UPLOAD_FORBIDDEN: "Failed to get upload.",
        CHANNELS_BY_IDS_NOT_FOUND: "No channel found with the given ids.",
        COMMON_TEAMS_WRONG_TYPE: "Common teams are only for group messages.",
        EMOJI_NAMES_TOO_MANY: "Unable to get that many emojis by name. Only {{.MaxNames}} emojis"
        " can be requested at once.",
        FILE_SEARCH_BODY: "Unable to parse the search request body.",
        REVEAL_DISABLED: "Burn-on-read posts are not enabled on this server.",
        INVALID_EMAILS_OPEN_SERVER: "Unable to get users with invalid emails while the server"
        " is open.",
    }
)


# -- licensed features an unlicensed Team Edition server refuses (resources/licensed.py) -------

LDAP_LICENSE = "api.ldap_groups.license_error"
SAML_NOT_AVAILABLE = "api.admin.saml.not_available.app_error"
COMPLIANCE_DISABLED = "ent.compliance.licence_disable.app_error"
ELASTICSEARCH_LICENSE = "ent.elasticsearch.test_config.license.error"
REMOTE_CLUSTER_DISABLED = "api.remote_cluster.service_not_enabled.app_error"
IP_FILTERING_UNAVAILABLE = "api.context.ip_filtering.not_available.app_error"
OUTGOING_OAUTH_DISABLED = (
    "api.context.outgoing_oauth_connection.not_available.configuration_disabled"
)
CWS_NEEDS_ENTERPRISE = "api.server.cws.needs_enterprise_edition"
CLOUD_PREVIEW_NOT_CONFIGURED = "app.cloud.preview_modal_bucket_url_not_configured"
DATA_RETENTION_LICENSE = "ent.data_retention.generic.license.error"
CPA_LICENSE = "api.custom_profile_attributes.license_error"
RECAPS_DISABLED = "api.recap.disabled.app_error"
CONTENT_FLAGGING_LICENSE = "api.data_spillage.error.license"
LICENSE_UPGRADE_NEEDED = "api.license.upgrade_needed.app_error"
LICENSE_NO_FILE = "api.license.add_license.no_file.app_error"
LICENSE_INVALID = "api.license.add_license.invalid.app_error"
CERTIFICATE_NO_FILE = "api.admin.add_certificate.no_file.app_error"
SCHEME_CREATE_LICENSE = "api.scheme.create_scheme.license.error"
SCHEME_PATCH_LICENSE = "api.scheme.patch_scheme.license.error"
SCHEME_DELETE_LICENSE = "api.scheme.delete_scheme.license.error"
SCHEME_NOT_FOUND = "app.scheme.get.app_error"
TEAM_SCHEME_LICENSE = "api.team.update_team_scheme.license.error"
CHANNEL_SCHEME_LICENSE = "api.channel.update_channel_scheme.license.error"
CHANNEL_MODERATIONS_GET_LICENSE = "api.channel.get_channel_moderations.license.error"
CHANNEL_MODERATIONS_PATCH_LICENSE = "api.channel.patch_channel_moderations.license.error"
ACCESS_CONTROL_SEARCH_UNAVAILABLE = "app.pap.search_access_control_policies.app_error"
NOT_LDAP_USER = "api.user.add_user_to_group_syncables.not_ldap_user.app_error"
DECODE_JSON = "model.utils.decode_json.app_error"
NOT_FOUND_PAGE = "api.context.404.app_error"
SESSION_EXPIRED = "api.context.session_expired.app_error"
PERMISSIONS = "api.context.permissions.app_error"

MESSAGES.update(
    {
        LDAP_LICENSE: "your license does not support ldap groups",
        SAML_NOT_AVAILABLE: "SAML 2.0 is not configured or supported on this server.",
        COMPLIANCE_DISABLED: (
            "Compliance functionality disabled by current license. Please contact your system"
            " administrator about upgrading your enterprise license."
        ),
        ELASTICSEARCH_LICENSE: "Your Mattermost license doesn't support indexed search.",
        REMOTE_CLUSTER_DISABLED: "The remote cluster service is not enabled.",
        IP_FILTERING_UNAVAILABLE: "IP Filtering is not available on this server",
        OUTGOING_OAUTH_DISABLED: "Outgoing OAuth connections are not available on this server.",
        CWS_NEEDS_ENTERPRISE: "Service only available in Mattermost Enterprise edition",
        CLOUD_PREVIEW_NOT_CONFIGURED: "Preview bucket URL is not configured",
        DATA_RETENTION_LICENSE: "Your license does not support Data Retention.",
        CPA_LICENSE: "Your license does not support Custom Profile Attributes.",
        RECAPS_DISABLED: "This feature is not enabled.",
        CONTENT_FLAGGING_LICENSE: "Your license does not support Data Spillage Handling.",
        LICENSE_UPGRADE_NEEDED: "Feature requires an upgrade to Enterprise Edition.",
        LICENSE_NO_FILE: "No file under 'license' in request.",
        LICENSE_INVALID: "Invalid license file.",
        CERTIFICATE_NO_FILE: "No file under 'certificate' in request.",
        SCHEME_CREATE_LICENSE: "Your license does not support creating permissions schemes.",
        SCHEME_PATCH_LICENSE: "Your license does not support update permissions schemes",
        SCHEME_DELETE_LICENSE: "Your license not support delete permissions schemes",
        SCHEME_NOT_FOUND: "Unable to get the scheme.",
        TEAM_SCHEME_LICENSE: "Your license does not support updating a team's scheme",
        CHANNEL_SCHEME_LICENSE: "Your license does not support updating a channel's scheme",
        CHANNEL_MODERATIONS_GET_LICENSE: "Your license does not support channel moderation",
        CHANNEL_MODERATIONS_PATCH_LICENSE: "Your license does not support channel moderation",
        ACCESS_CONTROL_SEARCH_UNAVAILABLE: "Could not search access control policies.",
        NOT_LDAP_USER: "not an ldap user",
        DECODE_JSON: "could not decode.",
    }
)


# -- system administration: plugins, terms of service, brand (resources/plugin.py, ...) -------

PLUGINS_DISABLED = "app.plugin.disabled.app_error"
MARKETPLACE_DISABLED = "app.plugin.marketplace_disabled.app_error"
PLUGIN_UPLOADS_DISABLED = "app.plugin.upload_disabled.app_error"
PLUGIN_NO_FILE = "api.plugin.upload.no_file.app_error"
PLUGIN_INSTALL_FAILED = "app.plugin.extract.app_error"
PLUGIN_DOWNLOAD_FAILED = "api.plugin.install.download_failed.app_error"
MARKETPLACE_REQUEST_INVALID = "app.plugin.marketplace_plugin_request.app_error"
MARKETPLACE_PLUGIN_NOT_FOUND = "app.plugin.marketplace_plugins.not_found.app_error"
PLUGIN_NOT_INSTALLED = "app.plugin.not_installed.app_error"
TERMS_NOT_FOUND = "app.terms_of_service.get.no_rows.app_error"
CUSTOM_TERMS_DISABLED = "api.create_terms_of_service.custom_terms_of_service_disabled.app_error"
BRAND_NO_FILE = "api.admin.upload_brand_image.no_file.app_error"
BRAND_TOO_LARGE = "api.admin.upload_brand_image.too_large.app_error"
BRAND_DECODE = "brand.save_brand_image.decode.app_error"
BRAND_NOT_FOUND = "api.admin.delete_brand_image.storage.not_found"

MESSAGES.update(
    {
        PLUGINS_DISABLED: "Plugins have been disabled. Please check your logs for details.",
        MARKETPLACE_DISABLED: "Marketplace has been disabled. Please check your logs for details.",
        PLUGIN_UPLOADS_DISABLED: "Plugins and/or plugin uploads have been disabled.",
        PLUGIN_NO_FILE: "Missing file in multipart/form request.",
        PLUGIN_INSTALL_FAILED: "An error occurred extracting the plugin bundle.",
        PLUGIN_DOWNLOAD_FAILED: "An error occurred while downloading the plugin.",
        MARKETPLACE_REQUEST_INVALID: "Failed to decode the marketplace plugin request.",
        MARKETPLACE_PLUGIN_NOT_FOUND: "Could not find the requested marketplace plugin.",
        PLUGIN_NOT_INSTALLED: "Plugin is not installed.",
        TERMS_NOT_FOUND: "No terms of service found.",
        CUSTOM_TERMS_DISABLED: "Custom terms of service feature is disabled.",
        BRAND_NO_FILE: "No file under 'image' in request.",
        BRAND_TOO_LARGE: "Unable to upload file. File is too large.",
        BRAND_DECODE: "Unable to decode the image data.",
        BRAND_NOT_FOUND: "Unable to delete brand image, not found.",
    }
)


# -- roles (resources/role.py) ------------------------------------------------------------------

ROLE_NOT_FOUND = "app.role.get.app_error"
ROLE_NAME_NOT_FOUND = "app.role.get_by_name.app_error"
ROLE_NAMES_TOO_MANY = "api.roles.get_multiple_by_name_too_many.request_error"

MESSAGES.update(
    {
        ROLE_NOT_FOUND: "Unable to get role.",
        ROLE_NAME_NOT_FOUND: "Unable to get role.",
        ROLE_NAMES_TOO_MANY: (
            "Unable to get that many roles by name. Only {{.MaxNames}} roles can be requested at"
            " once."
        ),
    }
)


# -- access control policies, refused without the policy administration point (licensed.py) --

ACS_GET_POLICY = "app.pap.get_policy.app_error"
ACS_CREATE_POLICY = "app.pap.create_access_control_policy.app_error"
ACS_DELETE_POLICY = "app.pap.delete_access_control_policy.app_error"
ACS_CHECK_EXPRESSION = "app.pap.check_expression.app_error"
ACS_ASSIGN = "app.pap.assign_access_control_policy_to_channels.app_error"
ACS_UNASSIGN = "app.pap.unassign_access_control_policy_from_channels.app_error"
ACS_CHANNEL_ATTRIBUTES = "app.pap.get_channel_access_control_attributes.app_error"
ACS_UPDATE_ACTIVE = "app.pap.update_access_control_policies_active.app_error"
ACS_VISUAL_AST = "app.pap.expression_to_visual_ast.app_error"
SESSION_COOKIE_NOT_ALLOWED = "api.context.session_cookie_not_allowed.app_error"
ACS_FIELDS_LIMIT = "api.access_control_policy.get_fields.limit.app_error"
ACS_CHANNELS_LIMIT = "api.access_control_policy.get_channels.limit.app_error"

MESSAGES.update(
    {
        ACS_GET_POLICY: "Unable to retrieve the access control policy.",
        ACS_CREATE_POLICY: "Could not create access control policy.",
        ACS_DELETE_POLICY: "Could not delete access control policy.",
        ACS_CHECK_EXPRESSION: "Could not check expression.",
        ACS_ASSIGN: "Unable to assign access control policy to channels.",
        ACS_UNASSIGN: "Could not unassign access control policy from channels.",
        ACS_CHANNEL_ATTRIBUTES: "Could not get attributes for channel.",
        ACS_UPDATE_ACTIVE: "Could not update active status of access control policies.",
        ACS_VISUAL_AST: "Could not genereate visual AST from expression.",
        SESSION_COOKIE_NOT_ALLOWED: (
            "Cookie-based authentication is not allowed for this endpoint. Please use header-based"
            " authentication."
        ),
        ACS_FIELDS_LIMIT: "Get fields limit is not valid.",
        ACS_CHANNELS_LIMIT: "Get channels limit is not valid.",
    }
)


# -- groups, scheduled posts, acknowledgements and other licensed operations (licensed.py) ----

LICENSE_REQUIRED = "api.license_error"
MEMBER_COUNTS_BY_GROUP_LICENSE = "api.channel.channel_member_counts_by_group.license.error"
LOGIN_CWS_LICENSE = "api.user.login_cws.license.error"
SCHEDULED_POSTS_LICENSE = "api.scheduled_posts.license_error"
# ``model.NoTranslation``: the id the server gives errors it never translates.
UNTRANSLATED = "<untranslated>"
MOVE_THREAD_DISABLED = "api.post.move_thread.disabled.app_error"
UPGRADE_SYSTEM_NOT_SUPPORTED = "api.upgrade_to_enterprise.system_not_supported.app_error"

MESSAGES.update(
    {
        LICENSE_REQUIRED: "api endpoint requires a license",
        MEMBER_COUNTS_BY_GROUP_LICENSE: "Your license does not support groups",
        LOGIN_CWS_LICENSE: "CWS login is forbidden.",
        SCHEDULED_POSTS_LICENSE: "Scheduled posts feature requires a license",
        UNTRANSLATED: UNTRANSLATED,
        MOVE_THREAD_DISABLED: "Thread moving is disabled",
        UPGRADE_SYSTEM_NOT_SUPPORTED: (
            "Mattermost was unable to upgrade to Enterprise Edition. This feature will only work"
            " on Linux systems with x86-64 architecture."
        ),
    }
)


# -- jobs (models/jobs.py) -------------------------------------------------------------------

JOB_NOT_FOUND = "app.job.get.app_error"
JOB_RETRIEVE_NO_PERMISSIONS = "api.job.retrieve.nopermissions"
JOB_CREATE_INCORRECT_TYPE = "api.job.unable_to_create_job.incorrect_job_type"
JOB_MANAGE_INCORRECT_TYPE = "api.job.unable_to_manage_job.incorrect_job_type"
JOB_STATUS_INVALID = "api.job.status.invalid"
JOB_TYPE_INVALID = "model.job.is_valid.type.app_error"
JOB_DOWNLOAD_DISABLED = "app.job.download_export_results_not_enabled"
JOB_CANCEL_STATUS = "jobs.request_cancellation.status.error"
JOB_UPDATE_STATUS = "app.job.update_status.app_error"

MESSAGES.update(
    {
        JOB_NOT_FOUND: "Unable to get the job.",
        JOB_RETRIEVE_NO_PERMISSIONS: "The job types of a job you are trying to retrieve does"
        " not contain permissions",
        JOB_CREATE_INCORRECT_TYPE: "The job type of the job you are trying to create is invalid",
        JOB_MANAGE_INCORRECT_TYPE: "You do not have permission to manage this job type",
        JOB_STATUS_INVALID: "Invalid status set",
        JOB_TYPE_INVALID: "Invalid job type.",
        JOB_DOWNLOAD_DISABLED: (
            "DownloadExportResults in config.json is false. Please set this to true to download"
            " the results of this job."
        ),
        JOB_CANCEL_STATUS: "Could not request cancellation for job that is not in a cancelable"
        " state.",
        JOB_UPDATE_STATUS: "Unable to update job status. Invalid status set",
    }
)


# -- admin console checks and counters (models/system_checks.py) -----------------------------

TEST_EMAIL_SETTINGS_NIL = "api.file.test_connection_email_settings_nil.app_error"
TEST_EMAIL_MISSING_SERVER = "api.admin.test_email.missing_server"
TEST_SITE_URL_FAILURE = "app.admin.test_site_url.failure"
TEST_S3_SETTINGS_NIL = "api.file.test_connection_settings_nil.app_error"
TEST_S3_MISSING_BUCKET = "api.admin.test_s3.missing_s3_bucket"
TEST_S3_CONNECTION = "api.file.test_connection.app_error"
PUSH_ACK_PARSE = "api.push_notifications_ack.message.parse.app_error"
PUSH_DISABLED = "api.push_notification.disabled.app_error"
IMAGE_GET = "api.image.get.app_error"
NO_LICENSE = "api.no_license"

MESSAGES.update(
    {
        TEST_EMAIL_SETTINGS_NIL: "Email settings have unset values.",
        TEST_EMAIL_MISSING_SERVER: "SMTP Server is required",
        TEST_SITE_URL_FAILURE: "This is not a valid live URL",
        TEST_S3_SETTINGS_NIL: "File storage settings have unset values.",
        TEST_S3_MISSING_BUCKET: "S3 Bucket is required",
        TEST_S3_CONNECTION: "Unable to access the file storage.",
        PUSH_ACK_PARSE: "An error occurred building the push notification ack message.",
        PUSH_DISABLED: "Push Notifications are disabled on this server.",
        IMAGE_GET: "Requested image url cannot be parsed.",
        NO_LICENSE: "E10 or E20 license required to use this endpoint.",
    }
)
CERTIFICATE_MULTIPLE_FILES = "api.admin.add_certificate.multiple_files.app_error"
EXPORT_NOT_FOUND = "api.export.export_not_found.app_error"
MIGRATE_LDAP_UNAVAILABLE = "api.admin.ldap.not_available.app_error"
REPORT_EXPORT_LICENSE = "app.report.start_users_batch_export.license_error"
REPORT_INVALID_TEAM_FILTER = "api.getUsersForReporting.invalid_team_filter"
REPORT_INVALID_ACTIVE_FILTER = "api.getUsersForReporting.invalid_active_filter"

MESSAGES.update(
    {
        CERTIFICATE_MULTIPLE_FILES: "Too many files under 'certificate' in request.",
        EXPORT_NOT_FOUND: "Unable to find export file.",
        MIGRATE_LDAP_UNAVAILABLE: "LDAP is not available.",
        REPORT_EXPORT_LICENSE: "Batch reporting export only available to Pro and Enterprise.",
        REPORT_INVALID_TEAM_FILTER: "Invalid team id provided.",
        REPORT_INVALID_ACTIVE_FILTER: "Cannot hide both active and inactive users.",
    }
)
BOOKMARKS_LICENSE = "api.channel.bookmark.channel_bookmark.license.error"
INVITE_GUESTS_LICENSE = "api.team.invite_guests_to_channels.license.error"
METHOD_NOT_ALLOWED = "api.context.method_not_allowed.app_error"

MESSAGES.update(
    {
        BOOKMARKS_LICENSE: "Your license does not support channel bookmarks.",
        INVITE_GUESTS_LICENSE: "Your license does not support guest accounts",
    }
)
USER_TERMS_NOT_FOUND = "app.user_terms_of_service.get_by_user.no_rows.app_error"
MESSAGES[USER_TERMS_NOT_FOUND] = "No terms of service found."
REPORT_INVALID_PAGE_SIZE = "api.getUsersForReporting.invalid_page_size"
REPORT_BAD_DATE_RANGE = "model.reporting_base_options.is_valid.bad_date_range"
REPORT_INVALID_SORT_COLUMN = "model.user_report_options.is_valid.invalid_sort_column"

MESSAGES.update(
    {
        REPORT_INVALID_PAGE_SIZE: "Page size is invalid or too large.",
        REPORT_BAD_DATE_RANGE: "Date range provided is invalid.",
        REPORT_INVALID_SORT_COLUMN: "Provided sort column is not valid.",
    }
)


# -- how an account signs in (models/account_auth.py) ----------------------------------------

UPDATE_AUTH_INVALID_REQUEST = "api.user.update_user_auth.invalid_request"
UPDATE_AUTH_DATA_EXISTS = "app.user.update_auth_data.email_exists.app_error"
RESET_PASSWORD_INVALID_LINK = "api.user.reset_password.invalid_link.app_error"
VERIFY_EMAIL_BAD_LINK = "api.user.verify_email.bad_link.app_error"

MESSAGES.update(
    {
        UPDATE_AUTH_INVALID_REQUEST: "Request is missing either AuthData or AuthService parameter.",
        UPDATE_AUTH_DATA_EXISTS: "Unable to switch account to {{.Service}}. An account using"
        " {{.Service}} already exists.",
        RESET_PASSWORD_INVALID_LINK: "The reset password link does not appear to be valid.",
        VERIFY_EMAIL_BAD_LINK: "Bad verify email link.",
    }
)


# -- the posts report's cursor (models/reports.py) ---------------------------------------------

CURSOR_INVALID_BASE64 = "model.post.decode_cursor.invalid_base64"
CURSOR_INVALID_FORMAT = "model.post.decode_cursor.invalid_format"
CURSOR_INVALID_VERSION = "model.post.decode_cursor.invalid_version"
CURSOR_UNSUPPORTED_VERSION = "model.post.decode_cursor.unsupported_version"
CURSOR_INVALID_INCLUDE_DELETED = "model.post.decode_cursor.invalid_include_deleted"
CURSOR_INVALID_EXCLUDE_SYSTEM_POSTS = "model.post.decode_cursor.invalid_exclude_system_posts"
CURSOR_INVALID_TIMESTAMP = "model.post.decode_cursor.invalid_timestamp"
QUERY_INVALID_CHANNEL_ID = "model.post.query_params.invalid_channel_id"
QUERY_INVALID_TIME_FIELD = "model.post.query_params.invalid_time_field"
QUERY_INVALID_SORT_DIRECTION = "model.post.query_params.invalid_sort_direction"
QUERY_INVALID_CURSOR_ID = "model.post.query_params.invalid_cursor_id"
REPORT_POSTS_INVALID_PER_PAGE = "api.post.get_posts_for_reporting.invalid_per_page"

MESSAGES.update(
    {
        CURSOR_INVALID_BASE64: "Invalid cursor format: unable to decode base64.",
        CURSOR_INVALID_FORMAT: "Invalid cursor format: expected 8 parts.",
        CURSOR_INVALID_VERSION: "Invalid cursor format: version must be an integer.",
        CURSOR_UNSUPPORTED_VERSION: "Unsupported cursor version.",
        CURSOR_INVALID_INCLUDE_DELETED: (
            "Invalid cursor format: include_deleted must be a boolean."
        ),
        CURSOR_INVALID_EXCLUDE_SYSTEM_POSTS: (
            "Invalid cursor format: exclude_system_posts must be a boolean."
        ),
        CURSOR_INVALID_TIMESTAMP: "Invalid cursor format: timestamp must be an integer.",
        QUERY_INVALID_CHANNEL_ID: "Invalid channel id.",
        QUERY_INVALID_TIME_FIELD: "Invalid time field.",
        QUERY_INVALID_SORT_DIRECTION: "Invalid sort direction.",
        QUERY_INVALID_CURSOR_ID: "Invalid cursor id.",
        # Not in the translation files: the id is its own message.
        REPORT_POSTS_INVALID_PER_PAGE: REPORT_POSTS_INVALID_PER_PAGE,
    }
)
INTUNE_NOT_AVAILABLE = "api.user.login_by_intune.not_available.app_error"
SSO_CODE_EXCHANGE_DEPRECATED = "api.user.login_sso_code_exchange.deprecated.app_error"
MESSAGES[INTUNE_NOT_AVAILABLE] = "Microsoft Intune authentication is not available."
MESSAGES[SSO_CODE_EXCHANGE_DEPRECATED] = (
    "This endpoint is deprecated and disabled. Please update your mobile app."
)
LICENSE_FEATURE_UNAVAILABLE = "license_error.feature_unavailable"
MESSAGES[LICENSE_FEATURE_UNAVAILABLE] = "Feature is not available for the current license"
BURN_NOT_IN_CHANNEL = "api.post.burn_post.user_not_in_channel.app_error"
BURN_NOT_BURN_ON_READ = "app.burn_post.not_burn_on_read.app_error"
MESSAGES[BURN_NOT_IN_CHANNEL] = (
    "You do not have permission to burn this post. You must be a member of the channel."
)
MESSAGES[BURN_NOT_BURN_ON_READ] = "This post is not a burn-on-read post and cannot be burned."
# ``GetAIPluginBridgeStatus``'s reason (a translation id) without the mattermost-ai plugin.
AI_PLUGIN_NOT_ACTIVE = "app.agents.bridge.not_available.plugin_not_active"
# Client4's extras: synced drafts, onboarding.
DRAFTS_DISABLED = "api.drafts.disabled.app_error"
DRAFT_DELETED_CHANNEL = "api.draft.create_draft.can_not_draft_to_deleted.error"
ONBOARDING_NOT_ADMIN = "app.system.complete_onboarding_request.no_first_user"
ONBOARDING_BAD_REQUEST = "app.system.complete_onboarding_request.app_error"
ONBOARDING_NO_ORGANIZATION = "api.error_no_organization_name_provided_for_self_hosted_onboarding"
MESSAGES[DRAFTS_DISABLED] = "Drafts feature is disabled."
MESSAGES[DRAFT_DELETED_CHANNEL] = "Can not save draft to deleted channel"
MESSAGES[ONBOARDING_NO_ORGANIZATION] = (
    "Error no organization name provided for self hosted onboarding."
)
MESSAGES[ONBOARDING_NOT_ADMIN] = "Onboarding can only be completed by a System Administrator."
MESSAGES[ONBOARDING_BAD_REQUEST] = "Failed to decode the complete onboarding request."
# ``PUT /roles/{id}/patch``.
ROLE_PATCH_LICENSE = "api.roles.patch_roles.license.error"
ROLE_PATCH_NOT_ALLOWED = "api.roles.patch_roles.not_allowed_permission.error"
ROLE_INVALID = "app.role.save.invalid_role.app_error"
MESSAGES[ROLE_PATCH_LICENSE] = "Your license does not support advanced permissions."
MESSAGES[ROLE_PATCH_NOT_ALLOWED] = (
    "One or more of the following permissions that you are trying to add or remove is not allowed"
)
MESSAGES[ROLE_INVALID] = "The role was not valid."
