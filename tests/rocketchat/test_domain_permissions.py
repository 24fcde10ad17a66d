"""The domain operations check who acts, without HTTP: a permitted actor's write is stored and
published; a forbidden actor's is refused, leaving the store as it was and publishing nothing.
Every door (REST, DDP, legacy REST, next the integrations) gets these rules by calling them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from emulator.app import runtime_of
from emulator.core.runtime import Runtime
from emulator.rocketchat import errors, models

Doc = dict[str, Any]


class World:
    """A private room owned by ``owner`` with ``member`` in it; ``outsider`` is in no room of
    it. ``message`` is the owner's; ``events`` what was published after set-up."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

        def user(name: str) -> Doc:
            return models.create_user(rt, username=name, email=f"{name}@x.test", password=None)

        self.owner, self.member, self.outsider = user("dp-owner"), user("dp-member"), user("dp-out")
        self.room = models.create_room(
            rt,
            room_type="p",
            name="dp-private",
            owner=self.owner,
            members=[self.owner, self.member],
        )
        self.message = models.post_message(rt, self.room, self.owner, "hello")
        self.events: list[tuple[str, Doc]] = []
        self.unsubscribe = rt.events.subscribe(lambda n, p: self.events.append((n, p)))

    def fresh(self, doc: Doc, table: str = "messages") -> Doc | None:
        return self.rt.store.get(table, doc["_id"])

    def refused(self, operation: Callable[[], Any]) -> models.Refused:
        """``operation``'s refusal; the store unchanged and nothing published."""
        before = self.rt.store.fingerprint()
        with pytest.raises(models.Refused) as refused:
            operation()
        assert self.rt.store.fingerprint() == before
        assert self.events == []
        return refused.value

    def room_events(self) -> list[str]:
        return [n for n, p in self.events if n == "stream-room-messages"]


@pytest.fixture
def world(rc_app: Flask) -> Iterator[World]:
    made = World(runtime_of(rc_app))
    yield made
    made.unsubscribe()


# -- sending ----------------------------------------------------------------------------------


def test_send_member_stores_and_publishes(world: World) -> None:
    sent = models.execute_send_message(world.rt, world.member, world.room, "hi", message_id="m1")
    assert world.fresh(sent)["msg"] == "hi"
    assert world.room_events() == ["stream-room-messages"]


def test_send_outsider_refused_not_allowed(world: World) -> None:
    refused = world.refused(
        lambda: models.execute_send_message(world.rt, world.outsider, world.room, "hi")
    )
    assert isinstance(refused, models.SendRefused)
    assert refused.code == errors.NOT_ALLOWED


def test_send_checks_room_before_the_doors_validation(world: World) -> None:
    calls: list[Doc] = []
    world.refused(
        lambda: models.execute_send_message(
            world.rt, world.outsider, world.room, "hi", validate=calls.append
        )
    )
    assert calls == []


def test_send_validation_refusal_stores_nothing(world: World) -> None:
    def member_only(room: Doc) -> None:
        raise models.SendRefused(errors.NOT_ALLOWED)

    world.refused(
        lambda: models.execute_send_message(
            world.rt, world.member, world.room, "hi", validate=member_only
        )
    )


def test_send_taken_id_refused_after_room_checks(world: World) -> None:
    refused = world.refused(
        lambda: models.execute_send_message(
            world.rt, world.member, world.room, "hi", message_id=world.message["_id"]
        )
    )
    assert refused.code == errors.MESSAGE_ALREADY_EXISTS


# -- editing and deleting ---------------------------------------------------------------------


def test_edit_by_another_user_refused(world: World) -> None:
    refused = world.refused(
        lambda: models.edit_message(world.rt, world.message, "changed", world.member)
    )
    assert refused.code == errors.ACTION_NOT_ALLOWED
    assert refused.details == {"method": "updateMessage", "action": "Message_editing"}


def test_edit_by_author_stored_and_published(world: World) -> None:
    models.edit_message(world.rt, world.message, "changed", world.owner)
    assert world.fresh(world.message)["msg"] == "changed"
    assert world.room_events() == ["stream-room-messages"]


def test_delete_by_another_user_refused(world: World) -> None:
    refused = world.refused(lambda: models.delete_message(world.rt, world.message, world.member))
    assert refused.code == errors.ACTION_NOT_ALLOWED


def test_delete_as_user_needs_force_delete_first(world: World) -> None:
    refused = world.refused(
        lambda: models.delete_message(world.rt, world.message, world.member, as_user=True)
    )
    assert refused.code.startswith('Unauthorized. You must have the permission "force-delete')
    assert refused.reason is None


def test_delete_by_author_removes_and_publishes(world: World) -> None:
    models.delete_message(world.rt, world.message, world.owner)
    assert world.fresh(world.message) is None
    assert world.events != []


# -- pins, stars, follows, reactions ----------------------------------------------------------


def test_pin_without_pin_permission_refused(world: World) -> None:
    refused = world.refused(lambda: models.pin_message(world.rt, world.message, world.member))
    assert (refused.code, refused.details) == (errors.BARE_NOT_AUTHORIZED, {"method": "pinMessage"})


def test_unpin_without_pin_permission_refused(world: World) -> None:
    refused = world.refused(lambda: models.unpin_message(world.rt, world.message, world.member))
    assert refused.details == {"method": "unpinMessage"}


def test_pin_by_room_owner_pins_and_publishes(world: World) -> None:
    models.pin_message(world.rt, world.message, world.owner)
    assert world.fresh(world.message)["pinned"] is True
    assert world.room_events() != []


def test_pin_setting_checked_before_permission(world: World) -> None:
    models.set_setting_value(world.rt, "Message_AllowPinning", False)
    world.events.clear()
    refused = world.refused(lambda: models.pin_message(world.rt, world.message, world.owner))
    assert refused.code == errors.ACTION_NOT_ALLOWED


def test_star_by_outsider_refused(world: World) -> None:
    refused = world.refused(
        lambda: models.star_message(world.rt, world.message, world.outsider, True)
    )
    assert refused.code == errors.BARE_NOT_AUTHORIZED


def test_star_by_member_stored_and_published(world: World) -> None:
    models.star_message(world.rt, world.message, world.member, True)
    assert world.fresh(world.message)["starred"] == [{"_id": world.member["_id"]}]
    assert world.room_events() == ["stream-room-messages"]


def test_follow_by_outsider_refused(world: World) -> None:
    refused = world.refused(
        lambda: models.follow_message(world.rt, world.message["_id"], world.outsider, True)
    )
    assert (refused.code, refused.reason) == (errors.NOT_ALLOWED, "not-allowed")


def test_follow_unknown_message_refused(world: World) -> None:
    refused = world.refused(lambda: models.follow_message(world.rt, "nope", world.member, True))
    assert refused.code == errors.INVALID_MESSAGE


def test_follow_by_member_stored_and_published(world: World) -> None:
    models.follow_message(world.rt, world.message["_id"], world.member, True)
    assert world.member["_id"] in world.fresh(world.message)["replies"]
    assert world.room_events() == ["stream-room-messages"]


def test_reaction_by_outsider_refused(world: World) -> None:
    refused = world.refused(
        lambda: models.set_reaction(world.rt, world.message, world.outsider, "smile")
    )
    assert refused.details == {"method": "setReaction"}


def test_reaction_by_member_stored_and_published(world: World) -> None:
    models.set_reaction(world.rt, world.message, world.member, "smile")
    assert world.fresh(world.message)["reactions"] == {":smile:": {"usernames": ["dp-member"]}}
    assert world.room_events() == ["stream-room-messages"]


# -- joining and leaving rooms ----------------------------------------------------------------


def test_join_private_room_by_outsider_refused(world: World) -> None:
    refused = world.refused(lambda: models.join_room(world.rt, world.room, world.outsider))
    assert (refused.code, refused.details) == (errors.NOT_ALLOWED, {"method": "joinRoom"})


def test_join_public_room_subscribes_and_publishes(world: World) -> None:
    general = world.rt.store.get("rooms", models.GENERAL_ID)
    models.join_room(world.rt, general, world.outsider)
    assert models.subscription(world.rt, general["_id"], world.outsider["_id"]) is not None
    assert world.events != []


def test_leave_by_non_member_refused(world: World) -> None:
    refused = world.refused(lambda: models.leave_room(world.rt, world.room, world.outsider))
    assert refused.code == errors.USER_NOT_IN_ROOM


def test_leave_by_last_owner_refused(world: World) -> None:
    refused = world.refused(lambda: models.leave_room(world.rt, world.room, world.owner))
    assert (refused.code, refused.reason) == (errors.YOU_ARE_LAST_OWNER, errors.LAST_OWNER_LEAVING)


def test_leave_without_leave_permission_refused_first(world: World) -> None:
    models.set_permission_roles(world.rt, [("leave-p", [])])
    world.events.clear()
    refused = world.refused(lambda: models.leave_room(world.rt, world.room, world.outsider))
    assert refused.code == errors.NOT_ALLOWED


def test_leave_by_member_unsubscribes_and_publishes(world: World) -> None:
    models.leave_room(world.rt, world.room, world.member)
    assert models.subscription(world.rt, world.room["_id"], world.member["_id"]) is None
    assert world.events != []


# -- creating rooms ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("room_type", "method"), [("c", "createChannel"), ("p", "createPrivateGroup")]
)
def test_create_room_without_permission_refused(world: World, room_type: str, method: str) -> None:
    models.set_permission_roles(world.rt, [(f"create-{room_type}", ["admin"])])
    world.events.clear()
    refused = world.refused(
        lambda: models.create_named_room(world.rt, world.member, room_type, "dp-new", [], False)
    )
    assert (refused.code, refused.details) == (errors.NOT_ALLOWED, {"method": method})


def test_create_room_permission_checked_before_the_name(world: World) -> None:
    models.set_permission_roles(world.rt, [("create-p", ["admin"])])
    world.events.clear()
    refused = world.refused(
        lambda: models.create_named_room(world.rt, world.member, "p", "bad name!", [], False)
    )
    assert refused.code == errors.NOT_ALLOWED


def test_create_room_with_taken_name_refused(world: World) -> None:
    refused = world.refused(
        lambda: models.create_named_room(world.rt, world.member, "p", "dp-private", [], False)
    )
    assert refused.code == errors.DUPLICATE_CHANNEL_NAME


def test_create_room_stores_and_publishes(world: World) -> None:
    room = models.create_named_room(world.rt, world.member, "c", "dp-new", [world.owner], False)
    assert world.fresh(room, "rooms")["name"] == "dp-new"
    assert models.subscription(world.rt, room["_id"], world.owner["_id"]) is not None
    assert world.events != []


def test_create_direct_without_permission_refused(world: World) -> None:
    models.set_permission_roles(world.rt, [("create-d", [])])
    world.events.clear()
    refused = world.refused(
        lambda: models.create_direct_message(world.rt, world.member, ["nobody-at-all"])
    )
    assert (refused.code, refused.details) == (
        errors.NOT_ALLOWED,
        {"method": "createDirectMessage"},
    )


def test_create_direct_with_unknown_user_refused(world: World) -> None:
    refused = world.refused(
        lambda: models.create_direct_message(world.rt, world.member, ["nobody-at-all"])
    )
    assert refused.code == errors.INVALID_USER


def test_create_direct_opens_and_publishes(world: World) -> None:
    room = models.create_direct_message(world.rt, world.member, ["dp-out"])
    assert set(world.fresh(room, "rooms")["usernames"]) == {"dp-member", "dp-out"}
    assert world.events != []
