"""Secrets out of what the emulator records: headers, URLs, query strings and bodies.

One rule names a secret (``is_secret_name``): passwords, tokens of every kind (session, personal
access, OAuth, MFA, CSRF, webhook), client secrets, OAuth codes, DDP ``resume`` tokens and
password ``digest``s. Their values become ``[redacted]`` wherever they sit: JSON at any depth
(everything under a secret key, e.g. Rocket.Chat's ``password: {digest, algorithm}``), JSON inside
JSON strings (``method.call``'s ``message``), urlencoded forms and query strings, multipart
fields, cookies, URLs (``?access_token=``, ``/hooks/<id>/<token>``). Bodies are redacted whole
and only then cut to the shown length, so a cut never shows the start of a secret.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import unquote_plus

REDACTED = "[redacted]"
_QUOTED = json.dumps(REDACTED)

# Names (JSON keys, form fields, query parameters, headers) compared lower-case, letters and
# digits only: ``new_password``, ``authToken``, ``X-Auth-Token``, ``client_secret``...
_SECRET_SUFFIXES = ("password", "passwd", "pass", "token", "secret", "csrf")
_SECRET_NAMES = frozenset(
    {
        "pwd",
        "code",  # OAuth authorization code; Rocket.Chat's TOTP code at login
        "resume",  # DDP login with a token
        "digest",  # Rocket.Chat's SHA-256 password digest
        "totp",
        "qrcode",  # Mattermost MFA: encodes the secret
        "x2facode",
        "mfacode",
        "twofactorcode",
        "bcrypt",
        "codes",  # Rocket.Chat's TOTP backup codes
        "privatekey",  # Rocket.Chat's E2E private key (``e2e.setUserPublicAndPrivateKeys``)
        "joincode",  # Rocket.Chat's room password (``rooms.join``, ``channels.setJoinCode``)
    }
)
# DDP methods that take a secret as a positional parameter (Rocket.Chat's ``2fa:*`` take a TOTP
# or backup code): a frame calling one has its whole ``params`` hidden.
_SECRET_PARAMS_METHOD = re.compile(
    r'"method"\s*:\s*"2fa:(?:validateTempToken|disable|regenerateCodes)"'
)
_NON_ALNUM = re.compile(r"[^a-z0-9]")


def is_secret_name(name: str) -> bool:
    normal = _NON_ALNUM.sub("", name.lower())
    return normal in _SECRET_NAMES or normal.endswith(_SECRET_SUFFIXES)


# A body whose shown part holds none of these has nothing to redact (every secret's name, or a
# webhook path, or an escape that could spell one): it is kept as it came, cheaply.
_CLUES = (b"pass", b"pwd", b"token", b"secret", b"code", b"resume", b"digest", b"csrf", b"totp")
_CLUES += (b"bcrypt", b"/hooks/", b"\\u", b"2fa:", b"private")


def maybe_secret(data: bytes) -> bool:
    lowered = data.lower()
    return any(clue in lowered for clue in _CLUES)


# -- headers --------------------------------------------------------------------------------------

_URL_HEADERS = frozenset({"location", "content-location", "referer"})
_COOKIE = re.compile(r"(^|;\s*)([^=;\s]+)=([^;]*)")


def redact_header(name: str, value: str) -> str:
    lower = name.lower()
    if lower == "cookie":
        return _COOKIE.sub(lambda m: f"{m.group(1)}{m.group(2)}={REDACTED}", value)
    if lower == "set-cookie":  # only the first pair is the cookie; the rest are attributes
        return _COOKIE.sub(lambda m: f"{m.group(1)}{m.group(2)}={REDACTED}", value, count=1)
    if lower in ("authorization", "proxy-authorization"):
        scheme, sep, _ = value.strip().partition(" ")
        return f"{scheme} {REDACTED}" if sep else REDACTED
    if is_secret_name(lower):
        return REDACTED
    if lower in _URL_HEADERS:
        return redact_url(value)
    return value


def redact_headers(headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((name, redact_header(name, value)) for name, value in headers)


# -- URLs, paths, query strings, forms ------------------------------------------------------------

_FIELD = re.compile(r"(^|[?&;#])([^=&?;#]+)=([^&;#]*)")
# Incoming webhooks: Mattermost ``/hooks/<id>`` (the id is the secret), Rocket.Chat
# ``/hooks/<id>/<token>``.
_HOOK = re.compile(r"^/hooks/([^/]+)(?:/(.*))?$", re.S)
_URL_HEAD = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/?#]*)(.*)$", re.S)
# A webhook path mentioned in text (an error's ``url=/hooks/...``, a URL in a message).
_HOOK_MENTION = re.compile(r"""(^|[\s=("']|://[^/\s"']*)/hooks/([^/\s"'?#&]+)(/[^\s"'?#&]*)?""")


def redact_form(text: str) -> str:
    """``name=value`` pairs (urlencoded bodies, query strings, fragments) with secret names."""

    def field(m: re.Match[str]) -> str:
        if is_secret_name(unquote_plus(m.group(2).strip())):
            return f"{m.group(1)}{m.group(2)}={REDACTED}"
        return m.group(0)

    return _FIELD.sub(field, text) if "=" in text else text


# Rocket.Chat's livechat routes that take the visitor's token (its only credential) as a path
# segment: ``livechat/visitor/:token``, ``visitor/:token/room``, ``agent.next/:token``,
# ``agent.info/:rid/:token``.
_TOKEN_PATH = re.compile(
    r"^(/api/v1/livechat/(?:visitor/|agent\.next/|agent\.info/[^/]+/))([^/]+)(/room/?|/?)$"
)


def redact_path(path: str) -> str:
    found = _HOOK.match(path)
    if found is None:
        token = _TOKEN_PATH.match(path)
        if token is not None:
            return token.group(1) + REDACTED + token.group(3)
        return path
    if found.group(2):
        return f"/hooks/{found.group(1)}/{REDACTED}"
    return f"/hooks/{REDACTED}" + ("/" if found.group(2) is not None else "")


def path_secrets(path: str) -> tuple[bytes, ...]:
    """The secret segments of a webhook path, which a response may echo (Mattermost's errors
    name the hook id in their message)."""
    found = _HOOK.match(path)
    if found is None:
        return ()
    secret = found.group(2) if found.group(2) else found.group(1)
    return (secret.encode(),) if secret else ()


def scrub(data: bytes, secrets: tuple[bytes, ...]) -> bytes:
    for secret in secrets:
        data = data.replace(secret, REDACTED.encode())
    return data


def _redact_hook_mentions(text: str) -> str:
    def hook(m: re.Match[str]) -> str:
        return m.group(1) + redact_path(f"/hooks/{m.group(2)}{m.group(3) or ''}")

    return _HOOK_MENTION.sub(hook, text)


def redact_url(url: str) -> str:
    """Absolute or path-only: password in the authority, webhook path, secret parameters."""
    rest, hash_mark, fragment = url.partition("#")
    rest, question, query = rest.partition("?")
    head = _URL_HEAD.match(rest)
    if head is not None:
        scheme, authority, path = head.groups()
        user, at, host = authority.rpartition("@")
        if at and ":" in user:
            authority = f"{user.split(':', 1)[0]}:{REDACTED}@{host}"
        rest = scheme + authority + redact_path(path)
    else:
        rest = redact_path(rest)
    return rest + question + redact_form(query) + hash_mark + redact_form(fragment)


# -- bodies ---------------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(
    r"""
    (?P<string>"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z))   # unterminated at the end: still a string
  | (?P<number>-?\d[0-9.eE+-]*)
  | (?P<punct>[{}\[\]:,])
  | (?P<space>\s+)
  | (?P<other>[^"{}\[\]:,\s]+)                       # true, false, null, and anything invalid
    """,
    re.X | re.S,
)


class _Container:
    __slots__ = ("expect_key", "is_object", "key_secret", "secret")

    def __init__(self, is_object: bool, secret: bool) -> None:
        self.is_object = is_object
        self.secret = secret  # everything inside is secret (it sits under a secret key)
        self.expect_key = is_object
        self.key_secret = False

    def value_is_secret(self) -> bool:
        return self.secret or (self.is_object and self.key_secret)


_CUT_UNICODE_ESCAPE = re.compile(r"\\u[0-9a-fA-F]{0,3}$")
_BACKSLASHES = re.compile(r"\\*$")


def _odd_backslashes_at_end(text: str) -> bool:
    return len(_BACKSLASHES.search(text).group()) % 2 == 1


def _decode_string(token: str) -> str | None:
    """A JSON string token's value; one the input cut off is decoded as far as it goes."""
    if len(token) < 2 or not token.endswith('"') or _odd_backslashes_at_end(token[:-1]):
        token = _CUT_UNICODE_ESCAPE.sub("", token)
        if _odd_backslashes_at_end(token):
            token = token[:-1]
        token += '"'
    try:
        value = json.loads(token)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _redact_string(token: str, limit: int | None) -> str:
    """A string value that is itself JSON or a URL, redacted inside; else as it was."""
    if len(token) < 3:
        return token
    value = _decode_string(token)
    if value is None:
        return token
    start = value.lstrip()[:1]
    if start in ("{", "["):
        inner, changed = _redact_json(value, limit)
    elif "/hooks/" in value or "://" in value:
        inner = _redact_hook_mentions(value)
        inner = redact_url(inner) if "://" in inner else inner
        changed = inner != value
    else:
        return token
    return json.dumps(inner, ensure_ascii=False) if changed else token


def _redact_json(text: str, limit: int | None = None) -> tuple[str, bool]:
    """Secret values replaced, the text otherwise byte for byte; tolerant of invalid or cut
    JSON. Stops once ``limit`` characters are out (the rest would not be shown)."""
    out: list[str] = []
    size = 0
    changed = False
    stack: list[_Container] = []
    secret_params = _SECRET_PARAMS_METHOD.search(text) is not None
    for match in _JSON_TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        top = stack[-1] if stack else None
        piece = token
        if kind == "punct":
            if token in "{[":
                stack.append(_Container(token == "{", top is not None and top.value_is_secret()))
            elif token in "}]":
                if stack:
                    stack.pop()
            elif top is not None and top.is_object:
                top.expect_key = token == ","
                if token == ",":
                    top.key_secret = False
        elif kind == "string" and top is not None and top.is_object and top.expect_key:
            # Names are short; a long key is data, not worth decoding.
            name = (_decode_string(token) or "") if len(token) <= 256 else ""
            top.key_secret = is_secret_name(name) or (secret_params and name == "params")
        elif kind in ("string", "number") and top is not None and top.value_is_secret():
            piece = _QUOTED
        elif kind == "string":
            piece = _redact_string(token, None if limit is None else max(limit - size, 1))
        if piece != token:
            changed = True
        out.append(piece)
        size += len(piece)
        if limit is not None and size >= limit:
            break
    return "".join(out), changed


_PART_NAME = re.compile(r'\bname="([^"]*)"', re.I)


def _redact_multipart(text: str) -> str:
    boundary = re.split(r"\r?\n", text.lstrip(), maxsplit=1)[0].strip()
    parts = text.split(boundary)
    for index, part in enumerate(parts):
        head, sep, body = part.partition("\r\n\r\n")
        if not sep:
            head, sep, body = part.partition("\n\n")
        found = _PART_NAME.search(head) if sep else None
        if found is None:
            continue
        if is_secret_name(found.group(1)):
            ending = "\r\n" if body.endswith("\r\n") else "\n" if body.endswith("\n") else ""
            parts[index] = head + sep + REDACTED + ending
        elif body.lstrip()[:1] in ("{", "["):
            parts[index] = head + sep + _redact_json(body)[0]
    return boundary.join(parts)


def redact_text(text: str, limit: int | None = None) -> str:
    """A body of any kind (sniffed: JSON, multipart, form) with its secrets redacted. With
    ``limit``, at least that many characters come out, if there are that many."""
    start = text.lstrip()[:1]
    if start in ("{", "[", '"'):
        return _redact_json(text, limit)[0]
    if text.lstrip().startswith("--") and "content-disposition" in text[:1024].lower():
        return _redact_multipart(text)
    return _redact_hook_mentions(redact_form(text)) if "/hooks/" in text else redact_form(text)


def redact_body(data: bytes, limit: int, total: int | None = None) -> tuple[bytes, int] | str:
    """A body as the journal keeps it: the first ``limit`` bytes and the full length if nothing
    there can be secret (decoded when read); else the text redacted, then cut, with a marker."""
    total = len(data) if total is None else total
    head = data[:limit]
    if not maybe_secret(head):
        return (head, total)
    if total <= limit:
        return redact_text(data.decode("utf-8", errors="replace"))
    # Redacting reads only as far as the shown part needs: a window twice the limit is enough
    # unless redactions shrank the text a lot, then a wider one.
    window = 2 * limit
    while True:
        shown = redact_text(data[:window].decode("utf-8", errors="replace"), limit)
        if len(shown) >= limit or window >= len(data):
            return shown[:limit] + f"... [{total - limit} more bytes]"
        window *= 4
