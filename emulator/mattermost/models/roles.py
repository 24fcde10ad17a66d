"""Patching a built-in role's permissions (``app/role.go``'s ``PatchRole``).

The patch is stored and every role read shows it, but the emulator's permission checks keep the
built-in sets (``permissions.ROLES``): they take no runtime, so a stored patch cannot reach them.
"""

from __future__ import annotations

import re

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, _now, publish_event

_PERMISSION = re.compile(r"[a-z0-9_]+")


def role_patch(rt: Runtime, name: str) -> Doc | None:
    return rt.store.get("role_patches", name)


def patch_role(rt: Runtime, role: Doc, permissions: list[str] | None, at: int | None = None) -> Doc:
    """The role (as shown) with ``permissions`` in place; ``role_updated`` to everyone. The same
    list in the same order changes nothing and tells no one, as upstream short-circuits."""
    if permissions is not None and permissions == role["permissions"]:
        return role
    new = list(role["permissions"] if permissions is None else permissions)
    # ``Role.IsValidWithoutId``; upstream also refuses names it does not know, which the
    # emulator cannot list in full, so only the shape of a name is checked.
    if not all(_PERMISSION.fullmatch(p) for p in new):
        raise errors.AppError(400, errors.ROLE_INVALID)
    now = _now(rt, at)
    rt.store.upsert("role_patches", {"name": role["name"], "permissions": new, "update_at": now})
    updated = {**role, "permissions": new, "update_at": now}
    publish_event(rt, "role_updated", {"role": updated})
    return updated
