"""Settings files, JSON and TOML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.simulator import ConfigFileError, FinalOutcome, SimulatorSettings, load_settings_file

TOML = """
port = 8787
seed = 7
default_carrier_id = 3

[[accounts]]
login = "shop"
password = "s3cret"
senders = ["12345", "SHOP"]
rate_per_second = 5
max_length = 480
burst = 2

[[accounts]]
login = "bank"
password = "b4nk"
senders = ["777"]

[[carriers]]
carrier_id = 3
name = "UK"
allows_alphanumeric_sender = true
prefixes = ["44"]

[faults]
p_internal_error = 0.05
p_drop = 0.1

[callbacks]
url = "http://127.0.0.1:9000/cb"
dr_delay = 1.5
retry_count = 3

[callbacks.final_weights]
delivered = 90
rejected = 10
"""


def test_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "sim.toml"
    path.write_text(TOML, encoding="utf-8")
    settings = load_settings_file(path)
    assert settings.port == 8787
    assert settings.seed == 7
    shop, bank = settings.accounts
    assert shop.login == "shop"
    assert shop.senders == ("12345", "SHOP")
    assert shop.rate_per_second == 5.0
    assert shop.max_length == 480
    assert shop.bucket_size == 2.0
    assert bank.rate_per_second == SimulatorSettings().accounts[0].rate_per_second
    assert [carrier.carrier_id for carrier in settings.carriers] == [3]
    assert settings.faults.p_drop == 0.1
    assert settings.faults.p_other_error == 0.0
    assert settings.callbacks.url == "http://127.0.0.1:9000/cb"
    assert settings.callbacks.retry_count == 3
    assert settings.callbacks.final_weights[FinalOutcome.DELIVERED] == 90
    assert settings.callbacks.final_weights[FinalOutcome.EXPIRED] == 0


def test_json_file(tmp_path: Path) -> None:
    path = tmp_path / "sim.json"
    path.write_text(
        json.dumps({"accounts": [{"login": "a", "password": "b", "senders": ["1"]}]}),
        encoding="utf-8",
    )
    settings = load_settings_file(path)
    assert [account.login for account in settings.accounts] == ["a"]
    assert settings.callbacks.retry_count == 25


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("prot = 1", "unknown key"),
        ("port = '8787'", "port must be an integer"),
        ("port = 70000", "port must be between"),
        ("[[accounts]]\nlogin = 'a'\npassword = 'b'", "senders is required"),
        ("[[accounts]]\nlogin = 'a'\npassword = 'b'\nsenders = [1]", "must be a string"),
        ("[faults]\np_drop = 2", "between 0 and 1"),
        ("[callbacks]\nurl = 'ftp://x'", "http://"),
        ("[callbacks.final_weights]\nlost = 1", "unknown final outcome"),
        ("[callbacks.final_weights]\ndelivered = 0", "positive weight"),
        ("default_carrier_id = 99", "default carrier 99"),
        ("port = [", "sim.toml"),
    ],
)
def test_bad_files_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sim.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigFileError, match=message):
        load_settings_file(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError, match="cannot read"):
        load_settings_file(tmp_path / "absent.toml")
