"""End-to-end encryption keys as records: ``e2e.*`` (``v1/e2e.ts``) and
``users.resetE2EKey`` (``v1/users.ts``). The server never sees plaintext: it stores the strings
clients send and hands them back."""

from __future__ import annotations

from flask import Blueprint, Response

from .. import auth, errors, inputs, models, twofactor
from ..models import e2e
from ._rooms_common import ok, params, target_user

blueprint = Blueprint("rc_e2e", __name__, url_prefix="/api/v1")

Doc = dict


def _text(args: Doc, key: str) -> str:
    value = args.get(key)
    if not isinstance(value, str):
        raise errors.invalid_params(f"must have required property '{key}'")
    return value


@blueprint.get("/e2e.fetchMyKeys")
def fetch_my_keys() -> Response:
    _, user = auth.runtime_and_user()
    return ok(**e2e.my_keys(user))


@blueprint.get("/e2e.getUsersOfRoomWithoutKey")
def users_of_room_without_key() -> Response:
    rt, user = auth.runtime_and_user()
    rid = _text(params(), "rid")
    try:
        return ok(users=e2e.users_without_key(rt, user, rid))
    except models.Refused as refused:
        raise errors.refused(refused) from None


@blueprint.post("/e2e.setRoomKeyID")
def set_room_key_id() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    rid, key_id = _text(args, "rid"), _text(args, "keyID")
    try:
        e2e.set_room_key_id(rt, user, rid, key_id)
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()


@blueprint.post("/e2e.setUserPublicAndPrivateKeys")
def set_user_keys() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    public_key, private_key = _text(args, "public_key"), _text(args, "private_key")
    force = args.get("force", False)
    if not isinstance(force, bool):
        raise errors.invalid_params("must be boolean")
    try:
        e2e.set_user_keys(rt, user, public_key, private_key, force)
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()


@blueprint.post("/e2e.updateGroupKey")
def update_group_key() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    uid, rid, key = _text(args, "uid"), _text(args, "rid"), _text(args, "key")
    e2e.update_group_key(rt, user, rid, uid, key)
    return ok()


@blueprint.post("/e2e.requestSubscriptionKeys")
def request_subscription_keys() -> Response:
    rt, user = auth.runtime_and_user()
    e2e.request_subscription_keys(rt, user)
    return ok()


@blueprint.post("/users.resetE2EKey")
def reset_e2e_key() -> Response:
    """One's own keys, or (``edit-other-user-e2ee``) another user's; a 2FA-protected route
    that never remembers a past check. The user is logged out everywhere."""
    rt, user = auth.runtime_and_user()
    twofactor.require_two_factor(rt, user, disable_remember_me=True)
    args = inputs.body()
    if any(k in args for k in ("userId", "username", "user")):
        target = target_user(rt, args)
        if not models.has_permission(rt, user, "edit-other-user-e2ee"):
            raise errors.not_allowed()
        e2e.reset_e2e_key(rt, target["_id"])
        return ok()
    e2e.reset_e2e_key(rt, user["_id"])
    return ok()
