"""``sms-console --self-check``: whether this installation works, with no display or account.

Every check runs the real part, on loopback only, in a throwaway data directory: the
callback listener, the provider simulator, one message through the sending engine, and
its delivery receipt coming back through the listener into the store. Then it names the
keychain that keeps passwords, and has Qt draw the application icon on its offscreen
platform, which needs no display.

Finding no keychain fails the check on Windows and macOS, where Credential Manager and
the login keychain are part of every installation (so none found means the build lacks
keyring's backend or what it loads). On Linux it is reported, not failed: a computer with
no Secret Service is ordinary there (servers, minimal desktops, CI), and the console then
keeps passwords for the session only.

Support staff run it after an install; the frozen-build test runs it on the unpacked
package, where it proves that the build carries what is only found at run time (uvicorn's
protocol modules, keyring's backends, Qt's plugins, the icon).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.metadata
import logging
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import keyring
import keyring.backend

from console import demo
from console.keychain import Keychain, KeychainError
from console.logging_setup import configure_logging
from console.paths import log_path
from console.protocol.codes import message_state
from console.protocol.delivery import FINAL_STATES
from console.session import Session
from console.simulator import (
    Account,
    CallbackSettings,
    FinalOutcome,
    SimulatorSettings,
    ThreadedSimulator,
)
from console.store.models import MessageStatus, NewMessage, StoredMessage

PASSED = 0
FAILED = 1
# Each wait (the provider's answer, then the final receipt) takes well under a second
# here; the limit only keeps a broken installation from hanging the check.
TIME_LIMIT = 20.0
KEYCHAIN_TIME_LIMIT = 10.0
RECIPIENT = "12025550100"
ICON = ("icons", "sms-operator-console.svg")
ICON_SIZE = 64

# The keyring backend through which each system's own keychain is reached. keyring finds
# its backends through package entry points, which a frozen build has only if it was
# packed with keyring's metadata: without them it would silently find no keychain.
NATIVE_BACKENDS = {"linux": "SecretService", "darwin": "macOS", "win32": "Windows"}
# The systems where a keychain is always there, with its name as the check prints it
# (console.keychain.backends.describe_backend): finding none there is a broken installation.
ALWAYS_THERE = {"darwin": "macOS Keychain", "win32": "Windows Credential Manager"}
SYSTEM_NAMES = {"darwin": "macOS", "win32": "Windows"}


class Report:
    """The checks' results, each written as one line as soon as it is known."""

    def __init__(self, out: TextIO | None) -> None:
        # A windowed build started from a desktop has no stdout; the exit status still tells.
        self._out = out
        self.failed: list[str] = []
        self.count = 0

    def _line(self, text: str) -> None:
        if self._out is not None:
            print(text, file=self._out, flush=True)

    def ok(self, name: str, detail: str) -> None:
        self.count += 1
        self._line(f"ok    {name}: {detail}")

    def fail(self, name: str, reason: str) -> None:
        self.count += 1
        self.failed.append(name)
        self._line(f"FAIL  {name}: {reason}")

    def summary(self, text: str) -> None:
        self._line(text)


def _reason(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _without_token(url: str) -> str:
    """The listener's URL without its path token, which is as good as a password."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…"


def icon_file() -> Path:
    return Path(str(files("console.resources").joinpath(*ICON)))


def check_resources(report: Report) -> Path | None:
    icon = icon_file()
    if not icon.is_file():
        report.fail("resources", f"the application icon is missing (looked for {icon})")
        return None
    report.ok("resources", f"application icon at {icon}")
    return icon


def simulator_settings(callback_url: str | None) -> SimulatorSettings:
    """The demo account, answering at once and delivering every message, receipt only."""
    return SimulatorSettings(
        accounts=(Account(demo.DEMO_LOGIN, demo.DEMO_PASSWORD, demo.DEMO_SENDERS),),
        callbacks=CallbackSettings(
            url=callback_url,
            dr_delay=0.1,
            p_duplicate_dr=0.0,
            p_reorder=0.0,
            p_reply=0.0,
            final_weights={FinalOutcome.DELIVERED: 1.0},
            retry_interval=1.0,
            timeout=5.0,
        ),
    )


def _start_simulator(settings: SimulatorSettings) -> ThreadedSimulator:
    simulator = ThreadedSimulator(settings)
    simulator.start_in_thread()
    return simulator


async def _poll(find: Callable[[], StoredMessage | None], time_limit: float) -> StoredMessage:
    deadline = time.monotonic() + time_limit
    while (found := find()) is None:
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.02)
    return found


async def check_round_trip(
    data_dir: Path,
    report: Report,
    *,
    time_limit: float = TIME_LIMIT,
    settings: Callable[[str | None], SimulatorSettings] = simulator_settings,
) -> None:
    """Listener, simulator, one message accepted, and its final receipt stored.

    ``settings`` makes the simulator's settings from the listener's URL; tests pass one
    that withholds receipts, to see the check fail as it should.
    """
    demo.prepare_settings(data_dir)
    session = Session(data_dir, notify_interval=0.02)
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[StoredMessage] = loop.create_future()

    def settle(message: StoredMessage) -> None:
        if not outcome.done():
            outcome.set_result(message)

    session.on_outcome = settle
    simulator: ThreadedSimulator | None = None
    try:
        state = await session.start()
        if not state.running or state.url is None:
            report.fail("listener", f"did not start: {state.error}")
            return
        report.ok("listener", f"receiving callbacks at {_without_token(state.url)}")

        try:
            simulator = await asyncio.to_thread(_start_simulator, settings(state.url))
        except Exception as exc:  # any way of not starting is this check's answer
            report.fail("simulator", f"did not start: {_reason(exc)}")
            return
        endpoint = simulator.endpoint_url
        report.ok("simulator", f"answering at {endpoint}")

        session.save_settings(demo.with_endpoint(session.settings, endpoint))
        await session.use_credentials(demo.demo_credentials())
        new = NewMessage(
            message_id=uuid.uuid4().hex,
            profile=demo.DEMO_PROFILE,
            phone_number=RECIPIENT,
            sender=demo.DEMO_SENDERS[0],
            body="Self-check",
            endpoint=endpoint,
        )
        started = time.monotonic()
        try:
            session.send(new)
            sent = await asyncio.wait_for(outcome, time_limit)
        except TimeoutError:
            report.fail("send", f"no answer from the simulator within {time_limit:g} s")
            return
        except Exception as exc:  # a refusal before sending is a failure of this check
            report.fail("send", _reason(exc))
            return
        if sent.status is not MessageStatus.ACCEPTED:
            report.fail("send", f"message not accepted: {sent.status_detail or sent.status}")
            return
        report.ok(
            "send",
            f"message {new.message_id} accepted after {sent.attempt_count} attempt(s), "
            f"{time.monotonic() - started:.2f} s",
        )

        def settled() -> StoredMessage | None:
            message = session.store.get_message(new.message_id)
            if message is None or message.state not in FINAL_STATES:
                return None
            return message if session.store.receipts(new.message_id) else None

        try:
            final = await _poll(settled, time_limit)
        except TimeoutError:
            report.fail(
                "receipt",
                f"no final delivery receipt reached the listener within {time_limit:g} s",
            )
            return
        name = message_state(final.state or 0).name
        report.ok(
            "receipt",
            f"{name} (state {final.state}) stored through the listener "
            f"{time.monotonic() - started:.2f} s after the send",
        )
    finally:
        await session.close()
        if simulator is not None:
            await asyncio.to_thread(simulator.stop)


async def check_keychain(
    report: Report,
    *,
    time_limit: float = KEYCHAIN_TIME_LIMIT,
    platform: str = sys.platform,
    backend: keyring.backend.KeyringBackend | None = None,
) -> None:
    """Which keychain keeps passwords; ``platform`` and ``backend`` are for tests."""
    known = sorted(
        {entry.name for entry in importlib.metadata.entry_points(group="keyring.backends")}
    )
    native = NATIVE_BACKENDS.get(platform)
    if native is not None and native not in known:
        report.fail(
            "keychain",
            f"keyring's {native} backend is missing from this installation "
            f"(backends known: {', '.join(known) or 'none'})",
        )
        return
    keychain = Keychain(backend, timeout=time_limit)
    try:
        await keychain.resolve()
    except KeychainError as exc:
        report.fail("keychain", str(exc))
        return
    expected = ALWAYS_THERE.get(platform)
    if keychain.is_system():
        report.ok("keychain", keychain.backend_name())
    elif expected is not None:
        # Already discovered by resolve(): keyring answers this from its cache.
        chosen = type(backend if backend is not None else keyring.get_keyring())
        report.fail(
            "keychain",
            f"none found, yet the {expected} is part of every {SYSTEM_NAMES[platform]}: "
            f"this installation lacks what keyring needs to reach it "
            f"(keyring chose {chosen.__module__}.{chosen.__qualname__})",
        )
    else:
        report.ok(
            "keychain",
            "none found on this computer: the console would keep passwords for the session "
            "only, and ask again after a restart",
        )


def check_window_toolkit(report: Report, icon: Path | None) -> None:
    """Qt's libraries and plugins, offscreen: the icon goes through the SVG icon engine."""
    try:
        from PySide6.QtCore import qVersion
        from PySide6.QtGui import QGuiApplication, QIcon
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:
        report.fail("window toolkit", f"Qt cannot be loaded: {_reason(exc)}")
        return
    # The command-line platform wins over QT_QPA_PLATFORM: no display is ever needed.
    if QApplication.instance() is None:
        QApplication([sys.argv[0], "-platform", "offscreen"])
    if icon is None:
        report.fail("window toolkit", f"Qt {qVersion()} loads, but there is no icon to draw")
        return
    pixmap = QIcon(str(icon)).pixmap(ICON_SIZE, ICON_SIZE)
    if pixmap.isNull():
        report.fail(
            "window toolkit",
            f"Qt {qVersion()} cannot draw the SVG icon (its svg plugins are missing)",
        )
        return
    report.ok(
        "window toolkit",
        f"Qt {qVersion()} draws the icon on its {QGuiApplication.platformName()} platform",
    )


async def _services(data_dir: Path, report: Report) -> None:
    try:
        await check_round_trip(data_dir, report)
    except Exception as exc:  # reported as a failure, with the log kept for the details
        logging.getLogger(__name__).exception("round trip failed")
        report.fail("round trip", _reason(exc))
    await check_keychain(report)


def _stop_logging() -> None:
    # The log file must be closed before its folder can be removed (on Windows at least).
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        with contextlib.suppress(OSError):
            handler.close()


def run_self_check(out: TextIO | None = None) -> int:
    """Run every check, one line each on ``out`` (stdout by default); the exit status."""
    stream = out if out is not None else sys.stdout
    data_dir = Path(tempfile.mkdtemp(prefix="sms-console-self-check-"))
    configure_logging(data_dir, stderr_level=logging.WARNING)
    report = Report(stream)
    icon = check_resources(report)
    asyncio.run(_services(data_dir, report))
    check_window_toolkit(report, icon)
    _stop_logging()
    if report.failed:
        report.summary(
            f"self-check failed ({', '.join(report.failed)}); details in {log_path(data_dir)}"
        )
        return FAILED
    shutil.rmtree(data_dir, ignore_errors=True)
    report.summary(f"self-check passed: all {report.count} checks")
    return PASSED
