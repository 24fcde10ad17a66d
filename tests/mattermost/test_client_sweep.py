"""Every endpoint the Python Mattermost clients wrap is one our app serves.

``mattermostautodriver`` is generated from the API spec: one method per operation, each calling
``self.client.<verb>(path)``; ``mattermostdriver`` is written by hand the same way. Calling every
method against a recording client gives the (method, path) it sends; the route registry then says
whether the app implements it, refuses it as an unlicensed server does (a ``*_licensed``
blueprint), or leaves it a documented gap (501 naming it). The gap list is the coverage tool's,
so it shrinks as gaps close; anything else unserved must be one of ``NOT_SERVED_AS_REAL`` below
(routes the real Team Edition server does not serve either), or the test fails.

The last tests drive every wrapped method of both drivers for real, as a system admin with
placeholder arguments: none may answer a 5xx (bar a licence refusal's 501), and each answers
what the registry promised (our not-implemented 501 only for a documented gap).
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import pkgutil
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import requests
from flask import Flask
from mattermostautodriver import Driver as AutoDriver
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from emulator.app import create_app
from emulator.config import ephemeral_config
from emulator.server import ThreadedServer
from emulator.tools import coverage as tool
from tests.conformance import spec
from tests.mattermost import clients

pytestmark = pytest.mark.skipif(not spec.have_specs(), reason="reference specs not found")

# Wrapped routes the real Team Edition server does not serve either, so a 404 (or 405) is its
# answer too. Each says why; an entry whose route becomes served fails the test (stale).
PLAYBOOKS = "/plugins/playbooks/"  # the Playbooks plugin's own API: no plugin runs here
NOT_SERVED_AS_REAL: dict[tuple[str, str], str] = {
    # mattermostdriver: removed from the server (v6 made it PUT .../privacy; WebRTC went in v5)
    ("POST", "/api/v4/channels/{}/convert"): "removed: PUT /channels/{id}/privacy replaced it",
    ("GET", "/api/v4/webrtc/token"): "removed with the WebRTC integration",
    # mattermostdriver bugs: a missing '/' before the id, the wrong verb
    ("GET", "/api/v4/teams{}/commands/autocomplete"): "client bug: no '/' after teams",
    ("PUT", "/api/v4/commands{}"): "client bug: no '/' after commands",
    ("DELETE", "/api/v4/commands{}"): "client bug: no '/' after commands",
    ("PUT", "/api/v4/commands{}/regen_token"): "client bug: no '/' after commands",
    ("GET", "/api/v4/users{}/oauth/apps/authorized"): "client bug: no '/' after users",
    ("PUT", "/api/v4/hooks/outgoing/{}/regen_token"): "client bug: the server's verb is POST",
    # Served by the real server, undocumented, not emulated: it fetches the URL it is given.
    ("POST", "/api/v4/opengraph"): "link previews: would fetch arbitrary URLs",
}

# Client4 (@mattermost/client, driven in tests/test_node_clients.py) also wraps routes the
# reference spec does not document. Those not emulated yet, by kind; an entry that becomes
# served fails the test, a new unserved route too.
CLIENT4_PLUGINS = ("/plugins/com.mattermost.apps/", "/plugins/com.mattermost.calls/")
CLIENT4_NOT_EMULATED: dict[str, set[tuple[str, str]]] = {
    # Team Edition routes of recent servers, undocumented in the reference spec
    "undocumented, served by the real server": {
        ("POST", "/api/v4/channels/{}/convert_to_channel"),
        ("PUT", "/api/v4/channels/members/{}/direct/read"),
        ("POST", "/api/v4/channels/members/me/mark_read"),
        ("PUT", "/api/v4/users/{}/teams/{}/read"),
        ("GET", "/api/v4/teams/{}/channels/recommended"),
        ("GET", "/api/v4/teams/{}/channels/managed_categories"),
        ("POST", "/api/v4/users/login/desktop_token"),
        ("POST", "/api/v4/users/login/one_time_link"),
        ("POST", "/api/v4/users/notify-admin"),
        ("POST", "/api/v4/file/test"),
        ("POST", "/api/v4/logs/query"),
    },
    # Licensed (Enterprise, Professional or Cloud) features, undocumented in the reference
    "undocumented, licensed": {
        ("GET", "/api/v4/teams/{}/access_control/policy"),
        ("POST", "/api/v4/access_control_policies/cel/simulate_users"),
        ("GET", "/api/v4/properties/groups/{}/system/values"),
        ("PATCH", "/api/v4/properties/groups/{}/system/values"),
        ("POST", "/api/v4/license/preview"),
    },
}

_PLACEHOLDER = re.compile(r"\{[^}/]*\}")
_ME = re.compile(r"/me(?=/|$)")


@dataclass(frozen=True)
class Wrapped:
    name: str  # Class.method
    method: str
    path: str  # the client's path, its arguments left as {name}


class _Recorder:
    """Stands in for the driver's HTTP client: keeps the request each endpoint method makes."""

    userid = "{me}"

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.sent: list[tuple[str, str]] = []

    def make_request(self, method: str, endpoint: str, *_: Any, **kwargs: Any) -> None:
        self.sent.append((method.upper(), (kwargs.get("basepath") or self.prefix) + endpoint))

    def __getattr__(self, verb: str) -> Any:
        return lambda endpoint, *_, **__: self.sent.append((verb.upper(), self.prefix + endpoint))


def endpoint_methods(package: str) -> Iterator[tuple[str, type, str, Any]]:
    """(module, class, method name, function) of every public endpoint method of a driver."""
    endpoints = importlib.import_module(f"{package}.endpoints")
    for info in pkgutil.iter_modules(endpoints.__path__):
        module = importlib.import_module(f"{endpoints.__name__}.{info.name}")
        for cls in list(vars(module).values()):
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            for name, function in vars(cls).items():
                if not name.startswith("_") and inspect.isfunction(function):
                    yield info.name, cls, name, function


def required_placeholders(function: Any) -> list[str]:
    parameters = list(inspect.signature(function).parameters.values())[1:]
    return [f"{{{p.name}}}" for p in parameters if p.default is p.empty]


def wrapped(package: str, prefix: str) -> tuple[list[Wrapped], list[str]]:
    """Every request a driver's endpoint methods send, and the methods that cannot send one
    (bugs of the client itself: an f-string naming an undefined variable, a verb it lacks)."""
    calls, broken = [], []
    for _, cls, name, function in endpoint_methods(package):
        recorder = _Recorder(prefix)
        try:
            with warnings.catch_warnings():  # mattermostdriver's deprecated aliases still call
                warnings.simplefilter("ignore", DeprecationWarning)
                function(cls(recorder), *required_placeholders(function))
        except Exception:  # a bug of the client, reported as such
            broken.append(f"{cls.__name__}.{name}")
            continue
        [(method, path)] = recorder.sent
        calls.append(Wrapped(f"{cls.__name__}.{name}", method, path))
    return calls, broken


@dataclass
class Sweep:
    implemented: list[Wrapped]
    refused: list[Wrapped]
    gaps: list[Wrapped]
    not_served: list[Wrapped]

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in vars(self).items()}


def sweep(app: Flask, calls: list[Wrapped]) -> Sweep:
    operations = list(spec.operations("mattermost"))
    lookup = tool.OperationLookup(operations)
    adapter = app.url_map.bind("localhost")
    result = Sweep([], [], [], [])
    for call in calls:
        # A 26-character id stands in for every argument, as the client would send one.
        concrete = _PLACEHOLDER.sub("q" * 26, call.path)
        try:
            endpoint, _ = adapter.match(concrete, call.method)
        except RequestRedirect:  # werkzeug (like the real server) merges '//' and redirects
            endpoint, _ = adapter.match(concrete.replace("//", "/"), call.method)
        except (NotFound, MethodNotAllowed):
            # `me` stands for the caller's id where the reference writes {user_id}.
            documented = lookup.find(call.method, _ME.sub("/{}", call.path))
            (result.gaps if documented else result.not_served).append(call)
            continue
        licensed = endpoint.partition(".")[0].endswith(tool.LICENCE_REFUSAL_SUFFIX)
        (result.refused if licensed else result.implemented).append(call)
    return result


def coverage_gaps(app: Flask) -> set[tuple[str, str]]:
    operations = list(spec.operations("mattermost"))
    cov = tool.coverage("mattermost", app, operations)
    return {
        (op.method, tool.shape(url))
        for op in operations
        if op not in cov.implemented and op not in cov.refused
        for url in op.urls
    }


def client4_calls(requests: list[dict[str, str]]) -> list[Wrapped]:
    """Client4's recorded requests as wrapped calls. Two artefacts of calling every method
    with placeholders: ``undefined`` where a method read a field of its placeholder argument,
    and ``{x}s`` where it builds the segment from a syncable type (``teams`` or ``channels``)."""
    calls = []
    for sent in requests:
        path = re.sub(r"/undefined(?=/|$)", "/{}", sent["path"])
        path = re.sub(r"/\{[^}/]*\}s(?=/|$)", "/teams", path)
        calls.append(Wrapped(sent["name"], sent["method"], path))
    return calls


def client4_not_emulated() -> set[tuple[str, str]]:
    return {(m, tool.shape(p)) for routes in CLIENT4_NOT_EMULATED.values() for m, p in routes}


def allowed_not_served(call: Wrapped) -> bool:
    return call.path.startswith(PLAYBOOKS) or (
        (call.method, tool.shape(call.path)) in NOT_SERVED_AS_REAL
    )


DRIVERS = {"mattermostautodriver": "", "mattermostdriver": "/api/v4"}


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app("mattermost", ephemeral_config())


@pytest.mark.parametrize("package", DRIVERS)
def test_every_route_a_python_client_wraps_is_served(app, package, capsys):
    calls, broken = wrapped(package, DRIVERS[package])
    result = sweep(app, calls)
    with capsys.disabled():
        print(
            f"\n{package}: {len(calls)} wrapped requests {result.counts()}; client bugs: {broken}"
        )
    assert len(calls) > 200  # the enumeration found the endpoint classes
    # Unserved and undocumented: only what the real server does not serve either.
    assert [c for c in result.not_served if not allowed_not_served(c)] == []
    # Unserved and documented: only the coverage tool's current gaps (shrinks as they close).
    assert unlisted_gaps(app, result) == []


def unlisted_gaps(app: Flask, result: Sweep) -> list[Wrapped]:
    """Calls that reach a documented operation the coverage tool does not count as a gap."""
    gaps = coverage_gaps(app)
    return [c for c in result.gaps if (c.method, tool.shape(_ME.sub("/{}", c.path))) not in gaps]


def test_the_not_served_list_holds_no_stale_entry(app):
    """An entry whose route the app now serves must go, so that the list stays short."""
    served = {
        (c.method, tool.shape(c.path))
        for package, prefix in DRIVERS.items()
        for c in (lambda s: s.implemented + s.refused)(sweep(app, wrapped(package, prefix)[0]))
    }
    assert set(NOT_SERVED_AS_REAL) & served == set()
    wrapped_shapes = {
        (c.method, tool.shape(c.path))
        for package, prefix in DRIVERS.items()
        for c in wrapped(package, prefix)[0]
    }
    assert set(NOT_SERVED_AS_REAL) <= wrapped_shapes


# -- every call, for real -----------------------------------------------------------------------


def _error_id(response: httpx.Response | requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return body.get("id", "") if isinstance(body, dict) else ""


def _admin_token(transport: httpx.WSGITransport) -> str:
    """A session token (the 2.x driver's own password login breaks on its JSON return)."""
    with httpx.Client(transport=transport, base_url="http://localhost") as client:
        login = {"login_id": "admin", "password": "admin-password"}
        return client.post("/api/v4/users/login", json=login).headers["Token"]


def answers_as_promised(kind: str, status: int, error: str) -> bool:
    """A live answer against what the registry says of its route."""
    not_implemented = error == "api.context.not_implemented.app_error"
    if kind == "gaps":
        return status == 501 and not_implemented
    if kind == "not_served":
        return status in (404, 405)
    # A 404 may be the route's own answer (a legacy route switched off, an id its pattern
    # refuses); an unknown route is the registry test's concern.
    return not not_implemented and (status < 500 or status == 501)


def test_every_autodriver_call_answers_as_the_registry_promises(app, capsys):
    calls, _ = wrapped("mattermostautodriver", "")
    kinds = sweep(app, calls)
    kind_of = {c.name: k for k, group in vars(kinds).items() for c in group}
    answers: list[httpx.Response] = []
    transport = httpx.WSGITransport(app=app)
    driver = AutoDriver({"url": "localhost", "scheme": "http", "token": _admin_token(transport)})
    driver.client.client = httpx.Client(
        transport=transport, event_hooks={"response": [answers.append]}
    )
    driver.login()
    wrong: list[str] = []
    tally: Counter[str] = Counter()
    for _, cls, name, function in endpoint_methods("mattermostautodriver"):
        label = f"{cls.__name__}.{name}"
        if label not in kind_of:
            continue  # cannot build a request: a client bug, reported by the test above
        answers.clear()
        # The answer is judged, not the exception the driver makes of it.
        with contextlib.suppress(Exception):
            function(cls(driver.client), *required_placeholders(function))
        if not answers:
            tally["no request (client-side failure)"] += 1
            continue
        response = answers[-1]
        response.read()
        status, error = response.status_code, _error_id(response)
        if status == 401 and error == "api.context.session_expired.app_error":
            # The call before ended our session (logout, revoke all): start a new one.
            driver.client.token = _admin_token(transport)
        tally[f"{kind_of[label]} {status // 100}xx"] += 1
        if not answers_as_promised(kind_of[label], status, error):
            sent = response.request
            wrong.append(f"{label} {sent.method} {sent.url.path}: {status} {error}")
    with capsys.disabled():
        print(f"\nmattermostautodriver, every call: {dict(sorted(tally.items()))}")
    assert not wrong, "\n".join(wrong)


def test_every_mattermostdriver_call_answers_as_the_registry_promises(app, capsys, monkeypatch):
    calls, _ = wrapped("mattermostdriver", "/api/v4")
    kinds = sweep(app, calls)
    kind_of = {c.name: k for k, group in vars(kinds).items() for c in group}
    answers: list[requests.Response] = []
    send = requests.Session.send

    def recording_send(session: requests.Session, *args: Any, **kwargs: Any) -> requests.Response:
        answers.append(send(session, *args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(requests.Session, "send", recording_send)
    server = ThreadedServer(app).start()
    try:
        admin = clients.logged_in(server, "admin")
        wrong: list[str] = []
        answered = 0
        for _, cls, name, function in endpoint_methods("mattermostdriver"):
            label = f"{cls.__name__}.{name}"
            if label not in kind_of:
                continue
            answers.clear()
            with contextlib.suppress(Exception), warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                function(cls(admin.client), *required_placeholders(function))
            if not answers:
                continue  # the driver failed before sending (a placeholder it cannot encode)
            response, answered = answers[-1], answered + 1
            status, error = response.status_code, _error_id(response)
            if status == 401 and error == "api.context.session_expired.app_error":
                admin.login()  # the call before ended our session (logout, revoke all)
            if not answers_as_promised(kind_of[label], status, error):
                sent = response.request
                wrong.append(f"{label} {sent.method} {sent.path_url}: {status} {error}")
    finally:
        server.stop()
    with capsys.disabled():
        print(f"\nmattermostdriver, every call: {answered} of {len(calls)} requests answered")
    assert answered > 200  # the calls reached the server
    assert not wrong, "\n".join(wrong)
