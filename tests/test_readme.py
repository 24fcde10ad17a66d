"""Every Python example in README.md runs: client snippets against live servers, pytest examples
through pytester."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
SNIPPETS = [b for b in BLOCKS if "def test_" not in b]
TEST_MODULES = [b for b in BLOCKS if "def test_" in b]


def test_readme_has_examples():
    assert SNIPPETS and TEST_MODULES


def test_snippets_run_in_order_against_live_servers(mm_server, rc_server):
    """Like a reader typing them into one session: later snippets use names defined earlier."""
    namespace = {"__name__": "readme_example"}
    for code in SNIPPETS:
        code = code.replace(":8065", f":{mm_server.port}").replace(": 8065", f": {mm_server.port}")
        code = code.replace(":3000", f":{rc_server.port}")
        exec(compile(code, str(README), "exec"), namespace)


@pytest.mark.parametrize("code", TEST_MODULES, ids=lambda c: re.search(r"def (test_\w+)", c)[1])
def test_pytest_example_passes(code, pytester: pytest.Pytester):
    pytester.makepyfile(test_readme_example=code)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) == code.count("def test_"), result.stdout.str()
