"""Channel lists of a team (public, private, deleted) and channel search."""

from __future__ import annotations

from tests.mattermost.test_channels import assert_error, call, channel, login, team


def test_public_private_deleted_lists(mm_server):
    alice, admin = login(mm_server), login(mm_server, "admin")
    t = team(alice)
    public = alice.channels.get_public_channels(t["id"])
    names = [c["name"] for c in public]
    assert "engineering" in names and "town-square" in names
    assert "leadership" not in names
    assert all(c["type"] == "O" for c in public)
    assert names == [c["name"] for c in sorted(public, key=lambda c: c["display_name"].lower())]
    page = call(mm_server, alice, "GET", f"/teams/{t['id']}/channels?page=1&per_page=2").json()
    assert [c["name"] for c in page] == names[2:4]
    private = call(mm_server, admin, "GET", f"/teams/{t['id']}/channels/private").json()
    assert "leadership" in [c["name"] for c in private]
    assert_error(
        call(mm_server, alice, "GET", f"/teams/{t['id']}/channels/private"),
        403,
        "api.context.permissions.app_error",
    )
    eng = channel(alice, "engineering")
    assert alice.channels.get_deleted_channels(t["id"]) == []
    assert alice.channels.delete_channel(eng["id"]) == {"status": "OK"}
    deleted = alice.channels.get_deleted_channels(t["id"])
    assert [c["id"] for c in deleted] == [eng["id"]]
    assert deleted[0]["delete_at"] > 0
    assert eng["id"] not in [c["id"] for c in alice.channels.get_public_channels(t["id"])]


def test_search_channels(mm_server):
    alice, admin = login(mm_server), login(mm_server, "admin")
    t = team(alice)
    found = alice.channels.search_channels(t["id"], {"term": "engineering"})
    assert [c["name"] for c in found] == ["engineering"]
    prefix = alice.channels.search_channels(t["id"], {"term": "eng"})
    assert "engineering" in [c["name"] for c in prefix]
    assert all(c["type"] == "O" for c in prefix)
    assert alice.channels.search_channels(t["id"], {"term": "lead"}) == []
    everywhere = call(mm_server, admin, "POST", "/channels/search", json={"term": "lead"}).json()
    assert [c["name"] for c in everywhere] == ["leadership"]
    assert everywhere[0]["team_name"] == "acme"
    paged = call(
        mm_server, admin, "POST", "/channels/search", json={"term": "", "page": 0, "per_page": 1}
    ).json()
    assert len(paged["channels"]) == 1 and paged["total_count"] >= 4
    assert_error(
        call(mm_server, alice, "POST", "/channels/search", json={"term": "x"}),
        403,
        "api.context.permissions.app_error",
    )
