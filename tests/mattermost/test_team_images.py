"""Team icons: upload, read and remove."""

from __future__ import annotations

from tests.mattermost.clients import assert_error, logged_in, raw, team_id


def test_team_icon_upload_read_and_remove(mm_server):
    admin = logged_in(mm_server, "admin")
    acme = team_id(mm_server)
    call = raw(mm_server, admin)
    assert_error(
        call("get", f"/teams/{acme}/image"), 404, "api.team.get_team_icon.read_file.app_error"
    )
    png = call("get", "/users/me/image/default").content
    assert admin.teams.set_team_icon(acme, {"image": ("icon.png", png, "image/png")}) == {
        "status": "OK"
    }
    icon = call("get", f"/teams/{acme}/image")
    assert (icon.status_code, icon.headers["Content-Type"], icon.content) == (200, "image/png", png)
    assert admin.teams.get_team(acme)["last_team_icon_update"] > 0
    bob = logged_in(mm_server, "bob")
    assert_error(
        raw(mm_server, bob)("post", f"/teams/{acme}/image", files={"image": ("x.png", png)}),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call("post", f"/teams/{acme}/image", files={"image": ("x.txt", b"text")}),
        400,
        "api.team.set_team_icon.decode.app_error",
    )
    assert call("delete", f"/teams/{acme}/image").json() == {"status": "OK"}
    assert "last_team_icon_update" not in admin.teams.get_team(acme)
    assert call("get", f"/teams/{acme}/image").status_code == 404
