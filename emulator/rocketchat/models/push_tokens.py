"""Push tokens of mobile apps (``server/services/push/tokenManagement``): register, remove."""

from __future__ import annotations

from ...core.runtime import Runtime
from .common import Doc, hash_token


def register_push_token(
    rt: Runtime,
    user: Doc,
    login_token: str,
    token: Doc,
    app_name: str,
    token_id: str | None = None,
    voip_token: str | None = None,
) -> Doc:
    """``registerPushToken``: refresh the document with that id (else the same token for the
    app), or add one; then drop other documents of the same token, app and login."""
    auth_token = hash_token(login_token)
    now = rt.clock.now_ms()
    with rt.store.transaction():
        tokens = rt.store.all("push_tokens")
        doc = next((d for d in tokens if token_id and d["_id"] == token_id), None) or next(
            (d for d in tokens if d["token"] == token and d["appName"] == app_name), None
        )
        # a VoIP token's document may only be changed by its id
        if doc is not None and (doc.get("voipToken") or voip_token) and doc["_id"] != token_id:
            doc = None
        fields = {
            "token": token,
            "authToken": auth_token,
            "appName": app_name,
            "userId": user["_id"],
        }
        if voip_token and (doc is not None or token_id):
            fields["voipToken"] = voip_token
        if doc is None:
            doc = rt.store.insert(
                "push_tokens",
                {
                    "_id": token_id or rt.ids.meteor_id(),
                    **fields,
                    "enabled": True,
                    "createdAt": now,
                    "_updatedAt": now,
                },
            )
        else:
            doc = rt.store.update("push_tokens", doc["_id"], {**fields, "_updatedAt": now})
        for other in rt.store.all("push_tokens"):
            if other["_id"] != doc["_id"] and (
                other["token"] == token
                or (other["appName"] == app_name and other["authToken"] == auth_token)
            ):
                rt.store.delete("push_tokens", other["_id"])
    return doc


def remove_push_tokens(rt: Runtime, user: Doc, value: str) -> int:
    """``removeAllByTokenStringAndUserId``: how many of the user's documents held ``value``."""
    gone = [
        d["_id"]
        for d in rt.store.all("push_tokens")
        if d["userId"] == user["_id"] and value in d["token"].values()
    ]
    for token_id in gone:
        rt.store.delete("push_tokens", token_id)
    return len(gone)
