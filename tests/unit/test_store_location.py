"""Store URLs: what each form names, and the clear refusal of the ones we cannot use."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from psycopg.conninfo import conninfo_to_dict

from console.store.location import (
    PostgresTarget,
    StoreLocation,
    StoreLocationError,
    parse_store_url,
    postgres_target,
)

WEIRD_PASSWORD = "p@ss:w/rd?#&= é%"


def test_sqlite_urls_name_an_absolute_or_a_relative_file() -> None:
    assert parse_store_url("sqlite:///srv/sms/x.sqlite3") == StoreLocation.sqlite(
        Path("/srv/sms/x.sqlite3")
    )
    assert parse_store_url("sqlite:///srv/my%20store.sqlite3").path == Path("/srv/my store.sqlite3")
    relative = parse_store_url("sqlite:stores/x.sqlite3")
    assert relative.path == Path("stores/x.sqlite3")
    assert relative.anchored(Path("/home/op")).path == Path("/home/op/stores/x.sqlite3")
    assert parse_store_url("SQLite:///C:/Stores/x.sqlite3").path == Path("C:/Stores/x.sqlite3")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://db/sms", "unsupported scheme 'mysql'; use sqlite:///path or postgresql://…"),
        ("/srv/x.sqlite3", "not a store URL; use sqlite:///path or postgresql://…"),
        ("", "no URL given"),
        ("sqlite://server/x.sqlite3", "names a file on this computer"),
        ("sqlite:///x.sqlite3?mode=ro", "takes no parameters"),
        ("sqlite:///srv/", "names no file"),
        ("postgresql://db:54x2/sms", "not a number from 1 to 65535"),
        ("postgresql://db:70000/sms", "not a number from 1 to 65535"),
        ("postgresql://db/sms?port=0", "not a number from 1 to 65535"),
        ("postgresql://db/sms?sslmode=always", "sslmode 'always' is not one of disable,"),
        ("postgresql://[::1/sms", "host part cannot be read"),
        ("postgresql://db/sms#x", "no '#' part"),
    ],
)
def test_a_url_we_cannot_use_is_refused_saying_why(url: str, words: str) -> None:
    with pytest.raises(StoreLocationError) as raised:
        parse_store_url(url)
    assert words in str(raised.value)


def test_postgresql_urls_are_kept_as_given_in_libpq_form() -> None:
    for url in (
        "postgresql://ops@db.example:5432/sms?sslmode=verify-full",
        "postgres://ops@db.example/sms",
        "postgresql://ops@db1:5432,db2:5433/sms?target_session_attrs=read-write",
        "postgresql://ops@[2001:db8::1]:5432/sms",
        "postgresql:///sms",
        "postgresql://postgres@/test_1?host=%2Ftmp%2Fpg%2Fsocket",
    ):
        location = parse_store_url(url)
        assert location == StoreLocation.postgresql(url)
        assert location.describe() == url
        conninfo_to_dict(url)  # and libpq reads it


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://ops:{quote(WEIRD_PASSWORD, safe='')}@db/sms",
        "postgresql://ops:hunter22@db/sms",
        "postgres://:hunter22@db/sms",
        "postgresql://ops:@db/sms",
        "postgresql://ops:hunter22@db1,db2/sms",
        "postgres://ops:hunter22/x@db/sms",  # a raw "/" in it
        "postgresql://ops@db/sms?sslmode=require&password=hunter22",
        "postgresql://ops@db/sms?PASSWORD=hunter22",
        "postgresql://ops@db/sms?sslpassword=hunter22",
    ],
)
def test_a_url_with_a_password_is_refused_without_repeating_it(url: str) -> None:
    with pytest.raises(StoreLocationError) as raised:
        parse_store_url(url)
    message = str(raised.value)
    assert message.startswith("the URL carries a password: leave the password out of the URL")
    assert "PGPASSWORD" in message
    assert "~/.pgpass" in message
    assert "sms-console db password set" in message
    assert "hunter22" not in message
    assert "ops" not in message


def test_the_password_joins_the_url_only_to_connect() -> None:
    url = "postgresql://ops@db.example/sms?sslmode=require"
    location = parse_store_url(url).with_password(WEIRD_PASSWORD)
    assert location.describe() == url
    assert WEIRD_PASSWORD not in repr(location)
    assert location == parse_store_url(url)
    assert conninfo_to_dict(location.connection_url()) == {
        "user": "ops",
        "host": "db.example",
        "dbname": "sms",
        "sslmode": "require",
        "password": WEIRD_PASSWORD,
    }
    assert parse_store_url("postgres://db/sms").with_password(None).connection_url() == (
        "postgres://db/sms"
    )


def test_the_target_is_what_libpq_reaches_with_its_defaults() -> None:
    def target(url: str, **environ: str) -> PostgresTarget:
        return postgres_target(parse_store_url(url), environ, "unixname")

    assert target("postgresql://ops@db.example:6543/sms") == PostgresTarget(
        "db.example", "6543", "sms", "ops"
    )
    assert target("postgresql:///") == PostgresTarget("localhost", "5432", "unixname", "unixname")
    assert target(
        "postgresql://",
        PGHOST="envhost",
        PGPORT="7000",
        PGDATABASE="envdb",
        PGUSER="envuser",
    ) == PostgresTarget("envhost", "7000", "envdb", "envuser")
    # Query parameters win over the URL's parts, as in libpq.
    assert target(
        "postgresql://ops@db/sms?host=%2Frun%2Fpg&user=other&dbname=d2&port=6000&passfile=%2Fp"
    ) == PostgresTarget("/run/pg", "6000", "d2", "other", "/p")
    assert target("postgresql://ops@db1:5432,db2:5433/sms") == PostgresTarget(
        "db1,db2", "5432,5433", "sms", "ops"
    )
    assert target("postgresql://ops@[::1]:6000/sms") == PostgresTarget("::1", "6000", "sms", "ops")
