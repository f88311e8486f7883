"""What the subcommands share: exit codes, errors, profile and credential loading."""

from __future__ import annotations

import argparse
import getpass
import sys
from enum import IntEnum
from pathlib import Path
from typing import TypeAlias

from console.keychain import Credentials, CredentialsUnavailable, load_credentials
from console.paths import settings_path
from console.settings import Profile, SettingsError, load_settings

# argparse's subparser handle has no public type name.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class ExitCode(IntEnum):
    OK = 0
    NOT_ACCEPTED = 1
    BAD_INPUT = 2
    UNAVAILABLE = 3
    # The store's schema is not the one this program is built for (older or newer).
    INCOMPATIBLE_STORE = 4
    # The number is on the opt-out list: nothing was sent to it.
    OPTED_OUT = 5
    INTERRUPTED = 130


class CliError(Exception):
    """A problem to report in one line, with the exit status that goes with it."""

    def __init__(self, message: str, exit_code: ExitCode = ExitCode.BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# Argument types: each refuses a bad value with a message naming it.


def port_number(text: str) -> int:
    value = whole_number(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0 to 65535)")
    return value


def positive_int(text: str) -> int:
    value = whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def non_negative_int(text: str) -> int:
    value = whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be 0 or more")
    return value


def whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def finite_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def non_negative_float(text: str) -> float:
    value = finite_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be 0 or more")
    return value


def positive_float(text: str) -> float:
    value = finite_number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0")
    return value


def probability(text: str) -> float:
    value = finite_number(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a probability (0 to 1)")
    return value


def load_profile(data_dir: Path, name: str | None) -> Profile:
    try:
        return load_settings(settings_path(data_dir)).profile(name)
    except SettingsError as exc:
        raise CliError(str(exc), ExitCode.UNAVAILABLE) from None


def credentials_for(profile: Profile) -> Credentials:
    try:
        return load_credentials(profile.name, profile.login)
    except CredentialsUnavailable as exc:
        raise CliError(f"no credentials: {exc}", ExitCode.UNAVAILABLE) from None


def read_password(from_stdin: bool) -> str:
    """A password from one line of standard input (asked for, or when that is no
    terminal: a pipe, a file), else asked for on the terminal without echo.

    Raises:
        CliError: none was given.
    """
    if from_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        try:
            password = getpass.getpass("Password: ")
        except EOFError:
            password = ""
    if not password:
        raise CliError("no password given")
    return password
