"""The ``query``/``fields``/``sort`` parameters (``emulator/rocketchat/jsonquery.py``).

These pin the MongoDB semantics the hand-written matcher keeps and that the ``mongoquery``
library (PyPI, 1.4.3) lacks: ``$regex`` against array values, ``$options``, a refused non-array
``$or``/``$and``, EJSON dates.
"""

from __future__ import annotations

import pytest

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.rocketchat import errors, jsonquery

ALICE = {
    "username": "alice",
    "name": "Alice",
    "roles": ["user", "admin"],
    "emails": [{"address": "alice@example.com", "verified": True}],
    "createdAt": 1000,
}


@pytest.mark.parametrize(
    "selector",
    [
        {"username": "alice"},
        {"roles": "admin"},  # equality reaches into arrays
        {"roles": {"$in": ["admin", "bot"]}},
        {"roles": {"$regex": "^adm"}},  # a regex reaches into arrays too
        {"emails.address": "alice@example.com"},  # paths fan out over arrays of documents
        {"emails.address": {"$regex": "example\\.com$"}},
        {"name": {"$regex": "^ali", "$options": "i"}},
        {"$or": [{"username": "bob"}, {"roles": "admin"}]},
        {"$and": [{"username": "alice"}, {"roles": "user"}]},
        {"createdAt": {"$date": 1000}},
        {"createdAt": {"$date": "1970-01-01T00:00:01Z"}},
        {"createdAt": {"$in": [{"$date": 1000}]}},
        {"$comment": "operators outside the subset are ignored", "username": "alice"},
    ],
)
def test_selectors_that_match_as_in_mongodb(selector):
    assert jsonquery.matches(ALICE, selector)


@pytest.mark.parametrize(
    "selector",
    [
        {"username": "bob"},
        {"roles": "bot"},
        {"name": {"$regex": "^ali"}},  # case-sensitive without $options
        {"emails.address": {"$regex": "^bob"}},
        {"nickname": "alice"},  # a missing field equals nothing
        {"$or": [{"username": "bob"}, {"roles": "bot"}]},
        {"$and": [{"username": "alice"}, {"roles": "bot"}]},
        {"createdAt": {"$date": "2000-01-01T00:00:00Z"}},
    ],
)
def test_selectors_that_do_not_match(selector):
    assert not jsonquery.matches(ALICE, selector)


@pytest.mark.parametrize(
    "selector",
    [
        {"$or": "alice"},  # MongoDB: "$or must be an array"
        {"$and": [1]},
        {"roles": {"$in": "admin"}},  # "$in needs an array"
        {"name": {"$regex": "("}},
        {"createdAt": {"$date": "yesterday"}},
    ],
)
def test_selectors_mongodb_refuses_are_refused(selector):
    with pytest.raises(ValueError):
        jsonquery.matches(ALICE, selector)


def test_sort_is_stable_multi_key_with_missing_values_first():
    docs = [
        {"_id": "1", "name": "b", "n": 2},
        {"_id": "2", "name": "B", "n": 1},
        {"_id": "3", "n": 1},
        {"_id": "4", "name": "a", "n": 2},
    ]
    ordered = jsonquery.sort_docs(docs, {"n": 1, "name": 1}, {"_id": 1})
    assert [d["_id"] for d in ordered] == ["3", "2", "4", "1"]
    ordered = jsonquery.sort_docs(docs, {"name": -1}, {"_id": 1})
    assert [d["_id"] for d in ordered] == ["1", "4", "2", "3"]  # case-sensitive: "B" < "a"
    assert [d["_id"] for d in jsonquery.sort_docs(docs, None, {"_id": -1})] == ["4", "3", "2", "1"]


@pytest.mark.parametrize("raw", ['{"name": 2}', "[1]", "{nope", '{"name": "asc"}'])
def test_a_bad_sort_is_the_real_400(raw):
    with pytest.raises(errors.RocketError) as excinfo:
        jsonquery.sort_param(raw)
    assert excinfo.value.body["errorType"] == "error-invalid-sort"


def test_no_sort_is_none():
    assert jsonquery.sort_param(None) is None and jsonquery.sort_param("") is None


def test_disallowed_operators_and_hidden_fields_are_dropped():
    config = ephemeral_config(environ={"ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS": "true"})
    app = create_app("rocketchat", config)
    raw = '{"username": {"$ne": "x"}, "$where": "1", "$or": [{"a": 1}], "joinCode": "j"}'
    with app.test_request_context("/api/v1/channels.list", query_string={"query": raw}):
        query, fields = jsonquery.json_query(runtime_of(app))
    assert (query, fields) == ({"username": {}, "$or": [{"a": 1}]}, {})


def test_query_and_fields_are_ignored_unless_the_environment_allows_them():
    app = create_app("rocketchat", ephemeral_config())
    params = {"query": '{"username": "x"}', "fields": '{"name": 1}'}
    with app.test_request_context("/api/v1/channels.list", query_string=params):
        assert jsonquery.json_query(runtime_of(app)) == ({}, {})


def test_users_list_query_with_options_and_array_regex_over_http():
    config = ephemeral_config(environ={"ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS": "true"})
    client = create_app("rocketchat", config).test_client()
    data = client.post(
        "/api/v1/login", json={"user": "admin", "password": "admin-password"}
    ).get_json()["data"]
    headers = {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}

    def usernames(query: str) -> list[str]:
        response = client.get("/api/v1/users.list", query_string={"query": query}, headers=headers)
        assert response.status_code == 200, response.get_json()
        return sorted(u["username"] for u in response.get_json()["users"])

    assert usernames('{"username": {"$regex": "^ALI", "$options": "i"}}') == ["alice"]
    assert usernames('{"roles": {"$regex": "^adm"}}') == ["admin"]
    query = {"query": '{"$or": 1}'}
    refused = client.get("/api/v1/users.list", query_string=query, headers=headers)
    assert refused.status_code == 400
    assert refused.get_json()["errorType"] == "error-invalid-query"
