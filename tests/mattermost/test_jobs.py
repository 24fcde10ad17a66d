"""Jobs as records (``api4/job.go``): created pending, listed per readable type, cancelled and
moved between statuses with the upstream permission per job type."""

from __future__ import annotations

import pytest
from mattermostautodriver import Driver as AutoDriver
from mattermostautodriver.exceptions import InvalidOrMissingParameters

from tests.mattermost.clients import assert_error, logged_in, raw

PERMISSIONS = "api.context.permissions.app_error"
ANY_ID = "a" * 26


def auto(server, login_id: str = "admin") -> AutoDriver:
    """mattermostautodriver (it wraps every jobs route) with a logged-in session's token."""
    host, port = server.url.removeprefix("http://").split(":")
    token = logged_in(server, login_id).client.token
    options = {"url": host, "port": int(port), "scheme": "http", "basepath": "", "token": token}
    d = AutoDriver(options)
    d.client.token = token
    return d


def test_an_admin_creates_lists_and_cancels_a_job(mm_server):
    admin = auto(mm_server)
    job = admin.jobs.create_job({"type": "export_process", "data": {"include_attachments": "true"}})
    assert job["status"] == "pending"
    assert job["data"] == {"include_attachments": "true"}
    assert admin.jobs.get_job(job["id"]) == job
    second = admin.jobs.create_job({"type": "active_users"})
    assert [j["id"] for j in admin.jobs.get_jobs()] == [second["id"], job["id"]]
    assert [j["id"] for j in admin.jobs.get_jobs_by_type("export_process")] == [job["id"]]
    assert admin.jobs.get_jobs({"status": "canceled"}) == []
    admin.jobs.cancel_job(job["id"])
    assert admin.jobs.get_job(job["id"])["status"] == "canceled"
    assert [j["id"] for j in admin.jobs.get_jobs({"status": "canceled"})] == [job["id"]]
    # A cancelled job is past cancelling.
    with pytest.raises(InvalidOrMissingParameters):
        admin.jobs.cancel_job(job["id"])


def test_status_changes_follow_the_allowed_moves_unless_forced(mm_server):
    admin = auto(mm_server)
    call = raw(mm_server, logged_in(mm_server, "admin"))
    job = admin.jobs.create_job({"type": "migrations"})
    path = f"/jobs/{job['id']}/status"
    assert_error(call("PATCH", path, json={"status": "canceled"}), 400, "api.job.status.invalid")
    assert_error(call("PATCH", path, json={}), 400, "api.context.invalid_body_param.app_error")
    # mattermostautodriver's update_job_status calls a ``patch`` its client lacks.
    assert call("PATCH", path, json={"status": "cancel_requested"}).json() == {"status": "OK"}
    # Cancelling a pending job finishes it at once.
    assert admin.jobs.get_job(job["id"])["status"] == "canceled"
    call("PATCH", path, json={"status": "pending", "force": True}).raise_for_status()
    assert admin.jobs.get_job(job["id"])["status"] == "pending"


def test_types_without_a_worker_or_permissions_are_refused(mm_server):
    call = raw(mm_server, logged_in(mm_server, "admin"))
    # Licensed job types have permissions but no worker on Team Edition.
    response = call("POST", "/jobs", json={"type": "data_retention"})
    assert_error(response, 400, "model.job.is_valid.type.app_error")
    response = call("POST", "/jobs", json={"type": "bleve_post_indexing"})
    assert_error(response, 400, "api.job.unable_to_create_job.incorrect_job_type")
    response = call("POST", "/jobs", json={"type": "migrations", "data": {"n": 1}})
    assert_error(response, 400, "api.context.invalid_body_param.app_error")
    assert_error(call("GET", "/jobs/type/nonsense"), 400, "api.job.retrieve.nopermissions")
    assert_error(
        call("GET", "/jobs?job_type=nonsense"), 400, "api.context.invalid_url_param.app_error"
    )
    assert_error(call("GET", "/jobs?status=nonsense"), 400, "api.job.status.invalid")
    assert_error(call("GET", f"/jobs/{ANY_ID}"), 404, "app.job.get.app_error")
    assert_error(call("GET", "/jobs/not-an-id"), 400, "api.context.invalid_url_param.app_error")
    response = call("GET", f"/jobs/{ANY_ID}/download")
    assert_error(response, 501, "app.job.download_export_results_not_enabled")


def test_a_plain_user_reads_and_creates_no_jobs(mm_server):
    admin = auto(mm_server)
    job = admin.jobs.create_job({"type": "plugins"})
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    assert_error(bob("GET", "/jobs"), 403, PERMISSIONS)
    body = assert_error(bob("GET", f"/jobs/{job['id']}"), 403, PERMISSIONS)
    assert body["detailed_error"].endswith("permission=read_jobs")
    body = assert_error(bob("POST", "/jobs", json={"type": "data_retention"}), 403, PERMISSIONS)
    assert body["detailed_error"].endswith("permission=create_data_retention_job")
    assert_error(bob("POST", f"/jobs/{job['id']}/cancel"), 403, PERMISSIONS)
    response = bob("PATCH", f"/jobs/{job['id']}/status", json={"status": "cancel_requested"})
    assert_error(response, 403, PERMISSIONS)
    assert admin.jobs.get_job(job["id"])["status"] == "pending"
