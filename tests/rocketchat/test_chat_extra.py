"""chat.getURLPreview: no outbound fetch, so every URL answers as one that gave no metadata
(chat.reportMessage is covered with the console in test_moderation)."""

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from tests.rocketchat.clients import call


def login(server, name):
    return RocketChat(name, f"{name}-password", server_url=server.url)


def test_url_preview_without_metadata(rc_server):
    alice = login(rc_server, "alice")
    url = "http://127.0.0.1:9/page?q=1#top"
    # encoded here: the client would put the URL's own "#" and "?" in its query string raw
    body = call(alice, "GET", "chat.getURLPreview", params={"roomId": "GENERAL", "url": url}).json()
    assert body == {
        "urlPreview": {
            "url": url,
            "meta": {},
            "headers": {},
            "parsedUrl": {
                "host": "127.0.0.1:9",
                "hash": "#top",
                "pathname": "/page",
                "protocol": "http:",
                "port": "9",
                "query": "q=1",
                "search": "?q=1",
                "hostname": "127.0.0.1",
            },
            "ignoreParse": True,
        },
        "success": True,
    }
    odd = alice.chat_get_url_preview("GENERAL", "http://host:port/")["urlPreview"]
    assert odd == {"url": "http://host:port/", "meta": {}, "headers": {}, "ignoreParse": True}


def test_url_preview_errors(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_get("chat.getURLPreview", roomId="GENERAL")
    assert exc.value.response_json == {
        "success": False,
        "error": "must have required property 'url' [invalid-params]",
        "errorType": "invalid-params",
    }
    leadership = alice.groups_info(room_name="leadership")["group"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        bob.chat_get_url_preview(leadership, "https://example.com")
    assert exc.value.response_json == {"success": False, "error": "Not allowed"}


def test_url_preview_of_a_malformed_url(rc_server):
    alice = login(rc_server, "alice")
    url = "http://[::1/broken"
    body = call(alice, "GET", "chat.getURLPreview", params={"roomId": "GENERAL", "url": url})
    assert body.status_code == 200
    assert body.json()["urlPreview"] == {"url": url, "meta": {}, "headers": {}, "ignoreParse": True}
