"""``api4/job.go``: jobs as records (see ``models/jobs.py``)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from .. import authentication, errors, inputs, wire
from ..models import jobs

blueprint = Blueprint("mm_jobs", __name__, url_prefix="/api/v4")

JOB_TYPE_MAX = 32


@blueprint.get("/jobs")
def get_jobs() -> Response:
    rt, user = authentication.caller()
    job_type = request.args.get("job_type", "")
    if job_type and job_type not in jobs.TYPES:
        raise errors.invalid_url_param("job_type")
    types = jobs.readable_types(user, job_type)
    status = request.args.get("status", "")
    if status and status not in jobs.STATUSES:
        raise errors.bad_request(errors.JOB_STATUS_INVALID)
    page, per_page = inputs.paging()
    return jsonify(jobs.list_jobs(rt, types, status, page, per_page))


@blueprint.post("/jobs")
def create_job() -> Response:
    rt, user = authentication.caller()
    body = inputs.json_body()
    if not isinstance(body, dict):
        raise errors.invalid_body_param("job")
    job_type = body.get("type", "")
    data = body.get("data")
    valid_data = data is None or (
        isinstance(data, dict) and all(isinstance(v, str) for v in data.values())
    )
    if not isinstance(job_type, str) or not valid_data:
        raise errors.invalid_body_param("job")
    response = jsonify(jobs.create_job(rt, user, job_type, data))
    response.status_code = 201
    return response


@blueprint.get("/jobs/<job_id>")
def get_job(job_id: str) -> Response:
    rt, user = authentication.caller()
    return jsonify(jobs.get_job(rt, user, inputs.id_param(job_id, "job_id")))


@blueprint.get("/jobs/<job_id>/download")
def download_job(job_id: str) -> Response:
    authentication.caller()
    inputs.id_param(job_id, "job_id")
    # MessageExportSettings.DownloadExportResults is off by default, and only compliance
    # exports (a licensed feature) are downloadable.
    raise errors.AppError(501, errors.JOB_DOWNLOAD_DISABLED)


@blueprint.post("/jobs/<job_id>/cancel")
def cancel_job(job_id: str) -> Response:
    rt, user = authentication.caller()
    jobs.cancel_job(rt, user, inputs.id_param(job_id, "job_id"))
    return jsonify(wire.status_ok())


@blueprint.get("/jobs/type/<job_type>")
def get_jobs_by_type(job_type: str) -> Response:
    rt, user = authentication.caller()
    if len(job_type) > JOB_TYPE_MAX:
        raise errors.invalid_url_param("job_type")
    types = jobs.readable_types(user, job_type)
    page, per_page = inputs.paging()
    return jsonify(jobs.list_jobs(rt, types, "", page, per_page))


@blueprint.patch("/jobs/<job_id>/status")
def update_job_status(job_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(job_id, "job_id")
    body = inputs.json_body(required=False)
    body = body if isinstance(body, dict) else {}
    status = body.get("status")
    if not isinstance(status, str):
        raise errors.invalid_body_param("status")
    force = body.get("force") is True
    jobs.update_job_status(rt, user, job_id, status, force)
    return jsonify(wire.status_ok())
