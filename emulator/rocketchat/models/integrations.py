"""Integrations (incoming and outgoing webhooks, CRUD)."""

from __future__ import annotations

from ...core.runtime import Runtime
from .common import Doc

# -- integrations -----------------------------------------------------------------------------


def create_integration(rt: Runtime, creator: Doc, poster: Doc, fields: Doc) -> Doc:
    """Store a webhook integration; its posting user gets the ``bot`` role, as upstream."""
    now = rt.clock.now_ms()
    doc = {
        **fields,
        "_id": rt.ids.meteor_id(),
        "userId": poster["_id"],
        "_createdAt": now,
        "_createdBy": {"_id": creator["_id"], "username": creator["username"]},
        "_updatedAt": now,
    }
    with rt.store.transaction():
        rt.store.insert("integrations", doc)
        if "bot" not in poster.get("roles", []):
            rt.store.update("users", poster["_id"], {"roles": [*poster.get("roles", []), "bot"]})
    return doc
