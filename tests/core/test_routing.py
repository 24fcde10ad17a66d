"""Route registration: URL builders compiled on first use, with the same URLs as werkzeug's."""

from __future__ import annotations

from flask import Flask, url_for

from emulator.core.routing import LazyBuilderRule


def _app() -> Flask:
    app = Flask(__name__)
    app.url_rule_class = LazyBuilderRule

    @app.get("/api/v4/channels/<channel_id>/posts")
    def channel_posts(channel_id: str) -> str:
        return channel_id

    return app


def test_builders_are_not_compiled_when_a_rule_is_added() -> None:
    rule = next(_app().url_map.iter_rules("channel_posts"))
    assert rule._build.__name__ == "build_on_first_use"
    assert rule._build_unknown.__name__ == "build_on_first_use"


def test_url_building_matches_werkzeug_and_compiles_once() -> None:
    app = _app()
    rule = next(app.url_map.iter_rules("channel_posts"))
    with app.test_request_context():
        assert url_for("channel_posts", channel_id="abc") == "/api/v4/channels/abc/posts"
        compiled = rule._build_unknown
        assert compiled.__name__ != "build_on_first_use"
        assert url_for("channel_posts", channel_id="x y", page=2) == (
            "/api/v4/channels/x%20y/posts?page=2"
        )
        assert rule._build_unknown is compiled


def test_matching_is_unaffected() -> None:
    client = _app().test_client()
    assert client.get("/api/v4/channels/c1/posts").text == "c1"
