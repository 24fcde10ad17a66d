"""The reference OpenAPI documents, found next to the repository and loaded once per process."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from emulator.tools.coverage import DEFAULT_SPECS, DocumentedOperation, documented_operations

SPECS: Path = DEFAULT_SPECS  # <repo>/../shared/specs
SPEC_FILE = "openapi.fixed.yaml"


def have_specs() -> bool:
    return all((SPECS / p / SPEC_FILE).is_file() for p in ("mattermost", "rocketchat"))


@functools.cache
def load_spec(product: str) -> dict[str, Any]:
    """The parsed OpenAPI document; shared, so never mutate it (copy it for schemathesis)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with (SPECS / product / SPEC_FILE).open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=loader)


@functools.cache
def operations(product: str) -> tuple[DocumentedOperation, ...]:
    return tuple(documented_operations(product, SPECS))
