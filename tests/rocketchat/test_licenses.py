"""``licenses.info``."""

from __future__ import annotations

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from tests.rocketchat.clients import NO_PERMISSION, refused


def test_licenses_info(admin, alice):
    info = admin.licenses_info(loadValues="true")
    assert info["success"] is True
    assert "license" not in info["license"]
    assert info["license"]["activeModules"] == []
    assert info["license"]["limits"]["activeUsers"]["max"] == -1
    assert info["license"]["limits"]["activeUsers"]["value"] >= 11
    with pytest.raises(RocketApiException) as excinfo:
        alice.licenses_info()
    assert refused(excinfo) == (403, NO_PERMISSION)
