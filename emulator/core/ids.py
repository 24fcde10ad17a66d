"""Identifiers in each product's own format, drawn from a seeded or a secure source."""

from __future__ import annotations

import base64
import random
import secrets

# Mattermost NewId(): 16 random bytes, base32 with this alphabet, no padding (26 chars).
_B32_STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B32_MATTERMOST = "ybndrfg8ejkmcpqxot1uwisza345h769"
_TO_MATTERMOST = str.maketrans(_B32_STANDARD, _B32_MATTERMOST)

# Meteor Random.id(): 17 chars from this alphabet (Rocket.Chat ids).
METEOR_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"


def mattermost_id_from_bytes(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii").rstrip("=").translate(_TO_MATTERMOST)


def is_mattermost_id(value: object) -> bool:
    return isinstance(value, str) and len(value) == 26 and value.isalnum()


class IdSource:
    """Deterministic ids from a seeded stream; tokens always from the OS's secure source."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def mattermost_id(self) -> str:
        return mattermost_id_from_bytes(self._rng.randbytes(16))

    def meteor_id(self) -> str:
        return "".join(self._rng.choice(METEOR_ALPHABET) for _ in range(17))

    def hex(self, nbytes: int) -> str:
        return self._rng.randbytes(nbytes).hex()

    @staticmethod
    def mattermost_token() -> str:
        """Session and access tokens: same shape as ids, but unguessable."""
        return mattermost_id_from_bytes(secrets.token_bytes(16))

    @staticmethod
    def meteor_token() -> str:
        """Rocket.Chat login tokens: 43 url-safe chars (``Accounts._generateStampedLoginToken``)."""
        return secrets.token_urlsafe(32)
