"""``web/oauth.go``: the OAuth 2.0 provider's own endpoints, outside ``/api/v4``.

``GET /oauth/authorize`` is the browser's door: a trusted app, or one the user already allowed,
is sent straight back with a code; otherwise a small consent page (the real server serves its web
app there) posts the answer to ``POST /oauth/authorize``. Errors on that page are the web app's
error redirect; everywhere else they are API errors.
"""

from __future__ import annotations

import html
import json
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, jsonify, redirect, request

from ...core.ids import is_mattermost_id
from ...core.runtime import runtime
from .. import authentication, errors, inputs, models, permissions, wire
from ..models import oauth

blueprint = Blueprint("mm_oauth", __name__)

_REQUEST_FIELDS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


def _web_error(status: int, params: dict[str, str]) -> Response:
    """``utils.RenderWebError``: a page that sends the browser to the web app's ``/error``."""
    destination = "/error?" + urlencode(params)
    target = html.escape(destination)
    body = (
        "<!DOCTYPE html><html><head></head>\n"
        f"<body onload=\"window.location = '{html.escape(json.dumps(destination)[1:-1])}'\">\n"
        f'<noscript><meta http-equiv="refresh" content="0; url={target}"></noscript>\n'
        f'<a href="{target}" style="color: #c0c0c0;">...</a>\n'
        "</body></html>\n"
    )
    return Response(body, status=status, mimetype="text/html")


def _consent_page(app: dict, authorize: dict) -> Response:
    name = html.escape(app["name"])
    payload = html.escape(json.dumps(authorize))
    deny = html.escape(
        authorize["redirect_uri"]
        + "?"
        + urlencode({"error": "access_denied", "state": authorize["state"]})
    )
    body = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Authorize {name}</title></head>
<body>
<h1>{name} would like to access your account</h1>
<p>{html.escape(app["description"])}</p>
<form id="consent" data-request="{payload}">
<button type="submit" id="allow">Allow</button> <a id="deny" href="{deny}">Deny</a>
</form>
<script>
document.getElementById("consent").addEventListener("submit", async (event) => {{
  event.preventDefault();
  const answer = await fetch("/oauth/authorize", {{
    method: "POST", credentials: "same-origin",
    headers: {{"Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest"}},
    body: event.target.dataset.request,
  }});
  const data = await answer.json();
  if (data.redirect) window.location.href = data.redirect;
}});
</script>
</body></html>
"""
    response = Response(body, mimetype="text/html")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    response.headers["Cache-Control"] = "no-cache, max-age=31556926"
    return response


@blueprint.get("/oauth/authorize")
def authorize_oauth_page() -> Response:
    rt = runtime()
    if not oauth.oauth_enabled(rt):
        error = errors.AppError(501, errors.OAUTH_AUTHORIZE_DISABLED)
        return _web_error(error.status, {"message": error.to_dict()["message"]})
    authorize = {k: request.args.get(k, "") for k in _REQUEST_FIELDS}
    try:
        oauth.check_authorize_request(authorize)
        app = oauth.get_app(rt, authorize["client_id"])
    except errors.AppError as error:
        return _web_error(
            error.status, {"type": "oauth_invalid_param", "message": error.to_dict()["message"]}
        )
    found = authentication.identify(rt, request.environ)
    if found is None:
        return redirect("/login?redirect_to=" + quote(request.full_path.rstrip("?"), safe=""))
    _, user = found
    if authorize["redirect_uri"] not in app["callback_urls"]:
        error = errors.AppError(400, errors.OAUTH_REDIRECT_MISMATCH)
        return _web_error(
            400, {"type": "oauth_invalid_redirect_url", "message": error.to_dict()["message"]}
        )
    if app["is_trusted"] or oauth.consented(rt, user["id"], app["id"]):
        try:
            return redirect(oauth.allow_access(rt, user, authorize))
        except errors.AppError as error:
            return _web_error(error.status, {"message": error.to_dict()["message"]})
    return _consent_page(app, authorize)


@blueprint.post("/oauth/authorize")
def authorize_oauth_app() -> Response:
    rt = runtime()
    session = authentication.current_session(rt)
    body = inputs.json_body(required=False)
    if not isinstance(body, dict) or not all(
        isinstance(body.get(k, ""), str) for k in _REQUEST_FIELDS
    ):
        raise errors.invalid_body_param("authorize_request")
    authorize = {k: body.get(k) or "" for k in _REQUEST_FIELDS}
    oauth.check_authorize_request(authorize)
    user = authentication.current_user()
    permissions.refuse_oauth_session(session, user)
    return jsonify({"redirect": oauth.allow_access(rt, user, authorize)})


@blueprint.post("/oauth/deauthorize")
def deauthorize_oauth_app() -> Response:
    rt, user = authentication.caller()
    body = inputs.json_body(required=False)
    client_id = body.get("client_id") if isinstance(body, dict) else None
    if not isinstance(client_id, str) or not is_mattermost_id(client_id):
        raise errors.invalid_body_param("client_id")
    oauth.deauthorize(rt, user["id"], client_id)
    return jsonify(wire.status_ok())


@blueprint.post("/oauth/access_token")
def get_access_token() -> Response:
    """Form values from the query or a urlencoded body, as Go's ``FormValue``."""
    rt = runtime()
    values = request.values
    form = {
        k: values.get(k, "")
        for k in (
            "grant_type",
            "code",
            "refresh_token",
            "client_id",
            "client_secret",
            "redirect_uri",
            "code_verifier",
        )
    }
    if form["grant_type"] == "authorization_code":
        if not form["code"]:
            raise errors.AppError(400, errors.OAUTH_MISSING_CODE)
    elif form["grant_type"] == "refresh_token":
        if not form["refresh_token"]:
            raise errors.AppError(400, errors.OAUTH_MISSING_REFRESH)
    else:
        raise errors.AppError(400, errors.OAUTH_BAD_GRANT)
    if not is_mattermost_id(form["client_id"]):
        raise errors.AppError(400, errors.OAUTH_BAD_CLIENT_ID)
    response = jsonify(oauth.exchange(rt, form))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@blueprint.get("/.well-known/oauth-authorization-server")
def get_authorization_server_metadata() -> Response:
    rt = runtime()
    # Upstream wants SiteURL configured (a 500 without); an emulator seldom has one, so it
    # answers for the address it was reached at, as its file links do.
    site = models.setting(rt, "ServiceSettings", "SiteURL", "") or request.host_url.rstrip("/")
    return jsonify(oauth.server_metadata(rt, site))
