"""Jobs as records (``app/job.go``, ``jobs/jobs.go``): created pending, listed, cancelled and
moved between statuses. No worker ever picks one up, so a job stays where the API leaves it."""

from __future__ import annotations

from ...core.runtime import Runtime
from .. import errors, permissions
from .common import Doc

PENDING = "pending"
IN_PROGRESS = "in_progress"
CANCEL_REQUESTED = "cancel_requested"
CANCELED = "canceled"
STATUSES = (PENDING, IN_PROGRESS, "success", "error", CANCEL_REQUESTED, CANCELED, "warning")

# ``model.AllJobTypes``.
TYPES = (
    "data_retention",
    "message_export",
    "elasticsearch_post_indexing",
    "elasticsearch_post_aggregation",
    "bleve_post_indexing",
    "ldap_sync",
    "migrations",
    "plugins",
    "expiry_notify",
    "product_notices",
    "active_users",
    "import_process",
    "import_delete",
    "export_process",
    "export_delete",
    "cloud",
    "resend_invitation_email",
    "extract_content",
    "last_accessible_post",
    "last_accessible_file",
    "upgrade_notify_admin",
    "trial_notify_admin",
    "post_persistent_notifications",
    "install_plugin_notify_admin",
    "hosted_purchase_screening",
    "s3_path_migration",
    "cleanup_desktop_tokens",
    "delete_empty_drafts_migration",
    "refresh_post_stats",
    "delete_orphan_drafts_migration",
    "export_users_to_csv",
    "delete_dms_preferences_migration",
    "mobile_session_metadata",
    "access_control_sync",
)
# The licensed job types each have their own permissions (``SessionHasPermissionTo*Job``).
_OWN = {
    "data_retention": "data_retention_job",
    "message_export": "compliance_export_job",
    "elasticsearch_post_indexing": "elasticsearch_post_indexing_job",
    "elasticsearch_post_aggregation": "elasticsearch_post_aggregation_job",
    "ldap_sync": "ldap_sync_job",
}
_MANAGED = (
    "migrations",
    "plugins",
    "product_notices",
    "expiry_notify",
    "active_users",
    "import_process",
    "import_delete",
    "export_process",
    "export_delete",
    "cloud",
    "extract_content",
)
# Workers a Team Edition server registers: only these types can be created.
_WORKERS = {
    "migrations",
    "plugins",
    "product_notices",
    "expiry_notify",
    "active_users",
    "import_process",
    "import_delete",
    "export_process",
    "export_delete",
    "extract_content",
    "export_users_to_csv",
}


def create_permission(job_type: str) -> str | None:
    """``SessionHasPermissionToCreateJob`` (also the permission to cancel)."""
    if job_type in _OWN:
        return "create_" + _OWN[job_type]
    if job_type in _MANAGED:
        return "manage_jobs"
    return "manage_system" if job_type == "access_control_sync" else None


def manage_permission(job_type: str) -> str | None:
    """``SessionHasPermissionToManageJob``."""
    if job_type in _OWN:
        return "manage_" + _OWN[job_type]
    if job_type in _MANAGED:
        return "manage_jobs"
    return "manage_system" if job_type == "access_control_sync" else None


def read_permission(job_type: str) -> str | None:
    """``SessionHasPermissionToReadJob``."""
    if job_type in _OWN:
        return "read_" + _OWN[job_type]
    if job_type in _MANAGED or job_type == "mobile_session_metadata":
        return "read_jobs"
    return "manage_system" if job_type == "access_control_sync" else None


def _allowed(user: Doc, permission: str | None, unknown_error: str) -> None:
    if permission is None:
        raise errors.bad_request(unknown_error)
    permissions.require_system(user, permission)


def get_job(rt: Runtime, user: Doc, job_id: str) -> Doc:
    job = _job(rt, job_id)
    _allowed(user, read_permission(job["type"]), errors.JOB_RETRIEVE_NO_PERMISSIONS)
    return job


def _job(rt: Runtime, job_id: str) -> Doc:
    job = rt.store.get("jobs", job_id)
    if job is None:
        raise errors.not_found(errors.JOB_NOT_FOUND)
    return job


def create_job(rt: Runtime, user: Doc, job_type: str, data: dict[str, str] | None) -> Doc:
    """``CreateJob``: the caller may create that type, and a worker for it exists."""
    _allowed(user, create_permission(job_type), errors.JOB_CREATE_INCORRECT_TYPE)
    return new_job(rt, job_type, data)


def new_job(rt: Runtime, job_type: str, data: dict[str, str] | None) -> Doc:
    """A pending job of a type this server has a worker for (``Job.IsValid``)."""
    if job_type not in _WORKERS:
        raise errors.bad_request(errors.JOB_TYPE_INVALID)
    job = {
        "id": rt.ids.mattermost_id(),
        "type": job_type,
        "priority": 0,
        "create_at": rt.clock.now_ms(),
        "start_at": 0,
        "last_activity_at": 0,
        "status": PENDING,
        "progress": 0,
        "data": dict(data or {}),
    }
    return rt.store.insert("jobs", job)


def readable_types(user: Doc, job_type: str = "") -> list[str]:
    """``getJobs``: the asked type if the caller may read it, else every type they may read;
    none is a permission error."""
    if job_type:
        _allowed(user, read_permission(job_type), errors.JOB_RETRIEVE_NO_PERMISSIONS)
        return [job_type]
    found = [
        t
        for t in TYPES
        if (p := read_permission(t)) is not None and permissions.has_system_permission(user, p)
    ]
    if not found:
        raise errors.permission_denied(user["id"], "")
    return found


def list_jobs(rt: Runtime, types: list[str], status: str, page: int, per_page: int) -> list[Doc]:
    """Newest first, one page."""
    jobs = [
        j
        for j in rt.store.all("jobs")
        if j["type"] in types and (not status or j["status"] == status)
    ]
    jobs.sort(key=lambda j: (j["create_at"], j["id"]), reverse=True)
    return jobs[page * per_page : (page + 1) * per_page]


def cancel_job(rt: Runtime, user: Doc, job_id: str) -> None:
    """``RequestCancellation``: a pending job is cancelled at once, a running one is asked to
    stop; any other is past cancelling."""
    job = _job(rt, job_id)
    _allowed(user, create_permission(job["type"]), errors.JOB_CREATE_INCORRECT_TYPE)
    _request_cancellation(rt, job)


def _request_cancellation(rt: Runtime, job: Doc) -> None:
    if job["status"] == PENDING:
        _set_status(rt, job, CANCELED)
    elif job["status"] == IN_PROGRESS:
        _set_status(rt, job, CANCEL_REQUESTED)
    else:
        # Upstream answers 500 here; it is the caller's request that cannot be met.
        raise errors.bad_request(errors.JOB_CANCEL_STATUS, f"id={job['id']}")


def update_job_status(rt: Runtime, user: Doc, job_id: str, status: str, force: bool) -> None:
    """``updateJobStatus``: the manage permission, then a move ``Job.IsValidStatusChange``
    allows (or any with ``force``) to pending, cancel_requested or canceled."""
    job = _job(rt, job_id)
    _allowed(user, manage_permission(job["type"]), errors.JOB_MANAGE_INCORRECT_TYPE)
    if not force and not _valid_change(job["status"], status):
        raise errors.bad_request(errors.JOB_STATUS_INVALID)
    if status == PENDING:
        _set_status(rt, job, PENDING)
    elif status == CANCEL_REQUESTED:
        _request_cancellation(rt, job)
    elif status == CANCELED:
        _set_status(rt, job, CANCELED)
    else:
        # Upstream's UpdateJobStatus knows no other target (a 500 there).
        raise errors.bad_request(errors.JOB_UPDATE_STATUS)


def _valid_change(current: str, new: str) -> bool:
    allowed = {
        IN_PROGRESS: (PENDING, CANCEL_REQUESTED),
        PENDING: (CANCEL_REQUESTED,),
        CANCEL_REQUESTED: (CANCELED,),
    }
    return new in allowed.get(current, ())


def _set_status(rt: Runtime, job: Doc, status: str) -> None:
    rt.store.update("jobs", job["id"], {"status": status, "last_activity_at": rt.clock.now_ms()})
