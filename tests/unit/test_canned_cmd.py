"""``sms-console canned list | export | import``, in-process on the data directory's SQLite
store (the store's own behaviour on both backends: tests/unit/store/test_canned.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli.main import main
from console.paths import database_path
from console.store.sqlite import SqliteStore


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SMS_CONSOLE_STORE", "SMS_CONSOLE_OPERATOR"):
        monkeypatch.delenv(name, raising=False)


def run(data_dir: Path, *args: str) -> int:
    return main(["--data-dir", str(data_dir), *args])


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def stored(data_dir: Path) -> list[tuple[str, str, str | None]]:
    with SqliteStore(database_path(data_dir)) as store:
        return [(c.name, c.text, c.updated_by) for c in store.canned_replies()]


def test_import_then_list_and_export_round_trip(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(
        tmp_path / "in.json",
        {
            "version": 1,
            "canned_replies": [
                {"name": "Shipped", "text": "Order {field:Order number} left today, {number}."},
                {"name": "Hours", "text": "We answer 9 to 5 ({{weekdays}})."},
            ],
        },
    )

    assert run(data_dir, "--operator", "ann", "canned", "import", str(source)) == 0
    assert "2 added" in capsys.readouterr().out

    assert run(data_dir, "canned", "list", "--json") == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["name"], e["updated_by"]) for e in listed] == [("Hours", "ann"), ("Shipped", "ann")]

    target = tmp_path / "out.json"
    assert run(data_dir, "canned", "export", str(target)) == 0
    exported = json.loads(target.read_text("utf-8"))
    assert exported["version"] == 1
    assert {(e["name"], e["text"]) for e in exported["canned_replies"]} == {
        (e["name"], e["text"]) for e in json.loads(source.read_text("utf-8"))["canned_replies"]
    }

    with SqliteStore(database_path(data_dir)) as store:
        (entry,) = store.audit()
    assert (entry.action, entry.operator, entry.detail) == (
        "canned",
        "ann",
        "imported in.json: 2 added",
    )


def test_a_name_in_use_is_skipped_unless_replace(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write(
        tmp_path / "a.json", {"version": 1, "canned_replies": [{"name": "Hi", "text": "one"}]}
    )
    second = write(
        tmp_path / "b.json", {"version": 1, "canned_replies": [{"name": "HI", "text": "two"}]}
    )
    assert run(data_dir, "--operator", "ann", "canned", "import", str(first)) == 0
    capsys.readouterr()

    assert run(data_dir, "--operator", "bob", "canned", "import", str(second)) == 0
    out = capsys.readouterr().out
    assert "1 skipped (name in use)" in out
    assert "kept as it was (use --replace): Hi" in out
    assert stored(data_dir) == [("Hi", "one", "ann")]

    assert run(data_dir, "--operator", "bob", "canned", "import", "--replace", str(second)) == 0
    assert "1 replaced" in capsys.readouterr().out
    assert stored(data_dir) == [("HI", "two", "bob")]


def test_a_bad_file_is_refused_whole_with_each_problem_placed(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(
        tmp_path / "bad.json",
        {
            "version": 1,
            "canned_replies": [
                {"name": "Fine", "text": "all good"},
                {"name": "Typo", "text": "Dear {nmber}"},
                {"name": "", "text": "x"},
                {"name": "fine", "text": "again"},
            ],
        },
    )

    assert run(data_dir, "canned", "import", str(bad)) == 2

    err = capsys.readouterr().err
    assert "nothing imported" in err
    assert "entry 2, text: at character 6: unknown placeholder {nmber}" in err
    assert "entry 3, name: a name cannot be blank" in err
    assert "entry 4, name: 'fine' is also entry 1's name" in err
    assert stored(data_dir) == []


def test_a_file_that_is_not_json_or_missing_is_said_so(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": 1,', encoding="utf-8")

    assert run(data_dir, "canned", "import", str(broken)) == 2
    assert "not JSON: Expecting property name enclosed in double quotes at line 1" in (
        capsys.readouterr().err
    )
    assert run(data_dir, "canned", "import", str(tmp_path / "absent.json")) == 2
    assert "cannot be read: No such file or directory" in capsys.readouterr().err
