"""Burn-on-read posts (``BurnPost``). Creating them needs a feature flag and an Enterprise
Advanced licence, so none exists here: burning any post a member can read ends in the refusal
for a post that is not burn-on-read."""

from __future__ import annotations

from typing import NoReturn

from ...core.runtime import Runtime
from .. import errors
from ..tables import member_id
from .common import Doc

BURN_ON_READ = "burn_on_read"  # model.PostTypeBurnOnRead


def burn_post(rt: Runtime, user: Doc, post: Doc) -> NoReturn:
    """``burnPost``: the reader must be in the channel, and the post burn-on-read."""
    if rt.store.get("channel_members", member_id(post["channel_id"], user["id"])) is None:
        raise errors.AppError(403, errors.BURN_NOT_IN_CHANNEL, f"postId={post['id']}")
    raise errors.bad_request(errors.BURN_NOT_BURN_ON_READ)
