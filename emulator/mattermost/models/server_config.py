"""The server config at run time (``api4/config.go``, ``config/store.go``).

The stored document keeps ``settings``, what the server runs with (environment overrides
applied, read by every handler), and ``base``, what was set without the environment: as
upstream persists the config without its env overrides, a variable removed before a restart
gives back the value set through the API. A change applies at once, is stored (so a data dir
keeps it) and is announced with ``config_changed``; ``/_emulator/reset`` restores the seeded one.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlsplit

from ...core.runtime import Runtime
from .. import errors, settings
from .common import get_config, publish_event

Config = dict[str, dict[str, Any]]

PASSWORD_MIN, PASSWORD_MAX = 5, 72  # PasswordMinimumLength, PasswordMaximumLength
SITE_NAME_MAX = 30  # SitenameMaxLength


def current(rt: Runtime) -> Config:
    return copy.deepcopy(get_config(rt))


def _base(rt: Runtime) -> Config:
    stored = rt.store.get("config", "config")
    return copy.deepcopy(stored.get("base") or stored["settings"])


def checked_body(body: Any) -> Config:
    """A config body as Go decodes it into ``model.Config``: unknown sections dropped, a
    setting of the wrong type (or a section that is no object) refusing the whole body;
    ``null`` settings are left out (unset pointers)."""
    if not isinstance(body, dict):
        raise errors.invalid_body_param("config")
    out: Config = {}
    for section, values in body.items():
        if section not in settings.SECTIONS or values is None:
            continue
        if not isinstance(values, dict):
            raise errors.invalid_body_param("config")
        defaults = settings.DEFAULTS.get(section, {})
        for name, value in values.items():
            if value is None:
                continue
            like = defaults.get(name)
            if like is not None and not _same_type(value, like):
                raise errors.invalid_body_param("config")
            out.setdefault(section, {})[name] = value
    return out


def _same_type(value: Any, like: Any) -> bool:
    if isinstance(like, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(like, bool)
    if isinstance(like, int):
        return isinstance(value, int)
    return isinstance(value, type(like))


def replace(rt: Runtime, body: Config) -> Config:
    """``updateConfig``: the body over the defaults (``SetDefaults``); plugin uploads and the
    marketplace URL (while uploads are off) keep their values, a set Site URL cannot be
    cleared."""
    old = current(rt)
    new = settings.default_config()
    for section, values in body.items():
        new.setdefault(section, {}).update(values)
    if old["ServiceSettings"].get("SiteURL") and not new["ServiceSettings"]["SiteURL"]:
        raise errors.bad_request(errors.CONFIG_CLEAR_SITEURL)
    plugins, old_plugins = new["PluginSettings"], old.get("PluginSettings", {})
    plugins["EnableUploads"] = old_plugins.get("EnableUploads", False)
    if not plugins["EnableUploads"]:
        plugins["MarketplaceURL"] = old_plugins.get("MarketplaceURL", plugins["MarketplaceURL"])
    return save(rt, new)


def patch(rt: Runtime, body: Config) -> Config:
    """``patchConfig``: only the settings given change; changing plugin uploads (or the
    marketplace URL with uploads off) is refused, as is clearing a set Site URL."""
    old = current(rt)
    given = body.get("ServiceSettings", {})
    if old["ServiceSettings"].get("SiteURL") and given.get("SiteURL") == "":
        raise errors.bad_request(errors.CONFIG_CLEAR_SITEURL)
    plugins, old_plugins = body.get("PluginSettings", {}), old.get("PluginSettings", {})
    uploads = plugins.get("EnableUploads")
    if uploads is not None and uploads != old_plugins.get("EnableUploads", False):
        raise _not_allowed("PluginSettings.EnableUploads")
    url = plugins.get("MarketplaceURL")
    changes_url = url is not None and url != old_plugins.get("MarketplaceURL")
    if changes_url and uploads is False:
        raise _not_allowed("PluginSettings.MarketplaceURL")
    new = copy.deepcopy(old)
    for section, values in body.items():
        new.setdefault(section, {}).update(values)
    return save(rt, new)


def _not_allowed(name: str) -> errors.AppError:
    return errors.AppError(403, errors.CONFIG_NOT_ALLOWED_SECURITY, Name=name)


def save(rt: Runtime, new: Config) -> Config:
    """``Store.Set``: secrets sent back sanitized keep their value, the environment wins over
    what was sent (and is kept out of ``base``), the result must be valid; listeners hear of a
    change."""
    old = current(rt)
    base = _base(rt)
    settings.desanitize(old, new)
    new_base = copy.deepcopy(new)
    for _, section, name, _ in settings.env_settings(new, rt.config.environ):
        before = base.get(section, {})
        if name in before:
            new_base.setdefault(section, {})[name] = before[name]
        else:
            new_base.get(section, {}).pop(name, None)
    settings.apply_env_overrides(new, rt.config.environ)
    _validate(new)
    rt.store.update("config", "config", {"settings": new, "base": new_base})
    if new != old:
        config_changed(rt)
    return new


def reload(rt: Runtime) -> None:
    """``ReloadConfig``: the stored config read again, the environment applied over it."""
    old = current(rt)
    new = _base(rt)
    settings.apply_env_overrides(new, rt.config.environ)
    rt.store.update("config", "config", {"settings": new})
    if new != old:
        config_changed(rt)


def config_changed(rt: Runtime) -> None:
    """The config listener's event, to every connection: the client config as signed-in users
    read it."""
    publish_event(rt, "config_changed", {"config": computed_client_config(rt, signed_in=True)})


def _flag(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def client_config(config: dict[str, dict[str, Any]], signed_in: bool) -> dict[str, str]:
    """``GenerateClientConfig`` / ``GenerateLimitedClientConfig``: every value a string."""
    service = config.get("ServiceSettings", {})
    team = config.get("TeamSettings", {})
    email = config.get("EmailSettings", {})
    password = config.get("PasswordSettings", {})
    privacy = config.get("PrivacySettings", {})
    files = config.get("FileSettings", {})
    out = {
        "Version": settings.VERSION,
        "BuildNumber": settings.BUILD_NUMBER,
        "BuildDate": "",
        "BuildHash": "emulator",
        "BuildHashEnterprise": "none",
        "BuildEnterpriseReady": "false",
        "SiteURL": service.get("SiteURL", ""),
        "SiteName": team.get("SiteName", "Mattermost"),
        "DiagnosticsEnabled": "false",
        "TelemetryId": "",
        "EnableSignUpWithEmail": _flag(email.get("EnableSignUpWithEmail", True)),
        "EnableSignInWithEmail": _flag(email.get("EnableSignInWithEmail", True)),
        "EnableSignInWithUsername": _flag(email.get("EnableSignInWithUsername", True)),
        "EnableUserCreation": _flag(team.get("EnableUserCreation", True)),
        "EnableOpenServer": _flag(team.get("EnableOpenServer", False)),
        "RequireEmailVerification": _flag(email.get("RequireEmailVerification", False)),
        "PasswordMinimumLength": _flag(password.get("MinimumLength", 8)),
        "PasswordRequireLowercase": _flag(password.get("Lowercase", False)),
        "PasswordRequireUppercase": _flag(password.get("Uppercase", False)),
        "PasswordRequireNumber": _flag(password.get("Number", False)),
        "PasswordRequireSymbol": _flag(password.get("Symbol", False)),
        "EnableLdap": "false",
        "EnableSaml": "false",
        "EnableSignUpWithGitLab": "false",
        "EnableSignUpWithGoogle": "false",
        "EnableSignUpWithOffice365": "false",
        "EnableSignUpWithOpenId": "false",
        "EnableMultifactorAuthentication": _flag(
            service.get("EnableMultifactorAuthentication", False)
        ),
        # Enforcement is a licensed feature: an unlicensed server reports it off, whatever the
        # setting, and enforces nothing (``web.Context.MfaRequired`` wants license.Features.MFA).
        "EnforceMultifactorAuthentication": "false",
        "EnableGuestAccounts": "false",
        "TermsOfServiceLink": "https://about.mattermost.com/default-terms/",
        "PrivacyPolicyLink": "https://about.mattermost.com/default-privacy-policy/",
        "AboutLink": "https://about.mattermost.com/default-about/",
        "HelpLink": "https://about.mattermost.com/default-help/",
        "ReportAProblemLink": "https://about.mattermost.com/default-report-a-problem/",
        "SupportEmail": "feedback@mattermost.com",
        "DefaultClientLocale": "en",
        "AvailableLocales": "",
        "CustomBrandText": "",
        "CustomDescriptionText": "",
        "EnableCustomBrand": "false",
    }
    if not signed_in:
        return out
    out.update(
        {
            "EnableUserAccessTokens": _flag(service.get("EnableUserAccessTokens", False)),
            "EnableBotAccountCreation": _flag(service.get("EnableBotAccountCreation", False)),
            "EnableOAuthServiceProvider": _flag(service.get("EnableOAuthServiceProvider", True)),
            "EnableCustomEmoji": _flag(service.get("EnableCustomEmoji", True)),
            "AllowSyncedDrafts": _flag(service.get("AllowSyncedDrafts", True)),
            "EnableIncomingWebhooks": _flag(service.get("EnableIncomingWebhooks", True)),
            "EnableOutgoingWebhooks": _flag(service.get("EnableOutgoingWebhooks", True)),
            "EnableCommands": _flag(service.get("EnableCommands", True)),
            "EnablePostUsernameOverride": _flag(service.get("EnablePostUsernameOverride", False)),
            "EnablePostIconOverride": _flag(service.get("EnablePostIconOverride", False)),
            "EnableDeveloper": _flag(service.get("EnableDeveloper", False)),
            "CollapsedThreads": _flag(service.get("CollapsedThreads", "always_on")),
            "EnableUserDeactivation": _flag(team.get("EnableUserDeactivation", False)),
            "ShowEmailAddress": _flag(privacy.get("ShowEmailAddress", True)),
            "ShowFullName": _flag(privacy.get("ShowFullName", True)),
            "EnableFileAttachments": _flag(files.get("EnableFileAttachments", True)),
            "MaxFileSize": _flag(files.get("MaxFileSize", 104857600)),
            "MaxPostSize": "16383",
            "EnableConfirmNotificationsToChannel": "true",
            "EnableEmailInvitations": "false",
            "ExperimentalEnableAuthenticationTransfer": "true",
            "RestrictDirectMessage": "any",
            "TeammateNameDisplay": "username",
            "LockTeammateNameDisplay": "false",
            "EnableLinkPreviews": "true",
            "EnableSVGs": "false",
            "EnableLatex": "false",
            "EnablePreviewFeatures": "true",
            "EnableTutorial": "true",
            "EnableMarketplace": "false",
            "PluginsEnabled": "false",
            "AllowEditPost": "always",
            "PostEditTimeLimit": "-1",
            "EnablePreviewModeBanner": "true",
            "ExperimentalViewArchivedChannels": "true",
            "ExperimentalTimezone": "true",
            "ExperimentalSharedChannels": "false",
            "FeatureFlagCollapsedThreads": "true",
        }
    )
    return out


def computed_client_config(rt: Runtime, signed_in: bool) -> dict[str, str]:
    """``ClientConfigWithComputed`` (``LimitedClientConfigWithComputed`` when not signed in)."""
    config = client_config(get_config(rt), signed_in)
    # Computed: whether the server still waits for its first account.
    config["NoAccounts"] = "true" if rt.store.count("users") == 0 else "false"
    return config


def _validate(config: Config) -> None:
    """The parts of ``Config.IsValid`` that concern settings the emulator keeps."""
    service, team = config["ServiceSettings"], config["TeamSettings"]
    site_url = service.get("SiteURL")
    if isinstance(site_url, str) and site_url:
        parts = urlsplit(site_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise errors.bad_request(errors.CONFIG_SITE_URL)
    if not _positive(service.get("MaximumLoginAttempts")):
        raise errors.bad_request(errors.CONFIG_LOGIN_ATTEMPTS)
    if not _positive(team.get("MaxUsersPerTeam")):
        raise errors.bad_request(errors.CONFIG_MAX_USERS)
    name = team.get("SiteName")
    if isinstance(name, str) and len(name) > SITE_NAME_MAX:
        raise errors.bad_request(errors.CONFIG_SITENAME_LENGTH, MaxLength=str(SITE_NAME_MAX))
    length = config["PasswordSettings"].get("MinimumLength")
    if not isinstance(length, int) or not PASSWORD_MIN <= length <= PASSWORD_MAX:
        raise errors.bad_request(
            errors.CONFIG_PASSWORD_LENGTH, MinLength=str(PASSWORD_MIN), MaxLength=str(PASSWORD_MAX)
        )
    limits = config["RateLimitSettings"]
    if limits.get("Enable") is True:
        for key, error_id in (
            ("MemoryStoreSize", errors.CONFIG_RATE_MEM),
            ("PerSec", errors.CONFIG_RATE_SEC),
            ("MaxBurst", errors.CONFIG_MAX_BURST),
        ):
            if not _positive(limits.get(key)):
                raise errors.bad_request(error_id)


def _positive(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
