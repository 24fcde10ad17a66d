import re

import pytest
import requests

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.control import Control

PRODUCTS = ["mattermost", "rocketchat"]


@pytest.mark.parametrize("product", PRODUCTS)
def test_health(product):
    client = create_app(product, ephemeral_config()).test_client()
    body = client.get("/_emulator/health").get_json()
    assert body["status"] == "ok" and body["product"] == product and body["persistent"] is False


@pytest.mark.parametrize("product", PRODUCTS)
def test_reset_returns_to_the_seeded_state(product):
    app = create_app(product, ephemeral_config())
    rt = runtime_of(app)
    seeded = rt.store.dump()
    table = "users"
    key = "id" if product == "mattermost" else "_id"
    victim = rt.store.all(table)[0]
    rt.store.delete(table, victim[key])
    assert app.test_client().post("/_emulator/reset").get_json() == {"status": "ok"}
    assert rt.store.dump() == seeded


@pytest.mark.parametrize("product", PRODUCTS)
def test_snapshot_round_trip(product):
    app = create_app(product, ephemeral_config())
    client = app.test_client()
    snap = client.get("/_emulator/snapshot").get_json()
    assert snap["product"] == product
    other = create_app(product, ephemeral_config(seed=99))
    assert other.test_client().put("/_emulator/snapshot", json=snap).status_code == 200
    assert runtime_of(other).store.dump() == runtime_of(app).store.dump()


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"tables": []},
        {"tables": {"nope": []}},
        {"tables": {"users": [{"x": 1}]}},
        {"tables": {"users": [1]}},
    ],
)
def test_bad_snapshot_is_refused_and_changes_nothing(body):
    app = create_app("mattermost", ephemeral_config())
    before = runtime_of(app).store.dump()
    response = app.test_client().put("/_emulator/snapshot", json=body)
    assert response.status_code == 400
    assert "error" in response.get_json()
    assert runtime_of(app).store.dump() == before


def test_duplicate_usernames_in_snapshot_are_refused():
    app = create_app("mattermost", ephemeral_config())
    users = runtime_of(app).store.all("users")
    clash = [users[0], {**users[1], "username": users[0]["username"]}]
    response = app.test_client().put("/_emulator/snapshot", json={"tables": {"users": clash}})
    assert response.status_code == 400


@pytest.mark.parametrize("product", PRODUCTS)
def test_control_api_refuses_remote_clients_without_a_token(product):
    client = create_app(product, ephemeral_config()).test_client()
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.post("/_emulator/reset", environ_base=remote).status_code == 403
    assert client.get("/_emulator/health", environ_base=remote).status_code == 200


def test_control_token_admits_remote_clients():
    client = create_app("rocketchat", ephemeral_config(control_token="s3cret")).test_client()
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.post("/_emulator/reset", environ_base=remote).status_code == 401
    bad = {"Authorization": "Bearer nope"}
    assert client.post("/_emulator/reset", environ_base=remote, headers=bad).status_code == 401
    good = {"Authorization": "Bearer s3cret"}
    assert client.post("/_emulator/reset", environ_base=remote, headers=good).status_code == 200


def test_bearer_scheme_is_case_insensitive():
    client = create_app("rocketchat", ephemeral_config(control_token="s3cret")).test_client()
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    for scheme in ("bearer", "BEARER", "Bearer"):
        headers = {"Authorization": f"{scheme} s3cret"}
        assert (
            client.post("/_emulator/reset", environ_base=remote, headers=headers).status_code == 200
        )


def test_control_token_holders_may_use_any_host_name():
    """A CI job reaches a service container by its service name; a browser cannot send the
    token cross-site, so the browser checks do not apply to it."""
    client = create_app("rocketchat", ephemeral_config(control_token="s3cret")).test_client()
    headers = {"Authorization": "Bearer s3cret", "Host": "chat:3000"}
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    response = client.get("/_emulator/snapshot", environ_base=remote, headers=headers)
    assert response.status_code == 200


def control_routes(app, *, safe: bool) -> list[tuple[str, str]]:
    """Every (method, URL) of the control API and dashboard, except the open health check."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/_emulator/") or rule.endpoint.endswith(".health"):
            continue
        url = re.sub(r"<[^>]+>", "x", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (method == "GET") == safe:
                found.append((method, url))
    return found


def test_the_route_lists_cover_the_named_calls():
    app = create_app("mattermost", ephemeral_config(workspace="empty"))
    assert {
        ("POST", "/_emulator/faults"),
        ("POST", "/_emulator/reset"),
        ("POST", "/_emulator/post"),
        ("PUT", "/_emulator/snapshot"),
        ("DELETE", "/_emulator/requests"),
    } <= set(control_routes(app, safe=False))
    assert ("GET", "/_emulator/snapshot") in control_routes(app, safe=True)


@pytest.mark.parametrize(
    ("prefix", "body", "noun"),
    [
        ("/_emulator/faults", {"match": {"path": "/nowhere"}, "error": {"status": 503}}, "fault"),
        (
            "/_emulator/realtime/faults",
            {"match": {"event": "posted"}, "action": "drop"},
            "realtime fault",
        ),
    ],
)
def test_each_rule_book_has_the_same_lifecycle(prefix, body, noun):
    client = create_app("mattermost", ephemeral_config()).test_client()
    first = client.post(prefix, json=body)
    second = client.post(prefix, json=body)
    assert (first.status_code, second.status_code) == (201, 201)
    ids = [first.get_json()["id"], second.get_json()["id"]]
    listed = client.get(prefix).get_json()["faults"]
    assert [rule["id"] for rule in listed] == ids
    one = client.get(f"{prefix}/{ids[0]}")
    assert one.status_code == 200 and one.get_json()["id"] == ids[0]
    assert client.delete(f"{prefix}/{ids[0]}").get_json() == {"status": "ok"}
    gone = client.get(f"{prefix}/{ids[0]}")
    assert (gone.status_code, gone.get_json()) == (
        404,
        {"error": f"no {noun} rule {ids[0]}", "status": 404},
    )
    assert client.delete(f"{prefix}/{ids[0]}").status_code == 404
    assert client.post(prefix, json=[]).status_code == 400
    assert client.delete(prefix).get_json() == {"status": "ok"}
    assert client.get(prefix).get_json() == {"faults": []}
    assert client.put(prefix, json=body).status_code == 405
    assert client.post(f"{prefix}/{ids[1]}", json=body).status_code == 405


def test_the_control_routes_and_their_methods():
    app = create_app("mattermost", ephemeral_config())
    methods: dict[str, set[str]] = {}
    for method, url in control_routes(app, safe=True) + control_routes(app, safe=False):
        methods.setdefault(url, set()).add(method)
    assert {url: methods.get(url) for url in EXPECTED_METHODS} == EXPECTED_METHODS


EXPECTED_METHODS = {
    "/_emulator/faults": {"GET", "POST", "DELETE"},
    "/_emulator/faults/x": {"GET", "DELETE"},
    "/_emulator/realtime/faults": {"GET", "POST", "DELETE"},
    "/_emulator/realtime/faults/x": {"GET", "DELETE"},
    "/_emulator/rate-limit": {"GET", "PUT", "DELETE"},
    "/_emulator/latency": {"GET", "PUT", "DELETE"},
    "/_emulator/clock": {"GET", "PUT"},
    "/_emulator/requests": {"GET", "DELETE"},
    "/_emulator/snapshot": {"GET", "PUT"},
    "/_emulator/reset": {"POST"},
    "/_emulator/realtime/connections": {"GET"},
    "/_emulator/realtime/disconnect": {"POST"},
}


@pytest.mark.parametrize("product", PRODUCTS)
def test_cross_site_state_changes_are_refused(product):
    app = create_app(product, ephemeral_config())
    client = app.test_client()
    before = runtime_of(app).store.dump()
    refusals = [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://localhost:8065"},  # another port is another origin
        {"Origin": "https://localhost"},
        {"Sec-Fetch-Site": "cross-site"},  # fetch metadata, for a request without Origin
    ]
    for method, url in control_routes(app, safe=False):
        for headers in refusals:
            response = client.open(url, method=method, headers=headers, json={})
            assert response.status_code == 403, (method, url, headers)
            assert "cross-site" in response.get_json()["error"]
    assert runtime_of(app).store.dump() == before


@pytest.mark.parametrize("product", PRODUCTS)
def test_same_origin_and_non_browser_state_changes_pass(product):
    client = create_app(product, ephemeral_config()).test_client()
    same = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/_emulator/reset", headers=same).status_code == 200
    assert client.post("/_emulator/reset").status_code == 200
    upper = {"Origin": "http://LOCALHOST"}
    assert client.delete("/_emulator/faults", headers=upper).status_code == 200
    # Reading is not a cross-site risk (the page cannot see the answer): no Origin check.
    evil = {"Origin": "http://evil.example"}
    assert client.get("/_emulator/faults", headers=evil).status_code == 200


@pytest.mark.parametrize("product", PRODUCTS)
def test_foreign_host_names_are_refused(product):
    """DNS rebinding: a page whose name now points at 127.0.0.1 still sends its own name."""
    app = create_app(product, ephemeral_config())
    client = app.test_client()
    routes = control_routes(app, safe=True) + control_routes(app, safe=False)
    for method, url in routes:
        for host in ("evil.example", "evil.example:80", "localhost:8065", "[::2]", "[::1"):
            response = client.open(url, method=method, headers={"Host": host})
            assert response.status_code == 403, (method, url, host)
            assert "Host" in response.get_json()["error"]


@pytest.mark.parametrize(
    ("config_host", "host"),
    [
        ("127.0.0.1", "localhost"),
        ("127.0.0.1", "LocalHost:80"),
        ("127.0.0.1", "127.0.0.1"),
        ("127.0.0.1", "[::1]:80"),
        ("0.0.0.0", "0.0.0.0:80"),
        ("::", "[::]"),
    ],
)
def test_own_host_names_pass(config_host, host):
    client = create_app("mattermost", ephemeral_config(host=config_host)).test_client()
    assert client.get("/_emulator/snapshot", headers={"Host": host}).status_code == 200


def test_the_dashboard_and_control_client_work_on_a_real_port(mm_server):
    """Over a real socket the port is part of the names: what the browser and client send."""
    ctl = Control(mm_server.url)
    ctl.reset()
    assert ctl.faults() == []
    origin = mm_server.url
    response = requests.post(f"{origin}/_emulator/reset", headers={"Origin": origin}, timeout=10)
    assert response.status_code == 200
    wrong_port = mm_server.url.rsplit(":", 1)[0] + ":1"
    response = requests.get(
        f"{mm_server.url}/_emulator/snapshot", headers={"Host": wrong_port[7:]}, timeout=10
    )
    assert response.status_code == 403


# -- the live view's sessions ------------------------------------------------------------------


def test_session_route_answers_loopback_callers_only(mm_server):
    created = requests.post(
        f"{mm_server.url}/_emulator/session", timeout=5, json={"username": "bob"}
    )
    assert created.status_code == 201
    me = requests.get(
        f"{mm_server.url}/api/v4/users/me",
        timeout=5,
        headers={"Authorization": f"Bearer {created.json()['token']}"},
    )
    assert me.json()["username"] == "bob"
    again = requests.post(f"{mm_server.url}/_emulator/session", timeout=5, json={"username": "bob"})
    assert again.json()["token"] == created.json()["token"]  # reused, not one per page load
    unknown = requests.post(f"{mm_server.url}/_emulator/session", timeout=5, json={"username": "x"})
    assert unknown.status_code == 404
    cross_site = requests.post(
        f"{mm_server.url}/_emulator/session",
        timeout=5,
        json={"username": "bob"},
        headers={"Origin": "http://evil.example"},
    )
    assert cross_site.status_code == 403


def test_rocketchat_session_route_gives_a_working_login(rc_server):
    created = requests.post(
        f"{rc_server.url}/_emulator/session", timeout=5, json={"username": "alice"}
    )
    assert created.status_code == 201
    body = created.json()
    me = requests.get(
        f"{rc_server.url}/api/v1/me",
        timeout=5,
        headers={"X-Auth-Token": body["token"], "X-User-Id": body["user_id"]},
    )
    assert me.json()["username"] == "alice"
    bad = requests.post(f"{rc_server.url}/_emulator/session", timeout=5, data="[]")
    assert bad.status_code == 400


def test_session_route_refuses_remote_callers_even_with_the_control_token():
    client = create_app("mattermost", ephemeral_config(control_token="s3cret")).test_client()
    refused = client.post(
        "/_emulator/session",
        json={"username": "bob"},
        headers={"Authorization": "Bearer s3cret"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert refused.status_code == 403
    assert (
        client.get(
            "/_emulator/workspace",
            headers={"Authorization": "Bearer s3cret"},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        ).status_code
        == 200
    )


def test_workspace_names_the_products_the_picker_links_to():
    config = ephemeral_config(mattermost_port=8065, rocketchat_port=3000)
    body = create_app("rocketchat", config).test_client().get("/_emulator/workspace").get_json()
    assert body["product"] == "rocketchat"
    assert body["products"] == [
        {"name": "mattermost", "port": 8065},
        {"name": "rocketchat", "port": 3000},
    ]
    assert {"username": "helper-bot", "bot": True} in [
        {k: u[k] for k in ("username", "bot")} for u in body["users"]
    ]
