"""Omnichannel (livechat) people: visitors (``LivechatVisitors``, ``registerGuest``), agents and
managers (``omni-users.ts``), and who is available to take a chat (``getNextAgent``).

The conversation itself (rooms, inquiries, routing, messages, closing) is ``livechat_rooms``.
Departments and custom-field definitions are omni-admin's tables, read here through the shared
contract's shapes.
"""

from __future__ import annotations

import re
from typing import Any

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, Refused, has_permission, setting

AGENT_ROLE = "livechat-agent"
MANAGER_ROLE = "livechat-manager"
ROLE_OF_TYPE = {"agent": AGENT_ROLE, "manager": MANAGER_ROLE}
AGENT_FIELDS = ("_id", "username", "name", "status", "statusLivechat", "emails", "livechat")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Livechat settings read here but declared by omni-admin (the widget's appearance and forms):
# their upstream defaults while this server does not declare them.
APPEARANCE_DEFAULTS: Doc = {
    "Livechat_show_agent_info": True,
    "Livechat_show_agent_email": True,
    "Livechat_enable_message_character_limit": False,
    "Livechat_message_character_limit": 0,
    "Livechat_display_offline_form": True,
    "Livechat_offline_email": "",
    "Livechat_registration_form": True,
    "Livechat_allow_switching_departments": True,
    "Livechat_name_field_registration_form": True,
    "Livechat_email_field_registration_form": True,
    "Livechat_force_accept_data_processing_consent": False,
    "Livechat_Show_Connecting": False,
    "Livechat_clear_local_storage_when_chat_ended": False,
    "Livechat_fileupload_enabled": True,
    "Livechat_title": "Rocket.Chat",
    "Livechat_title_color": "#C1272D",
    "Livechat_offline_title": "Leave a message",
    "Livechat_offline_title_color": "#666666",
    "Livechat_widget_position": "right",
    "Livechat_offline_message": "",
    "Livechat_offline_success_message": "",
    "Livechat_offline_form_unavailable": "",
    "Livechat_conversation_finished_message": "",
    "Livechat_conversation_finished_text": "",
    "Livechat_registration_form_message": "",
    "Livechat_data_processing_consent_text": "",
}


def visitor_field_ids(rt: Runtime) -> set[str]:
    """The visitor-scoped custom fields (``findByIdsAndScope(keys, 'visitor')``)."""
    return {f["_id"] for f in rt.store.all("livechat_custom_fields") if f.get("scope") != "room"}


def livechat_setting(rt: Runtime, setting_id: str) -> Any:
    """A ``Livechat_*`` setting, or its upstream default when this server does not declare it."""
    if rt.store.get("settings", setting_id) is None:
        return APPEARANCE_DEFAULTS.get(setting_id)
    return setting(rt, setting_id)


def unset(
    rt: Runtime, table: str, pk: str, fields: tuple[str, ...], changes: Doc | None = None
) -> Doc:
    """Mongo's ``$set`` + ``$unset``: upstream removes these fields rather than nulling them."""
    doc = {**rt.store.get(table, pk), **(changes or {})}
    return rt.store.upsert(table, {k: v for k, v in doc.items() if k not in fields})


# -- visitors ----------------------------------------------------------------------------------


def find_visitor(rt: Runtime, token: Any) -> Doc | None:
    """``LivechatVisitors.getVisitorByToken``."""
    if not isinstance(token, str) or not token:
        return None
    return rt.store.find_one("livechat_visitors", "token", token)


def department_by_id_or_name(rt: Runtime, department: Any) -> Doc | None:
    """``LivechatDepartment.findOneByIdOrName`` on omni-admin's table."""
    if not isinstance(department, str) or not department:
        return None
    found = rt.store.get("livechat_departments", department)
    if found is not None:
        return found
    return next((d for d in rt.store.all("livechat_departments") if d["name"] == department), None)


def _next_guest_username(rt: Runtime) -> str:
    """``getNextVisitorUsername``: ``guest-<n>`` from the ``Livechat_guest_count`` counter."""
    count = setting(rt, "Livechat_guest_count") or 1
    rt.store.update("settings", "Livechat_guest_count", {"value": count + 1})
    return f"guest-{count}"


def register_visitor(
    rt: Runtime,
    *,
    token: str,
    name: str | None = None,
    email: str | None = None,
    department: str | None = None,
    phone: str | None = None,
    username: str | None = None,
    connection_data: Doc | None = None,
) -> Doc:
    """``registerGuest``: create the visitor of ``token`` or update it (name, email, phone,
    department); a new visitor is ``guest-<n>`` unless it brought a username. Raises
    ``Refused``."""
    if not token.strip():
        raise Refused(errors.INVALID_TOKEN, "Token cannot be empty", {"method": "livechat/visitor"})
    now = rt.clock.now_ms()
    changes: Doc = {"token": token, "status": "online", "_updatedAt": now}
    if name:
        changes["name"] = name
    if phone:
        changes["phone"] = [{"phoneNumber": phone}]
    if email:
        email = email.strip().lower()
        if not EMAIL_RE.match(email):
            raise Refused(
                errors.INVALID_EMAIL, f"Invalid email {email}", {"method": "registerGuest"}
            )
        changes["visitorEmails"] = [{"address": email}]
    if department:
        found = department_by_id_or_name(rt, department)
        changes["department"] = found["_id"] if found else None
    if connection_data:
        changes["connectionData"] = connection_data
    with rt.store.transaction():
        existing = find_visitor(rt, token)
        if existing is None and email:
            existing = next(
                (
                    v
                    for v in rt.store.all("livechat_visitors")
                    if any(e.get("address") == email for e in v.get("visitorEmails", []))
                ),
                None,
            )
        if existing is not None:
            if changes.get("department", existing.get("department")) is None:
                changes.pop("department", None)
            return rt.store.update("livechat_visitors", existing["_id"], changes)
        visitor: Doc = {
            "_id": rt.ids.meteor_id(),
            "username": username or _next_guest_username(rt),
            "ts": now,
            **{k: v for k, v in changes.items() if v is not None},
        }
        return rt.store.insert("livechat_visitors", visitor)


def remove_visitor(rt: Runtime, token: str) -> Doc:
    """``DELETE livechat/visitor/:token``: not while the visitor has an open room (unless the
    server may keep HTTP header data). Returns the removed visitor. Raises ``Refused``."""
    visitor = find_visitor(rt, token)
    if visitor is None:
        raise Refused(errors.BARE_INVALID_TOKEN)
    open_rooms = [
        r for r in rt.store.find("rooms", "t", "l") if r["v"]["token"] == token and r.get("open")
    ]
    if open_rooms and not setting(rt, "Livechat_Allow_collect_and_store_HTTP_header_informations"):
        raise Refused(errors.VISITOR_HAS_OPEN_ROOMS, "Cannot remove visitors with opened rooms")
    rt.store.delete("livechat_visitors", visitor["_id"])
    return visitor


def set_visitor_status(rt: Runtime, visitor: Doc, status: str) -> None:
    """``notifyGuestStatusChanged``: the visitor's status, copied onto its rooms and inquiries."""
    with rt.store.transaction():
        rt.store.update("livechat_visitors", visitor["_id"], {"status": status})
        for room in rt.store.find("rooms", "t", "l"):
            if room["v"]["token"] == visitor["token"]:
                rt.store.update("rooms", room["_id"], {"v": {**room["v"], "status": status}})
                for inquiry in rt.store.find("livechat_inquiries", "rid", room["_id"]):
                    v = {**inquiry["v"], "status": status}
                    rt.store.update("livechat_inquiries", inquiry["_id"], {"v": v})


def custom_field_for(rt: Runtime, key: str, value: str) -> Doc:
    """The definition (``livechat_custom_fields``) a value is for, if the value matches its
    ``regexp``; else ``Refused`` (an unknown field, or a value its pattern refuses)."""
    field = rt.store.get("livechat_custom_fields", key)
    if field is None:
        raise Refused(errors.INVALID_CUSTOM_FIELD)
    if field.get("regexp") and not re.search(field["regexp"], value):
        raise Refused(f"Invalid value for {key} field")
    return field


def set_visitor_custom_fields(rt: Runtime, token: str, values: list[Doc]) -> list[Doc]:
    """``setCustomFields``/``setMultipleCustomFields``: every value checked first, then set on
    the visitor or, for a room-scoped field, on the visitor's open rooms (an existing value
    stays unless ``overwrite``). Returns the values, room-scoped ones first. Raises
    ``Refused``."""
    scoped = [(custom_field_for(rt, v["key"], v["value"]).get("scope"), v) for v in values]
    ordered = [v for scope, v in scoped if scope == "room"]
    ordered += [v for scope, v in scoped if scope != "room"]
    with rt.store.transaction():
        for scope, value in scoped:
            if scope == "room":
                targets = [
                    ("rooms", r)
                    for r in rt.store.find("rooms", "t", "l")
                    if r["v"]["token"] == token and r.get("open")
                ]
            else:
                visitor = find_visitor(rt, token)
                targets = [("livechat_visitors", visitor)] if visitor is not None else []
            for table, doc in targets:
                data = dict(rt.store.get(table, doc["_id"]).get("livechatData") or {})
                if value["overwrite"] or not data.get(value["key"]):
                    data[value["key"]] = value["value"]
                    rt.store.update(table, doc["_id"], {"livechatData": data})
    return ordered


# -- agents and managers -----------------------------------------------------------------------


def _add_role(rt: Runtime, user: Doc, role: str) -> Doc:
    roles = list(dict.fromkeys([*user.get("roles", []), role]))
    return rt.store.update("users", user["_id"], {"roles": roles})


def add_omnichannel_user(rt: Runtime, kind: str, username: Any) -> Doc:
    """``addAgent``/``addManager``: the user gets the role; an agent also becomes an operator,
    available for chats. Returns ``{_id, username}``. Raises ``Refused``."""
    method = "livechat:addAgent" if kind == "agent" else "livechat:addManager"
    user = (
        rt.store.find_one("users", "username", username.lower())
        if isinstance(username, str) and username
        else None
    )
    if user is None:
        raise Refused(errors.INVALID_USER, "Invalid user", {"method": method})
    with rt.store.transaction():
        fresh = _add_role(rt, user, ROLE_OF_TYPE[kind])
        if kind == "agent":
            fresh = rt.store.update(
                "users", user["_id"], {"operator": True, "statusLivechat": "available"}
            )
    return {"_id": fresh["_id"], "username": fresh["username"]}


def remove_omnichannel_user(rt: Runtime, kind: str, user: Doc) -> bool:
    """``removeAgent``/``removeManager``: take the role away (an agent also leaves its
    departments and stops being available). False when the user did not hold it."""
    role = ROLE_OF_TYPE[kind]
    if role not in user.get("roles", []):
        return False
    with rt.store.transaction():
        changes: Doc = {"roles": [r for r in user["roles"] if r != role]}
        if kind == "agent":
            changes.update(operator=False, statusLivechat="not-available")
            for row in rt.store.find("livechat_department_agents", "agentId", user["_id"]):
                rt.store.delete("livechat_department_agents", row["_id"])
        rt.store.update("users", user["_id"], changes)
    return True


def save_agent_info(
    rt: Runtime, agent_id: str, agent_data: Doc, departments: list[Any] | None
) -> None:
    """``saveAgentInfo``: the agent's ``livechat`` data, and (when given) the departments it
    serves as ``livechat_department_agents`` rows. Raises ``Refused``."""
    user = rt.store.get("users", agent_id)
    if user is None or AGENT_ROLE not in user.get("roles", []):
        raise Refused(
            errors.USER_IS_NOT_AGENT,
            "User is not a livechat agent",
            {"method": "livechat:saveAgentInfo"},
        )
    with rt.store.transaction():
        data = {k: v for k, v in agent_data.items() if v not in (None, "")}
        rt.store.update("users", agent_id, {"livechat": data})
        if departments is None:
            return
        wanted = {d for d in departments if isinstance(d, str)}
        for row in rt.store.find("livechat_department_agents", "agentId", agent_id):
            if row["departmentId"] not in wanted:
                rt.store.delete("livechat_department_agents", row["_id"])
        have = {
            r["departmentId"]
            for r in rt.store.find("livechat_department_agents", "agentId", agent_id)
        }
        for department_id in sorted(wanted - have):
            department = rt.store.get("livechat_departments", department_id)
            if department is None:
                continue
            row = {
                "_id": rt.ids.meteor_id(),
                "agentId": agent_id,
                "departmentId": department_id,
                "username": user["username"],
                "count": 0,
                "order": 0,
                "departmentEnabled": department.get("enabled", True),
            }
            rt.store.insert("livechat_department_agents", row)


def agent_departments(rt: Runtime, agent_id: str, enabled_only: bool = False) -> list[Doc]:
    """The agent's ``livechat_department_agents`` rows (``departmentEnabled`` ones only when
    asked), each with its department's ``name`` as upstream's lookup adds it."""
    rows = rt.store.find("livechat_department_agents", "agentId", agent_id)
    out = []
    for row in rows:
        if enabled_only and not row.get("departmentEnabled", True):
            continue
        department = rt.store.get("livechat_departments", row["departmentId"])
        out.append({**row, "departmentName": department["name"] if department else None})
    return out


def agent_entry(rt: Runtime, user: Doc) -> Doc:
    """One ``livechat/users/:type`` entry: the agent fields and its departments' ids."""
    out = {k: user[k] for k in AGENT_FIELDS if k in user}
    out["departments"] = [
        r["departmentId"]
        for r in rt.store.find("livechat_department_agents", "agentId", user["_id"])
    ]
    return out


def omnichannel_users(rt: Runtime, kind: str, text: str | None) -> list[Doc]:
    """``findAgents``/``findManagers``: users holding the role, filtered by ``text`` on
    username, name or e-mail (case-insensitive)."""
    found = rt.store.find("users", "roles", ROLE_OF_TYPE[kind])
    if text:
        needle = text.lower()

        def matches(u: Doc) -> bool:
            emails = [e.get("address", "") for e in u.get("emails", [])]
            return any(needle in (v or "").lower() for v in [u["username"], u.get("name"), *emails])

        found = [u for u in found if matches(u)]
    return found


def is_online_agent(user: Doc | None) -> bool:
    """``findOneOnlineAgentById``: an agent, connected, available for livechat."""
    return (
        user is not None
        and AGENT_ROLE in user.get("roles", [])
        and user.get("status", "offline") != "offline"
        and user.get("statusLivechat") == "available"
    )


def set_agent_status(rt: Runtime, actor: Doc, agent_id: str | None, status: str | None) -> str:
    """``livechat/agent.status``: set (or toggle) ``statusLivechat``; another agent's needs
    ``manage-livechat-agents``. Returns the resulting status. Raises ``Refused``."""
    agent = rt.store.get("users", agent_id or actor["_id"])
    if agent is None or AGENT_ROLE not in agent.get("roles", []):
        raise Refused(errors.AGENT_NOT_FOUND)
    if not agent.get("active", True):
        raise Refused(errors.USER_DEACTIVATED)
    current = agent.get("statusLivechat")
    new = status or ("not-available" if current == "available" else "available")
    if new == current:
        return current
    if agent["_id"] != actor["_id"] and not has_permission(rt, actor, "manage-livechat-agents"):
        raise Refused(errors.UNAUTHORIZED)
    rt.store.update("users", agent["_id"], {"statusLivechat": new})
    return new


def _available(rt: Runtime, department_id: str | None, ignore: str | None) -> list[tuple]:
    """Online agents as (load, order, username, user, department row or None)."""
    out = []
    if department_id:
        for row in rt.store.find("livechat_department_agents", "departmentId", department_id):
            user = rt.store.get("users", row["agentId"])
            if row["agentId"] != ignore and is_online_agent(user):
                out.append((row.get("count", 0), row.get("order", 0), user["username"], user, row))
        return out
    for user in rt.store.find("users", "roles", AGENT_ROLE):
        if user["_id"] != ignore and is_online_agent(user):
            out.append((user.get("livechatCount", 0), 0, user["username"], user, None))
    return out


def peek_next_agent(rt: Runtime, department_id: str | None) -> Doc | None:
    """Who ``next_agent`` would choose, without counting a chat for them."""
    found = _available(rt, department_id, None)
    return min(found, key=lambda r: r[:3])[3] if found else None


def next_agent(
    rt: Runtime, department_id: str | None, ignore_agent_id: str | None = None
) -> Doc | None:
    """``AutoSelection.getNextAgent``: the least busy online agent — of the department's
    ``livechat_department_agents`` rows (lowest ``count``, then ``order``, then username) when a
    department is given, else of every agent (lowest ``livechatCount``). The chosen one's
    counter goes up. None when nobody is available."""
    with rt.store.transaction():
        found = _available(rt, department_id, ignore_agent_id)
        if not found:
            return None
        load, _, _, user, row = min(found, key=lambda r: r[:3])
        if row is not None:
            rt.store.update("livechat_department_agents", row["_id"], {"count": load + 1})
            return user
        return rt.store.update("users", user["_id"], {"livechatCount": load + 1})


def agent_info(rt: Runtime, agent_id: str | None) -> Doc | None:
    """``normalizeAgent``: ``{hiddenInfo: true}`` when the widget may not show agents, else the
    agent's public fields (e-mails only with ``Livechat_show_agent_email``)."""
    if not agent_id:
        return None
    if not livechat_setting(rt, "Livechat_show_agent_info"):
        return {"hiddenInfo": True}
    user = rt.store.get("users", agent_id)
    if user is None:
        return None
    fields = ["_id", "name", "username", "phone", "customFields", "status", "livechat"]
    if livechat_setting(rt, "Livechat_show_agent_email"):
        fields.append("emails")
    return {k: user[k] for k in fields if k in user}
