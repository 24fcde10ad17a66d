"""Fault rules as data: validation, the --fault form, matching, after/times/probability."""

import pytest

from emulator.core.faults import FaultError, FaultRules, Subject, parse_spec, validate


def subject(method="POST", path="/api/v4/posts", user=("u1", "alice"), channel=("c1", "town")):
    return Subject(method, path, lambda: user, lambda: channel)


def fire_sequence(rules: FaultRules, n: int, **kwargs) -> list[bool]:
    return [rules.decide(subject(**kwargs), 0) is not None for _ in range(n)]


def test_spec_form_of_the_issue():
    assert parse_spec("POST /api/v4/posts* 503 p=0.5 times=3") == {
        "match": {"method": "POST", "path": "/api/v4/posts*"},
        "error": {"status": 503, "body": None},
        "drop": None,
        "latency_ms": None,
        "jitter_ms": None,
        "probability": 0.5,
        "after": 0,
        "times": 3,
    }


def test_spec_form_with_every_key():
    rule = parse_spec(
        "get /api/v1/me reset after=2 latency=1.5s jitter=20ms user=alice channel=#general"
    )
    assert rule["match"] == {
        "method": "GET",
        "path": "/api/v1/me",
        "user": "alice",
        "channel": "#general",
    }
    assert (rule["drop"], rule["after"], rule["latency_ms"], rule["jitter_ms"]) == (
        "reset",
        2,
        1500,
        20,
    )
    body = parse_spec("""/x 418 body='{"success": false}'""")
    assert body["error"] == {"status": 418, "body": {"success": False}}


@pytest.mark.parametrize(
    "spec",
    [
        "/x",  # no effect at all
        "/x 503 bogus",
        "/x 503 p=2",
        "/x 503 times=0",
        "/x 503 after=-1",
        "/x reset 503",  # a reset sends nothing: no status either
        "/x 503 latency=fast",
        "/x 503 'unclosed",
        "/x 503 body={",
    ],
)
def test_bad_specs_say_what_is_wrong(spec):
    with pytest.raises(FaultError):
        parse_spec(spec)


@pytest.mark.parametrize(
    "body, message",
    [
        ([], "JSON object"),
        ({"error": {"status": 503}, "colour": "red"}, "unknown keys: colour"),
        ({"match": {"verb": "GET"}, "drop": "close"}, "unknown match keys: verb"),
        ({"match": {"method": "FETCH"}, "drop": "close"}, "match.method"),
        ({"match": {"path": "api"}, "drop": "close"}, "match.path"),
        ({"match": {"user": 3}, "drop": "close"}, "match.user"),
        ({"error": {"status": 99}}, "error.status"),
        ({"error": {"status": "503"}}, "error.status"),
        ({"error": 503}, "error must be"),
        ({"drop": "explode"}, "drop must be one of"),
        ({"latency_ms": -5}, "latency_ms"),
        ({"latency_ms": True}, "latency_ms"),
        ({"drop": "close", "probability": "half"}, "probability"),
        ({"match": {"path": "/x"}}, "at least one effect"),
    ],
)
def test_validation(body, message):
    with pytest.raises(FaultError, match=message):
        validate(body)


def test_path_globs_and_method():
    rules = FaultRules(seed=1)
    rules.add({"match": {"method": "POST", "path": "/api/v4/posts*"}, "drop": "close"})
    assert rules.decide(subject(path="/api/v4/posts/abc/reactions"), 0) is not None
    assert rules.decide(subject(path="/api/v4/posts"), 0) is not None
    assert rules.decide(subject(path="/api/v4/users"), 0) is None
    assert rules.decide(subject(method="GET"), 0) is None


def test_glob_only_knows_star():
    rules = FaultRules(seed=1)
    rules.add({"match": {"path": "/api/v1/chat.postMessage?"}, "drop": "close"})
    assert rules.decide(subject(path="/api/v1/chat.postMessageX"), 0) is None
    assert rules.decide(subject(path="/api/v1/chat.postMessage?"), 0) is not None


def test_user_and_channel_match_by_name_or_id():
    rules = FaultRules(seed=1)
    rules.add({"match": {"user": "ALICE", "channel": "c1"}, "drop": "close"})
    rules.add({"match": {"user": "u2", "channel": "#Town"}, "drop": "reset"})
    assert rules.decide(subject(), 0).drop == "close"
    assert rules.decide(subject(user=("u2", "bob")), 0).drop == "reset"
    assert rules.decide(subject(user=None), 0) is None
    assert rules.decide(subject(channel=None), 0) is None


def test_after_and_times():
    rules = FaultRules(seed=1)
    rule = rules.add({"error": {"status": 503}, "after": 2, "times": 3})
    assert fire_sequence(rules, 7) == [False, False, True, True, True, False, False]
    view = rule.view()
    assert (view["hits"], view["matches"], view["expired"]) == (3, 5, True)


def test_first_rule_that_fires_wins():
    rules = FaultRules(seed=1)
    rules.add({"error": {"status": 500}, "times": 1})
    rules.add({"error": {"status": 503}})
    assert [rules.decide(subject(), 0).status for _ in range(3)] == [500, 503, 503]


def test_probability_is_deterministic_per_seed_and_rule_whatever_the_other_traffic():
    definition = {"match": {"path": "/api/v4/posts"}, "error": {"status": 503}, "probability": 0.5}
    one = FaultRules(seed=7)
    one.add(definition)
    first = fire_sequence(one, 40)
    two = FaultRules(seed=7)
    two.add(definition)
    second = []
    for _ in range(40):
        # Unrelated requests in between draw nothing from the rule's stream.
        two.decide(subject(path="/api/v4/users/me"), 0)
        second.append(two.decide(subject(), 0) is not None)
    assert first == second
    assert 5 < sum(first) < 35
    other_seed = FaultRules(seed=8)
    other_seed.add(definition)
    assert fire_sequence(other_seed, 40) != first


def test_near_misses_explain_why_a_rule_did_not_fire():
    rules = FaultRules(seed=1)
    rule = rules.add({"match": {"method": "POST", "user": "alice"}, "drop": "close", "after": 1})
    rules.decide(subject(user=("u2", "bob")), 5)
    rules.decide(subject(method="GET", user=("u2", "bob")), 6)  # two reasons: not near
    rules.decide(subject(), 7)
    misses = rule.view(detail=True)["near_misses"]
    assert [m["reason"] for m in misses] == [
        "match 1 let through (after=1)",
        "user bob is not alice",
    ]
    assert misses[0] == {
        "time": 7,
        "method": "POST",
        "path": "/api/v4/posts",
        "reason": "match 1 let through (after=1)",
    }


def test_start_up_rules_come_back_on_reset():
    rules = FaultRules(seed=1, initial=("GET /a 503 times=1",))
    assert rules.decide(subject(method="GET", path="/a"), 0).status == 503
    rules.add({"drop": "close"})
    rules.reset()
    assert [r.id for r in rules.rules()] == ["f1"]
    assert rules.rules()[0].hits == 0


def test_a_bare_star_is_a_path():
    assert parse_spec("* 503 p=0.1")["match"] == {"path": "*"}
