"""Spec deviations the validation accepts: places where the OpenAPI document is wrong about the
real server and our notes (``../shared/specs/<product>/rest-conventions.md``, which cite server
code) say what the server really does. The real server wins.

Only deviations the notes document belong here, each with its section. A bug of the emulator is
never an entry: fix it or leave the test failing.

Documented deviations that need no entry, because the document's schemas do not make them fail:

* Mattermost ``AppError.is_oauth`` (§2 docs≠code): ``openapi.fixed.yaml`` does not list it, and
  no AppError field is required, so bodies without it pass.
* Rocket.Chat 401 ``authorizationError`` models ``{status, message}`` only while real bodies also
  carry ``success``/``error`` (§3 docs≠code): the schema allows additional properties.
* Mattermost ``/hooks/*`` answer ``text/plain`` ``ok`` (§1, §7): not in the document, so skipped.
"""

from __future__ import annotations

from .validation import ANY
from .validation import ViolationPattern as Deviation

DEVIATIONS: tuple[Deviation, ...] = (
    # Mattermost rest-conventions §3: login success is 200 with the User and a Token header;
    # the document says 201.
    Deviation("mattermost", "Login", 200, "status", "mattermost rest-conventions §3 (login)"),
    # Mattermost rest-conventions §1: actions answer 200 {"status": "OK"} (ReturnStatusOK); the
    # document gives logout a 201 StatusOK.
    Deviation("mattermost", "Logout", 200, "status", "mattermost rest-conventions §1"),
    # Mattermost rest-conventions §5: the rate limiter refuses with Go's http.Error, i.e. a
    # text/plain "limit exceeded" body, not the AppError JSON the document shows.
    Deviation("mattermost", ANY, 429, "content-type", "mattermost rest-conventions §5"),
)
