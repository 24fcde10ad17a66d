import json
from pathlib import Path

import pytest

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.core import company
from emulator.core.workspace import FixtureError, build_workspace, default_scenario, load_scenario

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_same_seed_same_workspace():
    assert build_workspace(default_scenario(), 3) == build_workspace(default_scenario(), 3)
    assert build_workspace(default_scenario(), 3) != build_workspace(default_scenario(), 4)


def test_demo_workspace_is_large_and_reports_progress():
    seen = []
    ws = build_workspace(default_scenario(), 1, "demo", progress=lambda n, t: seen.append((n, t)))
    assert len(ws.users) >= 50 and len(ws.posts) >= 5000
    assert len([c for c in ws.channels if c["kind"] in ("public", "private")]) >= 30
    assert seen[-1][0] == seen[-1][1] == len(ws.posts)
    # 50 people: names from Faker's lists, beyond the hand-written ones of the small company
    assert {u["first_name"] for u in ws.users} - {"", *company.FIRST_NAMES}


def test_the_small_company_is_named_from_the_hand_written_lists():
    scenario = default_scenario()
    declared = {u["username"] for u in scenario["users"]}
    ws = build_workspace(scenario, 1)
    generated = [u for u in ws.users if u["username"] not in declared]
    named = [u for u in generated if u["first_name"]]
    assert named and all(u["first_name"] in company.FIRST_NAMES for u in named)


def test_explicit_entries_are_kept_as_written():
    ws = build_workspace(default_scenario(), 1)
    alice = ws.user("alice")
    assert alice["password"] == "alice-password" and alice["explicit"]
    assert ws.posts[-1]["message"] == "Lunch today?"


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.name)
def test_shipped_fixtures_seed_both_products(path):
    for product in ("mattermost", "rocketchat"):
        app = create_app(product, ephemeral_config(fixtures=path))
        assert runtime_of(app).store.count("users") > 0


def test_toml_scenarios_work_too(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[[users]]\nusername = "tom"\n\n[[channels]]\nname = "t"\nmembers = ["tom"]\n')
    ws = build_workspace(load_scenario(path), 1)
    assert ws.user("tom")["password"] == "tom-password"
    assert ws.teams[0]["name"] == "main"


@pytest.mark.parametrize(
    "scenario",
    [
        {"users": [{"password": "no-username"}]},
        {"posts": [{"channel": "nowhere", "user": "x"}]},
        {"users": [{"username": "a"}], "channels": [{"name": "c", "members": ["ghost"]}]},
        {"users": [{"username": "a"}], "channels": [{"name": "c", "team": "nope"}]},
        {
            "users": [{"username": "a"}],
            "channels": [{"name": "c"}],
            "posts": [{"channel": "c", "user": "ghost"}],
        },
        {"users": [{"username": "a", "status": "sleeping"}]},
        {
            "users": [{"username": "a"}],
            "channels": [{"name": "c"}],
            "posts": [{"channel": "c", "user": "a", "pinned_by": "ghost"}],
        },
    ],
)
def test_broken_scenarios_are_fixture_errors(tmp_path, scenario):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario))
    with pytest.raises(FixtureError):
        build_workspace(load_scenario(path), 1)
