"""Imports: the bulk user import creating users through the users domain, operation states,
and the importer operations (archives stored, not unpacked)."""

import base64
import io
import zipfile

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from .clients import NO_PERMISSION, call

USERS = [
    {
        "username": "carol",
        "emails": ["carol@example.com"],
        "importIds": ["ext-1"],
        "name": "Carol C",
        "password": "carol-secret",
    },
    {"emails": ["dave.d@example.com"], "importIds": ["ext-2"], "roles": ["bot"]},
    {"username": "alice", "emails": ["alice-again@example.com"], "importIds": ["ext-3"]},
]


def test_bulk_user_import_creates_the_users(rc_server, admin):
    assert admin.call_api_get("import.status") == {"success": True, "state": "none"}
    operation = admin.call_api_post("import.new")["operation"]
    assert operation["status"] == "importer_new" and operation["importerKey"] == "api"
    assert admin.call_api_get("import.status")["state"] == "new"
    assert admin.call_api_post("import.addUsers", users=USERS) == {"success": True}
    status = admin.call_api_get("import.status")
    assert status["state"] == "ready" and status["operation"]["count"]["users"] == 3
    selection = admin.call_api_get("getImportFileData")
    assert [u["user_id"] for u in selection["users"]] == ["ext-1", "ext-2", "ext-3"]
    assert admin.call_api_post("import.run") == {"success": True}
    done = admin.call_api_get("import.status")
    assert done["state"] == "done" and done["operation"]["count"]["completed"] == 3
    carol = RocketChat("carol", "carol-secret", server_url=rc_server.url)  # logs in
    me = carol.me()
    assert me["name"] == "Carol C" and me["roles"] == ["user"]
    dave = admin.users_info(username="dave.d")["user"]
    assert sorted(dave["roles"]) == ["bot", "user"]
    alice = admin.users_info(username="alice")["user"]  # existing: skipped, not overwritten
    assert alice["emails"][0]["address"] != "alice-again@example.com"
    progress = admin.call_api_get("getImportProgress")
    assert progress["step"] == "importer_done" and progress["count"]["completed"] == 3
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("import.run")
    assert exc.value.response_json == {
        "success": False,
        "error": "error-invalid-operation-status",
    }


def test_add_users_refusals(admin, alice):
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("import.addUsers", users=USERS)
    assert exc.value.response_json == {
        "success": False,
        "error": "Import operation not initialized.",
    }
    admin.call_api_post("import.new")
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post(
            "import.addUsers", users=[{"emails": ["x@y.z"], "importIds": ["1"], "roles": ["czar"]}]
        )
    assert exc.value.response_json["error"] == (
        "One or more of the users have been assigned invalid roles."
    )
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("import.addUsers", users=[{"emails": ["x@y.z"]}])
    assert exc.value.response_json["error"] == ("must have required property 'importIds'")
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("import.addUsers", users=[{"emails": [""], "importIds": ["1"]}])
    assert exc.value.response_json["error"] == "Users are missing required data."
    admin.call_api_post("import.clear")
    assert admin.call_api_get("import.status")["state"] == "error"  # invalidated
    answer = call(alice, "POST", "import.new")
    assert answer.status_code == 403 and answer.json() == NO_PERMISSION


def test_importer_operations(admin):
    listed = call(admin, "GET", "importers.list").json()
    assert listed == [
        {"key": "csv", "name": "CSV"},
        {"key": "slack", "name": "Slack"},
        {"key": "slack-users", "name": "Slack_Users"},
    ]
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_get("getImportProgress")
    assert exc.value.response_json["errorType"] == "error-operation-not-found"
    content = base64.b64encode(b"PK\x03\x04").decode()
    body = {"binaryContent": content, "contentType": "application/zip", "fileName": "a.zip"}
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("uploadImportFile", **body, importerKey="hipchat")
    assert exc.value.response_json["error"] == (
        "The importer (hipchat) has no import class defined. [error-importer-not-defined]"
    )
    admin.call_api_post("uploadImportFile", **body, importerKey="csv")
    current = admin.call_api_get("getCurrentImportOperation")["operation"]
    assert current["importerKey"] == "csv" and current["file"].endswith("_a.zip")
    assert current["status"] == "importer_file_loaded"
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_get("getImportFileData")
    assert exc.value.response_json == {
        "success": False,
        "error": "Invalid or unsupported zip format. No END header found",
    }
    admin.call_api_post(
        "downloadPublicImportFile", fileUrl="http://127.0.0.1:9/x.zip", importerKey="slack"
    )
    assert admin.call_api_get("getImportFileData") == {"success": True, "waiting": True}
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("downloadPublicImportFile", fileUrl="/etc/passwd", importerKey="csv")
    assert exc.value.response_json["errorType"] == "error-import-file-missing"
    assert admin.call_api_post("downloadPendingAvatars") == {"success": True, "count": 0}
    latest = call(admin, "GET", "getLatestImportOperations").json()
    assert [op["importerKey"] for op in latest][:3] == ["pending-avatars", "slack", "csv"]


def csv_archive():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("users.csv", "erin,erin@example.com,Erin E\nalice,x@example.com,A\n")
        archive.writestr("channels.csv", "town,erin,public,erin\n")
    return base64.b64encode(buffer.getvalue()).decode()


def test_csv_archive_imports_its_users(rc_server, admin):
    admin.call_api_post(
        "uploadImportFile",
        binaryContent=csv_archive(),
        contentType="application/zip",
        fileName="export.zip",
        importerKey="csv",
    )
    selection = admin.call_api_get("getImportFileData")
    assert [u["username"] for u in selection["users"]] == ["erin", "alice"]
    assert admin.call_api_get("import.status")["state"] == "ready"
    admin.call_api_post("startImport", input={"users": {"list": ["erin"]}})
    erin = admin.users_info(username="erin")["user"]
    assert erin["name"] == "Erin E" and erin["emails"][0]["address"] == "erin@example.com"
    assert admin.call_api_get("import.status")["state"] == "done"


def _archive(text: str = "erin,erin@example.com,Erin E\n") -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("users.csv", text)
    return bytearray(buffer.getvalue())


def _flag_both_headers(data: bytearray, offset: int, value: int) -> bytearray:
    """Set a field of the local header (at ``offset``) and the central directory's copy (4
    bytes further on)."""
    central = data.rfind(b"PK\x01\x02")
    data[offset] |= value
    data[central + offset + 2] |= value
    return data


@pytest.mark.parametrize(
    ("archive", "error"),
    [
        # The encryption flag: zipfile wants a password.
        (_flag_both_headers(_archive(), 6, 1), "Invalid or unsupported zip format"),
        # An unknown compression method.
        (_flag_both_headers(_archive(), 8, 99), "Invalid or unsupported zip format"),
        # A users.csv that unpacks past the bound (a few KiB of zip).
        (_archive("\n" * (17 * 1024 * 1024)), "Invalid or unsupported zip format"),
        # A field past the csv module's limit.
        (_archive("erin,erin@example.com," + "E" * 200_000 + "\n"), "Invalid CSV"),
    ],
    ids=["encrypted", "compression-method", "zip-bomb", "huge-field"],
)
def test_bad_archives_are_refused_not_a_server_error(admin, archive, error):
    admin.call_api_post(
        "uploadImportFile",
        binaryContent=base64.b64encode(bytes(archive)).decode(),
        contentType="application/zip",
        fileName="export.zip",
        importerKey="csv",
    )
    answer = call(admin, "GET", "getImportFileData")
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"].startswith(error)
    assert admin.call_api_get("getCurrentImportOperation")["operation"]["status"] == (
        "importer_file_loaded"
    )
