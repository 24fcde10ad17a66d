"""``AllowedUntrustedInternalConnections``: which internal addresses integrations may reach.

Upstream's ``MakeTransport(false)`` (``platform/services/httpservice``) refuses reserved
(loopback, private, link-local) and the server's own addresses unless the setting lists the host
name exactly, or a CIDR range holding the address; entries are separated by spaces or commas.
Upstream's default (empty) refuses them all; the emulator, when the setting is empty, calls any
address, because the app under test usually listens on loopback or a private network.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
from urllib.parse import urlsplit

from ...core.runtime import Runtime
from .common import setting

FORBIDDEN = (
    "address forbidden, you may need to set AllowedUntrustedInternalConnections to allow an "
    "integration access to your internal network"
)
# RFC 6890 ranges, as IsReservedIP lists them.
RESERVED = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "::/128",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    )
)
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def register(rt: Runtime) -> None:
    rt.callouts.set_policy(lambda url: refusal(rt, url))


def refusal(rt: Runtime, url: str) -> str | None:
    """Why ``url`` may not be called (upstream's ``AddressForbidden``), or None."""
    raw = setting(rt, "ServiceSettings", "AllowedUntrustedInternalConnections", "")
    entries = [e for e in re.split(r"[\s,]+", str(raw or "")) if e]
    if not entries:
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host in entries:
        return None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError):
        return None  # unresolvable: the call fails on its own, as upstream's dial does
    ranges = [_network(e) for e in entries]
    own = _own_addresses()
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not _reserved(address) and address not in own:
            return None
        if any(r is not None and address in r for r in ranges):
            return None
    return FORBIDDEN


def _reserved(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in RESERVED)


def _network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """A CIDR entry (``10.0.0.0/8``); plain names and addresses match only as host names."""
    if "/" not in entry:
        return None
    try:
        return ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return None


def _own_addresses() -> set[Address]:
    """The server's own addresses (``IsOwnIP``), as far as its host name resolves."""
    found: set[Address] = set()
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None):
            with contextlib.suppress(ValueError):
                found.add(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]))
    return found
