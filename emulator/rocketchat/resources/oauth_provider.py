"""Rocket.Chat as an OAuth 2.0 provider: ``/oauth/authorize``, ``/oauth/token`` and
``/oauth/userinfo`` (``server/oauth2-server``, ``app/oauth2-server-config``). The rules are
``models.oauth_apps``'s; a bearer access token is also a REST v1 login (``auth.py``).

Hand-written rather than on authlib: upstream's wire format is ``@node-oauth/oauth2-server``'s
with Rocket.Chat's model, quirks included (``state`` is required; errors are JSON from an
express handler), which authlib's grants would have to be overridden nearly whole to
reproduce. One deliberate difference: where the model throws (a wrong client secret, code or
refresh token) upstream answers the library's 503; here the library's 4xx for a model that
finds nothing, as bad input never gets a 5xx.
"""

from __future__ import annotations

import base64
import binascii
import html
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, request

from ...core.runtime import runtime
from .. import errors, inputs, models, wire
from ..models import oauth_apps

blueprint = Blueprint("rc_oauth_provider", __name__)

Doc = dict[str, Any]


def _oauth_error(refusal: oauth_apps.OAuthRefused) -> Response:
    response = jsonify({"error": refusal.name, "error_description": refusal.message})
    response.status_code = refusal.status
    return response


def _page(title: str, body: str) -> Response:
    document = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"</head><body>{body}</body></html>"
    )
    return Response(document, mimetype="text/html")


@blueprint.get("/oauth/authorize")
def authorize_page() -> Response:
    """The consent page the web client shows (for the user of the ``rc_uid``/``rc_token``
    cookies); its form posts back to ``POST /oauth/authorize``."""
    rt = runtime()
    args = request.args
    target = oauth_apps.authorize_target(rt, args.get("client_id"), args.get("redirect_uri"))
    if target is not None:
        return redirect(target)
    app = rt.store.find_one("oauth_apps", "clientId", args["client_id"])
    user_id, token = request.cookies.get("rc_uid"), request.cookies.get("rc_token")
    user = models.user_for_token(rt, user_id, token) if user_id and token else None
    # Upstream's page puts the login token from the browser's storage in the form; here it
    # stays out of the page (and so of the journal): the post reads it from the cookie.
    forwarded = ("client_id", "redirect_uri", "response_type", "state", "scope")
    fields = {k: args[k] for k in forwarded if k in args}
    hidden = "".join(
        f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>"
        for k, v in fields.items()
    )
    who = (
        f"<p>Logged in as {html.escape(user['username'])}</p>"
        if user is not None
        else "<p>You must be logged in (the rc_uid and rc_token cookies) to authorize.</p>"
    )
    form = (
        f"<form method='post' action='/oauth/authorize'>{hidden}"
        "<button name='allow' value='yes'>Authorize</button>"
        "<button name='allow' value='no'>Cancel</button></form>"
    )
    return _page(
        "Authorize", f"<h1>{html.escape(app['name'])} wants to access your account</h1>{who}{form}"
    )


@blueprint.get("/oauth/error/<reason>")
def error_page(reason: str) -> Response:
    return _page("OAuth error", f"<h1>OAuth error</h1><p>{html.escape(reason)}</p>")


def _form() -> Doc:
    """The POST's parameters: urlencoded or multipart form fields, or a JSON object."""
    if request.form:
        return request.form.to_dict()
    try:
        return inputs.body()
    except errors.RocketError:
        return {}


@blueprint.post("/oauth/authorize")
def authorize() -> Response:
    rt = runtime()
    params = {**request.args.to_dict(), **_form()}
    if params.get("allow") != "yes":
        response = jsonify(
            {
                "error": "access_denied",
                "error_description": "The user denied access to your application",
            }
        )
        response.status_code = 401
        return response
    token = params.get("access_token") or params.get("token") or request.cookies.get("rc_token")
    if not token:
        return Response("No token", status=401, mimetype="text/html")
    record = rt.store.get("tokens", models.hash_token(token)) if isinstance(token, str) else None
    user = rt.store.get("users", record["userId"]) if record else None
    if user is None:
        return Response("Invalid token", status=401, mimetype="text/html")
    try:
        location = oauth_apps.authorize(rt, user, params)
    except oauth_apps.OAuthRefused as refusal:
        return _oauth_error(refusal)
    return redirect(location)


def _basic_credentials() -> tuple[str, str] | None:
    """``basic-auth``: ``Authorization: Basic base64(id:secret)``, else None."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    name, sep, password = decoded.partition(":")
    return (name, password) if sep else None


@blueprint.route("/oauth/token", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def token() -> Response:
    rt = runtime()
    if request.method != "POST":
        return _oauth_error(
            oauth_apps.OAuthRefused(400, "invalid_request", "Invalid request: method must be POST")
        )
    params = _form()
    if request.mimetype != "application/x-www-form-urlencoded":
        # Upstream moves the query into the body of a POST that is not urlencoded.
        params = {**params, **request.args.to_dict()}
    try:
        body = oauth_apps.token(rt, params, _basic_credentials())
    except oauth_apps.OAuthRefused as refusal:
        return _oauth_error(refusal)
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@blueprint.get("/oauth/userinfo")
def userinfo() -> Response:
    rt = runtime()
    header = request.headers.get("Authorization")
    if header is None:
        return Response("No token", status=401, mimetype="text/html")
    stored = rt.store.get("oauth_access_tokens", header.replace("Bearer ", "", 1))
    user = rt.store.get("users", stored["userId"]) if stored else None
    if user is None:
        return Response("Invalid Token", status=401, mimetype="text/html")
    emails = user.get("emails") or [{}]
    return jsonify(
        {
            "sub": user["_id"],
            "name": user.get("name"),
            "email": emails[0].get("address"),
            "email_verified": emails[0].get("verified"),
            "department": "",
            "birthdate": "",
            "preffered_username": user["username"],  # sic
            "updated_at": wire.iso(user["_updatedAt"]),
            "picture": f"{models.setting(rt, 'Site_Url').rstrip('/')}/avatar/{user['username']}",
        }
    )
