"""/api/apps on a Community workspace with no app installed and no cloud registration."""

import requests

from .clients import NO_PERMISSION


def get(client, path, **params):
    return requests.get(
        f"{client.server_url}/api/apps{path}", headers=client.headers, params=params, timeout=5
    )


def test_nothing_installed(rc_server, admin, alice):
    assert get(admin, "/installed").json() == {"success": True, "apps": []}
    assert get(admin, "/marketplace").json() == []
    assert get(admin, "/categories").json() == []
    count = requests.get(f"{rc_server.url}/api/apps/count", timeout=5).json()
    assert count == {
        "success": True,
        "totalMarketplaceEnabled": 0,
        "totalPrivateEnabled": 0,
        "maxMarketplaceApps": 5,
        "maxPrivateApps": 3,
    }
    assert get(admin, "/logs").json() == {
        "success": True,
        "offset": 0,
        "logs": [],
        "count": 0,
        "total": 0,
    }
    missing = get(admin, "/some-app")
    assert missing.status_code == 404
    assert missing.json() == {"success": False, "error": "No App found by the id of: some-app"}
    assert get(admin, "/some-app/logs").status_code == 404
    deleted = requests.delete(
        f"{rc_server.url}/api/apps/some-app", headers=admin.headers, timeout=5
    )
    assert deleted.status_code == 404
    refused = get(alice, "/some-app")
    assert refused.status_code == 403 and refused.json() == NO_PERMISSION


def test_install_and_requests(rc_server, admin):
    install = requests.post(
        f"{rc_server.url}/api/apps", headers=admin.headers, json={"url": "x"}, timeout=5
    )
    assert install.status_code == 400 and install.json()["error"] == "app_file_error"
    url = get(admin, "/buildExternalAppRequest", appId="app-1").json()["url"]
    assert url.startswith("https://marketplace.rocket.chat/apps/app-1/requestAccess?")
    assert get(admin, "/buildExternalAppRequest").json() == {
        "success": False,
        "error": "Invalid request. Please ensure an appId is attached to the request.",
    }
    public = requests.post(f"{rc_server.url}/api/apps/public/rasa/incoming", json={}, timeout=5)
    assert public.status_code == 404 and public.text == "Not Found"
