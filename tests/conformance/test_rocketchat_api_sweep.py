"""Every method of the ``rocketchat-api`` client (PyPI ``rocketchat_API.RocketChat``) calls a
route our Rocket.Chat app serves, refuses as an unlicensed server, or names in
``docs/coverage-rocketchat.md`` as a gap still open.

Each public method's source is read (``ast``) for the route it calls (``call_api_get("path")``,
``"livechat/users/{}".format(...)``, ``"settings/" + _id``...). The allowed gaps are the
unchecked operations of the coverage document, so the list shrinks by itself as gaps close
(``make coverage``); a route the client calls that is neither served nor listed fails.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rocketchat_API.rocketchat import RocketChat

from emulator.tools import coverage as tool

COVERAGE_DOC = Path(tool.REPO, "docs", "coverage-rocketchat.md")
VERBS = {
    "call_api_get": "GET",
    "call_api_post": "POST",
    "call_api_put": "PUT",
    "call_api_delete": "DELETE",
}
# The client's own transport, not API methods.
TRANSPORT = frozenset(VERBS)
_GAP_LINE = re.compile(r"^- \[ \] (GET|POST|PUT|PATCH|DELETE) (.*)$")

Route = tuple[str, str]  # (HTTP method, URL template)


def client_methods() -> dict[str, Callable[..., Any]]:
    return {
        name: fn
        for name, fn in inspect.getmembers(RocketChat, inspect.isfunction)
        if not name.startswith("_") and name not in TRANSPORT
    }


def _template(node: ast.expr, names: dict[str, str]) -> str | None:
    """A path expression as a URL template: literals kept, anything computed a ``{}``."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
    ):
        return node.func.value.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left, names), _template(node.right, names)
        return (left or "{}") + (right or "{}")
    return None


def routes_called(fn: Callable[..., Any]) -> list[Route | None]:
    """The routes a client method calls (``None`` for one whose path cannot be read)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    module = sys.modules[fn.__module__]
    names = {k: v for k, v in vars(module).items() if isinstance(v, str)}
    for node in ast.walk(tree):  # ``method = "chat.postMessage"`` and the like
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    names[target.id] = node.value.value
    found: list[Route | None] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        verb, prefix, path = None, "/api/v1/", None
        if node.func.attr in VERBS and node.args:
            verb, path = VERBS[node.func.attr], _template(node.args[0], names)
            for keyword in node.keywords:
                if keyword.arg == "api_path" and isinstance(keyword.value, ast.Constant):
                    prefix = keyword.value.value
        elif (
            node.func.attr in ("get", "post", "put", "delete")
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "session"
            and node.args
            and isinstance(node.args[0], ast.BinOp)
        ):
            # ``login``: ``self.session.post(self.server_url + self.api_path + "login", ...)``
            verb, path = node.func.attr.upper(), _template(node.args[0].right, names)
        if verb is not None:
            found.append((verb, prefix + path) if path is not None else None)
    return found


def documented_gaps() -> set[tuple[str, str]]:
    """(method, path shape) of every operation the coverage document leaves unchecked."""
    gaps = set()
    for line in COVERAGE_DOC.read_text(encoding="utf-8").splitlines():
        match = _GAP_LINE.match(line)
        if match:
            for url in re.findall(r"`(/[^`]*)`", match.group(2)):
                gaps.add((match.group(1), tool.shape(url)))
    return gaps


def test_every_client_method_calls_a_route_we_serve_or_list():
    app = tool.build_app("rocketchat")
    routes = tool.served_routes(app)
    served = {(r.method, tool.shape(r.template)) for r in routes if not tool._refusal(r)}
    refused = {(r.method, tool.shape(r.template)) for r in routes if tool._refusal(r)}
    gaps = documented_gaps()
    outcome: dict[str, list[str]] = {
        "implemented": [],
        "licence refusal": [],
        "listed gap": [],
        "unknown": [],
    }
    unreadable = []
    for name, fn in sorted(client_methods().items()):
        called = routes_called(fn)
        if not called or None in called:
            unreadable.append(name)
            continue
        kinds = set()
        for method, url in called:
            key = (method, tool.shape(url))
            if key in served:
                kinds.add("implemented")
            elif key in refused:
                kinds.add("licence refusal")
            elif key in gaps:
                kinds.add("listed gap")
            else:
                kinds.add("unknown")
                outcome["unknown"].append(f"{name}: {method} {url}")
        # A method counts by its weakest route.
        for kind in ("unknown", "listed gap", "licence refusal", "implemented"):
            if kind in kinds:
                if kind != "unknown":
                    outcome[kind].append(name)
                break
    total = len(client_methods())
    print(
        f"\nrocketchat-api: {total} client methods; "
        + ", ".join(f"{len(v)} {k}" for k, v in outcome.items())
    )
    for name in outcome["listed gap"]:
        print(f"  gap: {name} -> {routes_called(client_methods()[name])}")
    assert unreadable == [], "client methods whose route could not be read"
    assert outcome["unknown"] == [], "routes the client calls that we neither serve nor list"
    assert sum(len(v) for k, v in outcome.items() if k != "unknown") == total


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("channels_history", [("GET", "/api/v1/channels.history")]),
        ("users_info", [("GET", "/api/v1/users.info")] * 5),
        ("chat_post_message", [("POST", "/api/v1/chat.postMessage")] * 4),
        ("livechat_get_users", [("GET", "/api/v1/livechat/users/{}")]),
        ("settings_update", [("POST", "/api/v1/settings/{}")]),
        ("info", [("GET", "/api/info")]),
        ("login", [("POST", "/api/v1/login")]),
    ],
)
def test_the_route_reader_reads_each_way_the_client_spells_a_path(name, expected):
    assert routes_called(client_methods()[name]) == expected
