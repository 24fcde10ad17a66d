"""What ``redaction`` hides, case by case, and what it leaves exactly as it was."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.core.redaction import (
    REDACTED,
    is_secret_name,
    redact_body,
    redact_form,
    redact_header,
    redact_path,
    redact_text,
    redact_url,
)

S = "S3CRETVALUE"  # what must never come out


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "new_password",
        "current_password",
        "ldapPass",
        "token",
        "authToken",
        "access_token",
        "refresh_token",
        "mfa_token",
        "client_secret",
        "credentialSecret",
        "secret",
        "code",
        "resume",
        "digest",
        "qr_code",
        "X-Auth-Token",
        "x-2fa-code",
        "X-CSRF-Token",
        "MMAUTHTOKEN",
        "rc_token",
    ],
)
def test_secret_names(name):
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    ["username", "user_id", "token_id", "tokenExpires", "lastTokenPart", "last_password_update"],
)
def test_names_that_are_not_secret(name):
    assert not is_secret_name(name)


def test_json_keeps_everything_but_secret_values_byte_for_byte():
    text = '{"login_id":"alice",  "password" : "S3CRETVALUE","token":null,"n":[1, 2.5e3, true]}'
    assert redact_text(text) == (
        '{"login_id":"alice",  "password" : "[redacted]","token":null,"n":[1, 2.5e3, true]}'
    )


def test_nested_bodies_and_numbers():
    text = json.dumps({"data": {"user": {"newPassword": S, "pin": 1}, "list": [{"code": 123456}]}})
    shown = redact_text(text)
    assert S not in shown and "123456" not in shown
    assert json.loads(shown) == {
        "data": {"user": {"newPassword": REDACTED, "pin": 1}, "list": [{"code": REDACTED}]}
    }


def test_everything_under_a_secret_key_is_hidden():
    """Rocket.Chat's ``password: {digest, algorithm}`` (REST and DDP login)."""
    text = json.dumps({"user": "alice", "password": {"digest": S, "algorithm": "sha-256"}})
    assert json.loads(redact_text(text))["password"] == {
        "digest": REDACTED,
        "algorithm": REDACTED,
    }
    assert json.loads(redact_text(json.dumps({"digest": S})))["digest"] == REDACTED


@pytest.mark.parametrize("method", ["2fa:validateTempToken", "2fa:disable", "2fa:regenerateCodes"])
def test_positional_codes_of_the_2fa_methods(method):
    """Their TOTP or backup code is a bare positional parameter: no key names it."""
    ddp = {"msg": "method", "id": "7", "method": method, "params": [S]}
    assert S not in redact_text(json.dumps(ddp))
    assert S not in redact_text(json.dumps({"message": json.dumps(ddp)}))
    kept = {"msg": "method", "id": "7", "method": "2fa:checkCodesRemaining", "params": ["x"]}
    assert json.loads(redact_text(json.dumps(kept))) == kept


def test_json_inside_json_strings():
    """``method.call/login``: ``message`` is a DDP message as a JSON string."""
    ddp = {
        "msg": "method",
        "method": "login",
        "params": [{"user": {"username": "alice"}, "password": {"digest": S, "algorithm": "x"}}],
        "id": "1",
    }
    text = json.dumps({"message": json.dumps(ddp)})
    shown = redact_text(text)
    assert S not in shown
    inner = json.loads(json.loads(shown)["message"])
    assert inner["params"][0]["user"] == {"username": "alice"}
    assert inner["params"][0]["password"]["digest"] == REDACTED
    result = json.dumps({"message": json.dumps({"msg": "result", "result": {"token": S}})})
    assert S not in redact_text(result)
    # Unchanged inner JSON keeps its original escaping.
    plain = '{"message": "{\\"msg\\":\\"ping\\"}"}'
    assert redact_text(plain) == plain


def test_ddp_frames():
    resume = json.dumps({"msg": "method", "method": "login", "params": [{"resume": S}]})
    assert S not in redact_text(resume)
    plain = json.dumps({"msg": "method", "method": "login", "params": [{"password": S}]})
    assert S not in redact_text(plain)
    result = json.dumps({"msg": "result", "result": {"id": "u1", "token": S, "tokenExpires": 1}})
    assert json.loads(redact_text(result))["result"] == {
        "id": "u1",
        "token": REDACTED,
        "tokenExpires": 1,
    }


def test_mattermost_authentication_challenge():
    frame = json.dumps({"seq": 1, "action": "authentication_challenge", "data": {"token": S}})
    assert json.loads(redact_text(frame))["data"] == {"token": REDACTED}


def test_mfa_secrets():
    login = json.dumps({"login_id": "alice", "password": S, "token": "654321"})
    assert "654321" not in redact_text(login)
    generated = json.dumps({"secret": S, "qr_code": "iVBORw0KGgo" + S})
    assert S not in redact_text(generated)


def test_oauth_codes_and_client_secrets():
    form = f"grant_type=authorization_code&code={S}&client_id=app1&client_secret={S}&x=1"
    assert redact_text(form) == (
        "grant_type=authorization_code&code=[redacted]&client_id=app1&client_secret=[redacted]&x=1"
    )
    app = json.dumps({"id": "app1", "client_secret": S, "callback_urls": ["https://a/cb"]})
    assert S not in redact_text(app) and "https://a/cb" in redact_text(app)
    tokens = json.dumps({"access_token": S, "refresh_token": S, "token_type": "bearer"})
    assert json.loads(redact_text(tokens))["token_type"] == "bearer"
    assert S not in redact_text(tokens)


def test_urlencoded_forms():
    assert redact_form(f"user=bob&password={S}") == "user=bob&password=[redacted]"
    assert redact_form(f"pass%77ord={S}&a=b") == "pass%77ord=[redacted]&a=b"
    assert redact_form("a=1&b=2") == "a=1&b=2"


def test_multipart_fields():
    boundary = "----b0und"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="channel_id"\r\n\r\n'
        "c1\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="password"\r\n\r\n'
        f"{S}\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="json"\r\n'
        "Content-Type: application/json\r\n\r\n"
        f'{{"token": "{S}"}}\r\n'
        f"--{boundary}--\r\n"
    )
    shown = redact_text(body)
    assert S not in shown
    assert "c1\r\n" in shown and 'name="password"\r\n\r\n[redacted]\r\n' in shown
    assert '{"token": "[redacted]"}' in shown


def test_query_strings_and_urls():
    assert redact_form(f"access_token={S}&page=2") == "access_token=[redacted]&page=2"
    assert redact_url(f"http://h:8065/api/v4/users/me?access_token={S}") == (
        "http://h:8065/api/v4/users/me?access_token=[redacted]"
    )
    assert (
        redact_url(f"https://app/cb?code={S}&state=xyz")
        == "https://app/cb?code=[redacted]&state=xyz"
    )
    assert (
        redact_url(f"https://app/cb#access_token={S}") == "https://app/cb#access_token=[redacted]"
    )
    assert (
        redact_url(f"https://user:{S}@ci.example/hook") == "https://user:[redacted]@ci.example/hook"
    )
    assert redact_url("https://ci.example/x?y=1") == "https://ci.example/x?y=1"


def test_webhook_paths():
    assert redact_path("/hooks/abcdefghijklmnopqrstuvwxyz") == "/hooks/[redacted]"  # Mattermost
    assert (
        redact_path(f"/hooks/integration1/{S}") == "/hooks/integration1/[redacted]"
    )  # Rocket.Chat
    assert redact_path("/api/v4/hooks/incoming") == "/api/v4/hooks/incoming"
    assert redact_url(f"http://h/hooks/i1/{S}?x=1") == "http://h/hooks/i1/[redacted]?x=1"
    in_json = json.dumps({"url": f"http://h:3000/hooks/i1/{S}"})
    assert S not in redact_text(in_json)


def test_headers():
    assert redact_header("Authorization", f"Bearer {S}") == "Bearer [redacted]"
    assert redact_header("authorization", f"BASIC {S}") == "BASIC [redacted]"
    assert redact_header("Authorization", S) == REDACTED
    for name in ("X-Auth-Token", "Token", "X-CSRF-Token", "x-2fa-code"):
        assert redact_header(name, S) == REDACTED
    assert redact_header("Cookie", f"MMAUTHTOKEN={S}; MMUSERID=u1") == (
        "MMAUTHTOKEN=[redacted]; MMUSERID=[redacted]"
    )
    assert redact_header("Set-Cookie", f"rc_token={S}; Path=/; HttpOnly") == (
        "rc_token=[redacted]; Path=/; HttpOnly"
    )
    assert redact_header("Location", f"https://app/cb?code={S}") == "https://app/cb?code=[redacted]"
    assert redact_header("X-User-Id", "u1") == "u1"
    assert redact_header("Content-Type", "application/json") == "application/json"


def test_a_secret_cut_by_the_limit_shows_nothing_of_itself():
    """Redacted before it is cut: the old journal showed the start of such a password."""
    pad = "x" * 4070
    body = json.dumps({"pad": pad, "password": S * 20}).encode()
    shown = redact_body(body, 4096)
    assert isinstance(shown, str) and "S3CR" not in shown
    assert shown.endswith(f"... [{len(body) - 4096} more bytes]")
    form = f"a={pad}&password={S * 20}".encode()
    assert "S3CR" not in redact_body(form, 4096)
    nested = json.dumps({"message": json.dumps({"pad": pad, "password": S * 20})}).encode()
    assert "S3CR" not in redact_body(nested, 4096)


def test_bodies_with_nothing_secret_stay_raw_bytes():
    assert redact_body(b'{"a": 1}', 4096) == (b'{"a": 1}', 8)
    assert redact_body(b"x" * 5000, 4096) == (b"x" * 4096, 5000)


def test_json_strings_cut_by_the_input_are_redacted_inside():
    """A body longer than what is read (a huge response) ends inside a string."""
    for cut in ('{"message": "{\\"password\\": \\"S3CR', '{"m": "{\\"token\\":\\"S3CR\\u00'):
        assert "S3CR" not in redact_text(cut)
    assert redact_text('{"note": "abc\\') == '{"note": "abc\\'


def test_a_huge_body_is_read_only_as_far_as_it_is_shown():
    body = json.dumps({"password": S, "pad": "x" * 2**20, "token": S}).encode()
    shown = redact_body(body, 4096)
    assert S not in shown and len(shown) == 4096 + len(f"... [{len(body) - 4096} more bytes]")
    # Secrets that shrink a lot make it read further, until the shown part is full.
    many = json.dumps({f"{i}_password": "S" * 500 for i in range(40)}).encode()
    shown = redact_body(many, 4096)
    assert "SSS" not in shown and shown.count(REDACTED) == 40


def test_invalid_and_cut_json_never_fails():
    for text in ['{"password": "abc', '{"password": "ab\\', '{"password"', "[[[", '"\\u12', "}}]"]:
        assert "abc" not in redact_text(text)


# Text that is neither JSON nor a URL, so only keys decide what is secret.
_TEXT = st.text(alphabet=st.characters(blacklist_characters="{[/:"), max_size=8)
_KEYS = st.sampled_from(["name", "password", "token", "id", "code", "x"]) | _TEXT
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=12,
)


def _expected(value, secret=False):
    """The same rule, written structurally: under a secret key, strings and numbers go."""
    if isinstance(value, dict):
        return {k: _expected(v, secret or is_secret_name(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_expected(v, secret) for v in value]
    if secret and isinstance(value, str | int) and not isinstance(value, bool):
        return REDACTED
    return value


@given(_JSON, st.sampled_from([None, (",", ":"), (" , ", " : ")]))
def test_any_json_is_redacted_by_the_key_rule(value, separators):
    text = json.dumps({"v": value, "password": S}, separators=separators)
    shown = redact_text(text)
    assert S not in shown
    assert json.loads(shown) == {"v": _expected(value), "password": REDACTED}
