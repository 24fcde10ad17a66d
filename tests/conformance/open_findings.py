"""Open findings: violations the validation found that are neither an emulator bug we can fix in
``wire.py`` nor a spec deviation our notes document. Most are places where the emulator follows
the real server and the OpenAPI document is wrong; each waits for a decision (document the real
behaviour in ``../shared/specs/<product>/rest-conventions.md`` and move the entry to
``allowlist.py``, or fix the endpoint). Matching responses do not fail the run but are listed in
the terminal summary of every run ("OpenAPI response validation"), so none goes unnoticed.

"upstream:" marks what was checked in the real server's handler; "likely:" what was not.
"""

from __future__ import annotations

from .validation import ANY
from .validation import ViolationPattern as Finding

MM, RC = "mattermost", "rocketchat"

OPEN_FINDINGS: tuple[Finding, ...] = (
    # -- Mattermost: success statuses ----------------------------------------------------------
    # likely: searchChannelsForTeam writes its JSON without WriteHeader (200); documented 201.
    Finding(MM, "SearchChannels", 200, "status", "documented 201 for a search", "$"),
    # upstream (api4/emoji.go createEmoji): plain w.Write, 200; documented 201.
    Finding(MM, "CreateEmoji", 200, "status", "createEmoji answers 200", "$"),
    # upstream (api4/reaction.go saveReaction): plain w.Write, 200; documented 201.
    Finding(MM, "SaveReaction", 200, "status", "saveReaction answers 200", "$"),
    # likely: createUserAccessToken writes without WriteHeader (200); documented 201.
    Finding(MM, "CreateUserAccessToken", 200, "status", "documented 201", "$"),
    # upstream (api4/webhook.go updateIncomingHook): WriteHeader(http.StatusCreated); doc 200.
    Finding(MM, "UpdateIncomingWebhook", 201, "status", "updateIncomingHook answers 201", "$"),
    # -- Mattermost: bodies ----------------------------------------------------------------------
    # upstream (api4/access_control.go getFieldsAutocomplete): json.Marshal of the field list,
    # an array; the document gives an object.
    Finding(
        MM, "GetAccessControlPolicyAutocompleteFields", 200, "schema", "an array of fields", "$"
    ),
    # upstream (api4/brand.go getBrandImage): the image as image/png, or 404 with an empty body
    # when there is none; the document gives it an application/json answer.
    Finding(MM, "GetBrandImage", 200, "content-type", "the image itself", "$"),
    Finding(MM, "GetBrandImage", 404, "json", "empty body when there is no image", "$"),
    # The document's own description says the unpaginated answer is a plain array of channels,
    # while its schema is the paginated object {channels, total_count}.
    Finding(MM, "SearchAllChannels", 200, "schema", "array unless paginated", "$"),
    # Without page/per_page the server answers a plain array of teams (server/channels/api4/
    # team.go searchTeams); the schema shows only the paginated {teams, total_count}.
    Finding(MM, "SearchTeams", 200, "schema", "array when not paginated", "$"),
    # The deprecated MFA check answers Go's http.NotFound (text/plain "404 page not found")
    # while ServiceSettings.DisableLegacyMFA is on, its default (api4/user.go checkUserMfa).
    Finding(MM, "CheckUserMfa", 404, "content-type", "http.NotFound", "$"),
    # likely: with `user_ids` (documented in the request body) the server answers an array of
    # ChannelMember; the response schema shows a single ChannelMember.
    Finding(MM, "AddChannelMember", 201, "schema", "array for user_ids", "$"),
    # upstream (api4/emoji.go): getEmojiList and autocompleteEmojis write EmojiListToJSON, an
    # array; documented as an object.
    Finding(MM, "GetEmojiList", 200, "schema", "array of Emoji", "$"),
    Finding(MM, "AutocompleteEmoji", 200, "schema", "array of Emoji", "$"),
    # upstream (api4/webhook.go getIncomingHooks): include_total_count=true answers
    # {incoming_webhooks, total_count}; documented as an array only. getAllTeams likewise
    # (TeamsWithCount, likely).
    Finding(MM, "GetIncomingWebhooks", 200, "schema", "WithCount form", "$"),
    Finding(MM, "GetAllTeams", 200, "schema", "WithCount form", "$"),
    # upstream (api4/agents.go getAgents, getLLMServices): json.Marshal of the bridge's list, a
    # plain array; documented as {agents} / {services}.
    Finding(MM, "GetAgents", 200, "schema", "array of agents", "$"),
    Finding(MM, "GetLLMServices", 200, "schema", "array of services", "$"),
    # upstream (api4/limits.go getServerLimits): one ServerLimits object; documented as an array.
    Finding(MM, "GetServerLimits", 200, "schema", "one ServerLimits object", "$"),
    # upstream (model ReportPostListResponse): the posts report's ``posts`` is a list of posts;
    # documented as a map of id to post.
    Finding(MM, "GetPostsForReporting", 200, "schema", "posts as a list"),
    # upstream (api4/system.go getRedirectLocation): JSON {"location"}; documented as image/*.
    Finding(MM, "GetRedirectLocation", 200, "content-type", "JSON {location}", "$"),
    # upstream (api4/system.go upgradeToEnterpriseStatus): "error" is null while nothing failed;
    # documented as a string.
    Finding(MM, "UpgradeToEnterpriseStatus", 200, "schema", "error null", "$.error"),
    # upstream (api4/post.go getFlaggedPostsForUser): clientPostList.EncodeJSON, a PostList
    # object; documented as an array of PostList.
    Finding(MM, "GetFlaggedPostsForUser", 200, "schema", "one PostList", "$"),
    # upstream (api4/channel_category.go): the list answers OrderedSidebarCategories
    # {categories, order}; documented as an array. Updating many answers the array of updated
    # categories; documented as one object.
    Finding(MM, "GetSidebarCategoriesForTeamForUser", 200, "schema", "ordered object", "$"),
    Finding(MM, "UpdateSidebarCategoriesForTeamForUser", 200, "schema", "array", "$"),
    # upstream (api4/upload.go uploadData): the completing piece encodes the FileInfo without
    # WriteHeader, 200; documented 201.
    Finding(MM, "UploadData", 200, "status", "uploadData answers 200", "$"),
    # likely: inviteUsersToTeam with ?graceful answers the EmailInviteWithError list; the
    # schema shows one object.
    Finding(MM, "InviteUsersToTeam", 200, "schema", "graceful list", "$"),
    # likely: getAllChannels with include_total_count=true answers ChannelsWithCount
    # {channels, total_count}, as getAllTeams does; documented as an array only.
    Finding(MM, "GetAllChannels", 200, "schema", "WithCount form", "$"),
    # likely: Team.PolicyID is a *string without omitempty, so unset it is null; documented as a
    # non-nullable string.
    Finding(MM, ANY, ANY, "schema", "Team.policy_id null", "$.policy_id"),
    Finding(MM, ANY, ANY, "schema", "Team.policy_id null", "$[*].policy_id"),
    # likely: non-extended thread participants are bare model.User{Id}, whose nil Timezone map
    # encodes as null; documented Timezone is a non-nullable object.
    Finding(
        MM,
        "GetUserThreads",
        200,
        "schema",
        "participant stubs",
        "$.threads[*].participants[*].timezone",
    ),
    # likely: PostSearchResults.Matches is a nil map without highlighting: null; documented as an
    # object.
    Finding(MM, "SearchPosts", 200, "schema", "matches null", "$.matches"),
    # -- Rocket.Chat -----------------------------------------------------------------------------
    # Integer settings (Accounts_LoginExpiration 90, FileUpload_MaxFileSize, ...) have integer
    # values; the document allows only boolean or string (or one type for settings/{_id}).
    Finding(
        RC, "get-api-v1-settings.public", 200, "schema", "any value type", "$.settings[*].value"
    ),
    Finding(RC, "get-api-v1-settings", 200, "schema", "any value type", "$.settings[*].value"),
    Finding(RC, "get-api-v1-settings-_id", 200, "schema", "any value type", "$.value"),
    # Meteor.Error(403, 'Email already exists.') carries a numeric error code, so errorType is
    # the number 403 (the emulator reproduces it); the document types errorType as a string.
    Finding(RC, "post-api-v1-users.register", 400, "schema", "numeric errorType", "$.errorType"),
    # likely: custom emoji `aliases` is an array of strings; documented as objects.
    Finding(
        RC,
        "get-api-v1-emoji-custom.list",
        200,
        "schema",
        "string aliases",
        "$.emojis.update[*].aliases[*]",
    ),
    # likely: an integration's `channel` is an array of strings and `enabled`/`scriptEnabled`
    # booleans (IIntegration); the documents type them as objects/boolean and strings.
    Finding(
        RC,
        "get-api-v1-integrations-list",
        200,
        "schema",
        "IIntegration",
        "$.integrations[*].channel[*]",
    ),
    Finding(
        RC,
        "post-api-v1-integrations.remove",
        200,
        "schema",
        "IIntegration",
        "$.integration.channel",
    ),
    Finding(
        RC,
        "post-api-v1-integrations.remove",
        200,
        "schema",
        "IIntegration",
        "$.integration.enabled",
    ),
    Finding(
        RC,
        "post-api-v1-integrations.remove",
        200,
        "schema",
        "IIntegration",
        "$.integration.scriptEnabled",
    ),
    # likely: subscriptions.getOne answers {subscription: null} when the caller has none;
    # documented as an object.
    Finding(
        RC, "get-api-v1-subscriptions.getOne", 200, "schema", "null when none", "$.subscription"
    ),
    # upstream (v1/invites.ts, its own ajv response schemas): findOrCreateInvite answers the
    # invite object plus success, documented as an array; removeInvite answers API.v1.success(true),
    # a bare `true` (schema `enum: [true]`), documented as an object.
    Finding(RC, "post-api-v1-findOrCreateInvite", 200, "schema", "the invite object", "$"),
    Finding(RC, "delete-api-v1-removeInvite-_id", 200, "schema", "a bare true", "$"),
    # -- Rocket.Chat admin and system endpoints ----------------------------------------------------
    # upstream (server/routes/avatar/utils.ts serveAvatarFile): an uploaded avatar is served with
    # its own type (image/png...); the document lists only the generated SVG.
    Finding(RC, "get-api-v1-avatar-subject", 200, "content-type", "the uploaded image", "$"),
    # upstream (IImport.ts is a Date): REST JSON renders it as an ISO string; documented integer.
    Finding(RC, "get-api-v1-getCurrentImportOperation", 200, "schema", "a date", "$.operation.ts"),
    Finding(RC, "get-api-v1-getLatestImportOperations", 200, "schema", "a date", "$[*].ts"),
    # upstream (v1/misc.ts shield.svg): 'image/svg+xml;charset=utf-8'; documented text/plain.
    Finding(RC, "get-api-v1-shield.svg", 200, "content-type", "an SVG image", "$"),
    # upstream (ee/server/api/licenses.ts): `maxActiveUsers > 0 ? maxActiveUsers : null`, null
    # without a license; documented integer.
    Finding(
        RC,
        "get-licenses.maxActiveUsers",
        200,
        "schema",
        "null without a license",
        "$.maxActiveUsers",
    ),
    # upstream (v1/email-inbox.ts email-inbox.search): `{emailInbox: null}` when no inbox has the
    # address (its response schema is `oneOf [IEmailInbox, null]`); documented object only.
    Finding(RC, "get-api-v1-email-inbox.search", 200, "schema", "null when none", "$.emailInbox"),
    # upstream (app/apps/server/bridges/api.ts): an app endpoint of an app that is not installed
    # is Express's `res.sendStatus(404)`, a text/plain "Not Found".
    Finding(RC, "post-api-apps-public-app-id-incoming", 404, "content-type", "Express 404", "$"),
    Finding(
        RC, "post-api-apps-public-app_id-templateMessage", 404, "content-type", "Express 404", "$"
    ),
    # -- Rocket.Chat omnichannel administration (omni-admin) -------------------------------------
    # upstream (departments.ts: "TODO: return 404 when department is not found ... FE relies on
    # the empty payload"; triggers.ts, customField.ts, findOneById; businessHours.ts, a type a
    # Community server lacks; contact.ts findOneByEmailAndPhoneAndCustomField): null when none.
    Finding(RC, "get-api-v1-livechat-department-:_id", 200, "schema", "null", "$.department"),
    Finding(RC, "get-api-v1-livechat-triggers-_id", 200, "schema", "null", "$.trigger"),
    Finding(RC, "get-api-v1-livechat-custom-fields-_id", 200, "schema", "null", "$.customField"),
    Finding(RC, "get-api-v1-livechat-business-hour", 200, "schema", "null", "$.businessHour"),
    Finding(RC, "get-api-v1-contact.search", 200, "schema", "null", "$.contact"),
    # upstream (api/lib/appearance.ts, integrations.ts): the ISetting documents themselves, whose
    # values are strings, booleans and numbers; the document gives every value one type.
    *(
        Finding(RC, operation, 200, "schema", "ISetting values of every type", where)
        for operation, key in (
            ("get-api-v1-livechat-appearance", "appearance"),
            ("get-api-v1-livechat-integrations.settings", "settings"),
        )
        for where in (f"$.{key}[*].value", f"$.{key}[*].packageValue")
    ),
    # upstream (imports/server/rest/users.ts, lib/users.ts findUsers): an agent's `livechat` is
    # the object agents.saveInfo stores ({maxNumberSimultaneousChat...}), e-mails carry a boolean
    # `verified`, and livechat/users/:type/:_id answers {user: null} for a user without the role;
    # documented as a string, a string and an object.
    Finding(
        RC, "get-api-v1-livechat-users-type", 200, "schema", "an object", "$.users[*].livechat"
    ),
    Finding(
        RC,
        "get-api-v1-livechat-users-type-_id",
        200,
        "schema",
        "a boolean",
        "$.user.emails[*].verified",
    ),
    Finding(
        RC, "get-api-v1-livechat-users-type-_id", 200, "schema", "null without the role", "$.user"
    ),
    # -- Rocket.Chat: rooms, moderation, e2e ---------------------------------------------------
    # upstream (server/methods/addAllUserToRoom.ts): Meteor.Error(403, 'Access to Method
    # Forbidden'), a numeric error code, so errorType is the number 403.
    Finding(RC, "post-api-v1-groups.addAll", 400, "schema", "numeric errorType", "$.errorType"),
    Finding(RC, "post-api-v1-channels.addAll", 400, "schema", "numeric errorType", "$.errorType"),
    # likely: as integrations.list, an integration's `channel` is an array of strings.
    Finding(
        RC,
        "get-api-v1-channels.getIntegrations",
        200,
        "schema",
        "IIntegration",
        "$.integrations[*].channel[*]",
    ),
    Finding(
        RC,
        "get-api-v1-groups.getIntegrations",
        200,
        "schema",
        "IIntegration",
        "$.integrations[*].channel[*]",
    ),
    # -- Rocket.Chat: OAuth apps (review) ---------------------------------------------------------
    # upstream (v1/oauthapps.ts): API.v1.success(await deleteOAuthApp(...)), whose result is the
    # boolean true: the body is `true`, not the documented object.
    Finding(RC, "post-api-v1-oauth-apps.delete", 200, "schema", "a boolean body", "$"),
)
