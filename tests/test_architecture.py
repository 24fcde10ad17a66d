"""Layering rules: core knows no product, products never import each other, no shared state."""

import ast
import re
from pathlib import Path

import pytest
from flask import Flask

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config

PACKAGE = Path(__file__).resolve().parents[1] / "emulator"


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names.add("." * node.level + module)
            names.update(f"{'.' * node.level}{module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize(
    "package, forbidden",
    [
        ("mattermost", "rocketchat"),
        ("rocketchat", "mattermost"),
        ("core", "mattermost"),
        ("core", "rocketchat"),
    ],
)
def test_no_forbidden_imports(package, forbidden):
    offenders = [
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in (PACKAGE / package).rglob("*.py")
        for name in imported_modules(path)
        if forbidden in name.split(".")
    ]
    assert offenders == []


def test_two_apps_in_one_process_share_nothing():
    one: Flask = create_app("mattermost", ephemeral_config())
    two: Flask = create_app("mattermost", ephemeral_config())
    rt1, rt2 = runtime_of(one), runtime_of(two)
    assert rt1.store is not rt2.store and rt1.clock is not rt2.clock
    response = one.test_client().post(
        "/api/v4/users/login", json={"login_id": "alice", "password": "alice-password"}
    )
    token = response.headers["Token"]
    assert rt1.store.find_one("sessions", "token", token) is not None
    assert rt2.store.find_one("sessions", "token", token) is None
    rt1.clock.advance(5000)
    assert abs(rt2.clock.now_ms() - rt1.clock.now_ms()) >= 4000
    who = two.test_client().get("/api/v4/users/me", headers={"Authorization": f"Bearer {token}"})
    assert who.status_code == 401


# -- layering: acyclic imports, events from the domain, no Flask in the domain -------------------

ROOT = PACKAGE.parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(tree: ast.AST) -> set[ast.AST]:
    """Imports under ``if TYPE_CHECKING:``: they never run, so they make no runtime cycle."""
    skipped = set()
    for node in ast.walk(tree):
        test = node.test if isinstance(node, ast.If) else None
        name = getattr(test, "id", None) or getattr(test, "attr", None)
        if name == "TYPE_CHECKING":
            for child in node.body:
                skipped.update(ast.walk(child))
    return skipped


def import_edges(module: str, path: Path) -> set[str]:
    """Emulator modules that ``module`` imports anywhere (top level or inside a function).

    ``from pkg import name`` is an edge to ``pkg.name`` when that is a module, else to ``pkg``;
    importing a submodule is not counted as importing its package's ``__init__``."""
    tree = ast.parse(path.read_text())
    skipped = _type_checking_only(tree)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    edges = set()
    for node in ast.walk(tree):
        if node in skipped:
            continue
        if isinstance(node, ast.Import):
            edges.update(alias.name for alias in node.names if alias.name in MODULES)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                if f"{target}.{alias.name}" in MODULES:
                    edges.add(f"{target}.{alias.name}")
                elif target in MODULES:
                    edges.add(target)
    return edges - {module}


def import_cycles() -> set[frozenset[str]]:
    """The strongly connected components of the import graph that hold more than one module."""
    graph = {module: import_edges(module, path) for module, path in MODULES.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = set()

    def visit(node: str) -> None:  # Tarjan
        index[node] = low[node] = len(index)
        stack.append(node)
        for succ in graph[node]:
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.add(frozenset(component))

    for module in graph:
        if module not in index:
            visit(module)
    return cycles


# Known cycles, each to be deleted here once it is broken (another branch is on them).
def test_the_import_graph_counts_lazy_imports_but_not_type_checking_ones(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import clock\n"
        "if TYPE_CHECKING:\n"
        "    from .runtime import Runtime\n"
        "def later():\n"
        "    from .store import Store\n"
        "    import emulator.core.ids\n"
        "    from ..mattermost import models\n"
    )
    assert import_edges("emulator.core.probe", module) == {
        "emulator.core.clock",
        "emulator.core.store",
        "emulator.core.ids",
        "emulator.mattermost.models",
    }


def test_no_import_cycles_even_through_lazy_imports():
    assert sorted(sorted(c) for c in import_cycles()) == []


def _relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


# Request and frame plumbing outside resources/ and ddp/: they parse, authenticate and answer.
PROTOCOL_MODULES = {
    "mattermost/inputs.py",
    "mattermost/authentication.py",
    "mattermost/legacy.py",
    "mattermost/websocket.py",
    "rocketchat/auth.py",
    "rocketchat/inputs.py",
    "rocketchat/jsonquery.py",
    "rocketchat/legacy.py",
    "rocketchat/twofactor.py",
}


def is_protocol_module(path: Path) -> bool:
    """Code that only translates a wire protocol: REST resources, WebSocket, DDP, legacy APIs."""
    parts = path.relative_to(PACKAGE).parts
    return (
        "resources" in parts[:-1]
        or _relative(path) in PROTOCOL_MODULES
        or (len(parts) >= 2 and parts[0] == "rocketchat" and parts[1].startswith("ddp"))
    )


def _is_publish_call(node: ast.AST) -> bool:
    """``<anything>.events.publish(...)``, or a domain helper ``[<module>.]publish_event(...)``."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return func.id == "publish_event"
    return isinstance(func, ast.Attribute) and (
        func.attr == "publish_event"
        or (
            func.attr == "publish"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "events"
        )
    )


def publishes_events(path: Path) -> bool:
    """Whether the module publishes a realtime event (directly or through ``publish_event``)."""
    return any(_is_publish_call(node) for node in ast.walk(ast.parse(path.read_text())))


def _publishing_protocol_modules() -> set[str]:
    return {
        _relative(p) for p in PACKAGE.rglob("*.py") if is_protocol_module(p) and publishes_events(p)
    }


def test_protocol_modules_leave_realtime_events_to_the_domain():
    assert sorted(_publishing_protocol_modules()) == []
    assert all((PACKAGE / name).exists() for name in PROTOCOL_MODULES)


def test_the_publish_check_recognises_protocol_modules_and_publish_calls():
    assert is_protocol_module(PACKAGE / "mattermost/resources/posts.py")
    assert is_protocol_module(PACKAGE / "rocketchat/ddp/messages.py")
    assert not is_protocol_module(PACKAGE / "mattermost/models/posts.py")
    assert publishes_events(PACKAGE / "mattermost/models/posts.py")
    assert publishes_events(PACKAGE / "mattermost/models/common.py")


def test_domain_modules_never_import_flask():
    """``models/`` (and a ``domain/`` package, if a product grows one) take plain values."""
    offenders = [
        f"{_relative(path)}: {name}"
        for path in PACKAGE.rglob("*.py")
        if {"models", "domain"} & set(path.relative_to(PACKAGE).parts[:-1])
        for name in imported_modules(path)
        if name.split(".")[0] in ("flask", "flask_sock", "werkzeug")
    ]
    assert offenders == []


def wire_imports(module: str, path: Path) -> set[str]:
    """The product ``wire`` modules a module imports (lazily too)."""
    return {edge for edge in import_edges(module, path) if edge.rsplit(".", 1)[-1] == "wire"}


def test_domain_modules_never_import_the_wire_format():
    """``models/`` publish and return documents as stored; the product's ``wire`` module renders
    them on the way out (REST resources, the WebSocket, the dashboard)."""
    offenders = {
        module: sorted(wire_imports(module, path))
        for module, path in MODULES.items()
        if "models" in module.split(".")[2:] and wire_imports(module, path)
    }
    assert offenders == {}


def test_the_wire_check_sees_a_lazy_wire_import(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text("def render():\n    from .. import wire\n")
    assert wire_imports("emulator.mattermost.models.probe", module) == {"emulator.mattermost.wire"}


def test_the_publish_check_sees_a_resource_calling_the_domain_helper(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text("def handler(rt):\n    models.publish_event(rt, 'typing', {})\n")
    assert publishes_events(module)


_MATTERMOST_ERROR_ID = re.compile(r"(api|app|model|store|mfa|ent)\.[a-z0-9_]+(\.[a-z0-9_]+)+")


def test_mattermost_error_ids_are_named_in_errors_py():
    """Call sites name an upstream error id by its constant, so one id is spelled once."""
    inline = [
        f"{_relative(path)}:{node.lineno}: {node.value}"
        for path in sorted((PACKAGE / "mattermost").rglob("*.py"))
        if path.name != "errors.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _MATTERMOST_ERROR_ID.fullmatch(node.value)
    ]
    assert inline == []


# -- Mattermost writes other doors reach check permission in the domain ---------------------------

# REST handlers of the writes whose domain operation takes the actor and checks its permission.
DOMAIN_CHECKED_WRITES = {
    "mattermost/resources/posts.py": {
        "create_post",
        "patch_post",
        "update_post",
        "delete_post",
        "_pin",
    },
    "mattermost/resources/reactions.py": {"save_reaction", "delete_reaction"},
    "mattermost/resources/channel_members.py": {"add_members", "remove_member"},
    "mattermost/resources/channels.py": {
        "create_channel",
        "patch_channel",
        "update_channel",
        "delete_channel",
        "restore_channel",
    },
    "mattermost/resources/team_members.py": {
        "add_team_member",
        "add_team_members",
        "remove_team_member",
    },
}
_PERMISSION_CHECK = re.compile(r"(require|has|can)_\w+")


def permission_checks_in(path: Path, functions: set[str]) -> list[str]:
    """``permissions.require_*``/``has_*``/``can_*`` calls inside the named functions."""
    return [
        f"{function.name}: permissions.{node.func.attr}"
        for function in ast.walk(ast.parse(path.read_text()))
        if isinstance(function, ast.FunctionDef) and function.name in functions
        for node in ast.walk(function)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "permissions"
        and _PERMISSION_CHECK.fullmatch(node.func.attr)
    ]


def test_mattermost_write_handlers_leave_permission_checks_to_the_domain():
    offenders = {
        module: permission_checks_in(PACKAGE / module, functions)
        for module, functions in DOMAIN_CHECKED_WRITES.items()
        if permission_checks_in(PACKAGE / module, functions)
    }
    assert offenders == {}
    for module, functions in DOMAIN_CHECKED_WRITES.items():
        defined = {
            node.name
            for node in ast.walk(ast.parse((PACKAGE / module).read_text()))
            if isinstance(node, ast.FunctionDef)
        }
        assert functions <= defined, module


def test_the_permission_check_sees_a_handler_checking_itself(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text(
        "def create_post():\n"
        "    permissions.require_channel(rt, user, channel, 'create_post')\n"
        "    permissions.is_system_admin(user)\n"
        "def get_post():\n"
        "    permissions.require_system(user, 'manage_system')\n"
    )
    assert permission_checks_in(module, {"create_post"}) == [
        "create_post: permissions.require_channel"
    ]
