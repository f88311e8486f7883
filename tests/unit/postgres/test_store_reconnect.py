"""A console's store whose connection the server lost works again without a restart."""

from __future__ import annotations

import psycopg
import pytest

from console.store.errors import StoreError
from console.store.postgres import PostgresStore, schema
from tests.support.postgres_server import scratch_server
from tests.unit.store.test_store_contract import new_message


def test_a_lost_connection_is_replaced_at_the_next_use(postgres_url: str) -> None:
    with PostgresStore(postgres_url) as store:
        store.create_message(new_message("before"))
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        with pytest.raises(StoreError):
            store.count_messages()  # the use that finds it lost

        store.create_message(new_message("after"))
        assert store.count_messages() == 2


def test_reconnect_after_the_server_restarted() -> None:
    with scratch_server() as server:
        url = server.url(server.create_database())
        with psycopg.connect(url) as conn:
            schema.migrate(conn)
        with PostgresStore(url) as store:
            store.create_message(new_message("before"))
            server.restart()

            store.reconnect()

            assert store.get_message("before") is not None
