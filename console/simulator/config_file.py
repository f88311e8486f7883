"""Reading simulator settings from a JSON or TOML file.

The file mirrors :class:`SimulatorSettings`; keys are the field names. Example (TOML)::

    port = 8787
    seed = 7
    default_carrier_id = 4

    [[accounts]]
    login = "demo"
    password = "demo"
    senders = ["12345", "ACME"]
    rate_per_second = 5
    max_length = 480

    [[carriers]]
    carrier_id = 3
    name = "Demo UK Mobile"
    allows_alphanumeric_sender = true
    prefixes = ["44"]

    [faults]
    p_internal_error = 0.05

    [callbacks]
    url = "http://127.0.0.1:8080/callbacks"
    dr_delay = 1.5
    [callbacks.final_weights]
    delivered = 90
    undeliverable = 10

Unknown keys are errors, so a typo does not silently fall back to a default.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from console.simulator.config import (
    Account,
    CallbackSettings,
    Carrier,
    FaultSettings,
    FinalOutcome,
    SimulatorSettings,
)


class ConfigFileError(ValueError):
    """The settings file cannot be read or does not describe valid settings."""


def load_settings_file(path: Path) -> SimulatorSettings:
    """Read a ``.json`` or ``.toml`` settings file (any other suffix is read as TOML)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigFileError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        if path.suffix.lower() == ".json":
            data: object = json.loads(raw.decode("utf-8"))
        else:
            data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigFileError(f"{path}: {exc}") from exc
    try:
        return settings_from_mapping(data)
    except ValueError as exc:
        raise ConfigFileError(f"{path}: {exc}") from exc


def settings_from_mapping(data: object) -> SimulatorSettings:
    """Build settings from already parsed JSON/TOML data."""
    table = _table(data, "the file")
    _reject_unknown(table, _TOP_KEYS, "the file")
    options: dict[str, Any] = {}
    if "host" in table:
        options["host"] = _string(table["host"], "host")
    for key in ("port", "default_carrier_id", "seed", "journal_limit"):
        if key in table:
            options[key] = _integer(table[key], key)
    if "accounts" in table:
        options["accounts"] = tuple(
            _account(item, f"accounts[{index}]")
            for index, item in enumerate(_array(table["accounts"], "accounts"))
        )
    if "carriers" in table:
        options["carriers"] = tuple(
            _carrier(item, f"carriers[{index}]")
            for index, item in enumerate(_array(table["carriers"], "carriers"))
        )
    if "faults" in table:
        options["faults"] = _faults(table["faults"])
    if "callbacks" in table:
        options["callbacks"] = _callbacks(table["callbacks"])
    return SimulatorSettings(**options)


_TOP_KEYS = frozenset(
    {
        "host",
        "port",
        "seed",
        "journal_limit",
        "default_carrier_id",
        "accounts",
        "carriers",
        "faults",
        "callbacks",
    }
)
_ACCOUNT_KEYS = frozenset(
    {"login", "password", "senders", "rate_per_second", "max_length", "burst"}
)
_CARRIER_KEYS = frozenset({"carrier_id", "name", "allows_alphanumeric_sender", "prefixes"})
_FAULT_FLOATS = ("p_internal_error", "p_other_error", "p_drop", "p_slow", "slow_seconds")
_CALLBACK_FLOATS = (
    "dr_delay",
    "p_duplicate_dr",
    "p_reorder",
    "p_reply",
    "p_mms_reply",
    "retry_interval",
    "timeout",
)
_CALLBACK_KEYS = frozenset({*_CALLBACK_FLOATS, "url", "final_weights", "retry_count"})


def _account(data: object, where: str) -> Account:
    table = _table(data, where)
    _reject_unknown(table, _ACCOUNT_KEYS, where)
    for key in ("login", "password", "senders"):
        if key not in table:
            raise ValueError(f"{where}: {key} is required")
    options: dict[str, Any] = {
        "login": _string(table["login"], f"{where}.login"),
        "password": _string(table["password"], f"{where}.password"),
        "senders": _strings(table["senders"], f"{where}.senders"),
    }
    for key in ("rate_per_second", "burst"):
        if key in table:
            options[key] = _number(table[key], f"{where}.{key}")
    if "max_length" in table:
        options["max_length"] = _integer(table["max_length"], f"{where}.max_length")
    return Account(**options)


def _carrier(data: object, where: str) -> Carrier:
    table = _table(data, where)
    _reject_unknown(table, _CARRIER_KEYS, where)
    for key in ("carrier_id", "allows_alphanumeric_sender"):
        if key not in table:
            raise ValueError(f"{where}: {key} is required")
    allows = table["allows_alphanumeric_sender"]
    if not isinstance(allows, bool):
        raise ValueError(f"{where}.allows_alphanumeric_sender must be true or false")
    carrier_id = _integer(table["carrier_id"], f"{where}.carrier_id")
    return Carrier(
        carrier_id=carrier_id,
        name=_string(table.get("name", f"Carrier {carrier_id}"), f"{where}.name"),
        allows_alphanumeric_sender=allows,
        prefixes=_strings(table.get("prefixes", []), f"{where}.prefixes"),
    )


def _faults(data: object) -> FaultSettings:
    table = _table(data, "faults")
    _reject_unknown(table, frozenset(_FAULT_FLOATS), "faults")
    return FaultSettings(**{key: _number(value, f"faults.{key}") for key, value in table.items()})


def _callbacks(data: object) -> CallbackSettings:
    table = _table(data, "callbacks")
    _reject_unknown(table, _CALLBACK_KEYS, "callbacks")
    options: dict[str, Any] = {
        key: _number(table[key], f"callbacks.{key}") for key in _CALLBACK_FLOATS if key in table
    }
    if "url" in table:
        options["url"] = _string(table["url"], "callbacks.url")
    if "retry_count" in table:
        options["retry_count"] = _integer(table["retry_count"], "callbacks.retry_count")
    if "final_weights" in table:
        weights = _table(table["final_weights"], "callbacks.final_weights")
        options["final_weights"] = parse_final_weights(
            {key: _number(value, f"final_weights.{key}") for key, value in weights.items()}
        )
    return CallbackSettings(**options)


def parse_final_weights(raw: dict[str, float]) -> dict[FinalOutcome, float]:
    """Turn ``{"delivered": 90, ...}`` into outcome weights; unnamed outcomes weigh 0."""
    weights = dict.fromkeys(FinalOutcome, 0.0)
    for name, weight in raw.items():
        try:
            outcome = FinalOutcome(name)
        except ValueError:
            known = ", ".join(outcome.value for outcome in FinalOutcome)
            raise ValueError(f"unknown final outcome {name!r} (known: {known})") from None
        weights[outcome] = weight
    return weights


def _reject_unknown(table: dict[str, object], known: frozenset[str], where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}")


def _table(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be a table/object")
    return {str(key): item for key, item in value.items()}


def _array(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise ValueError(f"{where} must be an array")
    return list(value)


def _string(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where} must be a string")
    return value


def _strings(value: object, where: str) -> tuple[str, ...]:
    return tuple(
        _string(item, f"{where}[{index}]") for index, item in enumerate(_array(value, where))
    )


def _integer(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where} must be an integer")
    return value


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where} must be a number")
    return float(value)
