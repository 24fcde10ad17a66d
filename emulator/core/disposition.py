"""``Content-Disposition`` for any file name (RFC 6266): headers are Latin-1 on the wire, names
are not, so the name travels as ``filename*=UTF-8''…`` with an ASCII ``filename`` fallback."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

# RFC 5987 attr-char, less ALPHA / DIGIT (always safe for ``quote``).
_ATTR_CHARS = "!#$&+-.^_`|~"


def content_disposition(kind: str, name: str, separator: str = "; ") -> str:
    """``<kind><separator>filename="<ascii>"; filename*=UTF-8''<percent-encoded>``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(c for c in ascii_name if " " <= c != "\x7f")  # no CR/LF in headers
    ascii_name = ascii_name.replace("\\", "\\\\").replace('"', '\\"')
    encoded = quote(name, safe=_ATTR_CHARS)
    return f"{kind}{separator}filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"
