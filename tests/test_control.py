import pytest

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config

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
