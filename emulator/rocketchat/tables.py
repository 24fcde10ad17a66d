"""The Rocket.Chat app's tables and the indexes every request lookup goes through."""

from __future__ import annotations

from ..core.store import Store


def define_tables(store: Store) -> None:
    store.define(
        "users",
        key="_id",
        unique={
            "username": lambda u: u["username"].lower() if u.get("username") else None,
            "email": lambda u: u["emails"][0]["address"].lower() if u.get("emails") else None,
        },
    )
    # Login and personal access tokens, keyed by the SHA-256 of the token as the server stores them.
    store.define("tokens", key="hashedToken", multi={"userId": "userId"})
    store.define(
        "rooms",
        key="_id",
        unique={
            "name": lambda r: r.get("name") if r["t"] in ("c", "p") else None,
            "direct": lambda r: ",".join(sorted(r["uids"])) if r["t"] == "d" else None,
        },
        multi={"t": "t"},
    )
    store.define(
        "subscriptions",
        key="_id",
        unique={"room_user": lambda s: (s["rid"], s["u"]["_id"])},
        multi={"rid": "rid", "user": lambda s: s["u"]["_id"]},
    )
    store.define("messages", key="_id", multi={"rid": "rid", "tmid": lambda m: m.get("tmid")})
    store.define("uploads", key="_id", multi={"rid": "rid"})
    store.define("settings", key="_id")
    store.define("permissions", key="_id")
    store.define("roles", key="_id")
