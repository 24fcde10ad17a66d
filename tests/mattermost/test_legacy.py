"""API v1 of the seed document: team name + email login, and ``me``."""

import requests


def test_v1_login_and_me(mm_server):
    response = requests.post(
        f"{mm_server.url}/api/v1/users/login",
        timeout=5,
        json={"name": "acme", "email": "alice@example.com", "password": "alice-password"},
    )
    assert response.status_code == 200
    token = response.headers["Token"]
    assert response.json()["username"] == "alice"
    me = requests.get(
        f"{mm_server.url}/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert me.status_code == 200 and me.json()["email"] == "alice@example.com"


def test_v1_errors_have_no_id(mm_server):
    wrong = requests.post(
        f"{mm_server.url}/api/v1/users/login",
        timeout=5,
        json={"name": "acme", "email": "alice@example.com", "password": "no"},
    )
    assert wrong.status_code == 401
    assert list(wrong.json()) == ["message", "detailed_error", "request_id", "status_code"]
    not_member = requests.post(
        f"{mm_server.url}/api/v1/users/login",
        timeout=5,
        json={"name": "nope", "email": "alice@example.com", "password": "alice-password"},
    )
    assert not_member.status_code == 401
    anonymous = requests.get(f"{mm_server.url}/api/v1/users/me", timeout=5)
    assert anonymous.status_code == 401 and "id" not in anonymous.json()
