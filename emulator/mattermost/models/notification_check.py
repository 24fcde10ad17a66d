"""``SendTestMessage``: the system bot writes to the caller in a direct message, which is how a
user checks that notifications reach them."""

from __future__ import annotations

from ...core.runtime import Runtime
from .bots import create_bot_account
from .channels import create_direct_channel
from .common import Doc
from .posts import create_post

SYSTEM_BOT_USERNAME = "system-bot"  # model.BotSystemBotUsername
# ``app.notifications.send_test_message.message_body`` in English.
TEST_MESSAGE = "If you received this test notification, it worked!"


def system_bot(rt: Runtime) -> Doc:
    """``GetSystemBot``: the ``system-bot`` account, made on first use and owned by the first
    active system admin by username."""
    existing = rt.store.find_one("users", "username", SYSTEM_BOT_USERNAME)
    if existing is not None:
        return existing
    admins = sorted(
        (
            u
            for u in rt.store.all("users")
            if not u["delete_at"] and "system_admin" in (u.get("roles") or "").split()
        ),
        key=lambda u: u["username"],
    )
    owner = admins[0]["id"] if admins else ""
    bot = create_bot_account(
        rt, username=SYSTEM_BOT_USERNAME, display_name="System", description="", owner_id=owner
    )
    return rt.store.get("users", bot["user_id"])


def send_test_message(rt: Runtime, user: Doc) -> Doc:
    bot = system_bot(rt)
    channel = create_direct_channel(rt, user["id"], bot["id"])
    return create_post(rt, bot, channel_id=channel["id"], message=TEST_MESSAGE)
