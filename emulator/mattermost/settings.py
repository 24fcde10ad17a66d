"""The Mattermost server config (``model.Config``) and its ``MM_<SECTION>_<SETTING>`` overrides."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

VERSION = "10.11.0"
BUILD_NUMBER = "10.11.0"
# "<version>.<build number>.<client config hash>.<licensed>", as every response's X-Version-Id.
VERSION_ID = f"{VERSION}.{BUILD_NUMBER}.emulator.false"

# The settings the emulator reads, with the real server's defaults (server/public/model/config.go).
DEFAULTS: dict[str, dict[str, Any]] = {
    "ServiceSettings": {
        "SiteURL": "",
        "EnableUserAccessTokens": False,
        "EnableBotAccountCreation": False,
        "EnableIncomingWebhooks": True,
        "EnableOutgoingWebhooks": True,
        "EnableCommands": True,
        "EnablePostUsernameOverride": False,
        "EnablePostIconOverride": False,
        "EnableCustomEmoji": True,
        "EnableDeveloper": False,
        "SessionLengthWebInHours": 720,
        "SessionLengthMobileInHours": 720,
        "TerminateSessionsOnPasswordChange": True,
        "MaximumLoginAttempts": 10,
        "ExperimentalStrictCSRFEnforcement": False,
        "OutgoingIntegrationRequestsTimeout": 30,
        "CollapsedThreads": "always_on",
        "EnableAPITeamDeletion": False,
        "EnableAPIUserDeletion": False,
        "EnableMultifactorAuthentication": False,
        "EnforceMultifactorAuthentication": False,
        "EnableOAuthServiceProvider": True,
        "SessionLengthSSOInHours": 720,
        "DisableLegacyMFA": True,
    },
    "TeamSettings": {
        "SiteName": "Mattermost",
        "EnableUserCreation": True,
        "EnableOpenServer": False,
        "MaxUsersPerTeam": 50,
        "MaxChannelsPerTeam": 2000,
        "RestrictCreationToDomains": "",
        "EnableUserDeactivation": False,
    },
    "PrivacySettings": {"ShowEmailAddress": True, "ShowFullName": True},
    "EmailSettings": {
        "EnableSignUpWithEmail": True,
        "EnableSignInWithEmail": True,
        "EnableSignInWithUsername": True,
        "RequireEmailVerification": False,
    },
    "PasswordSettings": {
        "MinimumLength": 8,
        "Lowercase": False,
        "Number": False,
        "Uppercase": False,
        "Symbol": False,
    },
    "FileSettings": {
        "EnableFileAttachments": True,
        "MaxFileSize": 104857600,
        "EnablePublicLink": False,
        "PublicLinkSalt": "",
    },
    "RateLimitSettings": {
        "Enable": False,
        "PerSec": 10,
        "MaxBurst": 100,
        "MemoryStoreSize": 10000,
        "VaryByRemoteAddr": True,
        "VaryByUser": False,
        "VaryByHeader": "",
    },
}


def default_config() -> dict[str, dict[str, Any]]:
    return copy.deepcopy(DEFAULTS)


def _convert(raw: str, like: Any) -> Any:
    if isinstance(like, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(like, int):
        return int(raw)
    if isinstance(like, list | dict):
        return json.loads(raw)
    return raw


def apply_env_overrides(config: dict[str, dict[str, Any]], environ: Mapping[str, str]) -> list[str]:
    """Apply ``MM_<SECTION>_<SETTING>=value`` the way the server's env loader does.

    Unknown sections and settings are kept as strings so a client can read them back; returns the
    names that could not be converted to the setting's type (they are left unchanged).
    """
    sections = {name.upper(): name for name in config}
    failed = []
    for var, raw in environ.items():
        if not var.startswith("MM_") or var.startswith("MM_ADMIN_"):
            continue
        rest = var[3:]
        section_name = next((s for key, s in sections.items() if rest.startswith(key + "_")), None)
        if section_name is None:
            continue
        setting_key = rest[len(section_name) + 1 :]
        section = config[section_name]
        setting = next((s for s in section if s.upper() == setting_key), None)
        if setting is None:
            continue
        try:
            section[setting] = _convert(raw, section[setting])
        except ValueError:
            failed.append(var)
    return failed
