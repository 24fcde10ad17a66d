"""The omnichannel conversation: a visitor's room (``t: 'l'``) opened by ``QueueManager``,
routed (``RoutingManager``: auto selection assigns an agent, manual selection queues an
inquiry), taken, transferred, closed. The visitor's messages are ``livechat_messages``; what
upstream would mail is ``livechat_records``.
"""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime
from .. import errors
from . import livechat, livechat_records, rooms
from .common import (
    Doc,
    Refused,
    has_permission,
    setting,
)
from .message_store import send_message

ESTIMATED_WAITING_TIME_QUEUE = 9_999_999  # DEFAULT_SLA_CONFIG.ESTIMATED_WAITING_TIME_QUEUE
PRIORITY_NOT_SPECIFIED = 99_999_999  # LivechatPriorityWeight.NOT_SPECIFIED
CLOSED_BY_VISITOR = "Closed by visitor"  # i18n ``Closed_by_visitor``


def livechat_rooms(rt: Runtime) -> list[Doc]:
    return rt.store.find("rooms", "t", "l")


def open_room_of(rt: Runtime, token: str, rid: str | None = None) -> Doc | None:
    """``findOneOpenByVisitorToken`` (or ``…ByRoomIdAndVisitorToken`` with ``rid``)."""
    for room in livechat_rooms(rt):
        if room["v"]["token"] == token and room.get("open") and rid in (None, room["_id"]):
            return room
    return None


def visitor_room(rt: Runtime, token: str, rid: Any) -> Doc | None:
    """``findRoom(token, rid)``: the visitor's room, open or closed."""
    room = rt.store.get("rooms", rid) if isinstance(rid, str) else None
    if room is None or room["t"] != "l" or room["v"]["token"] != token:
        return None
    return room


def sync_visitor_rooms(rt: Runtime, visitor: Doc) -> None:
    """``saveRoomInfo`` after a visitor re-registers: its open rooms (and the agents'
    subscriptions to them) carry its current name."""
    name = visitor.get("name")
    if not name:
        return
    now = rt.clock.now_ms()
    with rt.store.transaction():
        for room in livechat_rooms(rt):
            if room["v"]["token"] != visitor["token"] or not room.get("open"):
                continue
            if room.get("fname") == name:
                continue
            rt.store.update("rooms", room["_id"], {"fname": name, "_updatedAt": now})
            for sub in rt.store.find("subscriptions", "rid", room["_id"]):
                rooms.update_subscription(rt, sub, {"name": name, "fname": name})


def visitor_may_read(room: Doc | None, token: Any) -> bool:
    """The livechat validator of ``canAccessRoom`` with the widget's ``visitorToken``: the
    visitor reads its own room's streams without a login."""
    return (
        room is not None
        and room.get("t") == "l"
        and isinstance(token, str)
        and bool(token)
        and room["v"]["token"] == token
    )


def inquiry_of_room(rt: Runtime, rid: str) -> Doc | None:
    found = rt.store.find("livechat_inquiries", "rid", rid)
    return found[0] if found else None


def _visitor_ref(visitor: Doc) -> Doc:
    return {
        "_id": visitor["_id"],
        "username": visitor["username"],
        "token": visitor["token"],
        "status": visitor.get("status", "online"),
    }


def visitor_as_sender(visitor: Doc) -> Doc:
    """The ``u`` of a visitor's messages."""
    out = {"_id": visitor["_id"], "username": visitor["username"]}
    if visitor.get("name"):
        out["name"] = visitor["name"]
    return out


# -- opening and routing -----------------------------------------------------------------------


def _serving_department(rt: Runtime, department_id: str | None, seen: tuple = ()) -> str | None:
    """``getDepartment``: the department if one of its agents is online, else its
    ``fallbackForwardDepartment`` (followed once round), else None."""
    if not department_id or department_id in seen:
        return None
    if livechat.peek_next_agent(rt, department_id) is not None:
        return department_id
    department = rt.store.get("livechat_departments", department_id) or {}
    return _serving_department(
        rt, department.get("fallbackForwardDepartment"), (*seen, department_id)
    )


def open_room(
    rt: Runtime, visitor: Doc, source_type: str = "api", agent_id: str | None = None
) -> tuple[Doc, bool]:
    """``Livechat.getRoom``: the visitor's open room, else a new one (``QueueManager.requestRoom``)
    routed at once. Without ``Livechat_accept_chats_with_no_agents`` a chat needs an online
    agent (of the visitor's department, or its fallback). Returns (room, new?). Raises
    ``Refused``."""
    existing = open_room_of(rt, visitor["token"])
    if existing is not None:
        return existing, False
    if not setting(rt, "Livechat_enabled"):
        raise Refused(errors.LIVECHAT_DISABLED)
    wanted = rt.store.get("users", agent_id) if agent_id else None
    agent = wanted if livechat.is_online_agent(wanted) else None
    department = _serving_department(rt, visitor.get("department"))
    if not setting(rt, "Livechat_accept_chats_with_no_agents"):
        nobody = (
            (agent_id and agent is None)
            or (agent is None and visitor.get("department") and department is None)
            or (
                not agent_id
                and not visitor.get("department")
                and livechat.peek_next_agent(rt, None) is None
            )
        )
        if nobody:
            raise Refused(errors.NO_AGENT_ONLINE, "Sorry, no online agents")
    department = department or visitor.get("department")
    auto = setting(rt, "Livechat_Routing_Method") == "Auto_Selection"
    now = rt.clock.now_ms()
    name = visitor.get("name") or visitor["username"]
    room: Doc = {
        "_id": rt.ids.meteor_id(),
        "msgs": 0,
        "usersCount": 1,
        "lm": now,
        "fname": name,
        "t": "l",
        "ts": now,
        "v": _visitor_ref(visitor),
        "cl": False,
        "open": True,
        "waitingResponse": True,
        "source": {"type": source_type},
        "queuedAt": now,
        "priorityWeight": PRIORITY_NOT_SPECIFIED,
        "estimatedWaitingTimeQueue": ESTIMATED_WAITING_TIME_QUEUE,
        "metrics": {},
        "_updatedAt": now,
    }
    inquiry: Doc = {
        "_id": rt.ids.hex(12),
        "rid": room["_id"],
        "name": name,
        "ts": now,
        "message": "",
        # ``getInquiryStatus``: ready for auto assignment, else queued for agents to take
        "status": "ready" if auto else "queued",
        "v": _visitor_ref(visitor),
        "t": "l",
        "priorityWeight": PRIORITY_NOT_SPECIFIED,
        "estimatedWaitingTimeQueue": ESTIMATED_WAITING_TIME_QUEUE,
        "source": {"type": source_type},
        "_updatedAt": now,
    }
    if not auto:
        inquiry["queuedAt"] = now
    if department:
        room["departmentId"] = inquiry["department"] = department
    with rt.store.transaction():
        rt.store.insert("rooms", room)
        rt.store.insert("livechat_inquiries", inquiry)
        rt.store.update(
            "livechat_visitors", visitor["_id"], {"lastChat": {"_id": room["_id"], "ts": now}}
        )
        if auto:
            _delegate(rt, inquiry, agent)
    return rt.store.get("rooms", room["_id"]), True


# ``IRoutingMethod.config`` of the community routing methods
def _delegate(rt: Runtime, inquiry: Doc, agent: Doc | None = None) -> None:
    """``RoutingManager.delegateInquiry``: to ``agent`` when online, else the routing method's
    next agent; with nobody available the inquiry stays ``ready`` (community edition has no
    re-queueing)."""
    agent = agent or livechat.next_agent(rt, inquiry.get("department"))
    if agent is not None:
        take(rt, inquiry, agent)


def _route(rt: Runtime, inquiry: Doc) -> None:
    """A transferred or returned chat: auto selection delegates it again, manual selection
    queues it."""
    if setting(rt, "Livechat_Routing_Method") == "Auto_Selection":
        _delegate(rt, inquiry)
    else:
        queue_inquiry(rt, inquiry)


def queue_inquiry(rt: Runtime, inquiry: Doc) -> Doc:
    now = rt.clock.now_ms()
    fresh = livechat.unset(
        rt,
        "livechat_inquiries",
        inquiry["_id"],
        ("takenAt",),
        {"status": "queued", "queuedAt": now, "_updatedAt": now},
    )
    return fresh


def take(rt: Runtime, inquiry: Doc, agent: Doc) -> Doc:
    """``RoutingManager.takeInquiry`` + ``assignAgent``: the agent is subscribed (one unread
    mention, as ``createLivechatSubscription``), serves the room, the inquiry is taken, and
    ``command``/``connected`` and ``uj`` system messages tell the room. Returns the room."""
    room = rt.store.get("rooms", inquiry["rid"])
    if room is None or not room.get("open"):
        return room
    if (room.get("servedBy") or {}).get("_id") == agent["_id"]:
        return room
    now = rt.clock.now_ms()
    sub: Doc = {
        "_id": rt.ids.meteor_id(),
        "rid": room["_id"],
        "name": inquiry["name"],
        "fname": inquiry["name"],
        "alert": True,
        "open": True,
        "unread": 1,
        "userMentions": 1,
        "groupMentions": 0,
        "u": {"_id": agent["_id"], "username": agent["username"], "name": agent.get("name")},
        "t": "l",
        "desktopNotifications": "all",
        "mobilePushNotifications": "all",
        "emailNotifications": "all",
        "v": dict(inquiry["v"]),
        "ts": now,
        "ls": now,
        "roles": [],
        "_updatedAt": now,
    }
    if inquiry.get("department"):
        sub["department"] = inquiry["department"]
    served = {"_id": agent["_id"], "username": agent["username"], "ts": now}
    with rt.store.transaction():
        joined = rooms.subscription(rt, room["_id"], agent["_id"]) is None
        if joined:
            rt.store.insert("subscriptions", sub)
        fresh = rt.store.get("rooms", room["_id"])
        count = fresh["usersCount"] + (1 if joined else 0)
        rt.store.update(
            "rooms", room["_id"], {"servedBy": served, "usersCount": count, "_updatedAt": now}
        )
        livechat.unset(
            rt,
            "livechat_inquiries",
            inquiry["_id"],
            ("queuedAt",),
            {"status": "taken", "takenAt": now, "_updatedAt": now},
        )
        rooms.system_message(rt, room, "command", agent, "connected")
        rooms.system_message(rt, room, "uj", agent)
    fresh = rt.store.get("rooms", room["_id"])
    rooms.notify_user(rt, agent["_id"], "subscriptions-changed", "inserted", sub)
    rooms.notify_user(rt, agent["_id"], "rooms-changed", "inserted", fresh)
    return fresh


def take_inquiry(rt: Runtime, user: Doc, inquiry_id: Any) -> None:
    """``takeInquiry`` (``livechat/inquiries.take``): a waiting inquiry, taken by an online,
    available agent. Raises ``Refused``."""
    details = {"method": "livechat:takeInquiry"}
    with rt.store.transaction():  # holds the store lock: two agents cannot both take it
        inquiry = rt.store.get("livechat_inquiries", inquiry_id)
        if inquiry is None:
            raise Refused(errors.NOT_FOUND, "Inquiry not found", details)
        if inquiry["status"] == "taken":
            raise Refused(errors.INQUIRY_TAKEN, "Inquiry already taken", details)
        if not livechat.is_online_agent(user):
            raise Refused(
                errors.AGENT_OFFLINE,
                "Agent status is offline or Omnichannel service is not active",
                details,
            )
        take(rt, inquiry, user)


def queued_inquiries(rt: Runtime, user: Doc | None, department: str | None = None) -> list[Doc]:
    """Queued inquiries, newest first; for ``user`` only those without a department or of one
    of the agent's departments (``findInquiries``)."""
    found = rt.store.find("livechat_inquiries", "status", "queued")
    if department:
        dep = livechat.department_by_id_or_name(rt, department)
        found = [i for i in found if dep is not None and i.get("department") == dep["_id"]]
    if user is not None:
        mine = {r["departmentId"] for r in livechat.agent_departments(rt, user["_id"])}
        found = [i for i in found if not i.get("department") or i["department"] in mine]
    return sorted(found, key=lambda i: i["ts"], reverse=True)


def queue_metrics(
    rt: Runtime, department_id: str | None, agent_id: str | None, include_offline: bool
) -> list[Doc]:
    """``getQueueMetrics``: open, served chats counted per agent and department (only agents
    who are not offline unless asked), busiest first."""
    rows: dict[tuple, Doc] = {}
    for room in livechat_rooms(rt):
        served = room.get("servedBy")
        if not room.get("open") or not served:
            continue
        if department_id and room.get("departmentId") != department_id:
            continue
        if agent_id and served["_id"] != agent_id:
            continue
        agent = rt.store.get("users", served["_id"]) or {}
        if not include_offline and agent.get("status", "offline") == "offline":
            continue
        department = rt.store.get("livechat_departments", room.get("departmentId")) or {}
        key = (served["_id"], room.get("departmentId"))
        row = rows.setdefault(
            key,
            {
                "user": {
                    "_id": served["_id"],
                    "username": served["username"],
                    "status": agent.get("status"),
                },
                "department": {k: department[k] for k in ("_id", "name") if k in department},
                "chats": 0,
            },
        )
        row["chats"] += 1
    return sorted(rows.values(), key=lambda r: -r["chats"])


def return_as_inquiry(rt: Runtime, user: Doc, room: Doc, department_id: str | None = None) -> bool:
    """``returnRoomAsInquiry``: the serving agent leaves (a ``queue`` transfer in the history),
    the inquiry is queued again. False when nobody serves the room. Raises ``Refused``."""
    details = {"method": "livechat:returnRoomAsInquiry"}
    if not room.get("open"):
        raise Refused(errors.ROOM_CLOSED, "Room closed", details)
    inquiry = inquiry_of_room(rt, room["_id"])
    if not room.get("servedBy") or inquiry is None:
        return False
    with rt.store.transaction():
        to = {"departmentId": department_id} if department_id else {}
        save_transfer(rt, room, user, "user", "queue", to, "")
        _unassign(rt, room)
        if department_id:
            rt.store.update("rooms", room["_id"], {"departmentId": department_id})
            inquiry = rt.store.update(
                "livechat_inquiries", inquiry["_id"], {"department": department_id}
            )
        queue_inquiry(rt, inquiry)
    return True


def _unassign(rt: Runtime, room: Doc) -> None:
    """``removeAgentByRoomId`` + ``removeAllRoomSubscriptions``: every agent leaves (``ul``)."""
    livechat.unset(rt, "rooms", room["_id"], ("servedBy",))
    for sub in rt.store.find("subscriptions", "rid", room["_id"]):
        agent = rt.store.get("users", sub["u"]["_id"]) or sub["u"]
        rooms.remove_member(rt, room, agent)


# -- closing, transfers, info ------------------------------------------------------------------


def _closing_tags(rt: Runtime, room: Doc, tags: list[str] | None, client_action: bool) -> list:
    """``resolveChatTags``: the given and the room's tags plus the department's closing tags; a
    department that requires tags refuses a close without them."""
    found = list(dict.fromkeys([*(tags or []), *(room.get("tags") or [])]))
    department = rt.store.get("livechat_departments", room.get("departmentId"))
    if department is None:
        return found
    closing = department.get("chatClosingTags") or []
    if department.get("requestTagBeforeClosingChat") and (
        (client_action and not found) or not closing
    ):
        raise Refused(errors.TAGS_REQUIRED_BEFORE_CLOSING)
    return list(dict.fromkeys([*found, *closing]))


def close_room(
    rt: Runtime,
    room: Doc,
    *,
    user: Doc | None = None,
    visitor: Doc | None = None,
    comment: str = "",
    tags: list[str] | None = None,
) -> Doc:
    """``closeRoom``: closed by an agent (``user``) or the visitor; the inquiry and the agents'
    subscriptions go, a ``livechat-close`` message carries the comment, and a transcript an
    agent asked for is recorded. Raises ``Refused``."""
    fresh = rt.store.get("rooms", room["_id"])
    if fresh is None or not fresh.get("open"):
        raise Refused(errors.ERROR_ROOM_CLOSED)
    if setting(rt, "Livechat_request_comment_when_closing_conversation") and not comment.strip():
        raise Refused(errors.COMMENT_REQUIRED)
    all_tags = _closing_tags(rt, fresh, tags, user is not None)
    now = rt.clock.now_ms()
    by = user if user is not None else visitor
    closed_by = {"_id": by["_id"], "username": by["username"]}
    metrics = {**(fresh.get("metrics") or {}), "chatDuration": (now - fresh["ts"]) / 1000}
    if fresh.get("servedBy"):
        metrics["serviceTimeDuration"] = (now - fresh["servedBy"]["ts"]) / 1000
    changes: Doc = {
        "closedAt": now,
        "closedBy": closed_by,
        "closer": "user" if user is not None else "visitor",
        "metrics": metrics,
        "v": {**fresh["v"], "status": "offline"},
        "_updatedAt": now,
    }
    if all_tags:
        changes["tags"] = all_tags
    subs = rt.store.find("subscriptions", "rid", room["_id"])
    request = fresh.get("transcriptRequest")
    with rt.store.transaction():
        closed = livechat.unset(rt, "rooms", room["_id"], ("open",), changes)
        for inquiry in rt.store.find("livechat_inquiries", "rid", room["_id"]):
            rt.store.delete("livechat_inquiries", inquiry["_id"])
        for sub in subs:
            rt.store.delete("subscriptions", sub["_id"])
            rooms._trash(rt, "subscriptions", sub)
        extra: Doc = {
            "t": "livechat-close",
            "groupable": False,
            "transcriptRequested": bool(request),
        }
        if visitor is not None:
            extra["token"] = visitor["token"]
        send_message(rt, room=closed, user=closed_by, text=comment, extra=extra)
        if setting(rt, "Livechat_enable_transcript"):
            rooms.system_message(rt, closed, "command", closed_by, "promptTranscript")
        if request:
            livechat_records.transcript_record(
                rt, closed, request["email"], request["subject"], request["requestedBy"]
            )
    for sub in subs:
        rooms.notify_user(
            rt,
            sub["u"]["_id"],
            "subscriptions-changed",
            "removed",
            {"_id": sub["_id"], "u": sub["u"], "rid": sub["rid"], "t": sub["t"]},
        )


def close_by_user(rt: Runtime, user: Doc, rid: Any, comment: str, tags: list[str] | None) -> None:
    """``livechat/room.closeByUser``: an agent closes a room it serves; another's needs
    ``close-others-livechat-room``. Raises ``Refused``."""
    room = rt.store.get("rooms", rid) if isinstance(rid, str) else None
    if room is None or room["t"] != "l":
        raise Refused(errors.INVALID_ROOM)
    if not room.get("open"):
        raise Refused(errors.ROOM_ALREADY_CLOSED)
    if rooms.subscription(rt, rid, user["_id"]) is None and not has_permission(
        rt, user, "close-others-livechat-room"
    ):
        raise Refused(errors.NOT_AUTHORIZED)
    close_room(rt, room, user=user, comment=comment, tags=tags)


def join(rt: Runtime, user: Doc, room_id: Any) -> None:
    """``livechat/room.join``: an agent joins a livechat room it may see."""
    room = rt.store.get("rooms", room_id) if isinstance(room_id, str) else None
    if room is None:
        raise Refused(errors.INVALID_ROOM)
    if not can_access(rt, room, user):
        raise Refused(errors.NOT_ALLOWED)
    rooms.add_member(rt, room, user)


def can_access(rt: Runtime, room: Doc, user: Doc) -> bool:
    """``canAccessRoom`` for ``t: 'l'``: a subscriber, a ``view-livechat-rooms`` holder, the
    serving agent, or an agent who may take the room's queued inquiry."""
    if rooms.subscription(rt, room["_id"], user["_id"]) is not None:
        return True
    if has_permission(rt, user, "view-livechat-rooms"):
        return True
    if (room.get("servedBy") or {}).get("_id") == user["_id"]:
        return True
    inquiry = inquiry_of_room(rt, room["_id"])
    return (
        inquiry is not None
        and inquiry["status"] == "queued"
        and has_permission(rt, user, "view-l-room")
        and inquiry in queued_inquiries(rt, user)
    )


def save_transfer(
    rt: Runtime, room: Doc, by: Doc, by_type: str, scope: str, to: Doc, comment: str
) -> None:
    """``saveTransferHistory``: a ``livechat_transfer_history`` system message."""
    transfer = {
        "transferredBy": {"_id": by["_id"], "username": by["username"], "type": by_type},
        "ts": rt.clock.now_ms(),
        "scope": scope,
        "comment": comment,
        **to,
    }
    if by.get("name"):
        transfer["transferredBy"]["name"] = by["name"]
    send_message(
        rt,
        room=rt.store.get("rooms", room["_id"]),
        user={"_id": by["_id"], "username": by["username"], "name": by.get("name")},
        text="",
        extra={"t": "livechat_transfer_history", "groupable": False, "transferData": transfer},
    )


def forward(
    rt: Runtime,
    actor: Doc,
    room_id: Any,
    *,
    user_id: str | None,
    department_id: str | None,
    comment: str = "",
) -> bool:
    """``livechat/room.forward`` (``Livechat.transfer``): to an online agent, or to a department
    (routed again there). Raises ``Refused``."""
    room = rt.store.get("rooms", room_id) if isinstance(room_id, str) else None
    if room is None or room["t"] != "l":
        raise Refused(errors.INVALID_ROOM)
    if not room.get("open"):
        raise Refused(errors.CONVERSATION_ALREADY_CLOSED)
    inquiry = inquiry_of_room(rt, room["_id"])
    if user_id:
        agent = rt.store.get("users", user_id)
        if not livechat.is_online_agent(agent):
            raise Refused(errors.USER_IS_OFFLINE)
        if inquiry is None:
            raise Refused(errors.INVALID_INQUIRY)
        if (room.get("servedBy") or {}).get("_id") == user_id:
            raise Refused(errors.SELECTED_AGENT_SAME)
        with rt.store.transaction():
            _unassign(rt, room)
            take(rt, rt.store.get("livechat_inquiries", inquiry["_id"]), agent)
            save_transfer(
                rt,
                room,
                actor,
                "user",
                "agent",
                {
                    "transferredTo": {
                        "_id": agent["_id"],
                        "username": agent["username"],
                        "name": agent.get("name"),
                    }
                },
                comment,
            )
        return True
    if department_id:
        department = rt.store.get("livechat_departments", department_id)
        if department is None:
            raise Refused(errors.INVALID_DEPARTMENT)
        if inquiry is None:
            raise Refused(errors.INVALID_INQUIRY)
        with rt.store.transaction():
            previous = room.get("departmentId")
            rt.store.update("rooms", room["_id"], {"departmentId": department_id})
            inquiry = rt.store.update(
                "livechat_inquiries", inquiry["_id"], {"department": department_id}
            )
            _unassign(rt, room)
            save_transfer(
                rt,
                room,
                actor,
                "user",
                "department",
                {
                    "nextDepartment": {"_id": department_id, "name": department.get("name")},
                    "previousDepartment": previous,
                },
                comment,
            )
            _route(rt, inquiry)
        return True
    return False


def forward_as_visitor(rt: Runtime, by: Doc, room: Doc, department_id: str) -> bool:
    """``livechat/visitor/department.transfer``: the visitor moves its open room to another
    department, routed again there."""
    if not room.get("open"):
        raise Refused(errors.ROOM_CLOSED)
    department = rt.store.get("livechat_departments", department_id)
    inquiry = inquiry_of_room(rt, room["_id"])
    if department is None or inquiry is None:
        return False
    with rt.store.transaction():
        previous = room.get("departmentId")
        rt.store.update("rooms", room["_id"], {"departmentId": department_id})
        inquiry = rt.store.update(
            "livechat_inquiries", inquiry["_id"], {"department": department_id}
        )
        _unassign(rt, room)
        to = {
            "nextDepartment": {"_id": department_id, "name": department.get("name")},
            "previousDepartment": previous,
        }
        save_transfer(rt, room, by, "visitor", "department", to, "")
        _route(rt, inquiry)
    return True


def transfer_history(rt: Runtime, rid: str) -> list[Doc]:
    """``livechat/transfer.history/:rid``: the room's transfer system messages."""
    return [
        m
        for m in rt.store.find("messages", "rid", rid)
        if m.get("t") == "livechat_transfer_history"
    ]


SURVEY_ITEMS = ("satisfaction", "agentKnowledge", "agentResposiveness", "agentFriendliness")
SURVEY_VALUES = ("1", "2", "3", "4", "5")


def save_survey(rt: Runtime, room: Doc, data: list[Doc]) -> Doc:
    """``livechat/room.survey``: known items with known values (and free feedback) onto
    ``surveyFeedback``. Raises ``Refused`` when nothing valid was given."""
    update = {}
    for item in data:
        name, value = item.get("name"), item.get("value")
        if (name in SURVEY_ITEMS and value in SURVEY_VALUES) or name == "additionalFeedback":
            update[name] = value
    if not update:
        raise Refused(errors.INVALID_DATA)
    feedback = {**(room.get("surveyFeedback") or {}), **update}
    rt.store.update("rooms", room["_id"], {"surveyFeedback": feedback})
    return update


def save_room_info(rt: Runtime, user: Doc, room_data: Doc, guest_data: Doc | None) -> None:
    """``livechat/room.saveInfo``: the room's topic, tags and livechatData, and the visitor's
    name, e-mail and phone; another agent's room needs ``save-others-livechat-room-info``."""
    room = rt.store.get("rooms", room_data.get("_id"))
    if room is None or room["t"] != "l":
        raise Refused(errors.INVALID_ROOM)
    served = (room.get("servedBy") or {}).get("_id")
    if served != user["_id"] and not has_permission(rt, user, "save-others-livechat-room-info"):
        raise Refused(errors.FORBIDDEN)
    changes: Doc = {}
    for key in ("topic", "tags", "livechatData"):
        if key in room_data:
            changes[key] = room_data[key]
    with rt.store.transaction():
        if guest_data:
            visitor = rt.store.get("livechat_visitors", guest_data.get("_id") or room["v"]["_id"])
            if visitor is not None:
                guest: Doc = {}
                if guest_data.get("name"):
                    guest["name"] = guest_data["name"]
                    changes["fname"] = guest_data["name"]
                if guest_data.get("email"):
                    guest["visitorEmails"] = [{"address": guest_data["email"]}]
                if guest_data.get("phone"):
                    guest["phone"] = [{"phoneNumber": guest_data["phone"]}]
                if guest:
                    rt.store.update("livechat_visitors", visitor["_id"], guest)
        if changes:
            rooms.update_room(rt, room, changes)


def delete_closed_room(rt: Runtime, room_id: str) -> None:
    """``removeOmnichannelRoom``: only a closed livechat room is erased, with its inquiry."""
    room = rt.store.get("rooms", room_id)
    if room is None:
        raise Refused(errors.INVALID_ROOM, "Invalid room")
    if room["t"] != "l":
        raise Refused(errors.THIS_IS_NOT_A_LIVECHAT_ROOM)
    if room.get("open"):
        raise Refused(errors.ROOM_IS_NOT_CLOSED)
    with rt.store.transaction():
        for inquiry in rt.store.find("livechat_inquiries", "rid", room_id):
            rt.store.delete("livechat_inquiries", inquiry["_id"])
        rooms.delete_room(rt, room)


def remove_all_closed_rooms(rt: Runtime, department_ids: list[str] | None = None) -> int:
    """``removeAllClosedRooms``: every closed livechat room (of the departments when given)."""
    doomed = [
        r
        for r in livechat_rooms(rt)
        if not r.get("open") and (not department_ids or r.get("departmentId") in department_ids)
    ]
    for room in doomed:
        rooms.delete_room(rt, room)
    return len(doomed)
