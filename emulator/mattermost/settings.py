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
        "AllowedUntrustedInternalConnections": "",
        "CollapsedThreads": "always_on",
        "EnableAPITeamDeletion": False,
        "EnableAPIUserDeletion": False,
        "EnableMultifactorAuthentication": False,
        "EnforceMultifactorAuthentication": False,
        "EnableOAuthServiceProvider": True,
        "AllowSyncedDrafts": True,
        "SessionLengthSSOInHours": 720,
        "DisableLegacyMFA": True,
        "EnableEmailInvitations": False,
    },
    "TeamSettings": {
        "SiteName": "Mattermost",
        "EnableUserCreation": True,
        "EnableOpenServer": False,
        "MaxUsersPerTeam": 50,
        "MaxChannelsPerTeam": 2000,
        "RestrictCreationToDomains": "",
        "EnableUserDeactivation": False,
        "EnableCustomUserStatuses": True,
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
    "PluginSettings": {
        "EnableUploads": False,
        "MarketplaceURL": "https://api.integrations.mattermost.com",
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


# Every section of upstream's ``model.Config``: how ``MM_<SECTION>_<SETTING>`` splits, and which
# top-level keys a config body may carry.
SECTIONS = (
    "ServiceSettings",
    "TeamSettings",
    "ClientRequirements",
    "SqlSettings",
    "LogSettings",
    "ExperimentalAuditSettings",
    "NotificationLogSettings",
    "PasswordSettings",
    "FileSettings",
    "EmailSettings",
    "RateLimitSettings",
    "PrivacySettings",
    "SupportSettings",
    "AnnouncementSettings",
    "ThemeSettings",
    "GitLabSettings",
    "GoogleSettings",
    "Office365Settings",
    "OpenIdSettings",
    "LdapSettings",
    "ComplianceSettings",
    "LocalizationSettings",
    "SamlSettings",
    "NativeAppSettings",
    "CacheSettings",
    "ClusterSettings",
    "MetricsSettings",
    "ExperimentalSettings",
    "AnalyticsSettings",
    "ElasticsearchSettings",
    "BleveSettings",
    "DataRetentionSettings",
    "MessageExportSettings",
    "JobSettings",
    "PluginSettings",
    "DisplaySettings",
    "GuestAccountsSettings",
    "ImageProxySettings",
    "CloudSettings",
    "FeatureFlags",
    "ImportSettings",
    "ExportSettings",
    "WranglerSettings",
    "ConnectedWorkspacesSettings",
    "AccessControlSettings",
    "ContentFlaggingSettings",
)

# ``model.Config.Sanitize``: (section, setting, only when set); lists have every item replaced.
FAKE_SETTING = "********************************"
SECRETS = (
    ("LdapSettings", "BindPassword", True),
    ("FileSettings", "PublicLinkSalt", False),
    ("FileSettings", "AmazonS3SecretAccessKey", True),
    ("EmailSettings", "SMTPPassword", True),
    ("GitLabSettings", "Secret", True),
    ("GoogleSettings", "Secret", True),
    ("Office365Settings", "Secret", True),
    ("OpenIdSettings", "Secret", True),
    ("SqlSettings", "DataSource", False),
    ("SqlSettings", "AtRestEncryptKey", False),
    ("ElasticsearchSettings", "Password", False),
    ("SqlSettings", "DataSourceReplicas", False),
    ("SqlSettings", "DataSourceSearchReplicas", False),
    ("ServiceSettings", "SplitKey", False),
    ("CacheSettings", "RedisPassword", False),
)


def sanitized(config: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A copy with the secrets replaced by ``FAKE_SETTING``, as ``GET /config`` shows it."""
    out = copy.deepcopy(config)
    for section, name, only_when_set in SECRETS:
        values = out.get(section)
        if not isinstance(values, dict) or name not in values:
            continue
        value = values[name]
        if isinstance(value, list):
            values[name] = [FAKE_SETTING for _ in value]
        elif not only_when_set or value:
            values[name] = FAKE_SETTING
    return out


def desanitize(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> None:
    """Secrets sent back as ``FAKE_SETTING`` keep their current value (``desanitize``)."""
    for section, name, _ in SECRETS:
        values = new.get(section)
        if not isinstance(values, dict) or name not in values:
            continue
        current = old.get(section, {}).get(name)
        value = values[name]
        if value == FAKE_SETTING:
            values[name] = current
        elif isinstance(value, list) and isinstance(current, list) and len(value) == len(current):
            pairs = zip(value, current, strict=True)
            values[name] = [c if v == FAKE_SETTING else v for v, c in pairs]


def _convert(raw: str, like: Any) -> Any:
    if isinstance(like, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(like, int):
        return int(raw)
    if isinstance(like, list | dict):
        return json.loads(raw)
    return raw


def env_settings(
    config: Mapping[str, Mapping[str, Any]], environ: Mapping[str, str]
) -> list[tuple[str, str, str, str]]:
    """``(variable, section, setting, raw value)`` for every ``MM_<SECTION>_<SETTING>``: the
    section by upstream's names, the setting by the config's or the defaults' spelling, else as
    the variable spells it."""
    sections = {name.upper(): name for name in (*SECTIONS, *config)}
    found = []
    for var, raw in environ.items():
        if not var.startswith("MM_") or var.startswith("MM_ADMIN_"):
            continue
        rest = var[3:]
        section = next((s for key, s in sections.items() if rest.startswith(key + "_")), None)
        if section is None or len(rest) == len(section) + 1:
            continue
        key = rest[len(section) + 1 :]
        secrets = (name for where, name, _ in SECRETS if where == section)
        known = (*config.get(section, {}), *DEFAULTS.get(section, {}), *secrets)
        setting = next((s for s in known if s.upper() == key), key)
        found.append((var, section, setting, raw))
    return found


def apply_env_overrides(config: dict[str, dict[str, Any]], environ: Mapping[str, str]) -> list[str]:
    """Apply ``MM_<SECTION>_<SETTING>=value`` the way the server's env loader does.

    Settings the emulator does not know are kept too (as strings) so a client can read them
    back; returns the names that could not be converted to the setting's type (they are left
    unchanged).
    """
    failed = []
    for var, section_name, setting, raw in env_settings(config, environ):
        section = config.setdefault(section_name, {})
        like = section.get(setting, DEFAULTS.get(section_name, {}).get(setting))
        try:
            section[setting] = raw if like is None else _convert(raw, like)
        except ValueError:
            failed.append(var)
    return failed


def environment_map(
    config: Mapping[str, Mapping[str, Any]], environ: Mapping[str, str]
) -> dict[str, dict[str, bool]]:
    """``GET /config/environment``: which settings the environment sets."""
    out: dict[str, dict[str, bool]] = {}
    for _, section, setting, _ in env_settings(config, environ):
        out.setdefault(section, {})[setting] = True
    return out
