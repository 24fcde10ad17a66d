"""The shapes every slash command door shares: ``model.CommandArgs`` once checked, and
``model.CommandResponse`` as encoded (``server/public/model/command_args.go``,
``command_response.go``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .common import Doc

STRING_FIELDS = (
    "response_type",
    "text",
    "username",
    "channel_id",
    "icon_url",
    "type",
    "goto_location",
    "trigger_id",
)


@dataclass(frozen=True)
class CommandArgs:
    """``model.CommandArgs`` once api4 has checked it: who runs what, where."""

    user: Doc
    channel: Doc
    team_id: str
    root_id: str
    command: str
    site_url: str


def command_response(**fields: Any) -> Doc:
    """A ``model.CommandResponse`` as encoded: every field, unset ones zero or null."""
    response: Doc = {name: "" for name in STRING_FIELDS}
    response.update(skip_slack_parsing=False, props=None, attachments=None, extra_responses=None)
    response.update(fields)
    return response
