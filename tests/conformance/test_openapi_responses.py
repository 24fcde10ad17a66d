"""Every response the suite recorded, checked against the product's OpenAPI document.

Runs after all other tests (``RUN_LAST``), on whatever they and the fuzz tests made the apps send;
see ``validation`` for what counts as a violation and ``allowlist`` for the accepted spec bugs.
"""

from __future__ import annotations

import pytest

RUN_LAST = True


@pytest.mark.parametrize("product", ["mattermost", "rocketchat"])
def test_recorded_responses_conform_to_the_openapi_spec(
    product, response_recorder, response_validators, conformance_reports
):
    records = response_recorder.records(product)
    if not records:
        pytest.skip(f"no {product} responses were recorded in this run")
    report = response_validators[product].validate(records)
    conformance_reports.append(report)
    if report.failed:
        pytest.fail(report.describe(), pytrace=False)
