"""API coverage: the apps' route registries against the reference specs' operation lists.

``python -m emulator.tools.coverage`` (``make coverage``) writes, per product,

* ``docs/coverage-<product>.md``: one checkbox per documented operation, grouped by tag, plus the
  routes we serve that the reference does not document;
* ``emulator/<product>/operations.tsv``: method, URL template and operationId of every documented
  operation (nothing else), which lets the app answer 501 naming an operation it does not
  implement yet (``emulator.core.operations``).

The specs live outside the repository, in ``<repo>/../shared/specs/<product>/endpoints.tsv``.
The same functions serve the conformance tests (``tests/conformance``).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask

from ..app import create_app
from ..config import PRODUCTS, ephemeral_config
from ..core.operations import FILE_NAME, HEADER

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SPECS = REPO.parent / "shared" / "specs"

_PARAM = re.compile(r"\{[^}/]+\}")
_RULE_PARAM = re.compile(r"<(?:[^:<>]+:)?[^<>]+>")
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# Rocket.Chat reference paths that are not the URLs the server serves (specs/rocketchat/README.md):
# five lack their prefix; ``/api/v1/login - with Facebook`` and the like are variants of a
# documented URL, not URLs of their own.
_RC_REAL_PATHS = {
    "/media-calls.state": "/api/v1/media-calls.state",
    "/licenses.maxActiveUsers": "/api/v1/licenses.maxActiveUsers",
    "/app/{id}/logs": "/api/apps/{id}/logs",
    "/apps/count": "/api/apps/count",
    "/apps/buildExternalAppRequest": "/api/apps/buildExternalAppRequest",
    # avatars are served outside the REST API (``server/routes/avatar``)
    "/api/v1/avatar/{subject}": "/avatar/{subject}",
    # omnichannel rows written other than the server routes them (departments.ts, dashboards.ts)
    "/api/v1/livechat/department/archive/{_id}": "/api/v1/livechat/department/{_id}/archive",
    "/api/v1/livechat/department/unarchive/{_id}": "/api/v1/livechat/department/{_id}/unarchive",
    "/api/v1/livechat/livechat/analytics/dashboards/charts-data": (
        "/api/v1/livechat/analytics/dashboards/charts-data"
    ),
}
# Routes of a blueprint whose name ends so answer as an unlicensed server does (an Enterprise or
# Professional feature): counted apart, never as implemented and never as our gap.
LICENCE_REFUSAL_SUFFIX = "_licensed"
_RC_COLON_PARAM = re.compile(r"/:([^/]+)")
_RC_DM = "/api/v1/dm."
_RC_IM = "/api/v1/im."


@dataclass(frozen=True)
class DocumentedOperation:
    """One row of ``endpoints.tsv``: ``spec_path`` is its key in the OpenAPI ``paths``."""

    product: str
    method: str
    spec_path: str
    operation_id: str
    tag: str
    urls: tuple[str, ...]  # the URL templates the real server answers it on (empty: none)
    # a body variant's base URL (``/api/v1/login - with Google``: ``/api/v1/login``): the
    # operation is the base route answering that body, so serving the base serves it
    variant_of: str | None = None


def shape(template: str) -> str:
    """A path template with its parameter names erased: ``/a/{x}/b`` and ``/a/<y>/b`` agree."""
    return _PARAM.sub("{}", _RULE_PARAM.sub("{}", template))


def rule_template(rule: str) -> str:
    """A Flask rule as an OpenAPI template: ``/users/<user_id>`` -> ``/users/{user_id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def real_urls(product: str, path: str) -> tuple[str, ...]:
    if product != "rocketchat":
        return (path,)
    if " " in path:
        return ()
    path = _RC_REAL_PATHS.get(path, path)
    # The ABAC rows write their parameters Express-style (``/abac/rooms/:rid/attributes``).
    path = _RC_COLON_PARAM.sub(r"/{\1}", path)
    if path.startswith(_RC_DM):
        # Only dm.* is documented; the server serves the same endpoints as im.* too.
        return (path, _RC_IM + path[len(_RC_DM) :])
    return (path,)


def variant_base(product: str, path: str) -> str | None:
    """The URL a Rocket.Chat body-variant row (``<url> - <variant>``) is sent to."""
    if product != "rocketchat" or " - " not in path:
        return None
    base = real_urls(product, path.partition(" - ")[0])
    return base[0] if base else None


def specs_dir(path: str | Path | None = None) -> Path:
    return Path(path) if path else DEFAULT_SPECS


def documented_operations(product: str, specs: Path) -> list[DocumentedOperation]:
    rows = (specs / product / "endpoints.tsv").read_text(encoding="utf-8").splitlines()
    operations = []
    for line in rows[1:]:
        if not line.strip():
            continue
        method, path, operation_id, tag = line.split("\t")[:4]
        operations.append(
            DocumentedOperation(
                product=product,
                method=method.upper(),
                spec_path=path,
                operation_id=operation_id,
                tag=_primary_tag(product, tag),
                urls=real_urls(product, path),
                variant_of=variant_base(product, path),
            )
        )
    return operations


def _primary_tag(product: str, tag: str) -> str:
    if product == "rocketchat":
        group, _, tags = tag.partition("/")
        first = tags.split(",")[0].strip()
        return f"{group} / {first}" if first else group
    return tag.split(",")[0].strip() or "(untagged)"


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # OpenAPI style
    endpoint: str


def served_routes(app: Flask) -> list[Route]:
    """Every API route the app serves, without the control API and static files."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.startswith("/_emulator"):
            continue
        for method in sorted((rule.methods or set()) & set(_METHODS)):
            routes.append(Route(method, rule_template(rule.rule), rule.endpoint))
    return routes


def build_app(product: str) -> Flask:
    return create_app(product, ephemeral_config(workspace="empty"))


@dataclass
class Coverage:
    product: str
    operations: list[DocumentedOperation]
    implemented: set[DocumentedOperation]
    undocumented: list[Route]  # served routes no documented operation accounts for
    # answered as an unlicensed real server answers them (not in ``implemented``)
    refused: set[DocumentedOperation] = field(default_factory=set)

    def counts(self) -> tuple[int, int]:
        return len(self.implemented), len(self.operations)

    def gaps(self) -> int:
        return len(self.operations) - len(self.implemented) - len(self.refused)


def coverage(product: str, app: Flask, operations: list[DocumentedOperation]) -> Coverage:
    routes = served_routes(app)
    served = {(route.method, shape(route.template)) for route in routes if not _refusal(route)}
    refusing = {(route.method, shape(route.template)) for route in routes if _refusal(route)}
    implemented = {
        op
        for op in operations
        if any((op.method, shape(url)) in served for url in op.urls)
        or (op.variant_of is not None and (op.method, shape(op.variant_of)) in served)
    }
    refused = {
        op
        for op in operations
        if op not in implemented and any((op.method, shape(url)) in refusing for url in op.urls)
    }
    documented = {(op.method, shape(url)) for op in operations for url in op.urls}
    undocumented: list[Route] = []
    for route in routes:
        if (route.method, shape(route.template)) not in documented and all(
            (u.method, u.template) != (route.method, route.template) for u in undocumented
        ):
            undocumented.append(route)
    return Coverage(product, operations, implemented, undocumented, refused)


def _refusal(route: Route) -> bool:
    return route.endpoint.partition(".")[0].endswith(LICENCE_REFUSAL_SUFFIX)


class OperationLookup:
    """Served route (method + template) -> the documented operation it implements."""

    def __init__(self, operations: Iterable[DocumentedOperation]) -> None:
        self._by_shape: dict[tuple[str, str], DocumentedOperation] = {}
        for op in operations:
            for url in op.urls:
                self._by_shape.setdefault((op.method, shape(url)), op)

    def find(self, method: str, template: str) -> DocumentedOperation | None:
        return self._by_shape.get((method.upper(), shape(template)))


# -- writing ------------------------------------------------------------------------------------

_TITLES = {"mattermost": "Mattermost API v4", "rocketchat": "Rocket.Chat REST API"}


def operations_tsv(operations: list[DocumentedOperation]) -> str:
    lines = ["\t".join(HEADER)]
    seen = set()
    for op in operations:
        for url in op.urls:
            if (op.method, url) not in seen:
                seen.add((op.method, url))
                lines.append(f"{op.method}\t{url}\t{op.operation_id}")
    return "\n".join(lines) + "\n"


def coverage_markdown(cov: Coverage) -> str:
    done, total = cov.counts()
    tags: dict[str, list[DocumentedOperation]] = {}
    for op in cov.operations:
        tags.setdefault(op.tag, []).append(op)
    out = [
        f"# {_TITLES.get(cov.product, cov.product)} coverage",
        "",
        "Generated by `make coverage` from the app's route registry against the reference",
        f"operation list (`../shared/specs/{cov.product}/endpoints.tsv`); do not edit by hand.",
        "A documented operation we do not implement answers 501 naming it; one only a licensed",
        "(Enterprise/Professional) server serves answers as an unlicensed real server does, marked",
        '"licence refusal, as the real server".',
        "",
        f"**{done} of {total} documented operations implemented ({_percent(done, total)}), "
        f"{len(cov.refused)} licence refusals as the real server, {cov.gaps()} gaps.**",
        "",
        "| tag | implemented | licence refusal | documented |",
        "|---|---:|---:|---:|",
    ]
    for tag, ops in tags.items():
        hits = sum(op in cov.implemented for op in ops)
        refused = sum(op in cov.refused for op in ops)
        out.append(f"| [{_cell(tag)}](#{_anchor(tag)}) | {hits} | {refused} | {len(ops)} |")
    for tag, ops in tags.items():
        hits = sum(op in cov.implemented for op in ops)
        out += ["", f"## {tag}", "", f"{hits} of {len(ops)}", ""]
        for op in ops:
            box = "x" if op in cov.implemented or op in cov.refused else " "
            where = " / ".join(f"`{url}`" for url in op.urls)
            if not op.urls and op in cov.implemented:
                shown = f"`{op.spec_path}` (a body variant, answered by `{op.variant_of}`)"
            elif not op.urls:
                shown = f"`{op.spec_path}` (a body variant, no URL of its own)"
            elif op.urls != (op.spec_path,):
                shown = f"`{op.spec_path}` (served as {where})"
            else:
                shown = where
            note = " — licence refusal, as the real server" if op in cov.refused else ""
            out.append(f"- [{box}] {op.method} {shown} `{op.operation_id}`{note}")
    out += ["", "## Served but not in the reference", ""]
    if cov.undocumented:
        out += [f"- {route.method} `{route.template}`" for route in cov.undocumented]
    else:
        out.append("(none)")
    return "\n".join(out) + "\n"


def _percent(done: int, total: int) -> str:
    return f"{100 * done / total:.1f} %" if total else "n/a"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _anchor(title: str) -> str:
    """GitHub's heading anchor: lower-case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def write(product: str, specs: Path, repo: Path = REPO) -> Coverage:
    operations = documented_operations(product, specs)
    cov = coverage(product, build_app(product), operations)
    (repo / "emulator" / product / FILE_NAME).write_text(operations_tsv(operations))
    docs = repo / "docs"
    docs.mkdir(exist_ok=True)
    (docs / f"coverage-{product}.md").write_text(coverage_markdown(cov))
    return cov


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator.tools.coverage", description=__doc__)
    parser.add_argument("--specs", help=f"reference specs directory (default {DEFAULT_SPECS})")
    parser.add_argument("--product", choices=PRODUCTS, action="append")
    args = parser.parse_args(argv)
    specs = specs_dir(args.specs)
    if not specs.is_dir():
        print(f"coverage: no reference specs at {specs}", file=sys.stderr)
        return 2
    for product in args.product or PRODUCTS:
        cov = write(product, specs)
        done, total = cov.counts()
        print(
            f"{product}: {done} of {total} documented operations implemented, "
            f"{len(cov.refused)} licence refusals, {cov.gaps()} gaps"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
