"""``POST /hooks/{id}``: incoming webhooks through apprise, mattermostdriver and raw requests."""

import json
import warnings

import pytest
import requests

from emulator.app import runtime_of
from tests.mattermost.test_channels import channel, login, user_id
from tests.mattermost.test_webhooks import set_service


@pytest.fixture
def admin(mm_server):
    return login(mm_server, "admin")


@pytest.fixture
def eng(admin):
    return channel(admin, "engineering")


@pytest.fixture
def hook(admin, eng):
    return admin.webhooks.create_incoming_hook(
        {"channel_id": eng["id"], "display_name": "CI", "description": "builds"}
    )


def last_post(server, channel_id):
    posts = runtime_of(server.app).store.find("posts", "channel_id", channel_id)
    return max(posts, key=lambda p: p["create_at"]) if posts else None


def post_hook(server, hook_id, **kwargs):
    return requests.post(f"{server.url}/hooks/{hook_id}", timeout=10, **kwargs)


def assert_hook_error(
    response,
    status,
    hook_id,
    inner,
    media_type="application/json",
    error_id="web.incoming_webhook.general.app_error",
):
    """Upstream wraps every error of ``HandleIncomingWebhook`` in the route's own id."""
    assert response.status_code == status
    body = response.json()
    assert body["id"] == error_id
    verb = "handle" if error_id.endswith("general.app_error") else "decode"
    assert body["message"] == (
        f"Failed to {verb} the payload of media type {media_type} for incoming webhook {hook_id}."
    )
    assert body["detailed_error"] == inner
    assert body["status_code"] == status


def test_json_body_posts_as_the_creator_with_webhook_props(mm_server, admin, eng, hook, bus):
    response = post_hook(mm_server, hook["id"], json={"text": "build <!here> <http://x.io|ok>"})
    assert (response.status_code, response.text) == (200, "ok")
    assert response.headers["Content-Type"] == "text/plain"
    post = last_post(mm_server, eng["id"])
    assert post["user_id"] == admin.client.userid
    assert post["message"] == "build @here [ok](http://x.io)"
    assert post["props"] == {"from_webhook": "true", "webhook_display_name": "CI"}
    posted = [data for name, data in bus if name == "posted"]
    assert [json.loads(d["data"]["post"])["id"] for d in posted] == [post["id"]]


def test_overrides_only_when_the_settings_allow(mm_server, eng, hook):
    body = {"text": "hi", "username": "bot", "icon_url": "http://i/x.png", "props": {"a": 1}}
    assert post_hook(mm_server, hook["id"], json=body).status_code == 200
    assert last_post(mm_server, eng["id"])["props"] == {
        "from_webhook": "true",
        "a": 1,
        "webhook_display_name": "CI",
    }
    set_service(mm_server, EnablePostUsernameOverride=True, EnablePostIconOverride=True)
    assert post_hook(mm_server, hook["id"], json=body).status_code == 200
    assert last_post(mm_server, eng["id"])["props"] == {
        "from_webhook": "true",
        "override_username": "bot",
        "override_icon_url": "http://i/x.png",
        "a": 1,
        "webhook_display_name": "CI",
    }
    assert post_hook(mm_server, hook["id"], json={"text": "plain"}).status_code == 200
    assert last_post(mm_server, eng["id"])["props"]["override_username"] == "webhook"


def test_attachments_without_text_make_a_slack_attachment_post(mm_server, eng, hook):
    attachments = [
        {
            "fallback": "f",
            "pretext": "see <http://ci.io/1|build 1>",
            "text": "<!channel> done",
            "fields": [{"title": "took", "value": 42, "short": True}],
        },
        None,
    ]
    body = {"attachments": attachments, "props": {"attachments": "dropped", "k": "v"}}
    response = post_hook(mm_server, hook["id"], json=body)
    assert response.status_code == 200
    post = last_post(mm_server, eng["id"])
    assert (post["message"], post["type"]) == ("", "slack_attachment")
    assert post["props"]["k"] == "v"
    assert post["props"]["attachments"] == [
        {
            "fallback": "f",
            "pretext": "see [build 1](http://ci.io/1)",
            "text": "@channel done",
            "fields": [{"title": "took", "value": "42", "short": True}],
        }
    ]


def test_slack_user_mentions_become_usernames(mm_server, admin, eng, hook):
    alice = user_id(admin, "alice")
    text = f"ping <@{alice}> and <@{'z' * 26}>"
    assert post_hook(mm_server, hook["id"], json={"text": text}).ok
    assert last_post(mm_server, eng["id"])["message"] == f"ping @alice and <@{'z' * 26}>"


def test_empty_attachments_list_is_not_missing_text(mm_server, eng, hook):
    """Go's nil check: ``[]`` passes the text check but makes no attachment post."""
    assert post_hook(mm_server, hook["id"], json={"attachments": []}).ok
    post = last_post(mm_server, eng["id"])
    assert (post["message"], post["type"]) == ("", "")
    assert "attachments" not in post["props"]


def test_form_payload_and_multipart(mm_server, eng, hook):
    form = {"payload": json.dumps({"text": "from a form"})}
    assert post_hook(mm_server, hook["id"], data=form).text == "ok"
    assert last_post(mm_server, eng["id"])["message"] == "from a form"
    files = {"Text": (None, "from multipart"), "ChannelName": (None, "town-square")}
    assert post_hook(mm_server, hook["id"], files=files).text == "ok"
    town = channel(login(mm_server, "admin"), "town-square")
    assert last_post(mm_server, town["id"])["message"] == "from multipart"
    bad = post_hook(mm_server, hook["id"], files={"channel": (None, "x"), "text": (None, "t")})
    assert bad.status_code == 400
    assert bad.json()["id"] == "web.incoming_webhook.decode.app_error"


def test_channel_by_name_and_dm_with_at_user(mm_server, admin, hook):
    town = channel(admin, "town-square")
    assert post_hook(mm_server, hook["id"], json={"text": "t", "channel": "#town-square"}).ok
    assert last_post(mm_server, town["id"])["message"] == "t"
    assert post_hook(mm_server, hook["id"], json={"text": "dm", "channel": "@alice"}).ok
    dm = admin.channels.create_direct_message_channel(
        [admin.client.userid, user_id(admin, "alice")]
    )
    assert last_post(mm_server, dm["id"])["message"] == "dm"


def test_mattermostdriver_call_webhook(mm_server, eng, hook):
    driver = login(mm_server, "alice")
    driver.webhooks.call_webhook(hook["id"], options={"text": "via driver"})
    assert last_post(mm_server, eng["id"])["message"] == "via driver"


def test_apprise_mmost(mm_server, eng, hook):
    with warnings.catch_warnings():  # apprise imports the deprecated ``imghdr``
        warnings.simplefilter("ignore", DeprecationWarning)
        import apprise

        host_port = mm_server.url.removeprefix("http://")
        notifier = apprise.Apprise()
        assert notifier.add(f"mmost://{host_port}/{hook['id']}")
        assert notifier.notify(body="from apprise", title="Alert")
    post = last_post(mm_server, eng["id"])
    assert "from apprise" in post["message"]
    assert post["props"]["from_webhook"] == "true"


def test_errors(mm_server, admin, eng, hook):
    hid = hook["id"]
    assert_hook_error(
        post_hook(mm_server, hid, json={}), 400, hid, "HandleIncomingWebhook: No text specified."
    )
    unknown = "a" * 26
    assert_hook_error(
        post_hook(mm_server, unknown, json={"text": "x"}),
        400,
        unknown,
        "HandleIncomingWebhook: Invalid webhook.",
    )
    assert_hook_error(
        post_hook(mm_server, hid, json={"text": "x", "channel": "nope"}),
        404,
        hid,
        "HandleIncomingWebhook: Couldn't find the channel.",
    )
    assert_hook_error(
        post_hook(mm_server, hid, json={"text": "x", "channel": "@nobody"}),
        400,
        hid,
        "HandleIncomingWebhook: Couldn't find the user nobody",
    )
    assert_hook_error(
        post_hook(mm_server, hid, json={"text": "x", "type": "system_join"}),
        400,
        hid,
        "CreateWebhookPost: Invalid post.type parameter.",
    )
    assert_hook_error(
        post_hook(mm_server, hid, data="{nope", headers={"Content-Type": "application/json"}),
        400,
        hid,
        "IncomingWebhookRequestFromJSON: Unable to parse incoming data.",
        error_id="web.incoming_webhook.decode.app_error",
    )
    assert_hook_error(
        post_hook(mm_server, hid, json={"text": 5}),
        400,
        hid,
        "IncomingWebhookRequestFromJSON: Unable to parse incoming data.",
        error_id="web.incoming_webhook.decode.app_error",
    )
    bad_type = post_hook(mm_server, hid, data="{}", headers={"Content-Type": "text/"})
    assert bad_type.status_code == 400
    assert bad_type.json()["id"] == "web.incoming_webhook.media_type.app_error"
    assert bad_type.json()["message"] == f"Failed to parse media incoming webhook {hid}."
    too_large = post_hook(mm_server, hid, data=b"x" * (60 * 1024 * 1024))
    assert too_large.status_code == 413
    assert too_large.json()["id"] == "api.context.request_body_too_large.app_error"


def test_channel_locked(mm_server, admin, eng):
    locked = admin.webhooks.create_incoming_hook(
        {"channel_id": eng["id"], "display_name": "L", "channel_locked": True}
    )
    town = channel(admin, "town-square")
    response = post_hook(mm_server, locked["id"], json={"text": "x", "channel": "town-square"})
    assert_hook_error(
        response,
        403,
        locked["id"],
        "HandleIncomingWebhook: This webhook is not permitted to post to the "
        f"requested channel {town['id']}",
    )
    assert post_hook(mm_server, locked["id"], json={"text": "x", "channel": eng["name"]}).ok


def test_disabled_and_deleted_hooks(mm_server, admin, hook):
    set_service(mm_server, EnableIncomingWebhooks=False)
    assert_hook_error(
        post_hook(mm_server, hook["id"], json={"text": "x"}),
        501,
        hook["id"],
        "HandleIncomingWebhook: Incoming webhooks have been disabled by the system admin.",
    )
    set_service(mm_server, EnableIncomingWebhooks=True)
    admin.client.delete(f"/hooks/incoming/{hook['id']}")
    assert_hook_error(
        post_hook(mm_server, hook["id"], json={"text": "x"}),
        400,
        hook["id"],
        "HandleIncomingWebhook: Invalid webhook.",
    )


def test_archiving_a_channel_deletes_its_hooks(mm_server, admin, eng, hook):
    admin.channels.delete_channel(eng["id"])
    before = last_post(mm_server, eng["id"])
    assert_hook_error(
        post_hook(mm_server, hook["id"], json={"text": "x"}),
        400,
        hook["id"],
        "HandleIncomingWebhook: Invalid webhook.",
    )
    assert last_post(mm_server, eng["id"]) == before
    stored = runtime_of(mm_server.app).store.get("incoming_webhooks", hook["id"])
    assert stored["delete_at"] > 0


def test_archived_channel_by_name_still_takes_posts_as_upstream(mm_server, admin, eng, hook):
    """Upstream's store look-up includes archived channels and ``CreatePost`` does not refuse
    them (only the REST ``createPost`` does)."""
    old = admin.channels.create_channel(
        {"team_id": eng["team_id"], "name": "old", "display_name": "Old", "type": "O"}
    )
    admin.channels.delete_channel(old["id"])
    assert post_hook(mm_server, hook["id"], json={"text": "late", "channel": "old"}).ok
    assert last_post(mm_server, old["id"])["message"] == "late"


def test_private_channel_needs_the_creator_to_read_it(mm_server, admin):
    alice_id = user_id(admin, "alice")
    secret = admin.channels.create_channel(
        {
            "team_id": channel(admin, "town-square")["team_id"],
            "name": "secret",
            "display_name": "Secret",
            "type": "P",
        }
    )
    admin.channels.add_user(secret["id"], {"user_id": alice_id})
    hook = admin.webhooks.create_incoming_hook({"channel_id": secret["id"]})
    # A creator without system roles: what a team admin's hook looks like.
    runtime_of(mm_server.app).store.update("incoming_webhooks", hook["id"], {"user_id": alice_id})
    assert post_hook(mm_server, hook["id"], json={"text": "in"}).ok
    assert last_post(mm_server, secret["id"])["user_id"] == alice_id
    admin.channels.remove_channel_member(secret["id"], alice_id)
    response = post_hook(mm_server, hook["id"], json={"text": "x"})
    assert_hook_error(
        response,
        403,
        hook["id"],
        f"HandleIncomingWebhook: User {alice_id} does not have "
        f"appropriate permissions to channel {secret['id']}",
    )


def test_journal_redacts_the_hook_id_in_path_and_echoed_error(mm_server, hook):
    post_hook(mm_server, hook["id"], json={"text": "x"})
    post_hook(mm_server, hook["id"], json={})
    query = "path=/hooks/*"
    entries = requests.get(f"{mm_server.url}/_emulator/requests?{query}", timeout=10).json()
    assert [e["path"] for e in entries["requests"]] == ["/hooks/[redacted]"] * 2
    assert hook["id"] not in json.dumps(entries)
    assert "for incoming webhook [redacted]." in entries["requests"][0]["response"]


def test_other_media_types_are_decoded_as_json(mm_server, eng, hook):
    plain = {"Content-Type": "text/plain; charset=utf-8"}
    assert post_hook(mm_server, hook["id"], data='{"text": "plain"}', headers=plain).ok
    assert last_post(mm_server, eng["id"])["message"] == "plain"
    no_payload = post_hook(mm_server, hook["id"], data={"text": "not in payload"})
    assert_hook_error(
        no_payload,
        400,
        hook["id"],
        "IncomingWebhookRequestFromJSON: Unable to parse incoming data.",
        media_type="application/x-www-form-urlencoded",
        error_id="web.incoming_webhook.decode.app_error",
    )


def test_priority_needs_its_priority_and_icon_emoji_overrides_the_icon(mm_server, eng, hook):
    response = post_hook(mm_server, hook["id"], json={"text": "x", "priority": {}})
    assert_hook_error(
        response, 400, hook["id"], "CreateWebhookPost: Invalid webhook.priority.priority parameter."
    )
    set_service(mm_server, EnablePostIconOverride=True)
    body = {"text": "x", "icon_url": "http://i/x.png", "icon_emoji": "tada"}
    assert post_hook(mm_server, hook["id"], json=body).ok
    assert last_post(mm_server, eng["id"])["props"]["override_icon_url"] == "tada"


def test_a_deactivated_creator_still_posts_as_upstream(mm_server, admin, eng, hook):
    """Neither HandleIncomingWebhook nor CreatePost looks at ``delete_at`` of the creator."""
    alice_id = user_id(admin, "alice")
    runtime_of(mm_server.app).store.update("incoming_webhooks", hook["id"], {"user_id": alice_id})
    admin.users.update_user_active_status(alice_id, options={"active": False})
    assert post_hook(mm_server, hook["id"], json={"text": "still here"}).ok
    post = last_post(mm_server, eng["id"])
    assert (post["user_id"], post["message"]) == (alice_id, "still here")


def test_a_text_longer_than_a_post_is_split_with_the_attachments_on_the_last(mm_server, eng, hook):
    max_runes = 16383  # PostMessageMaxRunesV2
    text = "é" * max_runes + "x" * 10
    attachments = [{"text": "build log"}]
    response = post_hook(mm_server, hook["id"], json={"text": text, "attachments": attachments})
    assert response.status_code == 200
    posts = sorted(
        runtime_of(mm_server.app).store.find("posts", "channel_id", eng["id"]),
        key=lambda p: p["create_at"],
    )[-2:]
    assert [p["message"] for p in posts] == ["é" * max_runes, "x" * 10]
    assert "attachments" not in posts[0]["props"]
    assert posts[1]["props"]["attachments"][0]["text"] == "build log"
    assert all(p["props"]["from_webhook"] == "true" for p in posts)
