"""A console's store whose connection the server lost works again without a restart."""

from __future__ import annotations

import psycopg

from console.store.postgres import PostgresStore, schema
from tests.support.postgres_server import scratch_server
from tests.unit.store.test_store_contract import new_message


def terminate_others(url: str) -> None:
    """End every other connection to the database, as a server restart does, and wait
    until they are gone."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def test_a_connection_the_server_ended_is_replaced_before_its_next_use(
    postgres_url: str,
) -> None:
    with PostgresStore(postgres_url) as store:
        store.create_message(new_message("before"))
        terminate_others(postgres_url)

        # The server said so: no use fails to find it out.
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
