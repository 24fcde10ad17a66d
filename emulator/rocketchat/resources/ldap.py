"""``ldap.testConnection`` and ``ldap.testSearch`` (``v1/ldap.ts``), as a Community server
without a reachable directory answers them."""

from __future__ import annotations

from typing import NoReturn

from flask import Blueprint, Response

from .. import ajv, auth, errors, inputs, models
from ..models import ldap

blueprint = Blueprint("rc_ldap", __name__, url_prefix="/api/v1")


@blueprint.post("/ldap.testConnection")
def test_connection() -> Response:
    return _test(None)


@blueprint.post("/ldap.testSearch")
def test_search() -> Response:
    return _test({"username": "string"})


def _test(params: dict[str, str] | None) -> NoReturn:
    """Login, ``validateParams`` (``isLdapTestSearch``), ``test-admin-options``, then the
    connection."""
    rt, _ = auth.runtime_and_user()
    if params is not None:
        ajv.check(inputs.body(), params, tuple(params), source=ajv.LEGACY)
    auth.require_permission("test-admin-options")
    try:
        ldap.test_connection(rt)
    except models.Refused as refusal:
        raise errors.refused(refusal) from None
