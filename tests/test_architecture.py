"""Layering rules: core knows no product, products never import each other, no shared state."""

import ast
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
