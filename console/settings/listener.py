"""The listener's configuration from the saved settings, and its path token, made once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from filelock import FileLock

from console.listener.config import ListenerConfig, new_path_token, parse_networks
from console.paths import settings_path
from console.protocol.keywords import KeywordRules
from console.settings.file import load_settings, save_settings
from console.settings.model import ListenerSettings


def ensure_path_token(data_dir: Path) -> ListenerSettings:
    """The saved listener settings, with a path token generated and saved if there was none.

    The token is part of the URL configured at the provider, so it must stay the same from
    one start to the next.
    """
    path = settings_path(data_dir)
    settings = load_settings(path)
    if settings.listener.path_token:
        return settings.listener
    # Receivers sharing a data folder may start together: the first to hold the lock
    # makes the token, and the others read it.
    with FileLock(path.with_name(path.name + ".lock"), mode=0o600):
        settings = load_settings(path)
        if settings.listener.path_token:
            return settings.listener
        listener = replace(settings.listener, path_token=new_path_token())
        save_settings(path, replace(settings, listener=listener))
    return listener


def listener_config(
    saved: ListenerSettings, keywords: KeywordRules | None = None
) -> ListenerConfig:
    """The listener's configuration; ``keywords`` by the profiles (see
    :func:`console.settings.model.keyword_rules`), else the default keywords.

    Raises ListenerConfigError naming the setting that is wrong."""
    return ListenerConfig(
        host=saved.host,
        port=saved.port,
        path_token=saved.path_token,
        allow=parse_networks(saved.allow),
        trusted_proxies=parse_networks(saved.trusted_proxies),
        tls_cert=Path(saved.tls_cert) if saved.tls_cert else None,
        tls_key=Path(saved.tls_key) if saved.tls_key else None,
        max_body=saved.max_body,
        max_connections=saved.max_connections,
        max_connections_per_address=saved.max_connections_per_address,
        keywords=keywords or KeywordRules(),
    )
