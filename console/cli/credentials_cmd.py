"""``sms-console credentials``: the profile's login and its password in the keychain."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from console.cli.common import CliError, ExitCode, Subparsers, load_profile, read_password
from console.keychain import (
    PASSWORD_ENV,
    CredentialsUnavailable,
    Keychain,
    KeychainError,
    NoKeychain,
    load_credentials,
)
from console.paths import settings_path
from console.settings import load_settings, save_settings, with_profile


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "credentials",
        help="set, show or delete a profile's login and keychain password",
        description=(
            "The login is kept in the profile; the password only in the operating system's "
            "keychain. 'set' asks for the password without echoing it (or reads one line "
            "from standard input with --password-stdin)."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    set_parser = actions.add_parser("set", help="store the login and password")
    set_parser.add_argument("--login", required=True, metavar="L", help="login from the provider")
    set_parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    actions.add_parser("show", help="show the login and whether a password is stored")
    actions.add_parser("delete", help="delete the stored password")
    for sub in actions.choices.values():
        sub.add_argument("--profile", metavar="NAME", help="profile (default: the active one)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, data_dir: Path) -> int:
    profile = load_profile(data_dir, args.profile)
    # The command ends at once: a password kept for its session only would be lost.
    keychain = Keychain(session_fallback=False)
    try:
        if args.action == "set":
            password = read_password(args.password_stdin)
            try:
                keychain.set_blocking(profile.name, args.login, password)
            except NoKeychain:
                raise CliError(
                    "no keychain is available here, so the password was not stored; "
                    f"set {PASSWORD_ENV} instead",
                    ExitCode.UNAVAILABLE,
                ) from None
            path = settings_path(data_dir)
            save_settings(
                path, with_profile(load_settings(path), replace(profile, login=args.login))
            )
            print(
                f"stored: login {args.login!r} of profile {profile.name!r} "
                f"({keychain.backend_name()})"
            )
        elif args.action == "show":
            if not profile.login:
                print(f"profile {profile.name!r} has no login")
                return ExitCode.UNAVAILABLE
            try:
                load_credentials(profile.name, profile.login, keychain)
                stored = "stored"
            except CredentialsUnavailable as exc:
                stored = f"not available: {exc}"
            print(f"profile {profile.name!r}: login {profile.login!r}, password {stored}")
            print(f"keychain: {keychain.backend_name()}")
        else:
            if not profile.login:
                raise CliError(f"profile {profile.name!r} has no login", ExitCode.UNAVAILABLE)
            existed = keychain.delete_blocking(profile.name, profile.login)
            print("deleted" if existed else "no password was stored")
    except KeychainError as exc:
        raise CliError(str(exc), ExitCode.UNAVAILABLE) from None
    return ExitCode.OK
