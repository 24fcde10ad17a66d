"""Rocket.Chat domain operations, shared by REST, legacy REST, DDP, hooks and seeding.

Documents keep Rocket.Chat's own field names; dates are stored as epoch milliseconds and rendered
by ``wire`` (ISO strings over REST, ``{"$date": ms}`` over DDP).
"""

from .common import (  # noqa: F401 - the package's API
    BOT_ID,
    GENERAL_ID,
    Doc,
    Refused,
    has_permission,
    hash_token,
    js_type,
    setting,
)
from .integrations import (  # noqa: F401 - the package's API
    INCOMING,
    OUTGOING,
    add_incoming_integration,
    add_outgoing_integration,
    can_manage_integration,
    create_integration,
    delete_integration,
    update_incoming_integration,
    update_outgoing_integration,
)
from .integrations import MANAGE as INTEGRATION_MANAGE  # noqa: F401 - the package's API
from .integrations import clear_history as clear_integration_history  # noqa: F401
from .message_store import (  # noqa: F401 - the package's API
    send_message,
)
from .messages import (  # noqa: F401 - the package's API
    SendRefused,
    clean_history,
    delete_message,
    edit_message,
    exceeds_max_size,
    execute_send_message,
    follow_message,
    load_history,
    mentions_in,
    pin_message,
    post_message,
    react,
    read_room,
    remove_message,
    set_message_fields,
    set_reaction,
    star_message,
    unpin_message,
)
from .moderation import (  # noqa: F401 - the package's API
    delete_reported_messages,
    dismiss_reports,
    dismiss_user_reports,
    open_reports,
    report_message,
    report_user,
    reports_by_users,
    user_reports,
)
from .notifications import ephemeral  # noqa: F401 - the package's API
from .room_admin import (  # noqa: F401 - the package's API
    create_discussion,
    delete_upload,
    export_room,
    members_by_role,
    save_notification_setting,
    set_archived,
)
from .room_settings import (  # noqa: F401 - the package's API
    ROOM_SETTINGS,
    add_all_users,
    e2e_allowed,
    save_room_settings,
    set_join_code,
    user_mentions,
)
from .rooms import (  # noqa: F401 - the package's API
    MENTION_RE,
    ROOM_NAME_RE,
    add_member,
    add_users_to_room,
    archive_room,
    can_access_room,
    check_room_name,
    create_direct_message,
    create_named_room,
    create_room,
    delete_room,
    direct_room,
    join_room,
    leave_room,
    notify_room,
    notify_user,
    open_direct,
    remove_member,
    remove_user_from_room,
    room_by_id_or_name,
    room_owners,
    room_roles,
    save_room_topic,
    set_blocked,
    set_muted,
    set_room_open,
    set_room_role,
    subscribe,
    subscription,
    system_message,
    unarchive_room,
    update_room,
    update_subscription,
    user_activity,
)
from .slash_commands import (  # noqa: F401 - the package's API
    BUILT_INS,
    find_command,
    run_command,
    translate,
)
from .teams import (  # noqa: F401 - the package's API
    add_room_to_team,
    add_team_member,
    convert_room_to_team,
    convert_team_to_channel,
    create_team,
    delete_team,
    leave_team,
    remove_room_from_team,
    remove_team_member,
    rooms_of_user_in_team,
    team_children,
    team_member,
    teams_of_user,
    update_team,
    update_team_member,
    update_team_room,
)
from .tokens import (  # noqa: F401 - the package's API
    issue_login_token,
    revoke_other_login_tokens,
    revoke_token,
    user_for_token,
)
from .uploads import (  # noqa: F401 - the package's API
    send_file_message,
    store_upload,
    upload_content,
)
from .users import (  # noqa: F401 - the package's API
    EMAIL_PATTERN,
    STATUS_CODES,
    USER_STATUSES,
    USERNAME_PATTERN,
    check_user_password,
    create_user,
    default_rooms,
    delete_user,
    find_user,
    find_user_by_username,
    generate_personal_access_token,
    has_role,
    is_last_active_admin,
    join_default_rooms,
    personal_access_token,
    personal_access_tokens,
    remove_personal_access_token,
    reset_avatar,
    revoke_user_tokens,
    save_preferences,
    set_avatar,
    set_connection_status,
    set_default_status,
    set_password,
    set_user_active,
    set_user_password,
    set_user_status,
    update_user,
    users_with_role,
)
from .workspace import (  # noqa: F401 - the package's API
    delete_role,
    regenerate_unique_id,
    set_permission_roles,
    set_setting_value,
    unique_id,
    users_in_public_roles,
)
