import asyncio

from tests.ui.conftest import run_async


def test_qt_drives_asyncio(qtbot, qloop):
    async def work():
        await asyncio.sleep(0.05)
        return 42

    assert run_async(qtbot, qloop, work()) == 42
