"""Identifiers in each product's own format, drawn from a seeded or a secure source."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from typing import Any

# Mattermost NewId(): 16 random bytes, base32 with this alphabet, no padding (26 chars).
_B32_STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B32_MATTERMOST = "ybndrfg8ejkmcpqxot1uwisza345h769"
_TO_MATTERMOST = str.maketrans(_B32_STANDARD, _B32_MATTERMOST)

# Meteor Random.id(): 17 chars from this alphabet (Rocket.Chat ids).
METEOR_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"

# Generation 0 is the seeded workspace's stream; ids made at run time start at 1.
SEEDING_GENERATION = 0
RUN_GENERATION = 1


def mattermost_id_from_bytes(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii").rstrip("=").translate(_TO_MATTERMOST)


def is_mattermost_id(value: object) -> bool:
    return isinstance(value, str) and len(value) == 26 and value.isalnum()


def check_state(value: object) -> dict[str, int]:
    """An id generator position as stored or sent: ``{"generation": n, "counter": n}``."""
    if not isinstance(value, dict) or set(value) != {"generation", "counter"}:
        raise ValueError('id state must be {"generation": <int>, "counter": <int>}')
    for name, number in value.items():
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number < 2**64:
            raise ValueError(f"id state {name} must be an integer from 0 to 2**64 - 1")
    return {"generation": value["generation"], "counter": value["counter"]}


class IdSource:
    """Deterministic ids; tokens always from the OS's secure source.

    Id number ``counter`` of stream ``generation`` is a hash of (seed, generation, counter), so
    the generator's whole position is two integers that can be stored beside the data it made:
    a restart or a restored snapshot continues the stream instead of handing out stored ids again.
    """

    def __init__(self, seed: int, generation: int = SEEDING_GENERATION) -> None:
        self._seed = seed
        self._generation = generation
        self._counter = 0
        self._lock = threading.Lock()

    def _draw(self, nbytes: int) -> bytes:
        with self._lock:
            generation, counter = self._generation, self._counter
            self._counter += 1
        key = f"{self._seed}:{generation}:{counter}".encode()
        return hashlib.blake2b(key, digest_size=nbytes, person=b"chat-emulator").digest()

    def mattermost_id(self) -> str:
        return mattermost_id_from_bytes(self._draw(16))

    def meteor_id(self) -> str:
        # 16 bytes cover 55**17 (about 2**98) ids many times over: the bias is negligible.
        number = int.from_bytes(self._draw(16), "big")
        chars = []
        for _ in range(17):
            number, digit = divmod(number, len(METEOR_ALPHABET))
            chars.append(METEOR_ALPHABET[digit])
        return "".join(chars)

    def hex(self, nbytes: int) -> str:
        return self._draw(nbytes).hex()

    # -- position -------------------------------------------------------------------------------

    def state(self) -> dict[str, int]:
        with self._lock:
            return {"generation": self._generation, "counter": self._counter}

    def restore(self, state: dict[str, Any]) -> None:
        checked = check_state(state)
        with self._lock:
            self._generation, self._counter = checked["generation"], checked["counter"]

    def branch(self, fingerprint: bytes) -> None:
        """Start a stream named after ``fingerprint`` (a digest of data that came without a
        position): it cannot meet any stream whose ids that data may hold, and the same data
        still gives the same ids."""
        generation = int.from_bytes(hashlib.blake2b(fingerprint, digest_size=8).digest(), "big")
        with self._lock:
            # Generations 0 and 1 are the seeded and the first run-time stream.
            self._generation, self._counter = max(generation, RUN_GENERATION + 1), 0

    @staticmethod
    def mattermost_token() -> str:
        """Session and access tokens: same shape as ids, but unguessable."""
        return mattermost_id_from_bytes(secrets.token_bytes(16))

    @staticmethod
    def meteor_token() -> str:
        """Rocket.Chat login tokens: 43 url-safe chars (``Accounts._generateStampedLoginToken``)."""
        return secrets.token_urlsafe(32)
