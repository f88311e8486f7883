"""Demo mode: the console against the built-in simulator, with no account needed.

The simulator runs on loopback and posts its receipts and replies to the console's own
listener; a demo profile (a test profile) and its credentials are written to the demo's
data directory, which is a throwaway one unless the operator names one.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from console.keychain import Credentials
from console.paths import settings_path
from console.settings import (
    Environment,
    Profile,
    Settings,
    SettingsError,
    load_settings,
    save_settings,
)
from console.simulator import Account, CallbackSettings, SimulatorSettings, ThreadedSimulator

DEMO_PROFILE = "demo"
DEMO_LOGIN = "demo"
DEMO_PASSWORD = "demo-password"  # noqa: S105 (the simulator's made-up account)
DEMO_SENDERS = ("12345", "ACME")
# Where the demo profile points until the simulator has its port.
PLACEHOLDER_ENDPOINT = "http://127.0.0.1:1/httpapi/receiver"


def throwaway_data_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="sms-console-demo-"))


def remove_throwaway(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def prepare_settings(data_dir: Path) -> Settings:
    """Make the demo profile active and the listener loopback-only on a free port."""
    path = settings_path(data_dir)
    settings = load_settings(path)
    real = sorted(p.name for p in settings.profiles if p.name != DEMO_PROFILE and p != Profile())
    if real:
        # Demo mode rewrites the active profile and the listener; an operator's real
        # settings must not be changed behind their back.
        raise SettingsError(
            f"{data_dir} holds real profiles ({', '.join(real)}); demo mode needs an empty "
            "folder or one used only for demos. Start without --demo to use them, or give "
            "the demo another folder with --data-dir"
        )
    listener = replace(settings.listener, host="127.0.0.1", port=0)
    # The untouched default profile would send to the real provider: not in a demo.
    others = tuple(p for p in settings.profiles if p.name != DEMO_PROFILE and p != Profile())
    profile = demo_profile(PLACEHOLDER_ENDPOINT)
    earlier = next((p for p in settings.profiles if p.name == DEMO_PROFILE), None)
    if earlier is not None:
        # The operator's own choices in the demo stay; it must reach the simulator, with
        # the simulator's account.
        profile = replace(earlier, endpoint=PLACEHOLDER_ENDPOINT, login=DEMO_LOGIN)
    settings = replace(
        settings, profiles=(profile, *others), active=DEMO_PROFILE, listener=listener
    )
    save_settings(path, settings)
    return settings


def demo_profile(endpoint: str) -> Profile:
    return Profile(
        name=DEMO_PROFILE,
        environment=Environment.TEST,
        endpoint=endpoint,
        login=DEMO_LOGIN,
        senders=DEMO_SENDERS,
        messages_per_second=5.0,
        retry_wait=3.0,
        max_attempts=5,
        default_region="US",
        timeout=10.0,
    )


def demo_credentials() -> Credentials:
    return Credentials(DEMO_LOGIN, DEMO_PASSWORD)


def start_simulator(callback_url: str | None) -> ThreadedSimulator:
    """The simulator, answering the demo account and calling back ``callback_url``.

    Receipts follow a second or two after each send and some customers reply, so the
    log comes alive; a few messages end undelivered, as real ones do.
    """
    settings = SimulatorSettings(
        accounts=(Account(DEMO_LOGIN, DEMO_PASSWORD, DEMO_SENDERS, rate_per_second=20.0),),
        callbacks=CallbackSettings(
            url=callback_url, dr_delay=1.5, p_reply=0.35, p_mms_reply=0.25, retry_interval=5.0
        ),
    )
    simulator = ThreadedSimulator(settings)
    simulator.start_in_thread()
    return simulator


def with_endpoint(
    settings: Settings, endpoint: str, *, moved_from: str = PLACEHOLDER_ENDPOINT
) -> Settings:
    """``settings`` with the demo profile sending to the simulator at ``endpoint``, and every
    profile that sent to it where it was before (``moved_from``: one made from the demo
    profile) following it; a profile that sends elsewhere stays as it is."""
    return replace(
        settings,
        profiles=tuple(
            replace(p, endpoint=endpoint)
            if p.name == DEMO_PROFILE or p.endpoint == moved_from
            else p
            for p in settings.profiles
        ),
    )
