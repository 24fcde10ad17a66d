"""Rocket.Chat's error helper and its upstream ids (``emulator/rocketchat/errors.py``)."""

from __future__ import annotations

from emulator.rocketchat import errors


def test_a_meteor_error_with_a_reason_names_its_code_after_it():
    error = errors.meteor_error(errors.INVALID_ROOM, "Invalid room", {"method": "eraseRoom"})
    assert (error.status, error.body) == (
        400,
        {
            "success": False,
            "error": "Invalid room [error-invalid-room]",
            "errorType": "error-invalid-room",
            "details": {"method": "eraseRoom"},
        },
    )


def test_a_meteor_error_thrown_with_a_code_only_is_the_bracketed_code():
    assert errors.meteor_error(errors.INVALID_FILE).body == {
        "success": False,
        "error": "[invalid-file]",
        "errorType": "invalid-file",
    }


def test_an_ajv_failure_is_invalid_params():
    assert errors.invalid_params("must be object").body == {
        "success": False,
        "error": "must be object [invalid-params]",
        "errorType": "invalid-params",
    }


def test_each_upstream_id_has_one_name():
    ids = [
        value
        for name, value in vars(errors).items()
        if name.isupper() and isinstance(value, str) and " " not in value
    ]
    assert ids and len(ids) == len(set(ids))
