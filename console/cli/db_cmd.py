"""``sms-console db``: the store's schema (migrate, status), a shared store's password in
the keychain, and the PostgreSQL roles of team mode."""

from __future__ import annotations

import argparse
import json
import os
import time
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path

from console.cli.common import CliError, ExitCode, Subparsers, read_password
from console.cli.receivers_health import receivers_json, receivers_text
from console.cli.store_option import STORE_ENV, connectable, store_errors
from console.keychain import Keychain, KeychainError, NoKeychain
from console.keychain.database import (
    delete_database_password,
    libpq_has_password,
    store_database_password,
    target_of,
)
from console.store import open_store
from console.store.location import StoreLocation
from console.store.postgres.open_failure import open_failure
from console.store.receivers import ReceiverBeat
from console.store.schema_versions import SchemaState, migrate_store, schema_state

ROLES_SQL = "roles.sql"


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "db",
        help="the message store's schema, a shared store's password, team mode's roles",
        description=(
            "Create or upgrade the store's schema (migrate), show its version against this "
            "program's (status), keep a PostgreSQL store's password in the keychain "
            "(password), or print the SQL of team mode's database roles (roles). The store "
            f"is the one --store or ${STORE_ENV} names, else the data directory's."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser(
        "migrate",
        help="create or upgrade the schema (PostgreSQL: as the database's owner)",
        description=(
            "Apply the migrations the store lacks and say which, or that it was already "
            "current. Runs started together on one database apply each step once. A SQLite "
            "store also upgrades itself whenever a command opens it."
        ),
    )
    status = actions.add_parser(
        "status",
        help="the store's schema version, this program's, and what is pending",
        description=(
            "Exit status 0 when this program can use the store as it is; 4 when it cannot "
            "(a shared store awaiting 'db migrate', or a store written by a newer program)."
        ),
    )
    status.add_argument("--json", action="store_true", help="one JSON object")
    password = actions.add_parser(
        "password",
        help="keep a PostgreSQL store's password in the keychain, or delete it",
        description=(
            "The keychain entry is filed per server, port, database and user. PGPASSWORD "
            "and libpq's password file (~/.pgpass), when they hold one, come first."
        ),
    )
    password_actions = password.add_subparsers(dest="password_action", metavar="ACTION")
    password_actions.required = True
    password_set = password_actions.add_parser(
        "set",
        help="ask for the password and keep it",
        description=(
            "Asks for the password without echo; reads it from the first line of standard "
            "input instead when that is not a terminal, or with --password-stdin."
        ),
    )
    password_set.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    password_actions.add_parser("delete", help="delete the kept password")
    actions.add_parser("roles", help="print the SQL that makes team mode's database roles")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, data_dir: Path) -> int:
    location: StoreLocation = args.store
    if args.action == "roles":
        print(files("console.store.postgres").joinpath(ROLES_SQL).read_text("utf-8"), end="")
        return ExitCode.OK
    if args.action == "password":
        return _password(args, location)
    if args.action == "migrate":
        return _migrate(connectable(location), location.describe())
    return _status(connectable(location), location.describe(), as_json=args.json)


def _migrate(location: StoreLocation, where: str) -> int:
    applied, state = migrate_store(location)
    if applied:
        versions = ", ".join(map(str, applied))
        plural = "s" if len(applied) > 1 else ""
        print(f"applied version{plural} {versions} to {where}; now at version {state.version}")
    else:
        print(f"already at version {state.version}: {where}")
    return ExitCode.OK


def _status(location: StoreLocation, where: str, *, as_json: bool) -> int:
    try:
        state = schema_state(location)
    except store_errors(location) as exc:
        if as_json:
            # A script reading standard output still gets one object; the words and the
            # exit status are the command line's usual ones.
            reason = open_failure(exc, location) if location.url else str(exc)
            print(json.dumps({"store": where, "usable": False, "reason": reason}))
        raise
    # Read only from a store on this program's schema: opening a SQLite one that is not
    # would upgrade it, and a status changes nothing.
    beats = _receivers(location) if not state.problem and not state.pending else None
    now = time.time()
    if as_json:
        print(json.dumps(_as_json(state, where) | {"receivers": receivers_json(beats, now)}))
    else:
        print(f"store: {where} ({'PostgreSQL' if state.kind == 'postgresql' else 'SQLite'})")
        print(f"schema version: {state.version or 'none yet'}")
        print(f"this program: {_program_version()}, schema version {state.program}")
        print(f"pending migrations: {_pending_words(state)}")
        if state.problem:
            print(f"cannot use it: {state.problem}")
        for line in receivers_text(beats, now):
            print(line)
    return ExitCode.INCOMPATIBLE_STORE if state.problem else ExitCode.OK


def _receivers(location: StoreLocation) -> list[ReceiverBeat]:
    with open_store(location) as store:
        return store.receivers()


def _pending_words(state: SchemaState) -> str:
    if state.newer:
        return "none (the store is newer than this program)"
    if not state.pending:
        return "none"
    versions = ", ".join(map(str, state.pending))
    if state.kind == "sqlite":
        return f"{versions} (applied when the store is next opened, or by 'db migrate')"
    return f"{versions} (run 'sms-console db migrate' as the database's owner)"


def _as_json(state: SchemaState, where: str) -> dict[str, object]:
    return {
        "store": where,
        "kind": state.kind,
        "schema_version": state.version,
        "program_version": _program_version(),
        "program_schema_version": state.program,
        "pending": list(state.pending),
        "newer": state.newer,
        "usable": state.problem is None,
        "problem": state.problem,
    }


def _program_version() -> str:
    try:
        return version("sms-operator-console")
    except PackageNotFoundError:
        return "unknown"


def _password(args: argparse.Namespace, location: StoreLocation) -> int:
    if location.kind != "postgresql":
        raise CliError(
            "db password: the store is a SQLite file, which has no password; name a "
            f"PostgreSQL store with --store or ${STORE_ENV}"
        )
    target = target_of(location, os.environ)
    entry = f"{target.user}@{target.host}:{target.port}/{target.dbname}"
    # The command ends at once: a password kept for its session only would be lost.
    keychain = Keychain(session_fallback=False)
    try:
        if args.password_action == "set":  # noqa: S105 (an action's name)
            password = read_password(args.password_stdin)
            store_database_password(target, password, keychain)
            print(f"stored: the password of {entry} ({keychain.backend_name()})")
            if libpq_has_password(target, os.environ, Path.home()):
                print("note: PGPASSWORD or the password file has one for it, and comes first")
        else:
            existed = delete_database_password(target, keychain)
            print("deleted" if existed else "no password was stored")
    except NoKeychain:
        raise CliError(
            "no keychain is available here, so no password is kept in it; set PGPASSWORD "
            "or add a line to ~/.pgpass instead",
            ExitCode.UNAVAILABLE,
        ) from None
    except KeychainError as exc:
        raise CliError(str(exc), ExitCode.UNAVAILABLE) from None
    return ExitCode.OK
