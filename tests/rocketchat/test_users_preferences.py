"""``users.getPreferences``, ``users.setPreferences``, ``users.getUsernameSuggestion``."""

from __future__ import annotations

from tests.rocketchat.clients import call


def test_preferences_round_trip(alice):
    assert alice.users_get_preferences() == {"preferences": {}, "success": True}
    done = alice.users_set_preferences(
        alice.headers["X-User-Id"], {"language": "de", "sidebarShowFavorites": False}
    )
    assert done["user"] == {
        "_id": alice.headers["X-User-Id"],
        "settings": {"preferences": {"sidebarShowFavorites": False, "language": "de"}},
    }
    assert alice.users_get_preferences()["preferences"] == {
        "sidebarShowFavorites": False,
        "language": "de",
    }


def test_set_preferences_for_someone_else_needs_permission(alice, admin):
    raw = call(
        alice,
        "POST",
        "users.setPreferences",
        json={"userId": admin.headers["X-User-Id"], "data": {"x": 1}},
    )
    assert raw.json()["errorType"] == "error-action-not-allowed"
    raw = call(alice, "POST", "users.setPreferences", json={"data": []})
    assert raw.json()["errorType"] == "invalid-params"


def test_username_suggestion(alice):
    result = alice.call_api_get("users.getUsernameSuggestion")
    assert result == {"result": "alice.liddell", "success": True}
