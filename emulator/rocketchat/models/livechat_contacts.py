"""Omnichannel contacts (``LivechatContacts``; ``app/livechat/server/lib/contacts/*.ts``):
people the workspace talks to, their e-mails, phones, manager and visitor custom fields.

The visitor-side ``omnichannel/contact`` routes work on the conversation side's visitors:
``register_visitor_contact`` is the visitor registration plus a manager, ``find_visitor`` reads.
"""

from __future__ import annotations

import re
from typing import Any

from ...core.runtime import Runtime
from .. import errors
from . import livechat, livechat_rooms
from .common import Doc, Refused


def _trim(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def allowed_custom_fields(rt: Runtime) -> list[Doc]:
    """``getAllowedCustomFields``: the visitor-scope definitions."""
    return [f for f in rt.store.all("livechat_custom_fields") if f.get("scope") == "visitor"]


def validate_custom_fields(
    allowed: list[Doc], given: Doc, *, ignore_additional: bool = False
) -> dict[str, str]:
    """``validateCustomFields``: required ones present and matching their ``regexp``; fields
    the workspace does not define are refused unless ``ignore_additional``."""
    valid: dict[str, str] = {}
    for field in allowed:
        label = field.get("label") or field["_id"]
        invalid = f"Invalid value for {label} field"
        if field["_id"] not in given:
            if field.get("required"):
                raise Refused(invalid)
            continue
        value = _trim(given[field["_id"]])
        if not value or not isinstance(value, str):
            if field.get("required"):
                raise Refused(invalid)
            continue
        if field.get("regexp"):
            try:
                matched = re.search(field["regexp"], value) is not None
            except re.error:
                matched = False
            if not matched:
                raise Refused(invalid)
        valid[field["_id"]] = value
    if not ignore_additional:
        known = {f["_id"] for f in allowed}
        for key in given:
            if key not in known:
                raise Refused(f"Custom field {key} is not allowed")
    return valid


def _check_manager(rt: Runtime, user_id: str) -> None:
    """``validateContactManager``: an agent (``Users.findOneAgentById``)."""
    user = rt.store.get("users", user_id)
    if user is None or "livechat-agent" not in user.get("roles", []):
        raise Refused(errors.CONTACT_MANAGER_NOT_FOUND)


def enabled_contact(rt: Runtime, contact_id: str) -> Doc | None:
    contact = rt.store.get("livechat_contacts", contact_id)
    return contact if contact is not None and contact.get("enabled") is not False else None


def create_contact(rt: Runtime, params: Doc) -> str:
    """``createContact`` with ``unknown: false`` (``POST omnichannel/contacts``)."""
    manager = params.get("contactManager")
    if manager:
        _check_manager(rt, manager)
    custom = validate_custom_fields(allowed_custom_fields(rt), params.get("customFields") or {})
    now = rt.clock.now_ms()
    contact: Doc = {
        "_id": rt.ids.meteor_id(),
        "createdAt": now,
        "name": params["name"],
        "emails": [{"address": a} for a in params["emails"]],
        "phones": [{"phoneNumber": p} for p in params["phones"]],
        **({"contactManager": manager} if manager else {}),
        "channels": [],
        "customFields": custom,
        "unknown": False,
        "preRegistration": True,
        "_updatedAt": now,
    }
    rt.store.insert("livechat_contacts", contact)
    return contact["_id"]


def _patch(rt: Runtime, contact_id: str, changes: Doc, unset: tuple[str, ...]) -> Doc:
    contact = rt.store.get("livechat_contacts", contact_id)
    merged = {k: v for k, v in {**contact, **changes}.items() if k not in unset}
    merged["_updatedAt"] = rt.clock.now_ms()
    return rt.store.upsert("livechat_contacts", merged)


def update_contact(rt: Runtime, params: Doc) -> Doc:
    """``updateContact``: the fields given (empty ones dropped first by the route); a manager
    given as empty is unset; custom fields no longer defined keep their stored value."""
    with rt.store.transaction():
        contact = enabled_contact(rt, params["contactId"])
        if contact is None:
            raise Refused(errors.CONTACT_NOT_FOUND)
        manager = params.get("contactManager")
        if manager:
            _check_manager(rt, manager)
        allowed = allowed_custom_fields(rt)
        defined = {f["_id"] for f in allowed}
        undefined = [k for k in contact.get("customFields") or {} if k not in defined]
        changes: Doc = {}
        given = params.get("customFields")
        if given is not None:
            custom = validate_custom_fields(allowed, given, ignore_additional=bool(undefined))
            if undefined:
                validate_custom_fields([*allowed, *({"_id": k} for k in undefined)], given)
                custom.update({k: contact["customFields"][k] for k in undefined})
            changes["customFields"] = custom
        if "name" in params:
            changes["name"] = params["name"]
        if params.get("emails") is not None:
            changes["emails"] = [{"address": a} for a in params["emails"]]
        if params.get("phones") is not None:
            changes["phones"] = [{"phoneNumber": p} for p in params["phones"]]
        if manager:
            changes["contactManager"] = manager
        if params.get("wipeConflicts"):
            changes["conflictingFields"] = []
        unset = ("contactManager",) if "contactManager" in params and not manager else ()
        return _patch(rt, contact["_id"], changes, unset)


def resolve_conflicts(rt: Runtime, params: Doc) -> Doc:
    """``resolveContactConflicts``: the values chosen replace the conflicting ones."""
    with rt.store.transaction():
        contact = enabled_contact(rt, params["contactId"])
        if contact is None:
            raise Refused(errors.CONTACT_NOT_FOUND)
        conflicts = contact.get("conflictingFields") or []
        if not conflicts:
            raise Refused(errors.CONTACT_HAS_NO_CONFLICTS)
        manager = params.get("contactManager")
        if manager:
            _check_manager(rt, manager)
        remaining: list[Doc] = []
        if not params.get("wipeConflicts"):
            resolved = {
                *(["name"] if params.get("name") else []),
                *(["manager"] if "contactManager" in params else []),
                *(f"customFields.{k}" for k in params.get("customFields") or {}),
            }
            remaining = [c for c in conflicts if c.get("field") not in resolved]
        changes: Doc = {"conflictingFields": remaining}
        if params.get("name"):
            changes["name"] = params["name"]
        if manager:
            changes["contactManager"] = manager
        if params.get("customFields"):
            changes["customFields"] = {**contact.get("customFields", {}), **params["customFields"]}
        unset = ("contactManager",) if "contactManager" in params and not manager else ()
        return _patch(rt, contact["_id"], changes, unset)


def search_contacts(rt: Runtime, search_text: str | None, unknown: bool) -> list[Doc]:
    """``findPaginatedContacts``: name, e-mail or phone containing the text, case-blind."""
    pattern = re.compile(re.escape(search_text or ""), re.I)

    def found(contact: Doc) -> bool:
        texts = [
            contact.get("name") or "",
            *(e.get("address", "") for e in contact.get("emails") or []),
            *(p.get("phoneNumber", "") for p in contact.get("phones") or []),
        ]
        return any(pattern.search(str(t)) for t in texts)

    return [
        c
        for c in rt.store.all("livechat_contacts")
        if found(c) and c.get("unknown", False) is unknown and c.get("enabled") is not False
    ]


def with_manager(rt: Runtime, contact: Doc) -> Doc:
    """A contact with its manager's ``{_id, name, username}`` in place of the id."""
    manager_id = contact.get("contactManager")
    shown = {k: v for k, v in contact.items() if k != "contactManager"}
    user = rt.store.get("users", manager_id) if isinstance(manager_id, str) else None
    if user is not None:
        shown["contactManager"] = {
            "_id": user["_id"],
            "name": user.get("name"),
            "username": user.get("username"),
        }
    return shown


def exists(rt: Runtime, contact_id: str | None, email: str | None, phone: str | None) -> bool:
    """``countByContactInfo``."""
    for contact in rt.store.all("livechat_contacts"):
        if contact_id and contact["_id"] != contact_id:
            continue
        if email and email not in [e.get("address") for e in contact.get("emails") or []]:
            continue
        if phone and phone not in [p.get("phoneNumber") for p in contact.get("phones") or []]:
            continue
        return True
    return False


HISTORY_FIELDS = (
    "_id",
    "fname",
    "ts",
    "v",
    "msgs",
    "servedBy",
    "closedAt",
    "closedBy",
    "closer",
    "tags",
    "source",
    "lastMessage",
    "verified",
)


def history(rt: Runtime, contact_id: str) -> list[Doc]:
    """The contact's closed conversations (``findClosedRoomsByContactPaginated``)."""
    if enabled_contact(rt, contact_id) is None:
        raise Refused(errors.CONTACT_NOT_FOUND)
    return [
        {k: room[k] for k in HISTORY_FIELDS if k in room}
        for room in rt.store.find("rooms", "t", "l")
        if room.get("contactId") == contact_id and "closedAt" in room
    ]


def channels_grouped(rt: Runtime, contact_id: str) -> list[Doc]:
    """``getContactChannelsGrouped``: one channel per name, the latest chat's."""
    contact = enabled_contact(rt, contact_id)
    grouped: dict[str, Doc] = {}
    for channel in (contact or {}).get("channels") or []:
        if not isinstance(channel, dict):
            continue
        current = grouped.get(channel.get("name"))
        latest = ((channel.get("lastChat") or {}).get("ts")) or 0
        if current is None or latest > (((current.get("lastChat") or {}).get("ts")) or 0):
            grouped[channel.get("name")] = channel
    return list(grouped.values())


# -- the visitor-side contact routes (``omnichannel/contact``, ``contact.search``) -------------


def _visitors(rt: Runtime) -> list[Doc]:
    # the conversation side's table; a build without it has no visitors
    try:
        return rt.store.all("livechat_visitors")
    except KeyError:
        return []


def find_visitor(rt: Runtime, visitor_id: str) -> Doc | None:
    """``LivechatVisitors.findOneEnabledById``."""
    return next(
        (v for v in _visitors(rt) if v["_id"] == visitor_id and v.get("disabled") is not True),
        None,
    )


def search_visitor(rt: Runtime, email: str | None, phone: str | None, custom: Doc) -> Doc | None:
    """``findOneByEmailAndPhoneAndCustomField``: an exact e-mail and phone, and searchable
    visitor custom fields containing the values given (case-blind)."""
    searchable = {
        f["_id"]
        for f in rt.store.all("livechat_custom_fields")
        if f.get("scope") == "visitor" and f.get("searchable") and f["_id"] in custom
    }
    if not email and not phone and not searchable:
        return None
    for visitor in _visitors(rt):
        if visitor.get("disabled") is True:
            continue
        if email and {"address": email} not in (visitor.get("visitorEmails") or []):
            continue
        if phone and {"phoneNumber": phone} not in (visitor.get("phone") or []):
            continue
        data = visitor.get("livechatData") or {}
        if all(
            re.search(re.escape(str(custom[k])), str(data.get(k, "")), re.I) and k in data
            for k in searchable
        ):
            return visitor
    return None


def register_visitor_contact(rt: Runtime, params: Doc) -> str:
    """``Contacts.registerContact`` (``POST omnichannel/contact``): the visitor of ``token``
    registered or updated (``registerGuest``'s rules; an unknown token with a known e-mail
    updates that visitor), its visitor custom fields (unknown ones ignored) and contact
    manager set, its open rooms renamed. Returns the visitor's id. Raises ``Refused``."""
    manager = (params.get("contactManager") or {}).get("username")
    if manager and rt.store.find_one("users", "username", manager) is None:
        raise Refused(errors.CONTACT_MANAGER_NOT_FOUND)
    livechat_data = validate_custom_fields(
        allowed_custom_fields(rt), params.get("customFields") or {}, ignore_additional=True
    )
    with rt.store.transaction():
        visitor = livechat.register_visitor(
            rt,
            token=params["token"],
            name=params["name"],
            email=params.get("email"),
            phone=params.get("phone"),
            username=params.get("username"),
        )
        changes: Doc = {"livechatData": {**visitor.get("livechatData", {}), **livechat_data}}
        if manager:
            changes["contactManager"] = {"username": manager}
        visitor = rt.store.update("livechat_visitors", visitor["_id"], changes)
    livechat_rooms.sync_visitor_rooms(rt, visitor)
    return visitor["_id"]
