"""``instances.get`` (``v1/instances.ts``): the one server instance's record.

A single Community instance has no broker peers, so its connection is unknown: ``connected``
false and no address, as upstream answers without a cluster.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import Runtime
from .. import auth, wire

blueprint = Blueprint("rc_instances", __name__, url_prefix="/api/v1")


def _instance_record(rt: Runtime) -> dict:
    """The ``InstanceStatus`` document, written once when first asked for."""
    with rt.store.transaction():
        records = rt.store.all("instance_status")
        if records:
            return records[0]
        now = rt.clock.now_ms()
        host, _, port = request.host.partition(":")
        return rt.store.insert(
            "instance_status",
            {
                "_id": rt.ids.meteor_id(),
                "name": "rocket.chat",
                "pid": 1,
                "extraInformation": {
                    "host": host,
                    "port": port or "3000",
                    "os": {"type": "Linux", "platform": "linux"},
                },
                "_createdAt": now,
                "_updatedAt": now,
            },
        )


@blueprint.get("/instances.get")
def instances() -> Response:
    rt = auth.runtime_and_user()[0]
    auth.require_permission("view-statistics")
    record = wire.rest_dates(_instance_record(rt))
    instance = {
        "currentStatus": {"connected": False},
        "instanceRecord": record,
        "broadcastAuth": True,
    }
    return jsonify({"instances": [instance], "success": True})
