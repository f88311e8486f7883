"""``--operator NAME`` and ``SMS_CONSOLE_OPERATOR``: who is recorded as doing what a
subcommand or the window does (the messages sent, the audit trail's entries).

Without either it is the settings' operator name, else the operating system's user name.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from console.identity import OPERATOR_ENV, Actor, current_actor
from console.paths import settings_path
from console.settings import MAX_NAME_LENGTH, SettingsError, load_settings


def operator_arg(text: str) -> str:
    name = text.strip()
    if not name:
        raise argparse.ArgumentTypeError("an operator name cannot be blank")
    if len(name) > MAX_NAME_LENGTH or not name.isprintable():
        raise argparse.ArgumentTypeError(
            f"an operator name has at most {MAX_NAME_LENGTH} characters, none of them control"
            " characters"
        )
    return name


def add_operator_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--operator",
        type=operator_arg,
        metavar="NAME",
        help=(
            "who is recorded as sending the messages and doing what the audit trail lists, "
            "for a command or the window; "
            f"default: ${OPERATOR_ENV}, else the settings' operator name, else your user name"
        ),
    )


def cli_actor(args: argparse.Namespace, data_dir: Path) -> Actor:
    """The operator (``--operator``, the environment, the settings, the system's user
    name, in that order) and this computer's name."""
    try:
        setting = load_settings(settings_path(data_dir)).operator_name
    except SettingsError:
        # A command that needs the settings says what is wrong with them; this one only
        # falls back to the user name.
        setting = ""
    return current_actor(args.operator, os.environ, setting)
