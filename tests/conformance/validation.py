"""Checking recorded responses against a product's OpenAPI document.

Policy (what counts as a violation):

* **Routed responses** are matched to the documented operation of their Flask rule (parameter
  names ignored; Rocket.Chat's ``im.*`` twins and unprefixed paths mapped as in
  ``emulator.tools.coverage``). Routes the reference does not document (Mattermost API v1,
  ``GET /api/info``, ...) are counted and skipped.
* **Status**: a 2xx status the operation does not document, when it documents another 2xx, is a
  violation (``status``); the body is then checked against the operation's only documented 2xx
  response, if it has exactly one. (Operations documenting no 2xx at all, such as file downloads,
  leave their success unchecked.)
  Error statuses the operation does not list are legitimate (the documents list errors
  incompletely): their bodies are checked against the product's generic error shape instead.
* **Content type**: the media type must be one the response documents (``content-type``);
  Mattermost JSON must be exactly ``application/json`` (rest-conventions §1).
* **Body**: JSON that does not parse (``json``); every JSON-schema error of the documented schema,
  validated as OpenAPI 3.0 (``nullable`` and friends) without format checks (``schema``), reported
  with its JSON path (array indices as ``[*]`` so that one fault in a list is reported once).
* **Error envelope** of every 4xx/5xx (``envelope``): Mattermost's AppError schema of the spec with
  ``status_code`` equal to the HTTP status (rest-conventions §2); Rocket.Chat's
  ``{success: false, error?: <string>}`` (rest-conventions §3). Unrouted requests (404/405/501)
  get only this check.

Known spec bugs are matched against ``allowlist.DEVIATIONS`` and reported apart.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30ReadValidator
from referencing import Registry
from referencing.jsonschema import DRAFT4

from emulator.tools.coverage import DocumentedOperation, OperationLookup, rule_template

from .recording import RecordedResponse

MAX_MESSAGE = 200

# Rocket.Chat error bodies (rest-conventions §3: every APIClass failure helper and the route
# wrapper answer `success: false` and, when given a message, `error`; `API.v1.failure()` without
# one sends `{"success": false}` alone).
RC_ERROR_ENVELOPE = {
    "type": "object",
    "required": ["success"],
    "properties": {"success": {"enum": [False]}, "error": {"type": "string"}},
}

_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Violation:
    product: str
    operation_id: str  # "" for a request no route took
    operation: str  # "GetUser (GET /api/v4/users/{user_id})" or "GET /a/path (no route)"
    status: int
    kind: str  # status | content-type | json | schema | envelope
    where: str  # JSON path into the body ("$" for the whole response), array indices as [*]
    message: str

    def __str__(self) -> str:
        return f"{self.operation} -> {self.status} [{self.kind}] {self.where}: {self.message}"


ANY = None


@dataclass(frozen=True)
class ViolationPattern:
    """Matches violations: ``ANY`` (None) matches every operation, status or JSON path."""

    product: str
    operation_id: str | None
    status: int | None
    kind: str
    reason: str
    where: str | None = ANY

    def matches(self, violation: Violation) -> bool:
        return (
            violation.product == self.product
            and self.operation_id in (ANY, violation.operation_id)
            and self.status in (ANY, violation.status)
            and violation.kind == self.kind
            and self.where in (ANY, violation.where)
        )


@dataclass
class Report:
    product: str
    checked: int = 0
    undocumented: Counter[str] = field(default_factory=Counter)
    operations: set[str] = field(default_factory=set)
    violations: Counter[Violation] = field(default_factory=Counter)
    allowed: Counter[Violation] = field(default_factory=Counter)
    open: Counter[Violation] = field(default_factory=Counter)
    stale: list[ViolationPattern] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        # Stale open findings are only reported: a run of a few tests may simply not have made
        # the request that shows them.
        return bool(self.violations)

    def summary(self) -> str:
        return (
            f"{self.product}: {self.checked} responses of {len(self.operations)} documented"
            f" operations checked, {sum(self.undocumented.values())} of undocumented routes"
            f" skipped; {len(self.violations)} violations, {len(self.open)} open findings,"
            f" {len(self.allowed)} allowed spec deviations (distinct)"
        )

    def describe(self, open_findings: bool = False) -> str:
        lines = [self.summary()]
        for title, found in (("violations", self.violations), ("open findings", self.open)):
            if found and (open_findings or title == "violations"):
                lines.append(f"{title}:")
                for violation, count in sorted(found.items(), key=lambda item: str(item[0])):
                    lines.append(f"  {violation}  (x{count})")
        for pattern in self.stale:
            lines.append(f"open finding not seen this run (fixed?): {pattern}")
        return "\n".join(lines)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _media_matches(documented: str, actual: str) -> bool:
    documented = documented.split(";")[0].strip().lower()
    if documented in ("*/*", actual):
        return True
    kind, _, sub = documented.partition("/")
    return sub == "*" and actual.startswith(kind + "/")


def _is_json(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


class ResponseValidator:
    def __init__(
        self,
        product: str,
        spec: dict[str, Any],
        operations: list[DocumentedOperation] | tuple[DocumentedOperation, ...],
        deviations: tuple[ViolationPattern, ...] = (),
        open_findings: tuple[ViolationPattern, ...] = (),
    ) -> None:
        self.product = product
        self.spec = spec
        self.lookup = OperationLookup(operations)
        self.deviations = deviations
        self.open_findings = open_findings
        self.uri = f"urn:chat-emulator:{product}:openapi"
        self.registry = Registry().with_resource(self.uri, DRAFT4.create_resource(spec))
        self._validators: dict[str, OAS30ReadValidator] = {}

    # -- public ---------------------------------------------------------------------------------

    def validate(self, records: list[RecordedResponse]) -> Report:
        report = Report(self.product)
        exercised: set[tuple[str, int]] = set()
        hit: set[ViolationPattern] = set()
        for record in records:
            found = self.check(record)
            if found is None:
                report.undocumented[f"{record.method} {record.rule}"] += 1
                continue
            report.checked += 1
            op = self._operation(record)
            if op is not None:
                report.operations.add(op.operation_id)
                exercised.add((op.operation_id, record.status))
            for violation in found:
                if any(d.matches(violation) for d in self.deviations):
                    report.allowed[violation] += 1
                    continue
                finding = next((f for f in self.open_findings if f.matches(violation)), None)
                if finding is not None:
                    hit.add(finding)
                    report.open[violation] += 1
                else:
                    report.violations[violation] += 1
        report.stale = [
            f
            for f in self.open_findings
            if f.product == self.product
            and f not in hit
            and (f.operation_id, f.status) in exercised
        ]
        return report

    def check(self, record: RecordedResponse) -> list[Violation] | None:
        """The violations of one response; None when no documented operation covers its route."""
        op = self._operation(record)
        if record.rule is not None and op is None:
            return None
        if op is None:
            label, op_id = f"{record.method} {record.path} (no route)", ""
            return self._check_error(record, label, op_id) if record.status >= 400 else []
        label = f"{op.operation_id} ({op.method} {op.spec_path})"
        found: list[Violation] = []

        def violation(kind: str, where: str, message: str) -> Violation:
            return Violation(
                self.product, op.operation_id, label, record.status, kind, where, message
            )

        responses = self.spec["paths"][op.spec_path][op.method.lower()].get("responses", {})
        key = self._response_key(responses, record.status)
        documented = sorted(k for k in responses if k.startswith("2"))
        # An operation that documents no success at all (file downloads...) says nothing to check.
        if key is None and 200 <= record.status < 300 and documented:
            found.append(
                violation(
                    "status",
                    "$",
                    f"status {record.status} is not documented"
                    f" (documented: {', '.join(documented)})",
                )
            )
            key = documented[0] if len(documented) == 1 else None
        if record.status >= 400:
            envelope = self._check_error(record, label, op.operation_id)
            found += envelope
            if any(v.kind in ("content-type", "json") for v in envelope):
                return found
        if key is None:
            return found
        pointer = f"/paths/{_escape(op.spec_path)}/{op.method.lower()}/responses/{_escape(key)}"
        response, pointer = self._resolve(responses[key], pointer)
        content = response.get("content") or {}
        if not content or not record.body or record.status in (204, 304):
            return found
        media = record.content_type.split(";")[0].strip().lower()
        documented_media = next((m for m in content if _media_matches(m, media)), None)
        if documented_media is None:
            found.append(
                violation(
                    "content-type",
                    "$",
                    f"Content-Type {record.content_type!r} is not documented"
                    f" (documented: {', '.join(content)})",
                )
            )
            return found
        if not _is_json(media):
            return found
        if self.product == "mattermost" and record.content_type != "application/json":
            found.append(
                violation(
                    "content-type",
                    "$",
                    f"Content-Type is {record.content_type!r}, not exactly 'application/json'",
                )
            )
        try:
            body = json.loads(record.body)
        except ValueError as exc:
            found.append(violation("json", "$", f"body is not JSON: {exc}"))
            return found
        if "schema" in content[documented_media]:
            schema_pointer = f"{pointer}/content/{_escape(documented_media)}/schema"
            seen = {(v.where, v.message) for v in found}
            for error in self._schema_errors(schema_pointer, body):
                if (_where(error), _describe(error)) not in seen:
                    found.append(violation("schema", _where(error), _describe(error)))
        return found

    # -- helpers --------------------------------------------------------------------------------

    def _operation(self, record: RecordedResponse) -> DocumentedOperation | None:
        if record.rule is None:
            return None
        return self.lookup.find(record.method, rule_template(record.rule))

    @staticmethod
    def _response_key(responses: dict[str, Any], status: int) -> str | None:
        for key in (str(status), f"{status // 100}XX", f"{status // 100}xx", "default"):
            if key in responses:
                return key
        return None

    def _resolve(self, item: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
        """Follow local ``$ref``s of a response object; returns it and its JSON pointer."""
        for _ in range(10):
            ref = item.get("$ref")
            if not isinstance(ref, str) or not ref.startswith("#/"):
                break
            pointer = ref[1:]
            item = self.spec
            for token in pointer.strip("/").split("/"):
                item = item[token.replace("~1", "/").replace("~0", "~")]
        return item, pointer

    def _schema_errors(self, pointer: str, instance: Any) -> list[ValidationError]:
        validator = self._validators.get(pointer)
        if validator is None:
            validator = OAS30ReadValidator(
                {"$ref": f"{self.uri}#{pointer}"}, registry=self.registry, format_checker=None
            )
            self._validators[pointer] = validator
        return sorted(validator.iter_errors(instance), key=lambda e: e.json_path)

    def _check_error(self, record: RecordedResponse, label: str, op_id: str) -> list[Violation]:
        def violation(kind: str, where: str, message: str) -> Violation:
            return Violation(self.product, op_id, label, record.status, kind, where, message)

        if self.product == "mattermost" and not record.path.startswith("/api/v4/"):
            return []  # API v1 and the like: not the v4 AppError
        if record.body is None:
            return []
        media = record.content_type.split(";")[0].strip().lower()
        expected = "application/json"
        if (record.content_type if self.product == "mattermost" else media) != expected:
            message = f"error Content-Type is {record.content_type!r}, not {expected!r}"
            return [violation("content-type", "$", message)]
        try:
            body = json.loads(record.body)
        except ValueError as exc:
            return [violation("json", "$", f"body is not JSON: {exc}")]
        found = []
        if self.product == "mattermost":
            errors = self._schema_errors("/components/schemas/AppError", body)
            found += [violation("envelope", _where(e), _describe(e)) for e in errors]
            if isinstance(body, dict) and body.get("status_code") != record.status:
                message = f"status_code {body.get('status_code')!r} != HTTP {record.status}"
                found.append(violation("envelope", "$.status_code", message))
        else:
            validator = OAS30ReadValidator(RC_ERROR_ENVELOPE, format_checker=None)
            errors = sorted(validator.iter_errors(body), key=lambda e: e.json_path)
            found += [violation("envelope", _where(e), _describe(e)) for e in errors]
        return found


_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value)) or ("integer" if isinstance(value, int) else "number")


def _where(error: ValidationError) -> str:
    return _INDEX.sub("[*]", error.json_path)


def _describe(error: ValidationError) -> str:
    """The error without the (possibly huge) instance it quotes."""
    if error.validator == "type":
        return f"expected type {error.validator_value!r}, got {_json_type(error.instance)}"
    if error.validator in ("anyOf", "oneOf"):
        # The value itself would make every instance of the same fault a distinct violation.
        return f"{_json_type(error.instance)} is not valid under any of the given schemas"
    text = error.message
    shown = repr(error.instance)
    if len(shown) > 60:
        text = text.replace(shown, f"<{_json_type(error.instance)}>")
    return _short(text)


def _short(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 3] + "..."
