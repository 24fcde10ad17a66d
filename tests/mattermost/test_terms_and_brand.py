"""Terms of service (licensed: none exist), the brand image, and licence metrics."""

from __future__ import annotations

import pytest
from mattermostdriver.exceptions import ResourceNotFound

from emulator.mattermost.resources.user_images import default_image
from tests.mattermost.clients import assert_error, logged_in, raw

PERMISSIONS = "api.context.permissions.app_error"


def test_no_terms_of_service_and_none_can_be_created(mm_server):
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    assert_error(bob("GET", "/terms_of_service"), 404, "app.terms_of_service.get.no_rows.app_error")
    assert_error(bob("POST", "/terms_of_service", json={"text": "t"}), 403, PERMISSIONS)
    assert_error(
        admin("POST", "/terms_of_service", json={"text": "t"}),
        400,
        "api.create_terms_of_service.custom_terms_of_service_disabled.app_error",
    )
    assert_error(
        raw(mm_server)("GET", "/terms_of_service"), 401, "api.context.session_expired.app_error"
    )


def test_brand_image_upload_read_and_delete(mm_server):
    admin_driver = logged_in(mm_server, "admin")
    admin = raw(mm_server, admin_driver)
    anonymous = raw(mm_server)
    missing = anonymous("GET", "/brand/image")
    assert (missing.status_code, missing.content) == (404, b"")
    assert missing.headers["Content-Type"] == "application/json"
    with pytest.raises(ResourceNotFound):
        admin_driver.brand.get_brand_image()
    png = default_image("brand", "brand")
    uploaded = admin("POST", "/brand/image", files={"image": ("b.png", png, "image/png")})
    assert (uploaded.status_code, uploaded.json()) == (201, {"status": "OK"})
    served = anonymous("GET", "/brand/image")
    assert (served.status_code, served.headers["Content-Type"], served.content) == (
        200,
        "image/png",
        png,
    )
    assert admin("DELETE", "/brand/image").json() == {"status": "OK"}
    assert_error(
        admin("DELETE", "/brand/image"), 404, "api.admin.delete_brand_image.storage.not_found"
    )


def test_brand_image_checks_form_then_permission_then_image(mm_server):
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    assert_error(bob("POST", "/brand/image"), 400, "api.admin.upload_brand_image.no_file.app_error")
    files = {"image": ("b.txt", b"plain text")}
    assert_error(bob("POST", "/brand/image", files=files), 403, PERMISSIONS)
    assert_error(
        admin("POST", "/brand/image", files=files), 400, "brand.save_brand_image.decode.app_error"
    )
    assert_error(bob("DELETE", "/brand/image"), 403, PERMISSIONS)


def test_license_load_metric_is_zero_without_a_licence(mm_server):
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    assert bob("GET", "/license/load_metric").json() == {"load": 0}
    assert_error(
        raw(mm_server)("GET", "/license/load_metric"), 401, "api.context.session_expired.app_error"
    )


def test_restart_is_for_system_admins(mm_server):
    assert raw(mm_server, logged_in(mm_server, "admin"))("POST", "/restart").json() == {
        "status": "OK"
    }
    assert_error(raw(mm_server, logged_in(mm_server, "bob"))("POST", "/restart"), 403, PERMISSIONS)
