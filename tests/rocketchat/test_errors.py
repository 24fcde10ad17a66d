"""Rocket.Chat's error helper and its upstream ids (``emulator/rocketchat/errors.py``)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from emulator.rocketchat import errors


def test_a_meteor_error_with_a_reason_names_its_code_after_it():
    error = errors.meteor_error(errors.INVALID_ROOM, "Invalid room", {"method": "eraseRoom"})
    assert (error.status, error.body) == (
        400,
        {
            "success": False,
            "error": "Invalid room [error-invalid-room]",
            "errorType": "error-invalid-room",
            "details": {"method": "eraseRoom"},
        },
    )


def test_a_meteor_error_thrown_with_a_code_only_is_the_bracketed_code():
    assert errors.meteor_error(errors.INVALID_FILE).body == {
        "success": False,
        "error": "[invalid-file]",
        "errorType": "invalid-file",
    }


def test_an_ajv_failure_is_invalid_params():
    assert errors.invalid_params("must be object").body == {
        "success": False,
        "error": "must be object [invalid-params]",
        "errorType": "invalid-params",
    }


def test_each_upstream_id_has_one_name():
    ids = [
        value
        for name, value in vars(errors).items()
        if name.isupper() and isinstance(value, str) and " " not in value
    ]
    assert ids and len(ids) == len(set(ids))


# Calls that take an upstream error id, and the position of the id among their arguments.
ID_ARGUMENT = {
    "meteor_error": 0,
    "failure": 1,
    "plain": 0,
    "DdpError": 0,
    "ddp_error": 0,
    "Refused": 0,
    "SendRefused": 0,
    "_valid_records": 2,
}
LOOKS_LIKE_AN_ID = re.compile(
    r"^[A-Za-z]\w*(?:[-_]\w+)+$"
)  # error-not-allowed, You_have_been_muted


def inline_error_ids(source: str) -> list[str]:
    """The string literals passed where an error id goes, e.g. ``meteor_error("error-x")``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        index = ID_ARGUMENT.get(name)
        if index is None or len(node.args) <= index:
            continue
        arg = node.args[index]
        is_text = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
        if is_text and LOOKS_LIKE_AN_ID.match(arg.value):
            found.append(f"{node.lineno}: {name}({arg.value!r})")
    return found


def test_the_check_for_inline_ids_finds_them():
    assert inline_error_ids('raise SendRefused("error-room-archived")') == [
        "1: SendRefused('error-room-archived')"
    ]
    assert inline_error_ids('errors.failure("Invalid role", "error-invalid-role")') == [
        "1: failure('error-invalid-role')"
    ]
    assert inline_error_ids("raise SendRefused(errors.ROOM_ARCHIVED)") == []
    assert inline_error_ids('errors.plain("Room not found")') == []  # a text, not an id


def test_no_module_spells_an_error_id_inline():
    """Every id is a constant of ``errors.py``, so a door and the domain cannot drift apart."""
    package = Path(errors.__file__).parent
    offenders = [
        f"{path.relative_to(package)}:{hit}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "errors.py"
        for hit in inline_error_ids(path.read_text())
    ]
    assert offenders == []


def test_the_error_module_needs_no_flask_so_the_domain_can_raise_with_its_ids():
    tree = ast.parse(Path(errors.__file__).read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert not imported & {"flask", "werkzeug", "flask_sock"}
