"""User preferences through mattermostdriver's ``preferences`` endpoints."""

from emulator.app import runtime_of
from tests.mattermost.clients import assert_error, logged_in, raw, user_id


def _prefs(me):
    return [
        {
            "user_id": me,
            "category": "display_settings",
            "name": "use_military_time",
            "value": "true",
        },
        {"user_id": me, "category": "theme", "name": "", "value": '{"type":"Onyx"}'},
    ]


def test_save_read_and_delete_preferences(mm_server):
    alice = logged_in(mm_server)
    me = alice.client.userid
    assert alice.preferences.get_user_preferences("me") == []
    assert alice.preferences.save_user_preferences("me", _prefs(me)) == {"status": "OK"}
    assert alice.preferences.get_user_preferences("me") == _prefs(me)
    assert alice.preferences.list_user_preferences_by_category("me", "theme") == _prefs(me)[1:]
    one = alice.preferences.get_specific_user_preference(
        "me", "display_settings", "use_military_time"
    )
    assert one == _prefs(me)[0]
    changed = [{**_prefs(me)[0], "value": "false"}]
    alice.preferences.save_user_preferences("me", changed)
    assert alice.preferences.get_user_preferences("me") == changed + _prefs(me)[1:]
    alice.preferences.delete_user_preferences("me", changed)
    assert alice.preferences.get_user_preferences("me") == _prefs(me)[1:]


def test_missing_preferences_are_the_real_errors(mm_server):
    alice = logged_in(mm_server)
    call = raw(mm_server, alice)
    assert_error(
        call("get", "/users/me/preferences/nothing"),
        404,
        "api.preference.preferences_category.get.app_error",
    )
    assert_error(
        call("get", "/users/me/preferences/theme/name/x"), 400, "app.preference.get.app_error"
    )


def test_preferences_belong_to_their_user(mm_server):
    alice = logged_in(mm_server)
    call = raw(mm_server, alice)
    bob = user_id(mm_server, "bob")
    assert_error(
        call("put", "/users/me/preferences", json=_prefs(bob)),
        403,
        "api.preference.update_preferences.set.app_error",
    )
    assert_error(
        call("post", "/users/me/preferences/delete", json=_prefs(bob)),
        403,
        "api.preference.delete_preferences.delete.app_error",
    )
    assert_error(call("get", f"/users/{bob}/preferences"), 403, "api.context.permissions.app_error")
    admin = logged_in(mm_server, "admin")
    assert admin.preferences.get_user_preferences(bob) == []


def test_malformed_preference_bodies(mm_server):
    alice = logged_in(mm_server)
    me = alice.client.userid
    call = raw(mm_server, alice)
    for body in ({"a": 1}, [1], [{"user_id": me, "category": 5, "name": "n", "value": "v"}],
                 [{"user_id": me, "category": "c" * 33, "name": "n", "value": "v"}],
                 _prefs(me) * 51):  # fmt: skip
        assert_error(
            call("put", "/users/me/preferences", json=body),
            400,
            "api.context.invalid_body_param.app_error",
        )


def test_flagging_a_post_needs_read_access(mm_server):
    rt = runtime_of(mm_server.app)
    leadership = next(c for c in rt.store.all("channels") if c["name"] == "leadership")
    town = next(c for c in rt.store.all("channels") if c["name"] == "town-square")
    alice = logged_in(mm_server)
    secret = alice.posts.create_post({"channel_id": leadership["id"], "message": "secret"})
    public = alice.posts.create_post({"channel_id": town["id"], "message": "public"})
    bob = logged_in(mm_server, "bob")
    me = bob.client.userid

    def flag(post_id):
        return [{"user_id": me, "category": "flagged_post", "name": post_id, "value": "true"}]

    assert bob.preferences.save_user_preferences("me", flag(public["id"])) == {"status": "OK"}
    call = raw(mm_server, bob)
    assert_error(
        call("put", "/users/me/preferences", json=flag(secret["id"])),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call("put", "/users/me/preferences", json=flag("a" * 26)),
        400,
        "api.context.invalid_body_param.app_error",
    )
