"""Server-side checks and counters an admin console calls: usage and limits, the connection
tests (e-mail, site URL, S3) and the redirect lookup. The emulator opens connections to the
loopback interface only; any other target is answered as the real server answers an
unreachable one."""

from __future__ import annotations

import base64
import ipaddress
import math
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, get_config
from .system import set_system_value

# ``app/limits.go`` for an unlicensed server of this version.
MAX_USERS_LIMIT = 2_500
MAX_USERS_HARD_LIMIT = 5_000
# ``RedirectLocationMaximumLength``: longer locations are treated as a failed lookup.
REDIRECT_LOCATION_MAX = 2100
LOOPBACK_TIMEOUT_SECONDS = 2.0


def round_off_to_zeroes(n: int, min_resolution: int) -> int:
    """``utils.RoundOffToZeroesResolution``: drop up to ``min_resolution`` trailing digits, but
    never the leading one (987 -> 900 with 3; 12345 -> 12000)."""
    resolution = max(0, min_resolution)
    if -9 <= n <= 9:
        return n if resolution == 0 else 0
    zeroes = int(math.log10(abs(n)))
    tens = 10 ** min(zeroes, resolution)
    return int(n / tens) * tens


def active_user_count(rt: Runtime) -> int:
    """``UserStore.Count`` with no options: active accounts, bots excluded."""
    return sum(1 for u in rt.store.all("users") if not u["delete_at"] and not u.get("is_bot"))


def server_limits(rt: Runtime, is_admin: bool) -> Doc:
    """``getServerLimits``: an unlicensed server's user limits; others see only the (absent)
    post history limit."""
    if not is_admin:
        return {"postHistoryLimit": 0, "lastAccessiblePostTime": 0}
    return {
        "activeUserCount": active_user_count(rt),
        "maxUsersLimit": MAX_USERS_LIMIT,
        "maxUsersHardLimit": MAX_USERS_HARD_LIMIT,
        "postHistoryLimit": 0,
        "lastAccessiblePostTime": 0,
    }


def posts_usage(rt: Runtime) -> int:
    """``GetPostsUsage``: users' live posts (no system messages), to three zeroes."""
    count = sum(
        1
        for p in rt.store.all("posts")
        if not p["delete_at"] and not p.get("type", "").startswith("system_")
    )
    return round_off_to_zeroes(count, 3)


def teams_usage(rt: Runtime) -> dict[str, int]:
    """``GetTeamsUsage``: live teams; none is archived by cloud limits on a self-hosted server."""
    active = sum(1 for t in rt.store.all("teams") if not t["delete_at"])
    return {"active": active, "cloud_archived": 0}


def storage_usage(rt: Runtime) -> int:
    """``GetStorageUsage``: the bytes of live files, to eight zeroes."""
    total = sum(f.get("size", 0) for f in rt.store.all("files") if not f.get("delete_at"))
    return round_off_to_zeroes(total, 8)


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def settings_for_test(rt: Runtime, body: object, section: str, nil_error: str) -> Doc:
    """The section of the config a connection test uses: the posted config's (every setting
    given, as ``checkHasNilFields`` wants), or the server's own when nothing decodes."""
    if not isinstance(body, dict):
        return dict(get_config(rt).get(section, {}))
    given = body.get(section)
    known = get_config(rt).get(section, {})
    if not isinstance(given, dict) or any(given.get(name) is None for name in known):
        raise errors.bad_request(nil_error)
    return given


def test_email(email_settings: Doc) -> None:
    """``TestEmail``: an SMTP server must be named. Mail is never sent; the emulator accepts it
    as it accepts every mail it would send (invitations are kept, never mailed)."""
    if not email_settings.get("SMTPServer", "localhost"):
        raise errors.bad_request(
            errors.TEST_EMAIL_MISSING_SERVER, "Invalid or missing SMTPServer in request body."
        )


def test_site_url(site_url: str) -> None:
    """``TestSiteURL``: the URL answers ``/api/v4/system/ping``. Only loopback URLs are tried;
    any other is what an unreachable one is."""
    if is_loopback(site_url):
        ping = site_url.rstrip("/") + "/api/v4/system/ping"
        try:
            with urllib.request.urlopen(ping, timeout=LOOPBACK_TIMEOUT_SECONDS) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError, ValueError):
            pass
    raise errors.bad_request(errors.TEST_SITE_URL_FAILURE)


def test_s3(file_settings: Doc) -> None:
    """``testS3``: the bucket is required; a configured S3 store is never contacted, so it is
    what an unreachable one is (a 500 upstream too)."""
    if not file_settings.get("AmazonS3Bucket"):
        raise errors.bad_request(errors.TEST_S3_MISSING_BUCKET)
    if file_settings.get("DriverName", "local") == "amazons3":
        raise errors.AppError(500, errors.TEST_S3_CONNECTION)


def redirect_location(url: str) -> str:
    """``getRedirectLocation``: the ``Location`` a HEAD request gets back, followed for loopback
    URLs only; every failure is an empty location."""
    if not is_loopback(url):
        return ""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, method="HEAD")
    try:
        with opener.open(request, timeout=LOOPBACK_TIMEOUT_SECONDS) as response:
            location = response.headers.get("Location", "")
    except urllib.error.HTTPError as redirect:
        location = redirect.headers.get("Location", "") or ""
    except (urllib.error.URLError, OSError, ValueError):
        return ""
    return location if len(location) <= REDIRECT_LOCATION_MAX else ""


AUDIT_CERTIFICATE = "audit_certificate"


def set_audit_certificate(rt: Runtime, data: bytes | None) -> None:
    """``AddAuditLogCertificate`` / ``RemoveAuditLogCertificate``: the file kept (base64) in the
    server's named values, or dropped."""
    if data is None:
        rt.store.delete("systems", AUDIT_CERTIFICATE)
        return
    set_system_value(rt, AUDIT_CERTIFICATE, base64.b64encode(data).decode())
