"""On a shared store, a console hears of the canned replies another one changes."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_session import wait_for
from tests.unit.test_session_shared import console, folder


async def test_a_console_hears_of_the_canned_replies_another_changes(
    postgres_url: str, tmp_path: Path
) -> None:
    async with (
        console(folder(tmp_path, "alice"), postgres_url) as (alice, _alice_saw),
        console(folder(tmp_path, "bob"), postgres_url) as (bob, _bob_saw),
    ):
        heard: list[str] = []
        bob.on_canned = lambda: heard.append("canned")

        alice.store.save_canned("Thanks", "Thank you, {number}", "alice")

        await wait_for(lambda: bool(heard))
        assert [c.name for c in bob.store.canned_replies()] == ["Thanks"]
        heard.clear()
        alice.store.delete_canned("thanks")
        await wait_for(lambda: bool(heard))
