"""Render the main window in demo mode, light and dark, at three sizes, as PNG files.

Run under an X server (``make screenshots`` starts Xvfb) or with QT_QPA_PLATFORM=offscreen:
``python scripts/screenshots.py [--out DIR]``. It sends a few messages through the compose
pane like an operator would (one an MMS, one refused by the provider), waits for their
receipts and for at least one customer reply, selects a message and saves the window.
Then a customer writes twice (once with a picture), the Conversations mode opens their
thread, a reply goes from its reply box, and the window is saved again.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path

import httpx
import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyleFactory

from console import demo
from console.keychain import Keychain
from console.session import Session
from console.settings import Theme
from console.ui.app import start_console, stop_console
from console.ui.main_window import MainWindow
from console.ui.palette import apply_theme

MESSAGES = (
    ("+1 202 555 0143", "12345", "Your order #4411 has shipped and arrives Thursday."),
    ("+44 7700 900123", "ACME", "Reminder: your appointment is tomorrow at 10:30."),
    ("+1 202 555 0178", "12345", "Ihre Bestellung ist unterwegs 🚚 — danke!"),
    ("+33 6 12 34 56 78", "ACME", "Votre code de vérification est 482913."),
    ("+1 202 555 0190", "12345", "Can we call you about your claim today?"),
    ("+1 202 555 0111", "12345", "Thanks for your payment."),
)
REFUSED = ("+1 202 555 0166", "55555", "This sender is not on the account.")


def tiny_png(path: Path) -> Path:
    """A small gradient image to attach, written without any image library."""
    width, height = 48, 32
    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (x * 5, 80 + y * 4, 200))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


async def settle(seconds: float) -> None:
    await asyncio.sleep(seconds)


async def compose_and_send(
    window: MainWindow, to: str, sender: str, text: str, files: tuple[Path, ...] = ()
) -> None:
    pane = window.compose
    pane.recipient.setText(to)
    pane.sender_box.setCurrentText(sender)
    pane.editor.setPlainText(text)
    if files:
        pane.attachment_list.add_files(files)
    await settle(0.3)
    if not pane.request_send():
        raise SystemExit(f"the compose pane refused to send to {to}")
    deadline = time.monotonic() + 20
    while window.sending.pending is not None:
        if time.monotonic() > deadline:
            raise SystemExit("a send did not finish within 20 s")
        await settle(0.1)


async def scenario(window: MainWindow, out: Path, scratch: Path) -> list[Path]:
    simulator = await start_console(window, demo_mode=True)
    try:
        picture = tiny_png(scratch / "parcel.png")
        for number, (to, sender, text) in enumerate(MESSAGES):
            files = (picture,) if number == 1 else ()
            await compose_and_send(window, to, sender, text, files)
        await compose_and_send(window, *REFUSED)
        deadline = time.monotonic() + 30
        while not window.session.store.replies(limit=1) and time.monotonic() < deadline:
            await compose_and_send(window, *MESSAGES[-1])
            await settle(2.0)
        await settle(6.0)  # receipts arrive a second or two apart
        window.compose.recipient.setText("+1 202 555 01")
        window.compose.editor.setPlainText("Hi Sam, your parcel 📦 is on its way.")
        window.select_message(_first_outbound_with_receipts(window))
        await settle(0.5)
        saved = []
        for theme in (Theme.LIGHT, Theme.DARK):
            name = apply_theme(theme).name
            for width, height in SIZES:
                window.resize(width, height)
                await settle(0.5)
                path = out / f"main-window-{width}x{height}-{name}.png"
                window.grab().save(str(path))
                saved.append(path)
        await conversation(window, picture)
        for theme in (Theme.LIGHT, Theme.DARK):
            name = apply_theme(theme).name
            for width, height in SIZES[:2]:
                window.resize(width, height)
                await settle(0.5)
                path = out / f"conversation-{width}x{height}-{name}.png"
                window.grab().save(str(path))
                saved.append(path)
        return saved
    finally:
        await stop_console(window, simulator)


CUSTOMER = "12025550143"
CUSTOMER_WRITES = (
    ("Thanks! Could you leave it with my neighbour at number 12?", None),
    ("This is the door, the blue one", "image/png"),
)
REPLY = "Of course, we will leave it at number 12 and text you when it is there."


async def conversation(window: MainWindow, picture: Path) -> None:
    """The first customer writes back (the second time with a picture), as the provider
    posts it; the operator opens the thread and replies from its box."""
    url = window.session.listener_state.url
    if url is None:
        raise SystemExit("the listener is not running")
    content = base64.b64encode(await asyncio.to_thread(picture.read_bytes)).decode()
    async with httpx.AsyncClient(timeout=10) as client:
        for number, (text, kind) in enumerate(CUSTOMER_WRITES):
            fields = {
                "type": "MO",
                "message_id": f"MO-shot-{number}",
                "shortcode": "12345",
                "phone_number": CUSTOMER,
                "message": text,
            }
            if kind is not None:
                fields["mms_attachment[0].content_type"] = kind
                fields["mms_attachment[0].content"] = content
            (await client.post(url, data=fields)).raise_for_status()
            await settle(1.0)
    # A teammate handles another customer's thread.
    store = window.session.store
    other = store.thread_for("33612345678", "ACME", "ann")
    if other is not None:
        store.claim_thread(other.id, "ann", time.time() + 900, time.time())
        # What a shared store's change feed would tell.
        window.conversations.pane.threads_changed([other.id])
    window.compose.editor.clear()
    window.conversations.show_conversations()
    pane = window.conversations.pane
    await settle(1.0)
    if not pane.open_thread_of("MO-shot-1"):
        raise SystemExit("the customer's thread is not listed")
    pane.reply_box.editor.setPlainText(REPLY)
    await settle(0.3)
    if not pane.reply_box.request_send():
        raise SystemExit("the reply box refused to send")
    await settle(6.0)  # its receipts
    pane.reply_box.editor.setPlainText("Anything else I can ")


# A small laptop, a common office screen, a large one.
SIZES = ((1024, 700), (1280, 800), (1920, 1080))


def _first_outbound_with_receipts(window: MainWindow) -> str:
    store = window.session.store
    for message in store.messages(limit=20):
        if len(store.receipts(message.message_id)) >= 2:
            return message.message_id
    return store.messages(limit=1)[0].message_id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setStyle(QStyleFactory.create("Fusion"))
    app.setQuitOnLastWindowClosed(False)
    with tempfile.TemporaryDirectory(prefix="sms-console-shots-") as scratch:
        data_dir = Path(scratch) / "data"
        data_dir.mkdir()
        demo.prepare_settings(data_dir)
        window = MainWindow(Session(data_dir), Keychain(), demo_mode=True)
        window.resize(1440, 880)
        window.show()
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            saved = loop.run_until_complete(scenario(window, args.out, Path(scratch)))
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
