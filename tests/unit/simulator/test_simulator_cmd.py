"""``sms-console simulator`` options turned into settings."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from console.cli import simulator_cmd
from console.simulator import FinalOutcome


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sms-console")
    simulator_cmd.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["simulator", *argv])


def test_register_sets_run() -> None:
    assert parse().run is simulator_cmd.run


def test_no_options_give_the_demo_defaults() -> None:
    settings = simulator_cmd.settings_from_args(parse())
    [account] = settings.accounts
    assert (account.login, account.password, account.senders) == ("demo", "demo", ("12345",))
    assert settings.host == "127.0.0.1"
    assert settings.port == 0
    assert settings.callbacks.url is None
    assert settings.callbacks.retry_interval == 600
    assert settings.callbacks.retry_count == 25


def test_options_reach_the_settings() -> None:
    args = parse(
        "--port=8787",
        "--seed=3",
        "--login=shop",
        "--password=pw",
        "--sender=111",
        "--sender=SHOP",
        "--rate=2.5",
        "--max-length=160",
        "--callback-url=http://127.0.0.1:9/cb",
        "--p-internal-error=0.1",
        "--p-other-error=0.05",
        "--p-drop=0.2",
        "--p-slow=0.3",
        "--slow-seconds=4",
        "--dr-delay=0.5",
        "--p-duplicate-dr=0.4",
        "--p-reorder=0.6",
        "--p-reply=0.7",
        "--p-mms-reply=0.8",
        "--final-weights=delivered=3,rejected=1",
        "--callback-retry-interval=0.1",
        "--callback-retry-count=2",
        "--callback-timeout=1.5",
    )
    settings = simulator_cmd.settings_from_args(args)
    assert settings.port == 8787
    assert settings.seed == 3
    demo, shop = settings.accounts
    assert demo.login == "demo"
    assert (shop.login, shop.password, shop.senders) == ("shop", "pw", ("111", "SHOP"))
    assert (shop.rate_per_second, shop.max_length) == (2.5, 160)
    faults = settings.faults
    assert (faults.p_internal_error, faults.p_other_error, faults.p_drop) == (0.1, 0.05, 0.2)
    assert (faults.p_slow, faults.slow_seconds) == (0.3, 4.0)
    callbacks = settings.callbacks
    assert callbacks.url == "http://127.0.0.1:9/cb"
    assert (callbacks.dr_delay, callbacks.p_duplicate_dr, callbacks.p_reorder) == (0.5, 0.4, 0.6)
    assert (callbacks.p_reply, callbacks.p_mms_reply) == (0.7, 0.8)
    assert callbacks.final_weights[FinalOutcome.DELIVERED] == 3
    assert callbacks.final_weights[FinalOutcome.EXPIRED] == 0
    assert (callbacks.retry_interval, callbacks.retry_count, callbacks.timeout) == (0.1, 2, 1.5)


def test_options_override_the_file_and_change_the_named_account(tmp_path: Path) -> None:
    path = tmp_path / "sim.toml"
    path.write_text(
        "port = 1234\n[faults]\np_drop = 0.5\n"
        "[[accounts]]\nlogin = 'demo'\npassword = 'file'\nsenders = ['999']\nmax_length = 70\n",
        encoding="utf-8",
    )
    settings = simulator_cmd.settings_from_args(
        parse("--config", str(path), "--port=0", "--rate=7")
    )
    assert settings.port == 0
    assert settings.faults.p_drop == 0.5
    [account] = settings.accounts
    assert (account.password, account.senders) == ("file", ("999",))
    assert (account.rate_per_second, account.max_length) == (7.0, 70)


@pytest.mark.parametrize(
    "option",
    ["--port=70000", "--p-drop=1.5", "--rate=0", "--final-weights=lost=1", "--max-length=0"],
)
def test_bad_option_values_are_refused_by_the_parser(
    option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse(option)
    assert exit_info.value.code == 2
    assert option.split("=")[0] in capsys.readouterr().err


def test_bad_settings_exit_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = parse("--callback-url=ftp://nowhere", "--final-weights=delivered=0")
    assert simulator_cmd.run(args, tmp_path) == 2
    assert "sms-console simulator:" in capsys.readouterr().err
