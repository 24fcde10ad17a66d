"""Outgoing mail (``app/mailer/server/api.ts``). No mail leaves the emulator: what the server
would hand to Meteor's ``Email`` (which, with no ``MAIL_URL``, only prints it) is recorded in the
``mails`` table instead, for tests and the control API to read."""

from __future__ import annotations

import re

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, setting

_BASIC_EMAIL = re.compile(r"^[^@]+@[^@]+$")  # ``validateEmail``'s default ``basic`` style


def valid_address(address: object) -> bool:
    """``Mailer.checkAddressFormat``."""
    return isinstance(address, str) and _BASIC_EMAIL.match(address) is not None


def smtp_configured(rt: Runtime) -> bool:
    """``isSMTPConfigured``: an SMTP host is set (the emulator has no ``MAIL_URL``)."""
    return bool(setting(rt, "SMTP_Host"))


def send_mail(rt: Runtime, to: str, sender: str, subject: str, html: str) -> Doc:
    """``Mailer.send``: a bad recipient is refused, else the mail is recorded and the
    ``Triggered_Emails_Count`` statistic counts it."""
    if not valid_address(to):
        raise errors.plain("invalid email")
    mail = {
        "_id": rt.ids.meteor_id(),
        "to": to,
        "from": sender,
        "subject": subject,
        "html": html,
        "ts": rt.clock.now_ms(),
    }
    with rt.store.transaction():
        rt.store.insert("mails", mail)
        count_setting(rt, "Triggered_Emails_Count")
    return mail


def count_setting(rt: Runtime, setting_id: str) -> None:
    """``Settings.incrementValueById``."""
    doc = rt.store.get("settings", setting_id)
    if doc is not None:
        rt.store.update("settings", setting_id, {"value": (doc.get("value") or 0) + 1})
