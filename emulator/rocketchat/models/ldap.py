"""LDAP (``v1/ldap.ts``, ``ee/server/api/ldap.ts``): the emulator has no directory to reach, so
with ``LDAP_Enable`` on every attempt fails the way a server whose LDAP host does not answer
does."""

from __future__ import annotations

from typing import NoReturn

from ...core.runtime import Runtime
from .. import errors
from .common import Refused, setting


def test_connection(rt: Runtime) -> NoReturn:
    """``ldap.testConnection`` and ``ldap.testSearch``: ``LDAP_disabled`` while the setting is
    off; on, the connection to the (absent) directory fails. Raises ``Refused``."""
    if setting(rt, "LDAP_Enable") is not True:
        raise Refused(errors.LDAP_DISABLED)
    raise Refused(errors.LDAP_CONNECTION_FAILED)
