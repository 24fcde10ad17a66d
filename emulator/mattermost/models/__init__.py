"""Mattermost domain operations, shared by REST handlers, the WebSocket hub, hooks and seeding.

They take the runtime and plain values, never ``flask.request``; timestamps default to the
emulator clock so that seeding can pass its own fixed ones.
"""

from .bots import (  # noqa: F401 - the package's API
    assign_bot,
    convert_bot_to_user,
    convert_user_to_bot,
    create_bot,
    create_bot_account,
    patch_bot,
)
from .channels import (  # noqa: F401 - the package's API
    CHANNEL_DISPLAY_NAME_MAX,
    CHANNEL_HEADER_MAX,
    CHANNEL_NAME_MAX,
    CHANNEL_PURPOSE_MAX,
    add_channel_member,
    archive_channel,
    convert_channel,
    create_channel,
    create_direct_channel,
    create_group_channel,
    create_team_channel,
    join_channel,
    leave_channel,
    post_archive_message,
    post_channel_change_messages,
    publish_channel_updated,
    restore_channel,
    update_channel,
    validate_channel,
    view_channels,
)
from .common import (  # noqa: F401 - the package's API
    CHANNEL_NOTIFY_PROPS,
    DEFAULT_NOTIFY_PROPS,
    DEFAULT_TIMEZONE,
    Doc,
    broadcast,
    dm_channel_name,
    get_config,
    group_channel_name,
    setting,
)
from .emoji import (  # noqa: F401 - the package's API
    EMOJI_NAME_RE,
    SYSTEM_EMOJI,
    create_emoji,
    delete_emoji,
    image_type,
    is_valid_emoji_name,
)
from .files import (  # noqa: F401 - the package's API
    _PLACEHOLDER_PNG,
    file_bytes,
    upload_file,
)
from .integrations import (  # noqa: F401 - the package's API
    is_http_url,
    regen_outgoing_token,
    require_enabled,
    save_command,
    save_incoming_webhook,
    save_outgoing_webhook,
    validate_command,
    validate_outgoing_webhook,
)
from .posts import (  # noqa: F401 - the package's API
    add_reaction,
    count_mentions,
    create_file_info,
    create_post,
    delete_post,
    follow_thread_on_reply,
    mark_thread_read,
    mentioned_user_ids,
    post_metadata,
    publish_posted,
    publish_reaction,
    remove_reaction,
    send_ephemeral_post,
    set_pinned,
    set_thread_following,
    thread_membership_id,
    update_post,
    user_typing,
)
from .sessions import (  # noqa: F401 - the package's API
    attach_device,
    create_access_token,
    create_session,
    revoke_access_token,
    revoke_all_sessions,
    revoke_session,
    revoke_user_sessions,
    set_access_token_active,
)
from .teams import (  # noqa: F401 - the package's API
    add_team_member,
    create_team,
    delete_team,
    remove_team_member,
    set_team_icon,
    set_team_member_roles,
    team_unread,
    update_team,
)
from .users import (  # noqa: F401 - the package's API
    PASSWORD_MAX_LENGTH,
    RESERVED_USERNAMES,
    STATUSES,
    USERNAME_MAX_LENGTH,
    create_user,
    delete_preferences,
    is_valid_email,
    is_valid_username,
    offline_status,
    password_problem,
    preference_id,
    publish_user_updated,
    reset_profile_image,
    save_preferences,
    set_password,
    set_profile_image,
    set_status,
    set_user_active,
    update_user,
)
