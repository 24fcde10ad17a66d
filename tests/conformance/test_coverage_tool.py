"""``make coverage``: the coverage tables and the packaged operation lists."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Blueprint, Flask

from emulator.tools import coverage as tool

pytest.importorskip("yaml")
from . import spec

pytestmark = pytest.mark.skipif(not spec.have_specs(), reason="reference specs not found")

PRODUCTS = ("mattermost", "rocketchat")


@pytest.mark.parametrize("product", PRODUCTS)
def test_packaged_operation_lists_are_generated_from_the_specs(product):
    """Run `make coverage` when this fails: the specs changed since operations.tsv was made."""
    packaged = Path(tool.REPO, "emulator", product, "operations.tsv").read_text()
    assert packaged == tool.operations_tsv(list(spec.operations(product)))
    assert packaged.splitlines()[0] == "method\tpath\toperationId"
    assert all(len(line.split("\t")) == 3 for line in packaged.splitlines())


def test_rocketchat_reference_quirks_map_to_served_urls():
    urls = {op.spec_path: op.urls for op in spec.operations("rocketchat")}
    assert urls["/api/v1/login - with Google"] == ()
    assert urls["/apps/count"] == ("/api/apps/count",)
    assert urls["/licenses.maxActiveUsers"] == ("/api/v1/licenses.maxActiveUsers",)
    assert urls["/api/v1/dm.create"] == ("/api/v1/dm.create", "/api/v1/im.create")
    assert urls["/api/v1/im.blockUser"] == ("/api/v1/im.blockUser",)
    # Express-style parameters are parameters, not literal segments
    assert urls["/api/v1/abac/rooms/:rid/attributes/:key"] == (
        "/api/v1/abac/rooms/{rid}/attributes/{key}",
    )


@pytest.mark.parametrize("product", PRODUCTS)
def test_coverage_matches_the_route_registry(product):
    app = tool.build_app(product)
    operations = list(spec.operations(product))
    cov = tool.coverage(product, app, operations)
    served = {(r.method, tool.shape(r.template)) for r in tool.served_routes(app)}
    done, total = cov.counts()
    documented = {
        (method.upper(), path)
        for path, item in spec.load_spec(product)["paths"].items()
        for method in item
        if method.upper() in ("GET", "POST", "PUT", "PATCH", "DELETE")
    }
    assert {(op.method, op.spec_path) for op in operations} == documented
    assert total == len(documented)
    assert 0 < done < total
    for op in cov.implemented | cov.refused:
        urls = op.urls or (op.variant_of,)
        assert any((op.method, tool.shape(url)) in served for url in urls)
    for op in set(operations) - cov.implemented - cov.refused:
        urls = op.urls or ((op.variant_of,) if op.variant_of else ())
        assert not any((op.method, tool.shape(url)) in served for url in urls)
    markdown = tool.coverage_markdown(cov)
    assert f"**{done} of {total} documented operations implemented" in markdown
    assert markdown.count("- [x] ") == done + len(cov.refused)
    assert markdown.count("- [ ] ") == cov.gaps()


def test_licence_refusals_are_counted_apart_from_implemented_and_gaps():
    app = tool.build_app("mattermost")
    operations = list(spec.operations("mattermost"))
    before = tool.coverage("mattermost", app, operations)
    gap = next(
        op
        for op in operations
        if op not in before.implemented and op not in before.refused and op.urls
    )
    licensed = Blueprint("test_licensed", __name__)
    licensed.add_url_rule(
        gap.urls[0].replace("{", "<").replace("}", ">"),
        "refuse",
        lambda **_: ("", 501),
        methods=[gap.method],
    )
    app.register_blueprint(licensed)
    cov = tool.coverage("mattermost", app, operations)
    assert gap in cov.refused and gap not in cov.implemented
    assert len(cov.refused) == len(before.refused) + 1
    assert (
        cov.gaps() == before.gaps() - 1 == len(operations) - len(cov.implemented) - len(cov.refused)
    )
    line = next(
        line for line in tool.coverage_markdown(cov).splitlines() if f"`{gap.operation_id}`" in line
    )
    assert line.startswith("- [x] ") and line.endswith("licence refusal, as the real server")


def test_body_variants_count_as_implemented_when_their_base_route_is_served():
    operations = list(spec.operations("rocketchat"))
    variants = [op for op in operations if " - with " in op.spec_path]
    assert {op.operation_id for op in variants} == {
        "post-api-v1-login-facebook",
        "post-api-v1-login-twitter",
        "post-api-v1-login-google",
    }
    assert {(op.urls, op.variant_of) for op in variants} == {((), "/api/v1/login")}
    cov = tool.coverage("rocketchat", tool.build_app("rocketchat"), operations)
    assert set(variants) <= cov.implemented
    lines = tool.coverage_markdown(cov).splitlines()
    google = next(line for line in lines if "`post-api-v1-login-google`" in line)
    assert google == (
        "- [x] POST `/api/v1/login - with Google` (a body variant, answered by `/api/v1/login`)"
        " `post-api-v1-login-google`"
    )
    # Without the base route they stay gaps.
    bare = tool.coverage("rocketchat", Flask(__name__), operations)
    assert not set(variants) & bare.implemented
    lines = tool.coverage_markdown(bare).splitlines()
    google = next(line for line in lines if "`post-api-v1-login-google`" in line)
    assert google.startswith("- [ ] ") and "no URL of its own" in google


def test_coverage_lists_served_routes_the_reference_lacks():
    cov = tool.coverage(
        "mattermost", tool.build_app("mattermost"), list(spec.operations("mattermost"))
    )
    login = next(op for op in cov.operations if op.operation_id == "Login")
    assert login in cov.implemented
    assert ("POST", "/api/v1/users/login") in {(r.method, r.template) for r in cov.undocumented}
    assert not any(r.template.startswith("/_emulator") for r in cov.undocumented)


def test_writing_is_deterministic(tmp_path):
    for product in PRODUCTS:
        (tmp_path / "emulator" / product).mkdir(parents=True)
    tool.write("rocketchat", spec.SPECS, repo=tmp_path)
    first = (tmp_path / "docs" / "coverage-rocketchat.md").read_text()
    tool.write("rocketchat", spec.SPECS, repo=tmp_path)
    assert (tmp_path / "docs" / "coverage-rocketchat.md").read_text() == first
    assert (tmp_path / "emulator" / "rocketchat" / "operations.tsv").is_file()


def test_missing_specs_directory_is_a_clear_error(tmp_path, capsys):
    assert tool.main(["--specs", str(tmp_path / "nowhere")]) == 2
    assert "no reference specs at" in capsys.readouterr().err
