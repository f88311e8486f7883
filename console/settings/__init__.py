"""Account profiles, the callback listener, and the file that keeps them.

``model`` holds what the settings are and their rules, ``file`` reads and writes them
(with versioned upgrades), ``edits`` changes them.
"""

from console.settings.conversations import ConversationSettings
from console.settings.edits import (
    add_profile,
    duplicate_profile,
    remove_profile,
    replace_profile,
    unique_name,
    with_active,
    with_profile,
)
from console.settings.file import SETTINGS_VERSION, load_settings, save_settings
from console.settings.model import (
    DEFAULT_PROFILE,
    MAX_NAME_LENGTH,
    PROVIDER_ENDPOINT,
    REGION_CODES,
    Environment,
    ListenerSettings,
    Profile,
    Settings,
    SettingsError,
    Theme,
    check_endpoint,
    keyword_rules,
    listener_problems,
    parse_port,
)
from console.settings.workspace import (
    WorkspaceSettings,
    public_callback_url,
    public_url_problem,
    workspace_problems,
)

__all__ = [
    "DEFAULT_PROFILE",
    "MAX_NAME_LENGTH",
    "PROVIDER_ENDPOINT",
    "REGION_CODES",
    "SETTINGS_VERSION",
    "ConversationSettings",
    "Environment",
    "ListenerSettings",
    "Profile",
    "Settings",
    "SettingsError",
    "Theme",
    "WorkspaceSettings",
    "add_profile",
    "check_endpoint",
    "duplicate_profile",
    "keyword_rules",
    "listener_problems",
    "load_settings",
    "parse_port",
    "public_callback_url",
    "public_url_problem",
    "remove_profile",
    "replace_profile",
    "save_settings",
    "unique_name",
    "with_active",
    "with_profile",
    "workspace_problems",
]
