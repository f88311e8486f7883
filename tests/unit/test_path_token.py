"""The listener's path token is made once per data folder, even by receivers that share
the folder and start at the same moment: each gets the one the settings keep."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from console.paths import settings_path
from console.settings import load_settings
from console.settings.listener import ensure_path_token

STARTING = 8


def _start(data_dir: Path, ready: multiprocessing.synchronize.Barrier) -> str:
    ready.wait()
    return ensure_path_token(data_dir).path_token


def test_receivers_starting_together_share_one_token(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    for round_ in range(3):
        data_dir = tmp_path / f"receiver-{round_}"
        data_dir.mkdir()
        with context.Manager() as manager, context.Pool(STARTING) as pool:
            ready = manager.Barrier(STARTING)
            tokens = pool.starmap(_start, [(data_dir, ready)] * STARTING)

        assert set(tokens) == {load_settings(settings_path(data_dir)).listener.path_token}


def test_a_saved_token_is_kept(tmp_path: Path) -> None:
    first = ensure_path_token(tmp_path).path_token

    assert ensure_path_token(tmp_path).path_token == first
    assert len(first) >= 16
