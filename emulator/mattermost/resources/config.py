"""``api4/config.go`` and ``api4/license.go``: what clients read on start-up."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import runtime
from .. import authentication, errors, models, settings

blueprint = Blueprint("mm_config", __name__, url_prefix="/api/v4")


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


@blueprint.get("/config/client")
def get_client_config() -> Response:
    rt = runtime()
    fmt = request.args.get("format", "")
    if not fmt:
        raise errors.AppError(501, errors.CONFIG_OLD_FORMAT)
    if fmt != "old":
        raise errors.invalid_body_param("format")
    try:
        authentication.current_session(rt)
        signed_in = True
    except errors.AppError:
        signed_in = False
    config = client_config(models.get_config(rt), signed_in)
    # Computed: whether the server still waits for its first account.
    config["NoAccounts"] = "true" if rt.store.count("users") == 0 else "false"
    return jsonify(config)


@blueprint.get("/license/client")
def get_client_license() -> Response:
    fmt = request.args.get("format", "")
    if not fmt:
        raise errors.AppError(501, errors.LICENSE_OLD_FORMAT)
    if fmt != "old":
        raise errors.invalid_body_param("format")
    return jsonify({"IsLicensed": "false"})
