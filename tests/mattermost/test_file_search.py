"""File search: names, ext:, from:, in:, and who may see what."""

from tests.mattermost.test_channels import assert_error, call, channel, login, team
from tests.mattermost.test_posts import fresh_channel


def _attach(d, channel_id: str, name: str) -> str:
    info = d.files.upload_file(channel_id, {"files": (name, b"data")})["file_infos"][0]
    d.posts.create_post({"channel_id": channel_id, "message": "file", "file_ids": [info["id"]]})
    return info["id"]


def test_search_files_by_name_extension_sender_and_channel(mm_server):
    alice, bob = login(mm_server), login(mm_server, "bob")
    ch = fresh_channel(alice)
    team_id = team(alice)["id"]
    report = _attach(alice, ch["id"], "zq-quarterly-report.pdf")
    sheet = _attach(bob, ch["id"], "zq-quarterly-budget.xlsx")
    secret = _attach(alice, channel(alice, "leadership")["id"], "zq-salaries.pdf")
    loose = alice.files.upload_file(ch["id"], {"files": ("zq-loose.pdf", b"x")})
    assert loose["file_infos"][0]["id"]  # never attached: not searchable

    def search(d, terms, path=f"/teams/{team_id}/files/search", **extra):
        answer = call(mm_server, d, "POST", path, json={"terms": terms, **extra})
        assert answer.status_code == 200
        return answer.json()

    found = search(alice, "zq-quarterly")
    assert list(found) == [
        "order",
        "file_infos",
        "next_file_info_id",
        "prev_file_info_id",
        "first_inaccessible_file_time",
    ]
    assert found["order"] == [sheet, report]
    assert found["file_infos"][report]["name"] == "zq-quarterly-report.pdf"
    assert search(alice, "quarterly ext:pdf")["order"] == [report]
    assert search(alice, "ext:pdf zq*")["order"] == [secret, report]
    assert search(bob, "ext:pdf zq*")["order"] == [report]  # bob is not in leadership
    assert search(alice, "zq* from:bob")["order"] == [sheet]
    assert search(alice, f"zq* -in:{ch['name']}")["order"] == [secret]
    assert search(alice, "budget report", is_or_search=True)["order"] == [sheet, report]
    assert search(alice, "zq* -ext:pdf", path="/files/search")["order"] == [sheet]
    assert_error(
        call(mm_server, alice, "POST", "/files/search", json={"terms": ""}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        call(mm_server, alice, "POST", "/files/search", json={"terms": 3}),
        400,
        "api.post.search_files.invalid_body.app_error",
    )
    outsider = call(
        mm_server, alice, "POST", f"/teams/{'t' * 26}/files/search", json={"terms": "x"}
    )
    assert_error(outsider, 403, "api.context.permissions.app_error")
