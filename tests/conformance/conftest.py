"""Conformance fixtures: the reference specs loaded once per session, and test ordering."""

from __future__ import annotations

from typing import Any

import pytest

# The validation tools (PyYAML, openapi-schema-validator, schemathesis) belong to the test extra;
# without them the conformance tests skip instead of breaking the whole suite's collection.
TOOLS = ("yaml", "openapi_schema_validator", "referencing")

REPORTS = pytest.StashKey[list[Any]]()


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items) -> None:
    # The response validation checks what every other test made the apps send: it runs last.
    last = [item for item in items if getattr(item.module, "RUN_LAST", False)]
    if last:
        items[:] = [item for item in items if item not in last] + last


@pytest.fixture(scope="session")
def response_validators() -> dict[str, Any]:
    for module in TOOLS:
        pytest.importorskip(module)
    from . import spec
    from .allowlist import DEVIATIONS
    from .open_findings import OPEN_FINDINGS
    from .validation import ResponseValidator

    if not spec.have_specs():
        pytest.skip(f"reference specs not found at {spec.SPECS}")
    return {
        product: ResponseValidator(
            product, spec.load_spec(product), spec.operations(product), DEVIATIONS, OPEN_FINDINGS
        )
        for product in ("mattermost", "rocketchat")
    }


@pytest.fixture
def conformance_reports(request: pytest.FixtureRequest) -> list[Any]:
    return request.config.stash.setdefault(REPORTS, [])


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    reports = config.stash.get(REPORTS, [])
    if reports:
        terminalreporter.section("OpenAPI response validation")
        for report in reports:
            terminalreporter.write_line(report.describe(open_findings=True))
