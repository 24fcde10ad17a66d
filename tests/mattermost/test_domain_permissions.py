"""The write operations other doors reach (webhooks, slash commands, bots next) check the actor's
permission themselves: called directly, without HTTP, a forbidden actor is refused with the
error the REST handler gives, and nothing is stored or published."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from emulator.app import runtime_of
from emulator.core.runtime import Runtime
from emulator.mattermost import errors, models

Doc = dict[str, Any]
Published = list[str]
DENIED = "api.context.permissions.app_error"


@pytest.fixture
def rt(mm_app: Flask) -> Runtime:
    return runtime_of(mm_app)


@pytest.fixture
def published(rt: Runtime) -> Published:
    seen: Published = []
    rt.events.subscribe(lambda name, payload: seen.append(name))
    return seen


def _user(rt: Runtime, username: str) -> Doc:
    return rt.store.find_one("users", "username", username)


def _channel(rt: Runtime, name: str) -> Doc:
    [channel] = rt.store.find("channels", "name", name)
    return channel


def _refused(call: Any, status: int, error_id: str, detailed: str) -> None:
    with pytest.raises(errors.AppError) as refused:
        call()
    assert (refused.value.status, refused.value.id) == (status, error_id)
    assert refused.value.detailed == detailed


def test_create_post_refuses_an_actor_outside_the_private_channel(rt, published):
    alice, bob = _user(rt, "alice"), _user(rt, "bob")
    leadership = _channel(rt, "leadership")
    before = rt.store.count_by("posts", "channel_id", leadership["id"])

    _refused(
        lambda: models.create_post(rt, bob, channel_id=leadership["id"], message="x"),
        403,
        DENIED,
        f"userId={bob['id']}, permission=create_post",
    )
    assert rt.store.count_by("posts", "channel_id", leadership["id"]) == before
    assert published == []

    post = models.create_post(rt, alice, channel_id=leadership["id"], message="x")
    assert rt.store.get("posts", post["id"])["user_id"] == alice["id"]
    assert published == ["posted"]


def test_create_post_checks_permission_before_the_channel_is_archived(rt, published):
    """The order of ``api4`` stays: a stranger hears 403 even where a member would hear 400."""
    alice, bob = _user(rt, "alice"), _user(rt, "bob")
    leadership = _channel(rt, "leadership")
    rt.store.update("channels", leadership["id"], {"delete_at": 1})
    _refused(
        lambda: models.create_post(rt, bob, channel_id=leadership["id"], message="x"),
        403,
        DENIED,
        f"userId={bob['id']}, permission=create_post",
    )
    _refused(
        lambda: models.create_post(rt, alice, channel_id=leadership["id"], message="x"),
        400,
        errors.POST_DELETED_CHANNEL,
        "",
    )
    assert published == []


def _town_post(rt: Runtime, author: Doc) -> Doc:
    return models.create_post(rt, author, channel_id=_channel(rt, "town-square")["id"], message="m")


def test_edit_post_refuses_someone_elses_post_without_edit_others_posts(rt, published):
    alice, bob = _user(rt, "alice"), _user(rt, "bob")
    post = _town_post(rt, alice)
    published.clear()

    _refused(
        lambda: models.edit_post(rt, bob, post["id"], {"message": "hijacked"}, partial=True),
        403,
        DENIED,
        f"userId={bob['id']}, permission=edit_others_posts",
    )
    assert rt.store.get("posts", post["id"])["message"] == "m"
    assert published == []

    edited = models.edit_post(rt, alice, post["id"], {"message": "mine"}, partial=True)
    assert rt.store.get("posts", post["id"])["message"] == edited["message"] == "mine"
    assert published == ["post_edited"]


def test_delete_post_refuses_someone_elses_post_without_delete_others_posts(rt, published):
    alice, bob = _user(rt, "alice"), _user(rt, "bob")
    post = _town_post(rt, alice)
    published.clear()

    _refused(
        lambda: models.delete_post(rt, bob, post["id"]),
        403,
        DENIED,
        f"userId={bob['id']}, permission=delete_others_posts",
    )
    assert rt.store.get("posts", post["id"])["delete_at"] == 0
    assert published == []

    models.delete_post(rt, alice, post["id"])
    assert rt.store.get("posts", post["id"])["delete_at"] > 0
    assert published == ["post_deleted", "post_deleted"]


def test_pin_post_refuses_an_actor_who_cannot_read_the_channel(rt, published):
    alice, bob = _user(rt, "alice"), _user(rt, "bob")
    post = models.create_post(rt, alice, channel_id=_channel(rt, "leadership")["id"], message="m")
    published.clear()

    _refused(
        lambda: models.pin_post(rt, bob, post["id"], True),
        403,
        DENIED,
        f"userId={bob['id']}, permission=read_channel_content",
    )
    assert rt.store.get("posts", post["id"])["is_pinned"] is False
    assert published == []

    models.pin_post(rt, alice, post["id"], True)
    assert rt.store.get("posts", post["id"])["is_pinned"] is True
    assert published == ["post_edited"]


def test_save_reaction_refuses_an_actor_outside_the_channel_and_for_another_user(rt, published):
    alice, bob = _user(rt, "alice"), _user(rt, "bob")
    post = models.create_post(rt, alice, channel_id=_channel(rt, "leadership")["id"], message="m")
    published.clear()

    _refused(
        lambda: models.save_reaction(rt, bob, bob["id"], post["id"], "smile"),
        403,
        DENIED,
        f"userId={bob['id']}, permission=add_reaction",
    )
    _refused(
        lambda: models.save_reaction(rt, alice, bob["id"], post["id"], "smile"),
        403,
        errors.REACTION_OTHER_USER,
        "",
    )
    assert rt.store.count_by("reactions", "post_id", post["id"]) == 0
    assert published == []

    models.save_reaction(rt, alice, alice["id"], post["id"], "smile")
    assert rt.store.count_by("reactions", "post_id", post["id"]) == 1
    assert published == ["reaction_added"]


def test_delete_reaction_refuses_someone_elses_without_remove_others_reactions(rt, published):
    alice, bob = _user(rt, "alice"), _user(rt, "bob")
    post = _town_post(rt, alice)
    models.save_reaction(rt, alice, alice["id"], post["id"], "smile")
    published.clear()

    _refused(
        lambda: models.delete_reaction(rt, bob, alice["id"], post["id"], "smile"),
        403,
        DENIED,
        f"userId={bob['id']}, permission=remove_others_reactions",
    )
    assert rt.store.count_by("reactions", "post_id", post["id"]) == 1
    assert published == []

    models.delete_reaction(rt, alice, alice["id"], post["id"], "smile")
    assert rt.store.count_by("reactions", "post_id", post["id"]) == 0
    assert published == ["reaction_removed"]


# -- channel members ----------------------------------------------------------------------------


def _is_member(rt: Runtime, channel: Doc, user: Doc) -> bool:
    return rt.store.get("channel_members", f"{channel['id']}:{user['id']}") is not None


def _stranger_and_channel(rt: Runtime, outsider: Doc) -> tuple[Doc, Doc]:
    """A generated person and a generated public channel neither they nor ``outsider`` is in."""
    fixture = {"admin", "alice", "bob", "helper-bot"}
    people = [u for u in rt.store.all("users") if u["username"] not in fixture and not u["is_bot"]]
    channels = [
        c
        for c in rt.store.all("channels")
        if c["type"] == "O" and c["name"] not in ("town-square", "off-topic")
    ]
    return next(
        (person, channel)
        for channel in channels
        for person in people
        if not _is_member(rt, channel, person) and not _is_member(rt, channel, outsider)
    )


def test_add_channel_members_to_a_private_channel_needs_manage_private_channel_members(
    rt, published
):
    alice, bob = _user(rt, "alice"), _user(rt, "bob")
    david, _ = _stranger_and_channel(rt, bob)
    leadership = _channel(rt, "leadership")

    _refused(
        lambda: models.add_channel_members(rt, bob, leadership, [david["id"]]),
        403,
        DENIED,
        f"userId={bob['id']}, permission=manage_private_channel_members",
    )
    assert not _is_member(rt, leadership, david)
    assert published == []

    [added] = models.add_channel_members(rt, alice, leadership, [david["id"]])
    assert added["user_id"] == david["id"] and _is_member(rt, leadership, david)
    assert "user_added" in published


def test_add_channel_members_to_a_public_channel_lets_a_stranger_join_but_not_add_others(
    rt, published
):
    bob = _user(rt, "bob")
    david, channel = _stranger_and_channel(rt, bob)

    _refused(
        lambda: models.add_channel_members(rt, bob, channel, [david["id"]]),
        403,
        DENIED,
        f"userId={bob['id']}, permission=manage_public_channel_members",
    )
    assert not _is_member(rt, channel, david)
    assert published == []

    models.add_channel_members(rt, bob, channel, [bob["id"]])
    assert _is_member(rt, channel, bob)
    assert "user_added" in published


def test_remove_channel_member_refuses_removing_someone_else_without_the_permission(rt, published):
    alice, bob = _user(rt, "alice"), _user(rt, "bob")
    leadership = _channel(rt, "leadership")

    _refused(
        lambda: models.remove_channel_member(rt, bob, leadership, alice["id"]),
        403,
        DENIED,
        f"userId={bob['id']}, permission=manage_private_channel_members",
    )
    assert _is_member(rt, leadership, alice)
    assert published == []

    models.remove_channel_member(rt, alice, leadership, alice["id"])
    assert not _is_member(rt, leadership, alice)
    assert "user_removed" in published


# -- channels -----------------------------------------------------------------------------------


def test_create_team_channel_needs_create_public_channel_in_the_team(rt, published):
    bob = _user(rt, "bob")
    team_id = _channel(rt, "town-square")["team_id"]
    rt.store.update("team_members", f"{team_id}:{bob['id']}", {"roles": "team_guest"})

    _refused(
        lambda: models.create_team_channel(
            rt, bob, team_id=team_id, name="bobs", display_name="Bob's", channel_type="O"
        ),
        403,
        DENIED,
        f"userId={bob['id']}, permission=create_public_channel",
    )
    assert rt.store.find("channels", "name", "bobs") == []
    assert published == []

    rt.store.update("team_members", f"{team_id}:{bob['id']}", {"roles": "team_user"})
    created = models.create_team_channel(
        rt, bob, team_id=team_id, name="bobs", display_name="Bob's", channel_type="O"
    )
    assert _is_member(rt, created, bob)
    assert "channel_created" in published


def test_change_channel_needs_manage_private_channel_properties(rt, published):
    alice, bob = _user(rt, "alice"), _user(rt, "bob")
    leadership = _channel(rt, "leadership")

    _refused(
        lambda: models.change_channel(
            rt, bob, leadership, {"header": "bob was here"}, partial=True
        ),
        403,
        DENIED,
        f"userId={bob['id']}, permission=manage_private_channel_properties",
    )
    assert rt.store.get("channels", leadership["id"])["header"] == leadership["header"]
    assert published == []

    models.change_channel(rt, alice, leadership, {"header": "quarterly"}, partial=True)
    assert rt.store.get("channels", leadership["id"])["header"] == "quarterly"
    assert "channel_updated" in published


def test_delete_and_restore_channel_need_their_permissions(rt, published):
    admin, alice, bob = _user(rt, "admin"), _user(rt, "alice"), _user(rt, "bob")
    leadership = _channel(rt, "leadership")

    _refused(
        lambda: models.delete_channel(rt, bob, leadership),
        403,
        DENIED,
        f"userId={bob['id']}, permission=delete_private_channel",
    )
    assert rt.store.get("channels", leadership["id"])["delete_at"] == 0
    assert published == []

    models.delete_channel(rt, alice, leadership)
    archived = rt.store.get("channels", leadership["id"])
    assert archived["delete_at"] > 0
    assert "channel_deleted" in published
    published.clear()

    _refused(
        lambda: models.restore_channel(rt, alice, archived),
        403,
        DENIED,
        f"userId={alice['id']}, permission=manage_team",
    )
    assert rt.store.get("channels", leadership["id"])["delete_at"] > 0
    assert published == []

    models.restore_channel(rt, admin, archived)
    assert rt.store.get("channels", leadership["id"])["delete_at"] == 0
    assert "channel_restored" in published


# -- team members -------------------------------------------------------------------------------


def _in_team(rt: Runtime, team_id: str, user: Doc) -> bool:
    member = rt.store.get("team_members", f"{team_id}:{user['id']}")
    return member is not None and not member["delete_at"]


def test_adding_someone_else_to_a_team_needs_add_user_to_team(rt, published):
    admin, bob = _user(rt, "admin"), _user(rt, "bob")
    david, _ = _stranger_and_channel(rt, bob)
    team_id = _channel(rt, "town-square")["team_id"]
    models.remove_user_from_team(rt, admin, team_id, david["id"])
    rt.store.update("team_members", f"{team_id}:{bob['id']}", {"roles": "team_guest"})
    published.clear()

    for add in (
        lambda: models.add_user_to_team(rt, bob, team_id, david["id"]),
        lambda: models.add_users_to_team(
            rt, bob, rt.store.get("teams", team_id), [david["id"]], graceful=True
        ),
    ):
        _refused(add, 403, DENIED, f"userId={bob['id']}, permission=add_user_to_team")
    assert not _in_team(rt, team_id, david)
    assert published == []

    models.add_user_to_team(rt, admin, team_id, david["id"])
    assert _in_team(rt, team_id, david)
    assert "added_to_team" in published


def test_removing_someone_else_from_a_team_needs_remove_user_from_team(rt, published):
    alice, bob = _user(rt, "alice"), _user(rt, "bob")
    team_id = _channel(rt, "town-square")["team_id"]

    _refused(
        lambda: models.remove_user_from_team(rt, bob, team_id, alice["id"]),
        403,
        DENIED,
        f"userId={bob['id']}, permission=remove_user_from_team",
    )
    assert _in_team(rt, team_id, alice)
    assert published == []

    models.remove_user_from_team(rt, alice, team_id, alice["id"])
    assert not _in_team(rt, team_id, alice)
    assert "leave_team" in published


def test_the_dashboard_posts_by_the_users_permissions(mm_app, rt, published):
    """``post_as`` goes through ``create_post`` with the user as the actor: refused (in
    Mattermost's error shape, nothing stored) where that user's client would be."""
    leadership = _channel(rt, "leadership")
    before = rt.store.count_by("posts", "channel_id", leadership["id"])
    client = mm_app.test_client()

    refused = client.post(
        "/_emulator/post",
        json={"username": "bob", "channel_id": leadership["id"], "text": "hi"},
    )
    assert refused.status_code == 403
    assert refused.get_json()["id"] == DENIED
    assert rt.store.count_by("posts", "channel_id", leadership["id"]) == before
    assert published == []

    posted = client.post(
        "/_emulator/post",
        json={"username": "alice", "channel_id": leadership["id"], "text": "hi"},
    )
    assert posted.status_code == 201
    assert published == ["posted"]
