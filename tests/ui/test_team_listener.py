"""On a shared store the team's receivers take the callbacks: Settings, Listener says so
and shows this console's own URL only when it listens too, with a caution; the status bar's
receivers item lists each receiver from its heartbeat."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QTreeWidget

from console import session_shared
from console.paths import settings_path
from console.settings import WorkspaceSettings, load_settings, save_settings
from console.store.location import StoreLocation
from console.store.postgres import PostgresStore
from console.store.receivers import ReceiverBeat
from console.ui.options.dialog import SettingsDialog
from console.ui.palette import scheme
from console.ui.receivers_dialog import ReceiversDialog
from tests.support.postgres_server import scratch_server
from tests.support.shared_receiver import migrated_database
from tests.support.team_roles import team_database, team_login
from tests.ui.test_main_window import listener_url

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

MASK = "•" * 8


def open_on_shared_store(windows, data_dir: Path, url: str):
    """A window whose settings name the shared store ``url``, opened on it."""
    path = settings_path(data_dir)
    save_settings(path, replace(load_settings(path), workspace=WorkspaceSettings(url)))
    return windows.open(data_dir, store=StoreLocation.postgresql(url))


def open_settings(qtbot, window) -> SettingsDialog:
    """Ctrl+, as the operator presses it."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in window.findChildren(SettingsDialog)), timeout=5000
    )
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    return dialog


def click_tab(qtbot, dialog: SettingsDialog, title: str) -> None:
    tabs = dialog.tabs.tabBar()
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == title)
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(index).center())
    assert dialog.tabs.currentIndex() == index


def shown(dialog: SettingsDialog) -> list[str]:
    """Every text the dialog shows, in labels and fields."""
    widgets = [*dialog.findChildren(QLabel), *dialog.findChildren(QLineEdit)]
    return [w.text() for w in widgets if w.isVisible() and w.text()]


def test_the_listener_page_on_a_shared_store_points_to_the_receivers_url(
    qtbot, windows, tmp_path, postgres_url
):
    window = open_on_shared_store(windows, tmp_path / "ann", postgres_url)
    dialog = open_settings(qtbot, window)
    click_tab(qtbot, dialog, "Listener")
    token = dialog.listener_form.values["path_token"]

    texts = shown(dialog)
    assert not [text for text in texts if token in text or "/callbacks/" in text]
    assert not [text for text in texts if text.startswith("Not listening")]
    assert "Configure this URL on the provider account." not in texts
    (note,) = [text for text in texts if "team's receivers" in text]
    assert "the URL to give the provider is the receivers' URL" in note
    assert "Team mode, step 7" in note
    assert "not this console's" in note

    # This console listens too: its URL is shown again, with the caution.
    click_tab(qtbot, dialog, "Workspace")
    embedded = dialog.workspace_page.embedded
    qtbot.mouseClick(embedded, Qt.MouseButton.LeftButton, pos=QPoint(8, embedded.height() // 2))
    assert embedded.isChecked()
    click_tab(qtbot, dialog, "Listener")
    form = dialog.listener_form
    texts = shown(dialog)
    assert not [text for text in texts if "team's receivers" in text and "step 7" in text]
    assert form.url.isVisible()
    assert form.url.text() == f"http://127.0.0.1:(port chosen at start)/callbacks/{MASK}"
    assert "Not listening: not started; it starts after OK or Apply" in texts
    (caution,) = [text for text in texts if "one URL per account" in text]
    assert "takes the callbacks away from the team's receivers" in caution

    apply = dialog.buttons.button(QDialogButtonBox.StandardButton.Apply)
    qtbot.mouseClick(apply, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.waitUntil(lambda: form.listening.text().startswith("Listening on"), timeout=10_000)
    running = form.listening.text().removeprefix("Listening on ")
    assert running.startswith("http://127.0.0.1:")
    assert running.endswith(f"/callbacks/{MASK}")
    assert form.url.text() == running
    assert [text for text in shown(dialog) if "one URL per account" in text]
    assert window.listener_status.text() == "● Receiving callbacks"

    # Its URL, a click away in the status bar, comes with the same caution.
    dialog.reject()
    qtbot.mouseClick(window.listener_status, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in window.findChildren(QDialog, "callbackUrlDialog"))
    )
    (url_dialog,) = [d for d in window.findChildren(QDialog, "callbackUrlDialog") if d.isVisible()]
    caution = url_dialog.findChild(QLabel, "sharedCaution")
    assert caution.isVisible()
    assert "takes every receipt and reply away from them" in caution.text()


def test_the_status_bar_receivers_item_lists_each_receiver(
    qtbot, windows, tmp_path, postgres_url, monkeypatch
):
    monkeypatch.setattr(session_shared, "RECEIVERS_INTERVAL", 0.1)
    with PostgresStore(postgres_url) as store:
        now = time.time()
        store.receiver_beat(ReceiverBeat("rx-1", "gateway-1", 812, now - 60, now, now - 3))
    window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(postgres_url))
    status = window.listener_status
    qtbot.waitUntil(lambda: status.text().startswith("Receipts via 1 receiver"), timeout=10_000)

    qtbot.mouseClick(status, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in window.findChildren(ReceiversDialog)), timeout=5000
    )
    (dialog,) = [d for d in window.findChildren(ReceiversDialog) if d.isVisible()]
    assert dialog.windowTitle() == "Receivers"
    assert not [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    table = dialog.findChild(QTreeWidget)
    header = table.headerItem()
    assert [header.text(i) for i in range(table.columnCount())] == [
        "Host", "PID", "Started", "Last callback", "Last seen", "State"
    ]  # fmt: skip
    row = table.topLevelItem(0)
    assert (row.text(0), row.text(1), row.text(5)) == ("gateway-1", "812", "healthy")
    assert row.text(3).endswith("s ago")
    assert [
        label for label in dialog.findChildren(QLabel) if "sms-console db status" in label.text()
    ]

    # A receiver gone quiet shows up while the dialog is open, marked stale.
    with PostgresStore(postgres_url) as store:
        now = time.time()
        store.receiver_beat(ReceiverBeat("rx-2", "gateway-2", 913, now - 900, now - 120, None))
    qtbot.waitUntil(lambda: table.topLevelItemCount() == 2, timeout=10_000)
    stale = table.findItems("gateway-2", Qt.MatchFlag.MatchExactly, 0)[0]
    assert stale.text(3) == "never"
    assert stale.text(5).startswith("STALE")

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def test_the_receivers_list_keeps_its_rows_while_the_store_is_out_of_reach(
    qtbot, windows, tmp_path, monkeypatch
):
    monkeypatch.setattr(session_shared, "RECEIVERS_INTERVAL", 0.2)
    with scratch_server() as server:
        url = migrated_database(server)
        with PostgresStore(url) as store:
            now = time.time()
            store.receiver_beat(ReceiverBeat("rx-1", "gateway-1", 812, now - 60, now, now - 3))
        window = windows.open(tmp_path / "ann", store=StoreLocation.postgresql(url))
        status = window.listener_status
        qtbot.waitUntil(lambda: status.text().startswith("Receipts via 1 receiver"), timeout=10_000)
        qtbot.mouseClick(status, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: any(d.isVisible() for d in window.findChildren(ReceiversDialog)), timeout=5000
        )
        (dialog,) = [d for d in window.findChildren(ReceiversDialog) if d.isVisible()]
        read_at = dialog.summary.text().partition(", read at ")[2][:19]
        assert read_at.startswith(time.strftime("%Y-"))

        server.stop()
        qtbot.waitUntil(lambda: status.text() == "Receivers not known", timeout=20_000)
        qtbot.waitUntil(lambda: "As last read" in dialog.summary.text(), timeout=5000)
        summary = dialog.summary.text()
        assert "1970" not in summary
        assert "Receivers not known: shared store unreachable" in summary
        table = dialog.findChild(QTreeWidget)
        assert table.topLevelItemCount() == 1
        assert table.topLevelItem(0).text(0) == "gateway-1"
        dialog.reject()

        # Opened again while it is still out of reach: the same rows, said to be old.
        qtbot.mouseClick(status, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: any(d.isVisible() for d in window.findChildren(ReceiversDialog)), timeout=5000
        )
        (again,) = [d for d in window.findChildren(ReceiversDialog) if d.isVisible()]
        assert "As last read" in again.summary.text()
        assert again.findChild(QTreeWidget).topLevelItemCount() == 1
        again.reject()


def test_an_operator_login_cannot_store_callbacks_and_the_status_bar_says_so(
    qtbot, windows, tmp_path, postgres_server
):
    with (
        team_database(postgres_server) as database,
        team_login(postgres_server, "sms_operator") as alice,
    ):
        url = postgres_server.url(database, alice)
        data_dir = tmp_path / "alice"
        window = open_on_shared_store(windows, data_dir, url)
        dialog = open_settings(qtbot, window)
        click_tab(qtbot, dialog, "Workspace")
        page = dialog.workspace_page
        # The page names the role it takes before it is turned on.
        assert "GRANT sms_receiver TO" in page.embedded_note.text()
        qtbot.mouseClick(page.embedded, Qt.MouseButton.LeftButton, pos=QPoint(8, 8))
        with qtbot.waitSignal(window.listenerRestarted, timeout=10_000):
            ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
            qtbot.mouseClick(ok, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
        status = window.listener_status
        qtbot.waitUntil(lambda: status.text() == "● Receiving callbacks", timeout=10_000)
        callback = listener_url(window)

        def reply(n: int) -> int:
            fields = {
                "type": "MO",
                "message_id": f"MO-alice-{n}",
                "shortcode": "12345",
                "phone_number": "12025550177",
                "carrier": "31",
                "message": "Are you open on Sunday?",
            }

            async def post() -> int:
                async with httpx.AsyncClient(timeout=10) as client:
                    return (await client.post(callback, data=fields)).status_code

            return int(windows.run(post()))

        assert reply(1) == 503
        qtbot.waitUntil(lambda: status.text() == "● Callbacks not stored", timeout=5000)
        assert scheme().error in status.styleSheet()
        assert "permission denied" in status.toolTip()
        assert "GRANT sms_receiver TO" in status.toolTip()

        # Granted as the README says: stored again, and said so.
        postgres_server.execute(f"GRANT sms_receiver TO {alice}")
        qtbot.waitUntil(lambda: reply(2) == 200, timeout=10_000)
        qtbot.waitUntil(lambda: status.text() == "● Receiving callbacks", timeout=5000)
        assert scheme().ok in status.styleSheet()
        windows.close(window)
