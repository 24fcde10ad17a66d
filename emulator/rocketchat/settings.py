"""Rocket.Chat settings, permissions and roles with the real defaults, and their env overrides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

VERSION = "8.3.0"

# (id, default value, type, public), from apps/meteor/server/settings/*.ts.
SETTINGS: tuple[tuple[str, Any, str, bool], ...] = (
    ("Site_Name", "Rocket.Chat", "string", True),
    ("Site_Url", "http://localhost:3000", "string", True),
    ("Language", "en", "language", True),
    ("Show_Setup_Wizard", "completed", "select", True),
    ("API_Default_Count", 50, "int", False),
    ("API_Upper_Count_Limit", 100, "int", False),
    ("API_Allow_Infinite_Count", True, "boolean", False),
    ("API_Enable_Rate_Limiter", True, "boolean", False),
    ("API_Enable_Rate_Limiter_Dev", True, "boolean", False),
    ("API_Enable_Rate_Limiter_Limit_Calls_Default", 10, "int", False),
    ("API_Enable_Rate_Limiter_Limit_Time_Default", 60000, "int", False),
    ("API_Enable_Personal_Access_Tokens", True, "boolean", False),
    ("Accounts_RegistrationForm", "Public", "select", True),
    ("Accounts_RegistrationForm_SecretURL", "", "string", False),
    ("Accounts_AllowAnonymousRead", False, "boolean", True),
    ("Accounts_AllowUserProfileChange", True, "boolean", True),
    ("Accounts_AllowUsernameChange", True, "boolean", True),
    ("Accounts_AllowEmailChange", True, "boolean", True),
    ("Accounts_AllowPasswordChange", True, "boolean", True),
    ("Accounts_LoginExpiration", 90, "int", True),
    ("Accounts_Default_User_Preferences_sidebarShowFavorites", True, "boolean", True),
    ("Message_MaxAllowedSize", 5000, "int", True),
    ("Message_AllowEditing", True, "boolean", True),
    ("Message_AllowDeleting", True, "boolean", True),
    ("Message_AllowPinning", True, "boolean", True),
    ("Message_AllowStarring", True, "boolean", True),
    ("Threads_enabled", True, "boolean", True),
    ("FileUpload_Enabled", True, "boolean", True),
    ("FileUpload_MaxFileSize", 104857600, "int", True),
    ("UI_Use_Real_Name", False, "boolean", True),
    ("Accounts_TwoFactorAuthentication_Enabled", True, "boolean", True),
    ("Accounts_TwoFactorAuthentication_Enforce_Password_Fallback", True, "boolean", True),
    ("Accounts_TwoFactorAuthentication_RememberFor", 1800, "int", False),
    ("Accounts_AllowUserAvatarChange", True, "boolean", True),
    ("Accounts_AllowUserStatusMessageChange", True, "boolean", True),
    ("Accounts_AllowInvisibleStatusOption", True, "boolean", True),
    ("Accounts_AllowDeleteOwnAccount", False, "boolean", True),
    ("Message_ErasureType", "Delete", "select", True),
    ("API_Apply_permission_view-outside-room_on_users-list", False, "boolean", False),
    # rooms, messages, teams, moderation, e2e and auto-translate
    ("API_User_Limit", 500, "int", True),
    ("API_Enable_Direct_Message_History_EndPoint", False, "boolean", False),
    ("E2E_Enable", False, "boolean", True),
    ("AutoTranslate_Enabled", False, "boolean", True),
    ("AutoTranslate_ServiceProvider", "google-translate", "select", True),
    ("API_Embed", True, "boolean", True),
    ("Discussion_enabled", True, "boolean", True),
)

# permission id -> roles holding it by default
# (apps/meteor/app/authorization/server/constant/permissions.ts).
PERMISSIONS: dict[str, list[str]] = {
    "access-permissions": ["admin"],
    "add-user-to-any-c-room": ["admin"],
    "add-user-to-any-p-room": [],
    "add-user-to-joined-room": ["admin", "owner", "moderator"],
    "api-bypass-rate-limit": ["admin", "bot", "app"],
    "archive-room": ["admin", "owner"],
    "bulk-create-c": ["admin"],
    "bulk-register-user": ["admin"],
    "clean-channel-history": ["admin"],
    "create-c": ["admin", "user", "bot", "app"],
    "create-d": ["admin", "user", "bot", "app"],
    "create-p": ["admin", "user", "bot", "app"],
    "create-personal-access-tokens": ["admin", "user"],
    "create-team": ["admin", "user"],
    "create-user": ["admin"],
    "delete-c": ["admin", "owner"],
    "delete-message": ["admin", "owner", "moderator"],
    "delete-p": ["admin", "owner"],
    "delete-user": ["admin"],
    "edit-message": ["admin", "owner", "moderator"],
    "edit-other-user-active-status": ["admin"],
    "edit-other-user-avatar": ["admin"],
    "edit-other-user-info": ["admin"],
    "edit-other-user-password": ["admin"],
    "edit-privileged-setting": ["admin"],
    "assign-admin-role": ["admin"],
    "assign-roles": ["admin"],
    "logout-other-user": ["admin"],
    "manage-moderation-actions": ["admin"],
    "user-generate-access-token": ["admin"],
    "view-outside-room": ["admin", "owner", "moderator", "user"],
    "edit-room": ["admin", "owner", "moderator"],
    "leave-c": ["admin", "user", "bot", "anonymous", "app"],
    "leave-p": ["admin", "user", "bot", "anonymous", "app"],
    "manage-emoji": ["admin"],
    "manage-incoming-integrations": ["admin"],
    "manage-outgoing-integrations": ["admin"],
    "manage-own-incoming-integrations": ["admin"],
    "manage-own-outgoing-integrations": ["admin"],
    "mention-all": ["admin", "owner", "moderator", "user"],
    "message-impersonate": ["bot", "app"],
    "mute-user": ["admin", "owner", "moderator"],
    "pin-message": ["owner", "moderator", "admin"],
    "post-readonly": ["admin", "owner", "moderator"],
    "remove-user": ["admin", "owner", "moderator"],
    "set-moderator": ["admin", "owner"],
    "set-owner": ["admin", "owner"],
    "set-readonly": ["admin", "owner"],
    "unarchive-room": ["admin"],
    "view-c-room": ["admin", "user", "bot", "app", "anonymous"],
    "view-d-room": ["admin", "user", "bot", "app", "guest"],
    "view-full-other-user-info": ["admin"],
    "view-history": ["admin", "user", "anonymous"],
    "view-joined-room": ["guest", "bot", "app", "anonymous"],
    "view-other-user-channels": ["admin"],
    "view-p-room": ["admin", "user", "anonymous", "guest"],
    "view-privileged-setting": ["admin"],
    "view-room-administration": ["admin"],
    "view-statistics": ["admin"],
    "view-user-administration": ["admin"],
    # rooms, messages, teams and integrations
    "add-team-member": ["admin", "owner", "moderator"],
    "add-team-channel": ["admin", "owner", "moderator"],
    "set-leader": ["admin", "owner"],
    "delete-d": ["admin"],
    "edit-team-member": ["admin", "owner", "moderator"],
    "delete-team": ["admin", "owner"],
    "view-all-teams": ["admin"],
    "force-delete-message": ["admin", "owner"],
    "preview-c-room": ["admin", "user", "anonymous"],
    "create-invite-links": ["admin", "owner", "moderator"],
    "manage-sounds": ["admin"],
    "manage-user-status": ["admin"],
    "edit-team-channel": ["admin", "owner", "moderator"],
    "remove-team-channel": ["admin", "owner", "moderator"],
    "view-all-team-channels": ["admin", "owner"],
    "delete-team-channel": ["admin", "owner", "moderator"],
    "delete-team-group": ["admin", "owner", "moderator"],
    # Community permissions that enterprise routes check before their licence (resources/licensed)
    "view-engagement-dashboard": ["admin"],
    "view-device-management": ["admin"],
    "view-livechat-manager": ["livechat-manager", "livechat-monitor", "admin"],
    "view-livechat-business-hours": ["livechat-manager", "livechat-monitor", "admin"],
    "view-l-room": ["livechat-manager", "livechat-monitor", "livechat-agent", "admin"],
    "on-hold-livechat-room": ["livechat-manager", "livechat-monitor", "livechat-agent", "admin"],
    # rooms, messages, teams, moderation, e2e and auto-translate
    "add-all-to-room": ["admin"],
    "join-without-join-code": ["admin", "bot", "app"],
    "toggle-room-e2e-encryption": ["owner", "admin"],
    "edit-room-avatar": ["admin", "owner", "moderator"],
    "edit-room-retention-policy": ["admin"],
    "view-broadcast-member-list": ["admin", "owner", "moderator"],
    "mail-messages": ["admin"],
    "edit-team": ["admin", "owner"],
    "convert-team": ["admin", "owner"],
    "view-moderation-console": ["admin"],
    "auto-translate": ["admin"],
    "start-discussion": ["admin", "user", "guest", "app"],
    "start-discussion-other-user": ["admin", "user", "owner", "app"],
    "edit-other-user-e2ee": ["admin"],
}

# role id -> (scope, description)
ROLES: dict[str, tuple[str, str]] = {
    "admin": ("Users", "Admin"),
    "user": ("Users", "User"),
    "bot": ("Users", "Bot"),
    "app": ("Users", "App"),
    "guest": ("Users", "Guest"),
    "anonymous": ("Users", "Anonymous"),
    "owner": ("Subscriptions", "Owner"),
    "moderator": ("Subscriptions", "Moderator"),
    "leader": ("Subscriptions", "Leader"),
}


def convert(raw: str, setting_type: str, like: Any) -> Any:
    """An env string as the setting's own type (``SettingsRegistry`` conversion)."""
    if setting_type == "boolean" or isinstance(like, bool):
        return raw.strip().lower() == "true"
    if setting_type == "int" or isinstance(like, int):
        return int(raw)
    return raw


def env_overrides(environ: Mapping[str, str]) -> dict[str, str]:
    """``OVERWRITE_SETTING_<id>=value`` pairs; these are forced on every start."""
    prefix = "OVERWRITE_SETTING_"
    return {k[len(prefix) :]: v for k, v in environ.items() if k.startswith(prefix)}


def initial_values(environ: Mapping[str, str]) -> dict[str, str]:
    """A plain ``<SettingId>=value`` variable gives only the value a new setting starts with."""
    known = {s[0] for s in SETTINGS}
    return {k: v for k, v in environ.items() if k in known}
