"""Email invitations to a team (``InviteNewUsersToTeam``): no mail is sent, each invitation is
kept as the real server keeps its token, so tests can read who was invited."""

from __future__ import annotations

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, setting
from .users import is_valid_email


def _allowed(rt: Runtime, team: Doc, email: str) -> bool:
    """``isEmailAddressAllowed``: the team's and the server's domain lists, when set."""
    domain = email.rsplit("@", 1)[-1].lower()
    for raw in (
        team.get("allowed_domains", ""),
        setting(rt, "TeamSettings", "RestrictCreationToDomains", ""),
    ):
        domains = [d.strip().lstrip("@").lower() for d in (raw or "").replace(",", " ").split()]
        if domains and domain not in domains:
            return False
    return True


def invite_by_email(
    rt: Runtime, team: Doc, inviter_id: str, emails: list[str], graceful: bool
) -> list[Doc]:
    """Every address gets an invitation record; refused ones raise (or, ``graceful``, come
    back with their error as ``EmailInviteWithError``)."""
    if not setting(rt, "ServiceSettings", "EnableEmailInvitations", False):
        raise errors.AppError(501, errors.INVITES_DISABLED)
    emails = [e.lower() for e in emails]
    refused = [e for e in emails if not is_valid_email(e) or not _allowed(rt, team, e)]
    if refused and not graceful:
        raise errors.bad_request(errors.INVITES_INVALID_EMAIL, Addresses=", ".join(refused))
    results = []
    now = rt.clock.now_ms()
    for email in emails:
        error = None
        if email in refused:
            refusal = errors.AppError(400, errors.INVITES_INVALID_EMAIL, Addresses=email)
            error = {**refusal.to_dict(), "request_id": ""}
        else:
            rt.store.insert(
                "email_invites",
                {
                    "id": rt.ids.mattermost_token(),
                    "type": "team_invitation",
                    "team_id": team["id"],
                    "email": email,
                    "sender_id": inviter_id,
                    "create_at": now,
                },
            )
        results.append({"email": email, "error": error})
    return results


def invalidate_email_invites(rt: Runtime) -> int:
    """``InvalidateAllEmailInvites``: every pending team invitation is dropped."""
    pending = rt.store.all("email_invites")
    with rt.store.transaction():
        for invite in pending:
            rt.store.delete("email_invites", invite["id"])
    return len(pending)
