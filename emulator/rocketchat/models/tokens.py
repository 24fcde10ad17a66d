"""Login tokens, stored as the server stores them (hashed)."""

from __future__ import annotations

from ...core.realtime import publish_revocation
from ...core.runtime import Runtime
from .common import Doc, hash_token, setting

# -- tokens -----------------------------------------------------------------------------------


def issue_login_token(rt: Runtime, user: Doc) -> str:
    token = rt.ids.meteor_token()
    rt.store.insert(
        "tokens",
        {
            "hashedToken": hash_token(token),
            "userId": user["_id"],
            "when": rt.clock.now_ms(),
            "type": "login",
        },
    )
    return token


def user_for_token(rt: Runtime, user_id: str, token: str) -> Doc | None:
    """The user owning a login or personal access token, if it is valid for ``user_id``."""
    record = rt.store.get("tokens", hash_token(token))
    if record is None or record["userId"] != user_id:
        return None
    if record["type"] == "login":
        days = setting(rt, "Accounts_LoginExpiration")
        if record["when"] + days * 86_400_000 <= rt.clock.now_ms():
            return None
    user = rt.store.get("users", user_id)
    if user is None or not user["active"]:
        return None
    return user


def revoke_token(rt: Runtime, token: str) -> None:
    record = rt.store.get("tokens", hash_token(token))
    if record is not None:
        rt.store.delete("tokens", record["hashedToken"])
        publish_revocation(rt.events, record["userId"])


def revoke_other_login_tokens(rt: Runtime, user_id: str, token: str) -> None:
    """Every login token of the user but ``token`` (personal access tokens stay)."""
    kept = hash_token(token)
    with rt.store.transaction():
        for record in rt.store.find("tokens", "userId", user_id):
            if record["type"] == "login" and record["hashedToken"] != kept:
                rt.store.delete("tokens", record["hashedToken"])
    publish_revocation(rt.events, user_id)
