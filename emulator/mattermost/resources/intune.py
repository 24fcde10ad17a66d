"""``POST /oauth/intune``: Microsoft Intune MAM sign-in exists only in the Enterprise build;
Team Edition has no Intune interface and refuses before reading anything."""

from __future__ import annotations

from typing import NoReturn

from flask import Blueprint

from .. import errors

# The "_licensed" suffix files it with the licence refusals in the coverage report.
blueprint = Blueprint("mm_intune_licensed", __name__)


@blueprint.post("/oauth/intune")
def login_with_intune() -> NoReturn:
    raise errors.AppError(501, errors.INTUNE_NOT_AVAILABLE)
