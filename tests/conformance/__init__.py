"""Conformance against the reference OpenAPI documents (``<repo>/../shared/specs``).

* ``recording``: every API response the suite's apps send (attached in ``tests/conftest.py``).
* ``test_fuzz``: schemathesis cases for every implemented operation, on the live servers.
* ``test_openapi_responses`` (runs last): a tour of representative requests of its own, plus all
  responses recorded on the worker, checked by ``validation``; ``allowlist`` holds the spec bugs
  our notes document, ``open_findings`` the ones awaiting a decision. It also feeds deliberately
  wrong responses and sees them fail.
* ``test_not_implemented``, ``test_coverage_tool``: the 501 answer and ``make coverage``.

Everything skips cleanly when the specs are not there.
"""
