"""MFA, password-reset and guest endpoints: a server without SMTP or license (MFA itself is in
test_mfa.py)."""

from tests.mattermost.clients import assert_error, logged_in, raw, set_config, user_id


def test_mfa_body_and_permission_errors(mm_server):
    alice = logged_in(mm_server)
    call = raw(mm_server, alice)
    assert_error(
        call("put", "/users/me/mfa", json={"activate": "yes"}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    bob = user_id(mm_server, "bob")
    assert_error(
        call("put", f"/users/{bob}/mfa", json={"activate": False}),
        403,
        "api.context.permissions.app_error",
    )


def test_legacy_mfa_check_is_the_go_404_unless_enabled(mm_server):
    call = raw(mm_server)
    gone = call("post", "/users/mfa", json={"login_id": "alice"})
    assert (gone.status_code, gone.text) == (404, "404 page not found\n")
    set_config(mm_server, "ServiceSettings", "DisableLegacyMFA", False)
    assert call("post", "/users/mfa", json={"login_id": "alice"}).json() == {"mfa_required": False}


def test_password_reset_and_verification_mails_are_accepted(mm_server):
    call = raw(mm_server)
    ok = {"status": "OK"}
    assert call("post", "/users/password/reset/send", json={"email": "nobody@x.io"}).json() == ok
    assert (
        call("post", "/users/email/verify/send", json={"email": "alice@example.com"}).json() == ok
    )
    assert_error(
        call("post", "/users/password/reset/send", json={}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    admin = logged_in(mm_server, "admin")
    bob = user_id(mm_server, "bob")
    verified = raw(mm_server, admin)("post", f"/users/{bob}/email/verify/member").json()
    assert verified["email_verified"] is True


def test_audits_uploads_and_guests(mm_server):
    alice = logged_in(mm_server)
    call = raw(mm_server, alice)
    assert call("get", "/users/me/audits").json() == []
    assert call("get", "/users/me/uploads").json() == []
    bob = user_id(mm_server, "bob")
    assert_error(
        call("get", f"/users/{bob}/uploads"),
        403,
        "api.user.get_uploads_for_user.forbidden.app_error",
    )
    admin = logged_in(mm_server, "admin")
    admin_call = raw(mm_server, admin)
    assert_error(
        admin_call("post", f"/users/{bob}/promote"),
        501,
        "api.user.promote_guest_to_user.no_guest.app_error",
    )
    admin.users.update_user_role(bob, {"roles": "system_guest"})
    assert admin_call("post", f"/users/{bob}/promote").json() == {"status": "OK"}
    assert admin.users.get_user(bob)["roles"] == "system_user"
    assert_error(
        admin_call("post", f"/users/{bob}/demote"),
        501,
        "api.team.demote_user_to_guest.license.error",
    )
