"""licenses.add / maxActiveUsers / validate on a Community workspace (rocketchat_API)."""

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from .clients import call


def test_max_active_users(admin):
    answer = admin.licenses_max_active_users()
    assert answer["maxActiveUsers"] is None and answer["activeUsers"] >= 3


def test_add_refuses_every_license(admin, alice):
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("licenses.add", license="not-a-license")
    assert exc.value.response_json == {"success": False, "error": "Invalid license"}
    answer = call(admin, "POST", "licenses.add", json={})
    assert answer.json() == {"success": False, "error": "Match error: Missing key 'license'"}
    assert call(alice, "POST", "licenses.add", json={"license": "x"}).status_code == 403
    assert call(admin, "POST", "licenses.validate", json={}).status_code == 404
