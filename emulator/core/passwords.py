"""Password hashing as the real servers do it: bcrypt, cost 10 by default.

Mattermost stores bcrypt(password); Rocket.Chat stores bcrypt(SHA-256 hex of the password), which
its callers pass in here already digested. Cost 10 is ~70 ms a hash, so the cost is a setting
(``password_cost``): tests run at bcrypt's minimum. Seeded accounts, whose passwords are published
by the fixtures anyway, are always hashed at the minimum with a salt derived from the seed, so a
seeded workspace is the same byte for byte and starts in milliseconds. Hashes written by older
versions (salted PBKDF2) still verify.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import bcrypt

DEFAULT_COST = 10  # both servers' default
MIN_COST = 4  # bcrypt's minimum: seeded accounts, tests
MAX_COST = 31
# bcrypt reads at most 72 bytes; the library refuses longer input, the servers' libraries cut it.
MAX_BYTES = 72
LEGACY_ALGORITHM = "pbkdf2_sha256"

_STANDARD_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_BCRYPT_B64 = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_TO_BCRYPT = bytes.maketrans(_STANDARD_B64, _BCRYPT_B64)


def _secret(password: str) -> bytes:
    return password.encode()[:MAX_BYTES]


def _salt(cost: int, seed: str | None) -> bytes:
    if seed is None:
        return bcrypt.gensalt(cost)
    raw = hashlib.sha256(seed.encode()).digest()[:16]
    encoded = base64.b64encode(raw).rstrip(b"=").translate(_TO_BCRYPT)
    return b"$2b$%02d$" % cost + encoded


def hash_password(password: str, cost: int = DEFAULT_COST, seed: str | None = None) -> str:
    """A bcrypt hash at ``cost``; with ``seed`` the salt comes from it (reproducible)."""
    if not MIN_COST <= cost <= MAX_COST:
        raise ValueError(f"bcrypt cost must be {MIN_COST}..{MAX_COST}, not {cost}")
    return bcrypt.hashpw(_secret(password), _salt(cost, seed)).decode()


def seeded_hash(password: str, seed: str) -> str:
    """A seeded account's hash: minimum cost, salt from the seed."""
    return hash_password(password, MIN_COST, seed)


def check_password(password: str, stored: str | None) -> bool:
    if not stored or not isinstance(password, str):
        return False
    if stored.startswith(LEGACY_ALGORITHM + "$"):
        return _check_legacy(password, stored)
    try:
        return bcrypt.checkpw(_secret(password), stored.encode())
    except ValueError:  # not a bcrypt hash (e.g. a hand-edited snapshot)
        return False


def _check_legacy(password: str, stored: str) -> bool:
    try:
        _, iterations, salt, digest = stored.split("$")
        rounds = int(iterations)
    except ValueError:
        return False
    if not 0 < rounds <= 1_000_000:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), rounds).hex()
    return hmac.compare_digest(candidate, digest)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
