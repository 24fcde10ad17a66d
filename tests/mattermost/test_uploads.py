"""Resumable uploads: a session, pieces, and the FileInfo at the end."""

from tests.mattermost.clients import set_config
from tests.mattermost.test_channels import assert_error, call, channel, login


def test_resumable_upload_in_two_pieces(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    town = channel(alice, "town-square")
    created = call(
        mm_server,
        alice,
        "POST",
        "/uploads",
        json={"channel_id": town["id"], "filename": "dir/notes.txt", "file_size": 11},
    )
    assert created.status_code == 201
    upload = created.json()
    assert upload["type"] == "attachment" and upload["filename"] == "notes.txt"
    assert upload["file_offset"] == 0 and upload["user_id"] == alice.client.userid
    first = call(mm_server, alice, "POST", f"/uploads/{upload['id']}", data=b"hello ")
    assert first.status_code == 204
    assert call(mm_server, alice, "GET", f"/uploads/{upload['id']}").json()["file_offset"] == 6
    assert_error(
        call(mm_server, bob, "GET", f"/uploads/{upload['id']}"),
        403,
        "api.upload.get_upload.forbidden.app_error",
    )
    assert_error(
        call(mm_server, alice, "POST", f"/uploads/{upload['id']}", data=b"world, too long"),
        400,
        "api.upload.upload_data.invalid_content_length",
    )
    done = call(mm_server, alice, "POST", f"/uploads/{upload['id']}", data=b"world")
    assert done.status_code == 200
    info = done.json()
    assert info["name"] == "notes.txt" and info["size"] == 11
    assert alice.files.get_file(info["id"]).content == b"hello world"
    assert_error(
        call(mm_server, alice, "GET", f"/uploads/{upload['id']}"), 404, "app.upload.get.app_error"
    )


def test_upload_session_refusals(mm_server):
    alice = login(mm_server)
    leadership, town = channel(alice, "leadership"), channel(alice, "town-square")
    bob = login(mm_server, "bob")
    body = {"channel_id": leadership["id"], "filename": "x.txt", "file_size": 3}
    assert_error(
        call(mm_server, bob, "POST", "/uploads", json=body),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, alice, "POST", "/uploads", json={**body, "file_size": 0}),
        400,
        "model.upload_session.is_valid.file_size.app_error",
    )
    assert_error(
        call(mm_server, alice, "POST", "/uploads", json={**body, "filename": ""}),
        400,
        "model.upload_session.is_valid.filename.app_error",
    )
    assert_error(
        call(mm_server, alice, "POST", "/uploads", json={**body, "file_size": "3"}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(mm_server, bob, "POST", "/uploads", json={**body, "type": "import"}),
        403,
        "api.context.permissions.app_error",
    )
    set_config(mm_server, "FileSettings", "MaxFileSize", 2)
    assert_error(
        call(mm_server, alice, "POST", "/uploads", json={**body, "channel_id": town["id"]}),
        413,
        "api.upload.create.upload_too_large.app_error",
    )
    set_config(mm_server, "FileSettings", "EnableFileAttachments", False)
    assert_error(
        call(mm_server, alice, "POST", "/uploads", json=body),
        501,
        "api.file.attachments.disabled.app_error",
    )
