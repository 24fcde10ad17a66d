"""``python -m emulator.healthcheck``: exit 0 when every configured product answers its health.

The container's HEALTHCHECK: it reads the same ``CHAT_EMULATOR_*`` variables as ``serve``, so a
container started with ``--only`` or other ports is checked where it really listens.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from collections.abc import Mapping

from .config import DEFAULT_PORTS, PRODUCTS


def targets(environ: Mapping[str, str]) -> list[str]:
    host = environ.get("CHAT_EMULATOR_HOST", "127.0.0.1")
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    only = environ.get("CHAT_EMULATOR_ONLY")
    products = [only] if only in PRODUCTS else list(PRODUCTS)
    urls = []
    for product in products:
        port = environ.get(f"CHAT_EMULATOR_{product.upper()}_PORT", DEFAULT_PORTS[product])
        urls.append(f"http://{host}:{port}/_emulator/health")
    return urls


def main(environ: Mapping[str, str] | None = None) -> int:
    for url in targets(os.environ if environ is None else environ):
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                if json.load(response).get("status") != "ok":
                    raise ValueError("not ok")
        except (OSError, ValueError) as exc:
            print(f"unhealthy: {url}: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
