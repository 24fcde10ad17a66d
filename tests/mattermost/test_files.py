"""Files: upload, attach to posts, download, thumbnails, public links."""

import pytest
import requests
from mattermostdriver.exceptions import ContentTooLarge, FeatureDisabled

from emulator.app import runtime_of
from emulator.mattermost import models
from emulator.mattermost.models import _PLACEHOLDER_PNG
from tests.mattermost.test_channels import assert_error, call, channel, login

FILE_KEYS = {
    "id",
    "user_id",
    "channel_id",
    "create_at",
    "update_at",
    "delete_at",
    "name",
    "extension",
    "size",
    "mime_type",
    "mini_preview",
    "remote_id",
    "archived",
}


def set_file_setting(server, **values):
    rt = runtime_of(server.app)
    config = rt.store.get("config", "config")
    settings = {k: dict(v) for k, v in config["settings"].items()}
    settings["FileSettings"].update(values)
    rt.store.upsert("config", {"id": "config", "settings": settings})


def test_upload_attach_download(mm_server):
    d = login(mm_server)
    eng = channel(d, "engineering")
    uploaded = d.files.upload_file(eng["id"], {"files": ("notes.txt", b"hello world")})
    assert list(uploaded) == ["file_infos", "client_ids"]
    assert uploaded["client_ids"] == []
    info = uploaded["file_infos"][0]
    assert set(info) >= FILE_KEYS
    assert "post_id" not in info
    assert info["name"] == "notes.txt" and info["extension"] == "txt"
    assert info["size"] == 11 and info["mime_type"].startswith("text/plain")
    post = d.posts.create_post(
        {"channel_id": eng["id"], "message": "see file", "file_ids": [info["id"]]}
    )
    assert post["file_ids"] == [info["id"]]
    assert post["metadata"]["files"][0]["post_id"] == post["id"]
    raw = d.files.get_file(info["id"])
    assert raw.content == b"hello world"
    assert raw.headers["Content-Disposition"].startswith('attachment;filename="notes.txt"')
    meta = d.files.get_file_metadata(info["id"])
    assert meta["post_id"] == post["id"]
    bob = login(mm_server, "bob")
    assert bob.files.get_file(info["id"]).content == b"hello world"


def test_multipart_with_client_ids_and_image_size(mm_server):
    d = login(mm_server)
    eng = channel(d, "engineering")
    response = call(
        mm_server,
        d,
        "POST",
        "/files",
        data={"channel_id": eng["id"], "client_ids": ["c1", "c2"]},
        files=[
            ("files", ("a.png", _PLACEHOLDER_PNG, "image/png")),
            ("files", ("b.bin", b"\x00\x01", "application/octet-stream")),
        ],
    )
    assert response.status_code == 201
    body = response.json()
    assert body["client_ids"] == ["c1", "c2"]
    image, other = body["file_infos"]
    assert image["mime_type"] == "image/png"
    assert image["width"] == 1 and image["height"] == 1 and image["has_preview_image"] is True
    assert d.files.get_file_thumbnail(image["id"]).content == _PLACEHOLDER_PNG
    assert d.files.get_file_preview(image["id"]).headers["Content-Type"] == "image/png"
    assert_error(
        call(mm_server, d, "GET", f"/files/{other['id']}/thumbnail"),
        400,
        "api.file.get_file_thumbnail.no_thumbnail.app_error",
    )
    assert_error(
        call(mm_server, d, "GET", f"/files/{other['id']}/preview"),
        400,
        "api.file.get_file_preview.no_preview.app_error",
    )
    mismatch = call(
        mm_server,
        d,
        "POST",
        "/files",
        data={"channel_id": eng["id"], "client_ids": ["c1"]},
        files=[("files", ("a.txt", b"a")), ("files", ("b.txt", b"b"))],
    )
    assert_error(mismatch, 400, "api.file.upload_file.incorrect_number_of_client_ids.app_error")


def test_raw_body_upload(mm_server):
    d = login(mm_server)
    eng = channel(d, "engineering")
    response = call(
        mm_server, d, "POST", f"/files?channel_id={eng['id']}&filename=raw.txt", data=b"raw bytes"
    )
    assert response.status_code == 201
    assert response.json()["file_infos"][0]["size"] == 9


def test_upload_permissions_and_limits(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    leadership = channel(alice, "leadership")
    assert_error(
        call(
            mm_server,
            bob,
            "POST",
            "/files",
            data={"channel_id": leadership["id"]},
            files={"files": ("x.txt", b"x")},
        ),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(
            mm_server,
            bob,
            "POST",
            "/files",
            data={"channel_id": "nope"},
            files={"files": ("x.txt", b"x")},
        ),
        400,
        "api.context.invalid_body_param.app_error",
    )
    set_file_setting(mm_server, MaxFileSize=10)
    with pytest.raises(ContentTooLarge):
        alice.files.upload_file(leadership["id"], {"files": ("big.txt", b"x" * 11)})
    body = assert_error(
        call(
            mm_server,
            alice,
            "POST",
            "/files",
            data={"channel_id": leadership["id"]},
            files={"files": ("big.txt", b"x" * 11)},
        ),
        413,
        "api.file.upload_file.too_large_detailed.app_error",
    )
    assert body["message"] == (
        "Unable to upload file big.txt. 11 bytes exceeds the maximum allowed 10 bytes."
    )
    set_file_setting(mm_server, EnableFileAttachments=False)
    with pytest.raises(FeatureDisabled):
        alice.files.upload_file(leadership["id"], {"files": ("x.txt", b"x")})


def test_private_files_are_not_readable_by_others(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    leadership = channel(alice, "leadership")
    info = alice.files.upload_file(leadership["id"], {"files": ("s.txt", b"s")})["file_infos"][0]
    assert_error(
        call(mm_server, bob, "GET", f"/files/{info['id']}"),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, bob, "GET", f"/files/{info['id']}/info"),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        call(mm_server, alice, "GET", "/files/" + "f" * 26), 404, "app.file_info.get.app_error"
    )
    assert_error(
        call(mm_server, alice, "GET", "/files/bad/info"),
        400,
        "api.context.invalid_url_param.app_error",
    )


def test_seeded_files_serve_placeholders(mm_server):
    d = login(mm_server, "admin")
    rt = runtime_of(mm_server.app)
    seeded = rt.store.all("files")[0]
    eng = channel(d, "engineering")
    # a file recorded without bytes, as seeding makes them
    image = models.create_file_info(
        rt,
        user_id=d.client.userid,
        channel_id=eng["id"],
        name="pic.png",
        size=500,
        mime_type="image/png",
    )
    for info in (seeded, image):
        content = d.files.get_file(info["id"]).content
        assert len(content) == info["size"]
        assert d.files.get_file(info["id"]).content == content
    assert d.files.get_file(image["id"]).content.startswith(_PLACEHOLDER_PNG)


def test_public_links(mm_server):
    d = login(mm_server)
    eng = channel(d, "engineering")
    info = d.files.upload_file(eng["id"], {"files": ("p.txt", b"public")})["file_infos"][0]
    assert_error(
        call(mm_server, d, "GET", f"/files/{info['id']}/link"),
        501,
        "api.file.get_public_link.disabled.app_error",
    )
    set_file_setting(mm_server, EnablePublicLink=True)
    assert_error(
        call(mm_server, d, "GET", f"/files/{info['id']}/link"),
        400,
        "api.file.get_public_link.no_post.app_error",
    )
    d.posts.create_post({"channel_id": eng["id"], "message": "x", "file_ids": [info["id"]]})
    link = d.files.get_public_file_link(info["id"])["link"]
    assert link.startswith(f"{mm_server.url}/files/{info['id']}/public?h=")
    assert requests.get(link, timeout=5).content == b"public"
    bad = requests.get(f"{mm_server.url}/files/{info['id']}/public?h=wrong", timeout=5)
    assert_error(bad, 400, "api.file.get_file.public_invalid.app_error")
