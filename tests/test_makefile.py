"""The README's two commands: `make run` installs only what running needs, `make test` the rest."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def planned(target: str, tmp_path: Path) -> str:
    """What `make TARGET` would run on a machine without the venv (dry run, nothing executed)."""
    result = subprocess.run(
        ["make", "-n", target, f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_run_installs_the_package_without_the_test_tools(tmp_path: Path) -> None:
    plan = planned("run", tmp_path)
    assert "pip install --quiet -e .\n" in plan
    assert "[test]" not in plan
    assert "compileall" in plan
    assert "chat-emulator serve" in plan


def test_test_installs_the_test_tools(tmp_path: Path) -> None:
    plan = planned("test", tmp_path)
    assert "pip install --quiet -e '.[test]'" in plan
    assert "pytest" in plan
